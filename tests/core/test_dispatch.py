"""The per-request path: the dispatcher, the lazy Request, and what it leaves to Starlette."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection
from starlette.routing import Route as StarletteRoute
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from pegboard import (
    App,
    JSONResponse,
    PlainTextResponse,
    PluginInfo,
    Request,
    RequestContext,
    Resolver,
    Response,
    hookimpl,
)
from pegboard import resolvers as resolvers_module
from pegboard.dispatch import Dispatcher


class Seen:
    """Resolves parameters named ``seen`` to the request a plugin sees, and records hooks."""

    plugin_info = PluginInfo(name="seen")

    def __init__(self) -> None:
        self.started: list[HTTPConnection] = []
        self.finished: list[HTTPConnection] = []

    @hookimpl
    def pegboard_resolve_parameter(self, app: Any, route: Any, param: Any) -> Resolver | None:
        if param.name != "seen":
            return None
        return Resolver(lambda ctx: ctx.request, is_async=False, label="seen")

    @hookimpl
    def pegboard_request_started(self, app: Any, route: Any, connection: HTTPConnection) -> None:
        self.started.append(connection)

    @hookimpl
    def pegboard_request_finished(
        self, app: Any, route: Any, connection: HTTPConnection, response: Any, exception: Any
    ) -> None:
        self.finished.append(connection)


def test_handler_plugins_and_hooks_share_one_request_object():
    plugin = Seen()
    app = App(plugins=[plugin])
    handed: list[Request] = []

    @app.get("/same")
    async def same(request: Request, seen: Request, again: HTTPConnection) -> dict[str, bool]:
        handed.append(request)
        return {"seen": seen is request, "again": again is request}

    with TestClient(app) as client:
        assert client.get("/same").json() == {"seen": True, "again": True}
        assert client.get("/same").json() == {"seen": True, "again": True}
    assert plugin.started == handed
    assert plugin.finished == handed
    assert handed[0] is not handed[1]  # one per request, not shared between requests


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[Scope]:
    """Records every Request the request context makes."""
    scopes: list[Scope] = []

    class CountingRequest(Request):
        def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
            scopes.append(scope)
            super().__init__(scope, receive, send)

    monkeypatch.setattr(resolvers_module, "Request", CountingRequest)
    return scopes


def test_no_request_object_unless_something_asks(made: list[Scope]):
    app = App()

    @app.get("/items/{item_id:int}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    class Reads:
        plugin_info = PluginInfo(name="reads")

        @hookimpl
        def pegboard_resolve_parameter(self, app: Any, route: Any, param: Any) -> Any:
            if param.name == "q":
                return Resolver(lambda ctx: ctx.query_params.get("q"), is_async=False)
            if param.name == "agent":
                return Resolver(lambda ctx: ctx.headers.get("user-agent"), is_async=False)
            if param.name == "flavour":
                return Resolver(lambda ctx: ctx.cookies.get("flavour"), is_async=False)
            return None

    parts = App(plugins=[Reads()])

    @parts.get("/parts")
    async def read_parts(q: str | None, agent: str | None, flavour: str | None) -> list[Any]:
        return [q, agent, flavour]

    @parts.get("/asks")
    async def asks(request: Request) -> str:
        return request.url.path

    with TestClient(app) as client:
        assert client.get("/items/3").json() == {"id": 3}
    with TestClient(parts) as client:
        answer = client.get("/parts?q=a%20b", headers={"user-agent": "t", "cookie": "flavour=mint"})
        assert answer.json() == ["a b", "t", "mint"]
        assert made == []
        assert client.get("/asks").json() == "/asks"
    assert len(made) == 1


def test_fast_path_scope_matches_starlettes(made: list[Scope]):
    """The keys Starlette's router sets are there: url_for, path params, the route."""
    app = App()

    @app.get("/users/{user_id:int}", name="user")
    async def user(request: Request, user_id: int) -> dict[str, Any]:
        scope = request.scope
        return {
            "url": str(request.url_for("user", user_id=user_id + 1)),
            "params": request.path_params,
            "route": scope["route"].name,
            "endpoint": scope["endpoint"] is user,
            "router": scope["router"] is app.router,
        }

    with TestClient(app) as client:
        assert client.get("/users/7").json() == {
            "url": "http://testserver/users/8",
            "params": {"user_id": 7},
            "route": "user",
            "endpoint": True,
            "router": True,
        }
    assert isinstance(app._serve, Dispatcher)


