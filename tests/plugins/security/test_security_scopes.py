"""Security(...) and SecurityScopes: scopes along chains, caching, challenges, 401 vs 403."""

from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import HTTPException, Request
from pegboard_di import Depends, overrides
from pegboard_security import OAuth2PasswordBearer, Security, SecurityScopes

from .helpers import secured_app

oauth2 = OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "You", "items": "Your items"})

# token -> the scopes it grants
TOKENS = {"all": ["me", "items"], "me-only": ["me"], "none": []}


async def current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2)]
) -> dict[str, Any]:
    if token not in TOKENS:
        raise security_scopes.invalid_token()
    security_scopes.check(TOKENS[token])
    return {"token": token, "required": list(security_scopes.scopes)}


async def active_user(
    user: Annotated[dict[str, Any], Security(current_user, scopes=["me"])],
) -> dict[str, Any]:
    return user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client() -> Any:
    app = secured_app()

    @app.get("/me")
    async def me(user: Annotated[dict[str, Any], Security(active_user)]) -> Any:
        return user

    @app.get("/items")
    async def items(
        user: Annotated[dict[str, Any], Security(active_user, scopes=["items"])],
    ) -> Any:
        return user

    @app.get("/status")
    async def status(user: Annotated[dict[str, Any], Depends(current_user)]) -> Any:
        return user

    with TestClient(app) as test_client:
        yield test_client


def test_scopes_add_up_along_the_chain_outermost_first(client: TestClient) -> None:
    assert client.get("/items", headers=bearer("all")).json() == {
        "token": "all",
        "required": ["items", "me"],
    }
    assert client.get("/me", headers=bearer("all")).json()["required"] == ["me"]
    assert client.get("/status", headers=bearer("none")).json()["required"] == []


def test_missing_token_is_401_with_the_scopes_in_the_challenge(client: TestClient) -> None:
    response = client.get("/items")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer scope="items me"'
    assert client.get("/status").headers["www-authenticate"] == "Bearer"


