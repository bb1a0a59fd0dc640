"""Raw Starlette middleware works unchanged on a pegboard app."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.httpsredirect import HTTPSRedirectMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import App, Request


def make_app(**kwargs: Any) -> App:
    app = App(**kwargs)

    @app.get("/data")
    async def data() -> dict[str, str]:
        return {"payload": "x" * 1000}

    return app


def test_cors_preflight_and_simple_requests():
    app = make_app()
    app.add_middleware(CORSMiddleware, allow_origins=["https://example.org"], allow_methods=["GET"])
    client = TestClient(app)
    preflight = client.options(
        "/data",
        headers={"origin": "https://example.org", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://example.org"
    simple = client.get("/data", headers={"origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "https://example.org"
    refused = client.get("/data", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in refused.headers


def test_gzip():
    app = make_app(middleware=[Middleware(GZipMiddleware, minimum_size=100)])
    response = TestClient(app).get("/data", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json() == {"payload": "x" * 1000}


def test_sessions():
    app = App(middleware=[Middleware(SessionMiddleware, secret_key="test-secret")])

    @app.post("/login")
    async def login(request: Request) -> str:
        request.session["user"] = "ann"
        return "ok"

    @app.get("/me")
    async def me(request: Request) -> Any:
        return request.session.get("user")

    client = TestClient(app)
    assert client.get("/me").json() is None
    client.post("/login")
    assert client.get("/me").json() == "ann"


def test_trusted_host():
    app = make_app()
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=["good.example"])
    assert TestClient(app, base_url="http://good.example").get("/data").status_code == 200
    assert TestClient(app, base_url="http://bad.example").get("/data").status_code == 400


def test_https_redirect():
    app = make_app()
    app.add_middleware(HTTPSRedirectMiddleware)
    response = TestClient(app, follow_redirects=False).get("/data")
    assert response.status_code in (307, 308)
    assert response.headers["location"].startswith("https://")


class HeaderStamp:
    """A hand-written pure ASGI middleware."""

    def __init__(self, app: ASGIApp, value: str) -> None:
        self.app, self.value = app, value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-stamp", self.value.encode())]
            await send(message)

        await self.app(scope, receive, stamped)


def test_pure_asgi_middleware_and_order():
    # As in Starlette, add_middleware() wraps outside what is already there, so the
    # middleware listed in App(middleware=...) is inner and stamps the response first.
    app = make_app(middleware=[Middleware(HeaderStamp, value="listed")])
    app.add_middleware(HeaderStamp, value="added")
    response = TestClient(app).get("/data")
    assert response.headers.get_list("x-stamp") == ["listed", "added"]


def test_middleware_sees_json_errors_from_the_app():
    app = make_app()
    app.add_middleware(HeaderStamp, value="seen")
    response = TestClient(app).get("/nope")
    assert response.status_code == 404
    assert response.headers["x-stamp"] == "seen"


def test_middleware_cannot_be_added_after_start():
    app = make_app()
    TestClient(app).get("/data")
    with pytest.raises(RuntimeError):
        app.add_middleware(GZipMiddleware)
