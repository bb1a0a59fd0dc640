"""Cached routes behind security schemes: a stored answer never reaches another user.

The credential a security scheme reads is part of what the route reads: unless it is
in the cache key (or, for Authorization, requests carrying it bypass the cache), the
app refuses to start, as for any header or cookie parameter.
"""

from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import App, HTTPException, RouteDefinitionError
from pegboard_caching import CachePolicy, caching
from pegboard_di import Depends, di
from pegboard_security import APIKeyCookie, APIKeyHeader, APIKeyQuery, HTTPBearer, security
from pegboard_validation import validation

USERS = {"k-alice": "alice", "k-bob": "bob"}


def make_app(scheme: Any, cache: Any) -> App:
    app = App(plugins=[validation(), di(), security(), caching()])

    def user(key: Annotated[Any, Depends(scheme)]) -> str:
        credential = getattr(key, "credentials", key)
        if credential not in USERS:
            raise HTTPException(403, "Unknown key.")
        return USERS[credential]

    @app.get("/me", cache=cache)
    async def me(name: Annotated[str, Depends(user)]) -> dict[str, str]:
        return {"user": name}

    return app


@pytest.mark.parametrize(
    ("scheme", "where"),
    [(APIKeyCookie(name="key"), "cookie 'key'"), (APIKeyHeader(name="X-Key"), "header 'X-Key'")],
)
def test_an_unkeyed_credential_is_refused_at_startup(scheme: Any, where: str):
    app = make_app(scheme, 60)
    with (
        pytest.raises(RouteDefinitionError, match=rf"reads the {where}.*not part of"),
        TestClient(app),
    ):
        pass  # pragma: no cover


def test_a_cookie_credential_in_the_key_gives_each_user_their_own_answer():
    app = make_app(APIKeyCookie(name="key"), CachePolicy(60, headers=["cookie"]))
    with TestClient(app) as client:
        client.cookies.set("key", "k-alice")
        assert client.get("/me").json() == {"user": "alice"}
        assert client.get("/me").headers.get("age") is not None  # stored, and hit
        client.cookies.set("key", "k-bob")
        assert client.get("/me").json() == {"user": "bob"}
        client.cookies.clear()
        assert client.get("/me").status_code in (401, 403)


def test_a_header_credential_in_the_key_gives_each_user_their_own_answer():
    app = make_app(APIKeyHeader(name="X-Key"), CachePolicy(60, headers=["x-key"]))
    with TestClient(app) as client:
        assert client.get("/me", headers={"X-Key": "k-alice"}).json() == {"user": "alice"}
        assert client.get("/me", headers={"X-Key": "k-bob"}).json() == {"user": "bob"}
        assert client.get("/me").status_code in (401, 403)


def test_a_query_credential_is_keyed_by_the_query_string():
    app = make_app(APIKeyQuery(name="key"), 60)
    with TestClient(app) as client:
        assert client.get("/me?key=k-alice").json() == {"user": "alice"}
        assert client.get("/me?key=k-bob").json() == {"user": "bob"}
        assert client.get("/me").status_code in (401, 403)


def test_authorization_requests_bypass_the_cache():
    app = make_app(HTTPBearer(), 60)
    with TestClient(app) as client:
        alice = client.get("/me", headers={"Authorization": "Bearer k-alice"})
        bob = client.get("/me", headers={"Authorization": "Bearer k-bob"})
        assert (alice.json(), bob.json()) == ({"user": "alice"}, {"user": "bob"})
        assert bob.headers.get("age") is None
        assert client.get("/me").status_code in (401, 403)


def test_authorized_caching_must_key_on_authorization():
    app = make_app(HTTPBearer(), CachePolicy(60, authorized=True))
    with pytest.raises(RouteDefinitionError, match="header 'Authorization'"), TestClient(app):
        pass  # pragma: no cover