def test_first_match_wins_across_raw_routes_and_methods():
    async def raw(request: Any) -> PlainTextResponse:
        return PlainTextResponse("raw")

    app = App(routes=[StarletteRoute("/thing/raw", raw)])

    @app.get("/thing/{name}")
    async def thing(name: str) -> str:
        return f"pegboard {name}"

    @app.post("/thing/raw")
    async def post_raw() -> str:
        return "post"

    with TestClient(app) as client:
        assert client.get("/thing/raw").text == "raw"  # listed first: Starlette serves it
        assert client.get("/thing/other").json() == "pegboard other"
        assert client.post("/thing/raw").json() == "post"  # a later full match
        assert client.put("/thing/x").status_code == 405


def test_app_middleware_means_starlettes_stack():
    class Tag:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("state", {})["tag"] = "mw"
            await self.app(scope, receive, send)

    app = App(middleware=[Middleware(Tag)])

    @app.get("/tag")
    async def tag(request: Request) -> str:
        return str(request.state.tag)

    with TestClient(app) as client:
        assert client.get("/tag").json() == "mw"
    assert app._serve is app.middleware_stack


def test_middleware_cannot_be_added_once_built():
    app = App()
    app.build()
    with pytest.raises(RuntimeError, match=r"Add it before app\.build"):
        app.add_middleware(Middleware)


def test_context_wraps_an_existing_connection():
    request = Request({"type": "http", "headers": [(b"x", b"1")], "query_string": b"a=1"})
    ctx = RequestContext(request)
    assert ctx.connection is request
    assert ctx.connection_made
    assert ctx.headers["x"] == "1"
    assert ctx.query_params["a"] == "1"


def test_encoder_output_goes_out_raw_with_the_same_headers_as_a_response():
    app = App()

    @app.get("/raw", status_code=201)
    async def raw() -> dict[str, str]:
        return {"é": "ü"}

    @app.get("/merged")
    async def merged(response: Response) -> dict[str, int]:
        response.headers["x-extra"] = "1"
        response.status_code = 202
        return {"n": 1}

    messages: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        messages.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/raw", "query_string": b"", "headers": []}
    app.build()
    app._start_serving()
    anyio.run(app, scope, receive, send)
    start, body = messages
    expected = JSONResponse({"é": "ü"}, status_code=201)
    assert start["status"] == 201
    # What a JSONResponse sends, and nosniff last, as App(nosniff=True) appends it.
    assert start["headers"] == [*expected.raw_headers, (b"x-content-type-options", b"nosniff")]
    assert body["body"] == expected.body
    with TestClient(app) as client:
        answer = client.get("/merged")
    assert (answer.status_code, answer.headers["x-extra"], answer.json()) == (202, "1", {"n": 1})


def test_query_dict_keeps_the_last_value_like_query_params():
    request = Request({"type": "http", "headers": [], "query_string": b"a=1&a=2&b=%20"})
    ctx = RequestContext.for_scope(request.scope, request.receive, request._send)
    assert ctx.query == {"a": "2", "b": " "}
    assert ctx.query_params.getlist("a") == ["1", "2"]
    assert ctx.query["a"] == request.query_params["a"]


def test_the_lazy_request_is_pegboards_and_bad_json_is_a_400():
    app = App()

    @app.post("/echo")
    async def echo(request: Request) -> Any:
        return {"type": type(request).__module__, "body": await request.json()}

    with TestClient(app) as client:
        ok = client.post("/echo", json={"a": 1})
        assert ok.json() == {"type": "pegboard.requests", "body": {"a": 1}}
        bad = client.post("/echo", content=b"{nope")
        assert bad.status_code == 400
        assert bad.json()["detail"].startswith("Invalid JSON body")


def test_body_read_by_a_resolver_is_what_the_request_reads_later():
    class Body:
        plugin_info = PluginInfo(name="body")

        @hookimpl
        def pegboard_resolve_parameter(self, app: Any, route: Any, param: Any) -> Any:
            if param.name != "raw":
                return None

            async def read(ctx: RequestContext) -> bytes:
                assert not ctx.connection_made
                return await ctx.body()

            return Resolver(read)

    app = App(plugins=[Body()])

    @app.post("/body")
    async def body(raw: bytes, request: Request) -> dict[str, Any]:
        again = await request.body()
        return {"same": again == raw, "size": len(raw), "json": (await request.json())["n"]}

    def chunks() -> Any:
        yield b'{"n": '
        yield b"1" * 10
        yield b"}"

    with TestClient(app) as client:
        answer = client.post("/body", content=chunks())
        assert answer.json() == {"same": True, "size": 17, "json": int("1" * 10)}
        too_big = client.post("/body", content=b"x" * (2 * 1024 * 1024))
        assert too_big.status_code == 413
