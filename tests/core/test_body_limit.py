"""App(max_body_size=...) does at least what Starlette's app-wide limit does (issue 22).

The limit is Starlette's own middleware, in front of user middleware, so it covers raw
Starlette routes, mounted apps, form uploads and middleware that reads the body;
pegboard routes can still raise or lower it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import App


async def echo(request: Request) -> Response:
    return Response(await request.body())


def test_raw_starlette_routes_are_limited():
    app = App(plugins=[], routes=[Route("/", echo, methods=["POST"])], max_body_size=5)
    client = TestClient(app)
    assert client.post("/", content=b"12345").content == b"12345"
    assert client.post("/", content=b"123456").status_code == 413


def test_streamed_bodies_to_raw_routes_are_limited():
    app = App(plugins=[], routes=[Route("/", echo, methods=["POST"])], max_body_size=5)
    chunks = iter([b"123", b"456"])  # no content-length: counted as it arrives
    assert TestClient(app).post("/", content=chunks).status_code == 413


def test_mounted_apps_are_limited():
    app = App(plugins=[], max_body_size=5)
    app.mount("/sub", Starlette(routes=[Route("/", echo, methods=["POST"])]))
    assert TestClient(app).post("/sub/", content=b"123456").status_code == 413


def test_form_uploads_to_raw_routes_are_limited():
    pytest.importorskip("multipart")

    async def upload(request: Request) -> Response:
        async with request.form() as form:
            return PlainTextResponse(str(len(form)))

    app = App(plugins=[], routes=[Route("/", upload, methods=["POST"])], max_body_size=1000)
    client = TestClient(app)
    assert client.post("/", files={"f": ("a.txt", b"x")}).status_code == 200
    assert client.post("/", files={"f": ("a.txt", b"x" * 5000)}).status_code == 413


class RecordBody:
    """User middleware that reads the whole body before the app sees it."""

    seen: list[bytes]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        RecordBody.seen.append(body)

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def test_limit_runs_before_user_middleware():
    RecordBody.seen = []
    app = App(
        plugins=[],
        routes=[Route("/", echo, methods=["POST"])],
        middleware=[Middleware(RecordBody)],
        max_body_size=5,
    )
    response = TestClient(app).post("/", content=b"123456")
    assert response.status_code == 413
    assert RecordBody.seen == []  # refused before the middleware had the body


def test_no_hang_with_a_body_reading_middleware_in_front():
    # The middleware consumes the body; a server's next receive() waits for the client
    # to disconnect. Starlette answers 413 from the first receive, so must pegboard.
    class ReadBody:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await receive()
            await self.app(scope, receive, send)

    app = App(
        plugins=[],
        routes=[Route("/", echo, methods=["POST"])],
        middleware=[Middleware(ReadBody)],
        max_body_size=5,
    )
    messages = [{"type": "http.request", "body": b"123456", "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # as a server does until the client leaves
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test"), (b"content-length", b"6")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=5))
    assert sent[0]["status"] == 413


def test_pegboard_routes_raise_and_lower_the_app_limit_behind_middleware():
    app = App(plugins=[], max_body_size=10, middleware=[Middleware(_Passthrough)])

    @app.post("/big", max_body_size=100)
    async def big(request: Request) -> int:
        return len(await request.body())

    @app.post("/small", max_body_size=3)
    async def small(request: Request) -> int:
        return len(await request.body())

    @app.post("/unlimited", max_body_size=None)
    async def unlimited(request: Request) -> int:
        return len(await request.body())

    client = TestClient(app)
    assert client.post("/big", content=b"x" * 50).json() == 50
    assert client.post("/big", content=iter([b"x" * 60, b"x" * 60])).status_code == 413
    assert client.post("/small", content=b"x" * 4).status_code == 413
    assert client.post("/small", content=iter([b"xx", b"xx"])).status_code == 413
    assert client.post("/unlimited", content=iter([b"x" * 5000] * 3)).json() == 15000


class _Passthrough:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def test_no_limit_leaves_raw_routes_unlimited():
    app = App(plugins=[], routes=[Route("/", echo, methods=["POST"])], max_body_size=None)
    assert len(TestClient(app).post("/", content=b"x" * 2_000_000).content) == 2_000_000


def test_who_answers_a_body_over_the_app_limit():
    def build(middleware: list[Middleware]) -> TestClient:
        app = App(plugins=[], max_body_size=5, middleware=middleware)

        @app.post("/")
        async def read(request: Request) -> int:
            return len(await request.body())

        return TestClient(app)

    # A pegboard route answers itself, with a JSON detail...
    response = build([]).post("/", content=b"123456")
    assert response.status_code == 413
    assert "limit of 5 bytes" in response.json()["detail"]
    # ...but in front of middleware, Starlette's limit answers first, as in Starlette.
    response = build([Middleware(_Passthrough)]).post("/", content=b"123456")
    assert (response.status_code, response.text) == (413, "Content Too Large")
