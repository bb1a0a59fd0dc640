"""pegboard_route_observer: the final response of a route, seen per request."""

from __future__ import annotations

import contextvars
import gc
import weakref
from typing import Any

import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import (
    App,
    Exchange,
    HTTPException,
    PluginInfo,
    Request,
    RequestValidationError,
    RouteDefinitionError,
    RouteInfo,
    RouteObserver,
    RouteOption,
    hookimpl,
)


class Watcher:
    """Observes the routes with watch=True; records (path, state, status, header)."""

    plugin_info = PluginInfo(
        name="watcher", route_options=(RouteOption("watch", "replace", "Observe it."),)
    )

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any, int | None, str | None, str | None]] = []
        self.started = 0

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver | None:
        if not route.option("watch"):
            return None

        def started(request: Request) -> str:
            self.started += 1
            return f"state-{request.url.path}"

        def finished(exchange: Exchange) -> None:
            error = type(exchange.exception).__name__ if exchange.exception else None
            self.seen.append(
                (
                    route.path,
                    exchange.state,
                    exchange.status_code,
                    exchange.headers.get("x-added"),
                    error,
                )
            )

        return RouteObserver(finished, started=started)


class AddHeader:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def adding(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-added", b"yes")]
            await send(message)

        await self.app(scope, receive, adding)


def make_app(watcher: Watcher) -> App:
    app = App(plugins=[watcher])

    @app.get("/ok", watch=True, middleware=[Middleware(AddHeader)])
    async def ok() -> dict[str, int]:
        return {"a": 1}

    @app.post("/created", watch=True, status_code=201)
    async def created() -> str:
        return "made"

    @app.get("/missing", watch=True)
    async def missing() -> None:
        raise HTTPException(404, "no such thing")

    @app.get("/invalid", watch=True)
    async def invalid() -> None:
        raise RequestValidationError([{"loc": ["query", "q"], "msg": "bad", "type": "x"}])

    @app.get("/crash", watch=True)
    async def crash() -> None:
        raise ValueError("boom")

    @app.get("/unwatched")
    async def unwatched() -> str:
        return "quiet"

    return app


def test_observer_sees_the_status_the_client_gets():
    watcher = Watcher()
    client = TestClient(make_app(watcher), raise_server_exceptions=False)
    statuses = [
        client.get("/ok").status_code,
        client.post("/created").status_code,
        client.get("/missing").status_code,
        client.get("/invalid").status_code,
        client.get("/crash").status_code,
        client.get("/unwatched").status_code,
    ]
    assert statuses == [200, 201, 404, 422, 500, 200]
    assert watcher.seen == [
        ("/ok", "state-/ok", 200, "yes", None),
        ("/created", "state-/created", 201, None, None),
        ("/missing", "state-/missing", 404, None, None),
        ("/invalid", "state-/invalid", 422, None, None),
        ("/crash", "state-/crash", 500, None, "ValueError"),
    ]
    assert watcher.started == 5  # never for /unwatched


def test_custom_exception_handlers_answer_inside_the_observer():
    watcher = Watcher()
    app = make_app(watcher)

    @app.exception_handler(ValueError)
    async def teapot(request: Request, exc: Exception) -> Any:
        from pegboard import PlainTextResponse

        return PlainTextResponse("tea", status_code=418)

    client = TestClient(app)
    assert client.get("/crash").status_code == 418
    assert watcher.seen == [("/crash", "state-/crash", 418, None, None)]


def test_unobserved_routes_are_compiled_as_without_the_plugin():
    watcher = Watcher()
    app = make_app(watcher)
    plain = App()

    @plain.get("/unwatched")
    async def unwatched() -> str:
        return "quiet"

    app.build()
    plain.build()
    routes = {r.path: r for r in app.routes}
    assert routes["/unwatched"].compiled.observers == ()  # type: ignore[attr-defined]
    assert routes["/ok"].compiled.observers != ()  # type: ignore[attr-defined]
    same = type(routes["/unwatched"].app), routes["/unwatched"].app.__qualname__  # type: ignore[attr-defined]
    other = plain.routes[0]
    assert same == (type(other.app), other.app.__qualname__)  # type: ignore[attr-defined]


def test_observer_must_be_a_route_observer():
    class Bad:
        plugin_info = PluginInfo(name="bad")

        @hookimpl
        def pegboard_route_observer(self) -> object:
            return "not an observer"

    app = App(plugins=[Bad()])
    app.add_api_route("/x", lambda: None)
    with pytest.raises(RouteDefinitionError, match="must return a RouteObserver"):
        app.build()


current: contextvars.ContextVar[str] = contextvars.ContextVar("current", default="-")


class Binder:
    """Binds ``current`` for the request and echoes it in a header, as a log plugin would."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.plugin_info = PluginInfo(name=name)
        self.name = name
        self.log = log

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
        def started(request: Request) -> contextvars.Token[str]:
            self.log.append(f"start {self.name}")
            return current.set(f"{self.name}:{request.url.path}")

        def finished(exchange: Exchange) -> None:
            self.log.append(f"finish {self.name} {current.get()} {exchange.status_code}")
            current.reset(exchange.state)

        def headers(token: contextvars.Token[str]) -> list[tuple[bytes, bytes]]:
            return [(f"x-{self.name}".encode(), current.get().encode())]

        return RouteObserver(finished, started=started, response_headers=headers)


def binder_app(*binders: Binder, middleware: bool = False) -> App:
    app = App(plugins=list(binders))
    if middleware:
        app.add_middleware(AddHeader)
    seen = app.state.seen = []

    @app.get("/async")
    async def in_async() -> str:
        seen.append(current.get())
        return current.get()

    @app.get("/sync")
    def in_thread() -> str:
        seen.append(current.get())
        return current.get()

    @app.get("/teapot")
    async def teapot() -> None:
        raise LookupError

    @app.get("/crash")
    async def crash() -> None:
        raise ValueError("boom")

    @app.exception_handler(LookupError)
    async def handle(request: Request, exc: Exception) -> Any:
        from pegboard import PlainTextResponse

        return PlainTextResponse(current.get(), status_code=418)

    return app


def test_a_context_variable_set_in_started_is_seen_by_the_route_and_reset():
    log: list[str] = []
    client = TestClient(binder_app(Binder("a", log)), raise_server_exceptions=False)
    assert client.get("/async").json() == "a:/async"
    assert client.get("/sync").json() == "a:/sync"  # run in the thread pool
    teapot = client.get("/teapot")
    assert (teapot.status_code, teapot.text) == (418, "a:/teapot")
    assert current.get() == "-"
    assert log[-1] == "finish a a:/teapot 418"


def test_finished_runs_in_reverse_so_context_unwinds_in_order():
    log: list[str] = []
    app = binder_app(Binder("outer", log), Binder("inner", log))
    response = TestClient(app).get("/async")
    # pluggy calls the plugin registered last first: "inner" answers first.
    assert log == [
        "start inner",
        "start outer",
        "finish outer outer:/async 200",
        "finish inner inner:/async 200",
    ]
    assert response.json() == "outer:/async"
    assert current.get() == "-"


def test_response_headers_are_added_also_to_errors_answered_inside():
    log: list[str] = []
    client = TestClient(binder_app(Binder("a", log)), raise_server_exceptions=False)
    assert client.get("/async").headers["x-a"] == "a:/async"
    assert client.get("/teapot").headers["x-a"] == "a:/teapot"
    crash = client.get("/crash")
    assert crash.status_code == 500
    assert crash.headers["x-a"] == "a:/crash"
    assert log[-1] == "finish a a:/crash 500"


def test_exchange_headers_include_the_added_ones():
    seen: list[str | None] = []

    class Echo:
        plugin_info = PluginInfo(name="echo")

        @hookimpl
        def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
            return RouteObserver(
                lambda exchange: seen.append(exchange.headers.get("x-id")),
                started=lambda request: "7",
                response_headers=lambda state: [(b"x-id", state.encode())],
            )

    app = App(plugins=[Echo()])
    app.add_api_route("/x", lambda: "ok")
    assert TestClient(app).get("/x").headers["x-id"] == "7"
    assert seen == ["7"]


def test_with_app_middleware_the_500_comes_from_outside_without_the_headers():
    log: list[str] = []
    app = binder_app(Binder("a", log), middleware=True)
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/async").headers["x-a"] == "a:/async"
    crash = client.get("/crash")
    assert crash.status_code == 500
    assert "x-a" not in crash.headers
    assert log[-1] == "finish a a:/crash 500"


class Refuse:
    """Route middleware that refuses the request by raising."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise HTTPException(403, "refused by middleware")


@pytest.mark.parametrize("app_middleware", [False, True])
def test_errors_raised_by_route_middleware_are_seen_as_answered(app_middleware: bool):
    watcher = Watcher()
    app = App(plugins=[watcher])
    if app_middleware:
        app.add_middleware(AddHeader)

    @app.get("/guarded", watch=True, middleware=[Middleware(Refuse)])
    async def guarded() -> str:
        return "never"

    response = TestClient(app).get("/guarded")
    assert response.status_code == 403
    # The observer sees the headers sent, also those app middleware adds on the way out.
    added = "yes" if app_middleware else None
    assert watcher.seen == [("/guarded", "state-/guarded", 403, added, None)]


class Requests:
    """Observes every route, keeping the Request objects it is handed."""

    plugin_info = PluginInfo(name="requests")

    def __init__(self) -> None:
        self.started: list[Request] = []
        self.finished: list[Request] = []

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
        return RouteObserver(
            lambda exchange: self.finished.append(exchange.request),
            started=self.started.append,
        )


class MoreRequests(Requests):
    plugin_info = PluginInfo(name="more_requests")


def test_the_observers_the_handler_and_exception_handlers_share_one_request():
    requests, more = Requests(), MoreRequests()
    app = App(plugins=[requests, more])
    handed: list[Request] = []

    class Refused(Exception):
        pass

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Exception) -> Any:
        from pegboard import JSONResponse

        handed.append(request)
        return JSONResponse({"refused": True}, status_code=409)

    @app.post("/items/{id}")
    async def create(id: str, request: Request) -> dict[str, Any]:
        handed.append(request)
        request.state.seen = True
        if id == "no":
            raise Refused()
        return {"id": id, "body": (await request.body()).decode()}

    @app.get("/plain")
    async def plain() -> str:
        raise Refused()

    client = TestClient(app)
    assert client.post("/items/1", content=b"abc").json() == {"id": "1", "body": "abc"}
    assert requests.started == requests.finished == handed == more.started == more.finished
    assert len(handed) == 1
    assert client.post("/items/no").status_code == 409
    assert requests.started[1] is handed[1] is handed[2] is requests.finished[1]
    assert client.get("/plain").status_code == 409  # no parameters: the same too
    assert requests.started[2] is handed[3] is requests.finished[2]


