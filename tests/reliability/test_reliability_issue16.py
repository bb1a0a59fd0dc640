"""Regression tests of issue 16: findings of an outside review that held before none of these.

One test (or group) per finding: the OpenAPI document cache under many root paths,
scope claims that are not a list of strings, a duplicated API-key cookie, unparsable
JSON read by a handler, background tasks that raise and streams cut short, cancelled
handlers, and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import APIKeyCookie, SecurityScopes, security

from ..conftest import load_module
from .catalogue import JWT_SECRET, token

# -- 2. scope claims are input ----------------------------------------------------------------

#: ``scope`` claims that are neither a space-separated string nor a list of strings.
MALFORMED_SCOPES: dict[str, Any] = {
    "an int": 5,
    "a float": 1.5,
    "true": True,
    "a dict whose keys name the scopes": {"me": 0, "items:read": 0, "items:write": 0},
    "a list with an int": ["me", 5],
    "a list with null": ["me", None],
    "a nested list": [["me"], "items:read"],
    "a list with a dict": ["me", {"items:read": 1}],
    "a dict of lists": {"me": ["items:read"]},
}


@pytest.fixture(scope="module")
def jwt_client() -> Any:
    module = load_module("examples/oauth2_jwt/app.py")
    with TestClient(module.create_app(secret_key=JWT_SECRET), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("claim", MALFORMED_SCOPES.values(), ids=list(MALFORMED_SCOPES))
@pytest.mark.parametrize("path", ["/users/me", "/users/me/items", "/health"])
def test_a_scope_claim_that_is_not_strings_is_refused(jwt_client: Any, claim: Any, path: str):
    response = jwt_client.get(
        path, headers={"authorization": f"Bearer {token({'scope': claim}).decode()}"}
    )
    if path == "/health":  # no token needed
        assert response.status_code == 200
        return
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.json() == {"detail": "Could not validate credentials"}


def test_check_refuses_malformed_granted_scopes_even_when_none_are_required():
    required, none_required = SecurityScopes(["me"]), SecurityScopes()
    for claim in MALFORMED_SCOPES.values():
        for scopes in (required, none_required):
            with pytest.raises(HTTPException) as info:
                scopes.check(claim)
            assert info.value.status_code == 401, claim
    # Well-formed claims still work: a string, a list or a tuple of strings, or none.
    required.check("me other")
    required.check(["other", "me"])
    required.check(("me",))
    none_required.check(None)
    none_required.check("")


def test_a_well_formed_scope_list_claim_is_accepted(jwt_client: Any):
    claims = {"scope": ["me", "items:read"]}
    response = jwt_client.get(
        "/users/me", headers={"authorization": f"Bearer {token(claims).decode()}"}
    )
    assert response.status_code == 200
    response = jwt_client.get(
        "/users/me",
        headers={"authorization": f"Bearer {token({'scope': ['items:read']}).decode()}"},
    )
    assert response.status_code == 403


# -- 3. a duplicated API-key cookie -----------------------------------------------------------


COOKIE_KEY = APIKeyCookie(name="key")


@pytest.fixture(scope="module")
def cookie_client() -> Any:
    app = App(plugins=[di(), security()])

    @app.get("/")
    async def read(key: Annotated[str, Depends(COOKIE_KEY)]) -> str:
        return key

    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    "cookies",
    [
        [b"key=first; key=second"],
        [b"key=same; key=same"],
        [b"key=first;key=second"],
        [b"other=1; key=first; x=2; key=second"],
        [b" key = first ; key=second"],
        [b'key="first"; key=second'],
        [b"key=first", b"key=second"],  # two Cookie headers
    ],
    ids=lambda cookies: " | ".join(c.decode() for c in cookies),
)
def test_an_api_key_cookie_sent_twice_is_malformed(cookie_client: Any, cookies: list[bytes]):
    headers = [(b"cookie", value) for value in cookies]
    response = cookie_client.get("/", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Multiple key cookies"}
    assert response.headers["www-authenticate"] == "APIKey"


@pytest.mark.parametrize(
    ("cookie", "key"),
    [
        (b"key=first", "first"),
        (b"other=1; key=first", "first"),
        (b"key=first; keyx=2; xkey=3", "first"),
        (b'key="first"', "first"),
    ],
)
def test_one_api_key_cookie_is_read(cookie_client: Any, cookie: bytes, key: str):
    response = cookie_client.get("/", headers=[(b"cookie", cookie)])
    assert response.status_code == 200
    assert response.json() == key
