"""What a scheme is called with: a bare HTTPConnection for first-party ones, else the Request.

The first-party schemes read only headers, cookies and the query string, so the plugin
hands them an ``HTTPConnection`` on the scope and no ``Request`` is made for them. A
scheme of your own, or a subclass that overrides a method reading the request, gets
the request's ``Request``, the same object as the handler's.
"""

from typing import Annotated, Any

import pytest
from starlette.requests import HTTPConnection

from pegboard import Request
from pegboard.testing import TestClient
from pegboard_di import Depends
from pegboard_security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPAuthorizationCredentials,
    HTTPBase,
    HTTPBasic,
    HTTPBearer,
    HTTPDigest,
    OAuth2,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OpenIdConnect,
    SecurityBase,
    SecurityScopes,
)
from pegboard_security.base import scope_is_enough

from .helpers import basic, secured_app

SCHEMES: list[tuple[SecurityBase, dict[str, Any], Any]] = [
    (HTTPBearer(), {"headers": {"Authorization": "Bearer abc"}}, "abc"),
    (HTTPBasic(), {"headers": {"Authorization": basic("ann", "pw")}}, "ann"),
    (HTTPBase(scheme="token"), {"headers": {"Authorization": "Token t"}}, "t"),
    (HTTPDigest(), {"headers": {"Authorization": "Digest x=1"}}, "x=1"),
    (APIKeyHeader(name="X-Key"), {"headers": {"X-Key": "k"}}, "k"),
    (APIKeyQuery(name="key"), {"params": {"key": "k"}}, "k"),
    (APIKeyCookie(name="key"), {"headers": {"Cookie": "key=k"}}, "k"),
    (OAuth2(), {"headers": {"Authorization": "Bearer abc"}}, "Bearer abc"),
    (OAuth2PasswordBearer("/token"), {"headers": {"Authorization": "Bearer abc"}}, "abc"),
    (
        OAuth2AuthorizationCodeBearer("/authorize", "/token"),
        {"headers": {"Authorization": "Bearer abc"}},
        "abc",
    ),
    (
        OpenIdConnect(openIdConnectUrl="/.well-known"),
        {"headers": {"Authorization": "Bearer abc"}},
        "Bearer abc",
    ),
]


def plain(value: Any) -> Any:
    for attribute in ("username", "credentials"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return value


@pytest.mark.parametrize(("scheme", "request_options", "expected"), SCHEMES)
def test_first_party_schemes_work_without_a_request(
    scheme: SecurityBase,
    request_options: dict[str, Any],
    expected: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Request] = []
    original = Request.__init__

    def counting(self: Request, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Request, "__init__", counting)
    assert scope_is_enough(scheme)
    app = secured_app()

    @app.get("/")
    async def read(value: Annotated[Any, Depends(scheme)]) -> Any:
        return plain(value)

    client = TestClient(app)
    assert client.get("/", **request_options).json() == expected
    assert made == []
    assert client.get("/").status_code == 401  # and no credentials is still refused


class LoggingBearer(HTTPBearer):
    """Keeps HTTPBearer's reading: still needs no Request."""

    def challenge(self, security_scopes: SecurityScopes = SecurityScopes()) -> str:
        return "Bearer realm=logged"


class PathBearer(HTTPBearer):
    """Reads the URL as well: a Request, as before."""

    async def __call__(  # type: ignore[override]
        self, request: HTTPConnection, security_scopes: SecurityScopes = SecurityScopes()
    ) -> HTTPAuthorizationCredentials | None:
        seen.append(request)
        credentials = await super().__call__(request, security_scopes)
        assert credentials is not None
        return HTTPAuthorizationCredentials("Bearer", f"{credentials.credentials}@{request.url}")


class ReadingBearer(HTTPBearer):
    """Overrides the method that reads the header: a Request, as before."""

    def _read(self, request: HTTPConnection, security_scopes: SecurityScopes) -> str | None:
        seen.append(request)
        return request.headers.get("x-token")


class KeyFromState(SecurityBase):
    """A scheme of one's own."""

    def __init__(self) -> None:
        super().__init__()
        self.openapi_scheme = {"type": "apiKey", "name": "state", "in": "header"}

    async def __call__(self, request: Request) -> str:
        seen.append(request)
        return str(request.headers.get("x-key"))


seen: list[Any] = []


def test_which_schemes_need_a_request() -> None:
    assert scope_is_enough(LoggingBearer())
    assert not scope_is_enough(PathBearer())
    assert not scope_is_enough(ReadingBearer())
    assert not scope_is_enough(KeyFromState())


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        (PathBearer(), "abc@http://testserver/"),
        (ReadingBearer(), "t"),
        (KeyFromState(), "k"),
    ],
)
def test_other_schemes_get_the_handlers_request(scheme: Any, expected: str) -> None:
    seen.clear()
    app = secured_app()

    @app.get("/")
    async def read(value: Annotated[Any, Depends(scheme)], request: Request) -> Any:
        assert seen == [request]  # the very object the handler gets
        return plain(value)

    headers = {"Authorization": "Bearer abc", "X-Token": "t", "X-Key": "k"}
    assert TestClient(app).get("/", headers=headers).json() == expected
    assert len(seen) == 1
