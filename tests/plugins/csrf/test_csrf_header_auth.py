"""CSRF beside the security plugin: requests authenticated by a header need no token.

A browser never adds a Bearer token or an API-key header to a request on its own, so
a forged cross-site request cannot carry one. HTTP Basic credentials and cookies it
does add by itself: those routes keep the check.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import App
from pegboard.descriptions import SecurityDescription
from pegboard_csrf import CSRFToken, csrf, header_credentials
from pegboard_di import Depends, di
from pegboard_security import (
    APIKeyCookie,
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
    security,
)
from pegboard_sessions import Session, sessions

KEY = "k" * 48
BEARER = HTTPBearer()
OPTIONAL_BEARER = HTTPBearer(auto_error=False)
API_KEY = APIKeyHeader(name="X-API-Key")
COOKIE_KEY = APIKeyCookie(name="key")
BASIC = HTTPBasic()


def make_app() -> App:
    app = App(plugins=[di(), security(), sessions(secret_key=KEY), csrf()])

    @app.get("/form")
    async def form(token: CSRFToken, session: Session) -> str:
        session["user"] = "ada"
        return token

    @app.post("/bearer")
    async def with_bearer(
        credentials: Annotated[HTTPAuthorizationCredentials, Depends(BEARER)],
    ) -> str:
        return credentials.credentials

    @app.post("/api-key", security=[API_KEY])
    async def with_api_key() -> str:
        return "ok"

    @app.post("/optional")
    async def optional(
        session: Session,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(OPTIONAL_BEARER)],
    ) -> str:
        # Falls back to the session cookie: exactly what CSRF must still guard.
        return credentials.credentials if credentials else session.get("user", "nobody")

    @app.post("/forced", csrf=True)
    async def forced(credentials: Annotated[Any, Depends(BEARER)]) -> str:
        return "ok"

    @app.post("/basic")
    async def with_basic(credentials: Annotated[HTTPBasicCredentials, Depends(BASIC)]) -> str:
        return credentials.username

    @app.post("/cookie-key", security=[COOKIE_KEY])
    async def with_cookie_key() -> str:
        return "ok"

    return app


@pytest.fixture
def client() -> TestClient:
    client = TestClient(make_app(), base_url="https://testserver")
    client.get("/form")  # the browser has a session cookie now
    return client


def test_a_bearer_request_needs_no_token(client: TestClient) -> None:
    response = client.post("/bearer", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 200
    assert response.json() == "abc"


def test_an_api_key_header_request_needs_no_token(client: TestClient) -> None:
    assert client.post("/api-key", headers={"X-API-Key": "k"}).status_code == 200


def test_without_the_header_or_a_session_cookie_the_scheme_answers_401() -> None:
    cookieless = TestClient(make_app(), base_url="https://testserver")
    assert cookieless.post("/bearer").status_code == 401
    assert cookieless.post("/api-key").status_code == 401


def test_without_the_header_but_with_the_session_cookie_the_token_is_checked(
    client: TestClient,
) -> None:
    response = client.post("/bearer")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF token missing")


def test_optional_header_auth_falling_back_to_the_session_is_still_protected(
    client: TestClient,
) -> None:
    assert client.post("/optional").status_code == 403  # a forged form post
    assert client.post("/optional", headers={"Authorization": "Bearer t"}).json() == "t"
    token = client.get("/form").json()
    assert client.post("/optional", headers={"X-CSRF-Token": token}).json() == "ada"


def test_csrf_true_checks_even_header_authenticated_requests(client: TestClient) -> None:
    bearer = {"Authorization": "Bearer abc"}
    assert client.post("/forced", headers=bearer).status_code == 403
    token = client.get("/form").json()
    assert client.post("/forced", headers={**bearer, "X-CSRF-Token": token}).status_code == 200


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/basic", {"Authorization": "Basic YWRhOnB3"}),
        ("/cookie-key", {"cookie": "key=abc; session={session}"}),
    ],
)
def test_credentials_a_browser_sends_by_itself_keep_the_check(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    # An explicit Cookie header replaces the client's jar: add the session cookie to it.
    headers = {k: v.format(session=client.cookies["session"]) for k, v in headers.items()}
    assert client.post(path, headers=headers).status_code == 403
    token = client.get("/form").json()
    response = client.post(path, headers={**headers, "X-CSRF-Token": token})
    assert response.status_code == 200


def test_header_credentials_reads_the_schemes_descriptions() -> None:
    def described(*schemes: Any) -> list[SecurityDescription]:
        return [SecurityDescription(s.scheme_name, s.openapi_scheme) for s in schemes]

    oauth2 = OAuth2PasswordBearer(tokenUrl="/token")
    assert header_credentials(described(BEARER)) == (("authorization",), True)
    assert header_credentials(described(API_KEY, oauth2)) == (
        ("x-api-key", "authorization"),
        True,
    )
    assert header_credentials(described(BEARER, COOKIE_KEY)) == (("authorization",), False)
    assert header_credentials(described(BASIC)) == ((), False)
    assert header_credentials([]) == ((), False)
