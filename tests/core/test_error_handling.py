"""Compiled exception handling: every kind of handler, with and without app middleware.

Without middleware the compiled routes answer errors themselves; with middleware
Starlette's stack runs. Each test runs both ways and must see the same answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from pegboard import (
    App,
    HTTPException,
    JSONResponse,
    Request,
    RequestValidationError,
    Response,
    StreamingResponse,
)
from pegboard.dispatch import Dispatcher
from pegboard.error_handling import AnswerError


class Passthrough:
    """Pure ASGI middleware that only counts the calls it sees."""

    calls = 0

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            Passthrough.calls += 1
        await self.app(scope, receive, send)


class Boom(Exception):
    pass


class SubBoom(Boom):
    pass


class SubSubBoom(SubBoom):
    pass


@pytest.fixture(params=["no middleware", "middleware"])
def make_app(request: pytest.FixtureRequest) -> Any:
    with_middleware = request.param == "middleware"

    def make(**kwargs: Any) -> App:
        middleware = [Middleware(Passthrough)] if with_middleware else None
        return App(middleware=middleware, **kwargs)

    make.with_middleware = with_middleware  # type: ignore[attr-defined]
    return make


def client_for(app: App, **kwargs: Any) -> TestClient:
    client = TestClient(app, **kwargs)
    client.__enter__()
    return client


def check_front(app: App, with_middleware: bool) -> None:
    """The app took the path the test means: the dispatcher only without middleware."""
    assert isinstance(app._serve, Dispatcher) is not with_middleware


def test_handler_by_class_and_by_subclass(make_app: Any):
    app = make_app()

    @app.exception_handler(Boom)
    async def boom(request: Request, exc: Exception) -> Response:
        return JSONResponse({"handled": "boom", "type": type(exc).__name__}, status_code=409)

    @app.exception_handler(SubBoom)
    def sub_boom(request: Request, exc: Exception) -> Response:  # sync: thread pool
        return JSONResponse({"handled": "sub", "type": type(exc).__name__}, status_code=410)

    @app.get("/boom/{kind}")
    async def raise_it(kind: str) -> None:
        raise {"base": Boom, "sub": SubBoom, "subsub": SubSubBoom}[kind]()

    client = client_for(app)
    check_front(app, make_app.with_middleware)
    base = client.get("/boom/base")
    assert (base.status_code, base.json()) == (409, {"handled": "boom", "type": "Boom"})
    sub = client.get("/boom/sub")
    assert (sub.status_code, sub.json()) == (410, {"handled": "sub", "type": "SubBoom"})
    # The nearest class in the MRO wins.
    subsub = client.get("/boom/subsub")
    assert (subsub.status_code, subsub.json()) == (410, {"handled": "sub", "type": "SubSubBoom"})


def test_status_handler_wins_over_class_handler_for_http_exceptions(make_app: Any):
    app = make_app()

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"missing": request.url.path}, status_code=404)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"http": exc.status_code}, status_code=exc.status_code)

    @app.get("/raise/{code:int}")
    async def raise_it(code: int) -> None:
        raise HTTPException(code)

    client = client_for(app)
    check_front(app, make_app.with_middleware)
    assert client.get("/raise/404").json() == {"missing": "/raise/404"}
    assert client.get("/nowhere").json() == {"missing": "/nowhere"}  # a route miss too
    teapot = client.get("/raise/418")
    assert (teapot.status_code, teapot.json()) == (418, {"http": 418})


def test_default_http_exception_and_405_are_json(make_app: Any):
    app = make_app()

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout", headers={"x-tea": "earl grey"})

    client = client_for(app)
    response = client.get("/teapot")
    assert response.status_code == 418
    assert response.json() == {"detail": "short and stout"}
    assert response.headers["x-tea"] == "earl grey"
    not_allowed = client.post("/teapot")
    assert not_allowed.status_code == 405
    assert not_allowed.json() == {"detail": "Method Not Allowed"}
    assert set(not_allowed.headers["allow"].split(", ")) == {"GET", "HEAD"}
    missing = client.get("/none")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})


def test_request_validation_error_is_a_422_and_can_be_replaced(make_app: Any):
    app = make_app()

    @app.get("/invalid")
    async def invalid() -> None:
        raise RequestValidationError([{"loc": ("query", "x"), "msg": "bad", "type": "value"}])

    client = client_for(app)
    response = client.get("/invalid")
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["query", "x"], "msg": "bad", "type": "value"}]}

    replaced = make_app()

    @replaced.exception_handler(RequestValidationError)
    async def as_400(request: Request, exc: Exception) -> Response:
        return JSONResponse({"errors": len(exc.errors())}, status_code=400)  # type: ignore[attr-defined]

    replaced.add_api_route("/invalid", invalid)
    answer = client_for(replaced).get("/invalid")
    assert (answer.status_code, answer.json()) == (400, {"errors": 1})


def test_unhandled_error_is_a_json_500_and_still_raised(make_app: Any):
    app = make_app()

    @app.get("/crash")
    async def crash() -> None:
        raise ZeroDivisionError("secret detail")

    @app.get("/crash-sync")
    def crash_sync() -> None:
        raise KeyError("secret")

    quiet = client_for(app, raise_server_exceptions=False)
    check_front(app, make_app.with_middleware)
    for path in ("/crash", "/crash-sync"):
        response = quiet.get(path)
        assert response.status_code == 500
        assert response.json() == {"detail": "Internal Server Error"}
        assert "secret" not in response.text
    # Raised again after the response, so servers log it (and TestClient raises it).
    with pytest.raises(ZeroDivisionError):
        client_for(app).get("/crash")


def test_exception_and_500_handlers_answer_server_errors(make_app: Any):
    for key in (Exception, 500):
        app = make_app()

        async def on_error(request: Request, exc: Exception) -> Response:
            return JSONResponse({"oops": type(exc).__name__, "path": request.url.path}, 503)

        app.add_exception_handler(key, on_error)

        @app.get("/crash")
        async def crash() -> None:
            raise ValueError

        response = client_for(app, raise_server_exceptions=False).get("/crash")
        assert (response.status_code, response.json()) == (
            503,
            {"oops": "ValueError", "path": "/crash"},
        )
        with pytest.raises(ValueError):  # noqa: PT011 - raised bare, no message
            client_for(app).get("/crash")


def test_a_failing_exception_handler_is_a_server_error(make_app: Any):
    app = make_app()

    @app.exception_handler(Boom)
    async def broken(request: Request, exc: Exception) -> Response:
        raise RuntimeError("the handler broke")

    @app.get("/boom")
    async def boom() -> None:
        raise Boom

    response = client_for(app, raise_server_exceptions=False).get("/boom")
    assert (response.status_code, response.json()) == (500, {"detail": "Internal Server Error"})


def test_debug_shows_the_traceback(make_app: Any):
    app = make_app(debug=True)

    @app.get("/crash")
    async def crash() -> None:
        raise ZeroDivisionError("visible in debug")

    client = client_for(app, raise_server_exceptions=False)
    text = client.get("/crash")
    assert text.status_code == 500
    assert text.headers["content-type"].startswith("text/plain")
    assert "ZeroDivisionError" in text.text
    assert "visible in debug" in text.text
    html = client.get("/crash", headers={"accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "visible in debug" in html.text


def test_handlers_get_the_request_the_route_used(make_app: Any):
    app = make_app()
    seen: dict[str, Any] = {}

    @app.exception_handler(Boom)
    async def boom(request: Request, exc: Exception) -> Response:
        return JSONResponse({"same": request is seen["handler"]}, status_code=400)

    @app.get("/boom")
    async def raise_it(request: Request) -> None:
        seen["handler"] = request
        raise Boom

    assert client_for(app).get("/boom").json() == {"same": True}


def test_errors_from_route_middleware_are_answered(make_app: Any):
    class Refuse:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["path"].endswith("/refused"):
                raise HTTPException(403, "refused by route middleware")
            if scope["path"].endswith("/crash"):
                raise ZeroDivisionError
            await self.app(scope, receive, send)

    app = make_app()

    @app.get("/{what}", middleware=[Middleware(Refuse)])
    async def anything(what: str) -> dict[str, str]:
        return {"what": what}

    client = client_for(app, raise_server_exceptions=False)
    assert client.get("/fine").json() == {"what": "fine"}
    refused = client.get("/refused")
    assert (refused.status_code, refused.json()) == (403, {"detail": "refused by route middleware"})
    crash = client.get("/crash")
    assert (crash.status_code, crash.json()) == (500, {"detail": "Internal Server Error"})


def test_middleware_sees_every_request(make_app: Any):
    app = make_app()

    @app.get("/ok")
    async def ok() -> str:
        return "ok"

    before = Passthrough.calls
    client = client_for(app)
    assert client.get("/ok").json() == "ok"
    assert client.get("/missing").status_code == 404
    assert Passthrough.calls - before == (2 if make_app.with_middleware else 0)


def test_route_middleware_sees_handled_errors_as_responses(make_app: Any):
    statuses: list[int] = []

    class Watch:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            async def watch(message: Any) -> None:
                if message["type"] == "http.response.start":
                    statuses.append(message["status"])
                await send(message)

            await self.app(scope, receive, watch)

    app = make_app()

    @app.get("/gone", middleware=[Middleware(Watch)])
    async def gone() -> None:
        raise HTTPException(410, "gone")

    response = client_for(app).get("/gone")
    assert (response.status_code, response.json()) == (410, {"detail": "gone"})
    assert statuses == [410]


class AnswersItself:
    """Route middleware that answers errors itself (AnswersErrors), tracking its sends."""

    asked: list[str] = []

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.answer: AnswerError | None = None

    def answering_errors(self, answer: AnswerError) -> ASGIApp:
        AnswersItself.asked.append("asked")
        self.answer = answer
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def noting(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if scope["path"] == "/refused":
                raise HTTPException(403, "refused by route middleware")
            await self.app(scope, receive, noting)
        except Exception as exc:
            if self.answer is None:
                raise
            await self.answer(exc, scope, receive, send, started)


def test_route_middleware_can_answer_errors_itself(make_app: Any):
    AnswersItself.asked.clear()
    app = make_app()

    @app.exception_handler(Boom)
    async def on_boom(request: Request, exc: Exception) -> Response:
        return JSONResponse({"boom": request.url.path}, 418)

    @app.get("/{what}", middleware=[Middleware(AnswersItself)])
    async def anything(what: str) -> Any:
        if what == "boom":
            raise Boom
        if what == "crash":
            raise ZeroDivisionError("secret")
        if what == "late":

            async def chunks() -> AsyncIterator[bytes]:
                yield b"begun"
                raise Boom

            return StreamingResponse(chunks())
        return {"what": what}

    client = client_for(app, raise_server_exceptions=False)
    # Asked only when nothing else answers errors (the app has no middleware), and
    # then nothing wraps it: the core's per-request send wrapper is spared.
    assert AnswersItself.asked == ([] if make_app.with_middleware else ["asked"])
    assert client.get("/fine").json() == {"what": "fine"}
    refused = client.get("/refused")
    assert (refused.status_code, refused.json()) == (403, {"detail": "refused by route middleware"})
    boom = client.get("/boom")
    assert (boom.status_code, boom.json()) == (418, {"boom": "/boom"})
    crash = client.get("/crash")
    assert (crash.status_code, crash.json()) == (500, {"detail": "Internal Server Error"})
    with pytest.raises(ZeroDivisionError):  # raised again, for servers to log
        client_for(app).get("/crash")
    # Once the response has begun, a handled error cannot be answered any more.
    with pytest.raises(RuntimeError, match="response already started"):
        client_for(app).get("/late")


class CountingFallback:
    """Wraps a dispatcher's fallback (Starlette's stack) to count what reaches it."""

    def __init__(self, app: App) -> None:
        dispatcher = app._serve
        assert isinstance(dispatcher, Dispatcher)
        self.inner = dispatcher.fallback
        self.calls: list[str] = []
        dispatcher.fallback = self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls.append(f"{scope['method']} {scope['path']}")
        await self.inner(scope, receive, send)


def test_404_and_405_are_answered_without_starlettes_stack():
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.routing import Route as StarletteRoute

    from pegboard import PlainTextResponse

    async def raw(request: Request) -> Response:
        return PlainTextResponse("raw")

    app = App(routes=[StarletteRoute("/raw", raw, methods=["GET"])])
    seen: list[Any] = []

    @app.exception_handler(405)
    async def not_allowed(request: Request, exc: Exception) -> Response:
        seen.append((request.scope["route"].path, request.path_params))
        assert type(exc) is StarletteHTTPException  # what Starlette's router raises
        return JSONResponse({"allow": exc.headers["Allow"]}, status_code=405)

    @app.get("/items/{id}")
    async def item(id: str) -> str:
        return id

    @app.get("/slash/")
    async def slash() -> str:
        return "slash"

    client = client_for(app, follow_redirects=False)
    fallback = CountingFallback(app)

    missing = client.get("/nowhere")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})
    assert missing.headers["x-content-type-options"] == "nosniff"
    wrong = client.delete("/items/7")
    assert wrong.status_code == 405
    assert set(wrong.json()["allow"].split(", ")) == {"GET", "HEAD"}
    assert seen == [("/items/{id}", {"id": "7"})]
    assert fallback.calls == []
    # What Starlette would do differently is still Starlette's: a raw route's 405 and
    # a redirect to the path with (or without) the trailing slash.
    assert client.post("/raw").status_code == 405
    redirect = client.get("/slash")
    assert (redirect.status_code, redirect.headers["location"]) == (307, "http://testserver/slash/")
    assert fallback.calls == ["POST /raw", "GET /slash"]


def test_a_router_default_app_still_answers_what_no_route_matches():
    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        await JSONResponse({"default": scope["path"]}, status_code=404)(scope, receive, send)

    app = App()
    app.router.default = default

    @app.get("/here")
    async def here() -> str:
        return "here"

    client = client_for(app)
    assert client.get("/elsewhere").json() == {"default": "/elsewhere"}
    assert client.post("/here").status_code == 405  # a route has the path: still a 405