def test_behind_route_middleware_the_handler_gets_its_own_request():
    # Middleware may change receive or the scope: the handler must read through it.
    requests = Requests()
    app = App(plugins=[requests])
    handed: list[Request] = []

    class Upper:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            async def upper() -> Message:
                message = await receive()
                return {**message, "body": message.get("body", b"").upper()}

            await self.app(scope, upper, send)

    @app.post("/", middleware=[Middleware(Upper)])
    async def echo(request: Request) -> str:
        handed.append(request)
        return (await request.body()).decode()

    client = TestClient(app)
    assert client.post("/", content=b"abc").json() == "ABC"
    assert handed[0] is not requests.started[0]
    assert requests.started[0] is requests.finished[0]
    assert "pegboard.observed_context" not in handed[0].scope  # cleared once done


def test_a_body_over_the_limit_is_refused_on_an_observed_route():
    requests = Requests()
    app = App(plugins=[requests], max_body_size=4)

    @app.post("/")
    async def echo(request: Request) -> str:
        return (await request.body()).decode()

    client = TestClient(app)
    assert client.post("/", content=b"abcd").json() == "abcd"
    assert client.post("/", content=b"abcde").status_code == 413
    assert client.post("/", content=iter([b"abc", b"de"])).status_code == 413


def _drive(app: ASGIApp, path: str) -> list[Message]:
    """Serve one request without an event loop (nothing in it suspends)."""
    sent: list[Message] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
        "scheme": "http",
        "http_version": "1.1",
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    with pytest.raises(StopIteration):
        app(scope, receive, send).send(None)  # type: ignore[attr-defined]
    return sent


@pytest.mark.parametrize("path", ["/ok", "/missing"])
def test_an_observed_request_is_freed_without_the_garbage_collector(path: str):
    # A reference cycle through the request's context (its Request, a send wrapper)
    # keeps the whole scope alive until a collection: measured under uvicorn, 6 µs of
    # CPU per request.
    requests: list[weakref.ref[Request]] = []

    class Keep:
        plugin_info = PluginInfo(name="keep")

        @hookimpl
        def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
            return RouteObserver(
                _ignore, started=lambda request: requests.append(weakref.ref(request))
            )

    app = App(plugins=[Keep()])

    @app.get("/ok")
    async def ok() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no")

    with TestClient(app):  # built and started
        gc.collect()
        gc.disable()
        try:
            sent = _drive(app, path)
            assert sent[0]["status"] in (200, 404)
            assert requests
            assert requests[-1]() is None
        finally:
            gc.enable()


def _ignore(exchange: Exchange) -> None:
    return None