def test_invalid_token_is_401_invalid_token(client: TestClient) -> None:
    response = client.get("/items", headers=bearer("forged"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Could not validate credentials"}
    assert response.headers["www-authenticate"] == (
        'Bearer error="invalid_token", scope="items me"'
    )


def test_valid_token_without_the_scopes_is_403_insufficient_scope(client: TestClient) -> None:
    response = client.get("/items", headers=bearer("me-only"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Not enough permissions"}
    assert response.headers["www-authenticate"] == (
        'Bearer error="insufficient_scope", scope="items me"'
    )
    assert client.get("/me", headers=bearer("me-only")).status_code == 200


def test_security_scopes_helpers() -> None:
    scopes = SecurityScopes(["a", "b:read", "a"])
    assert scopes.scopes == ("a", "b:read")
    assert scopes.scope_str == "a b:read"
    assert scopes.challenge() == 'Bearer scope="a b:read"'
    assert SecurityScopes().challenge("invalid_token") == 'Bearer error="invalid_token"'
    assert SecurityScopes().challenge() == "Bearer"
    scopes.check(["b:read", "a", "extra"])
    scopes.check("a b:read extra")
    SecurityScopes().check(None)
    for granted in (["a"], "a", None):
        with pytest.raises(HTTPException) as info:
            scopes.check(granted)
        assert info.value.status_code == 403
    for malformed in ([None, 3], 5, {"a": 1, "b:read": 1}):  # not a token's scopes: 401
        with pytest.raises(HTTPException) as info:
            scopes.check(malformed)  # type: ignore[arg-type]
        assert info.value.status_code == 401
    error = scopes.invalid_token("Token expired")
    assert (error.status_code, error.detail) == (401, "Token expired")


def test_security_marker_repr_and_equality() -> None:
    assert repr(Security(current_user, scopes=["me"])) == "Security(current_user, scopes=['me'])"
    assert repr(Security(current_user)) == "Security(current_user)"
    assert repr(Security(scopes=["me"], use_cache=False)) == (
        "Security(use_cache=False, scopes=['me'])"
    )
    assert Security(current_user, scopes=("me",)) == Security(current_user, scopes=["me"])
    assert Security(current_user, scopes=["me"]) != Security(current_user, scopes=["items"])
    assert Security(current_user, scopes=None).scopes == ()


def test_values_that_depend_on_scopes_are_cached_per_scopes_others_once() -> None:
    calls: list[str] = []

    async def get_db() -> str:
        calls.append("db")
        return "db"

    async def scheme_user(
        security_scopes: SecurityScopes, db: Annotated[str, Depends(get_db)]
    ) -> tuple[str, ...]:
        calls.append("user " + security_scopes.scope_str)
        return security_scopes.scopes

    async def uses_user(user: Annotated[tuple[str, ...], Depends(scheme_user)]) -> tuple[str, ...]:
        calls.append("uses_user")
        return user

    async def plain(db: Annotated[str, Depends(get_db)]) -> str:
        calls.append("plain")
        return db

    app = secured_app()

    @app.get("/x")
    async def handler(
        a: Annotated[tuple[str, ...], Security(scheme_user, scopes=["a"])],
        b: Annotated[tuple[str, ...], Security(scheme_user, scopes=["b"])],
        a_again: Annotated[tuple[str, ...], Security(uses_user, scopes=["a"])],
        unscoped: Annotated[tuple[str, ...], Depends(scheme_user)],
        db: Annotated[str, Depends(get_db)],
        in_a_chain: Annotated[str, Security(plain, scopes=["c"])],
        in_b_chain: Annotated[str, Security(plain, scopes=["c"])],
    ) -> Any:
        return [a, b, a_again, unscoped, db, in_a_chain, in_b_chain]

    with TestClient(app) as client:
        assert client.get("/x").json() == [["a"], ["b"], ["a"], [], "db", "db", "db"]
    # scheme_user runs once per set of scopes; get_db, which reads none, once in all;
    # plain has scopes of its own, so it is cached per scopes (one set here).
    assert sorted(calls) == sorted(["db", "user a", "user b", "uses_user", "user ", "plain"])


def test_cache_keys_follow_overrides() -> None:
    async def reads_scopes(security_scopes: SecurityScopes) -> str:
        return security_scopes.scope_str

    calls: list[str] = []

    async def original() -> str:
        calls.append("original")
        return "original"

    async def outer(value: Annotated[str, Depends(original)]) -> str:
        return value

    app = secured_app()

    @app.get("/x")
    async def handler(
        a: Annotated[str, Security(outer, scopes=["a"])],
        b: Annotated[str, Security(outer, scopes=["b"])],
    ) -> Any:
        return [a, b]

    with TestClient(app) as client:
        assert client.get("/x").json() == ["original", "original"]
        assert calls == ["original"]
        overrides(app)[original] = reads_scopes
        assert client.get("/x").json() == ["a", "b"]


def test_a_scheme_called_directly_has_no_scopes() -> None:
    scopes_seen: list[Any] = []

    class Recording(OAuth2PasswordBearer):
        async def __call__(  # type: ignore[override]
            self, request: Request, security_scopes: SecurityScopes = SecurityScopes()
        ) -> str | None:
            scopes_seen.append(security_scopes.scopes)
            return await super().__call__(request)

    scheme = Recording(tokenUrl="token")
    app = secured_app()

    @app.get("/x")
    async def handler(request: Request) -> Any:
        return await scheme(request)

    @app.get("/y")
    async def via_di(token: Annotated[str, Security(scheme, scopes=["s"])]) -> Any:
        return token

    with TestClient(app) as client:
        assert client.get("/x", headers=bearer("t")).json() == "t"
        response = client.get("/x")
        assert response.headers["www-authenticate"] == "Bearer"
        assert client.get("/y", headers=bearer("t")).json() == "t"
    assert scopes_seen == [(), (), ("s",)]


def test_a_dependency_is_cached_per_scopes_when_something_below_reads_them() -> None:
    calls: list[str] = []

    async def reader(security_scopes: SecurityScopes) -> str:
        return security_scopes.scope_str

    async def settings() -> str:
        calls.append("settings")
        return "settings"

    async def leaf() -> str:
        return "leaf"

    async def middle(
        request: Request,
        config: Annotated[str, Depends(settings, scope="app")],
        scopes: Annotated[str, Depends(reader)],
    ) -> str:
        calls.append("middle " + scopes)
        return scopes

    async def wrapper(value: Annotated[str, Security(leaf, scopes=["w"])]) -> str:
        calls.append("wrapper")
        return value

    async def outer(
        value: Annotated[str, Depends(middle)], wrapped: Annotated[str, Depends(wrapper)]
    ) -> str:
        return value

    async def needs_x(value: Annotated[str, Security(leaf, scopes=["x"])]) -> str:
        calls.append("needs_x")
        return value

    app = secured_app()

    @app.get("/x")
    async def handler(
        a: Annotated[str, Security(outer, scopes=["a"])],
        b: Annotated[str, Security(outer, scopes=["b"])],
        plain: Annotated[str, Depends(middle)],
        x_in_a: Annotated[str, Security(needs_x, scopes=["a"])],
        x_in_b: Annotated[str, Security(needs_x, scopes=["b"])],
    ) -> Any:
        return [a, b, plain, x_in_a, x_in_b]

    with TestClient(app) as client:
        assert client.get("/x").json() == ["a", "b", "", "leaf", "leaf"]
    # middle reads scopes through reader, wrapper asks for scopes of its own: both run
    # once per set of scopes. The app-scoped settings is created once.
    expected = ["settings", "middle a", "middle b", "middle ", "wrapper", "wrapper"]
    assert sorted(calls) == sorted([*expected, "needs_x", "needs_x"])


def test_reprs() -> None:
    from pegboard_security.scopes import RequiredScopes

    assert repr(oauth2) == "OAuth2PasswordBearer(scheme_name='OAuth2PasswordBearer')"
    assert repr(RequiredScopes()) == "RequiredScopes()"
