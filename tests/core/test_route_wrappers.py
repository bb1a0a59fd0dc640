"""route_wrappers=[...]: code around one route's handling, with its request and response."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import (
    App,
    BackgroundTasks,
    HTTPException,
    JSONResponse,
    ParamInfo,
    Request,
    RequestContext,
    Resolver,
    Response,
    RouteDefinitionError,
    RouteHandler,
    RouteInfo,
    Router,
    RouteWrapper,
    hookimpl,
)

CALLS: list[str] = []


def tagged(tag: str):  # type: ignore[no-untyped-def]
    def wrap(handler: RouteHandler, route: RouteInfo) -> RouteHandler:
        CALLS.append(f"built {tag} for {route.path}")

        async def handle(request: Request) -> Response:
            CALLS.append(f"{tag} in")
            response = await handler(request)
            CALLS.append(f"{tag} out")
            response.headers.append("x-wrapped", tag)
            return response

        return handle

    return wrap


def test_wrappers_of_the_app_a_router_and_the_route_nest_outermost_first() -> None:
    CALLS.clear()
    app = App(route_wrappers=[tagged("app")])
    router = Router(prefix="/r", route_wrappers=[tagged("router")])

    @router.get("/x", route_wrappers=[tagged("route")])
    async def handler() -> dict[str, str]:
        CALLS.append("handler")
        return {"ok": "yes"}

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    app.include_router(router)
    with TestClient(app) as client:
        built = list(CALLS)
        CALLS.clear()
        response = client.get("/r/x")
        plain_response = client.get("/plain")
    # Each wrapper is called once per route, when the app is built.
    assert sorted(built) == [
        "built app for /plain",
        "built app for /r/x",
        "built route for /r/x",
        "built router for /r/x",
    ]
    assert CALLS[:4] == ["app in", "router in", "route in", "handler"]
    assert response.json() == {"ok": "yes"}
    assert response.headers.get_list("x-wrapped") == ["route", "router", "app"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert plain_response.headers.get_list("x-wrapped") == ["app"]


class GzipRequest(Request):
    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            body = await super().body()
            if "gzip" in self.headers.getlist("Content-Encoding"):
                body = gzip.decompress(body)
            self._body = body
        return self._body


class GzipRoute(RouteWrapper):
    """FastAPI's APIRoute shape: override get_route_handler, call super()'s."""

    def get_route_handler(self) -> RouteHandler:
        original = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await original(GzipRequest(request.scope, request.receive))

        return handle


def test_a_wrapper_class_hands_the_route_a_request_of_its_own_class() -> None:
    app = App()
    # Set on the router after it is made, as a ported `app.router.route_class = X` is.
    app.router.route_options["route_wrappers"] = [GzipRoute]

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, str]:
        return {"class": type(request).__name__, "body": (await request.body()).decode()}

    with TestClient(app) as client:
        packed = client.post(
            "/echo", content=gzip.compress(b"hello"), headers={"Content-Encoding": "gzip"}
        )
        raw = client.post("/echo", content=b"plain")
    assert packed.json() == {"class": "GzipRequest", "body": "hello"}
    assert raw.json() == {"class": "GzipRequest", "body": "plain"}


def test_a_wrapper_sees_the_routes_errors_and_unhandled_ones_reach_the_handlers() -> None:
    def explain(handler: RouteHandler, route: RouteInfo) -> RouteHandler:
        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as exc:
                if exc.status_code == 404:
                    return JSONResponse({"caught": exc.detail}, status_code=410)
                raise HTTPException(400, {"wrapped": exc.detail}) from exc

        return handle

    app = App(route_wrappers=[explain])

    @app.get("/gone")
    async def gone() -> None:
        raise HTTPException(404, "no")

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        gone_response = client.get("/gone")
        teapot_response = client.get("/teapot")
        boom_response = client.get("/boom")
    assert (gone_response.status_code, gone_response.json()) == (410, {"caught": "no"})
    assert (teapot_response.status_code, teapot_response.json()) == (
        400,
        {"detail": {"wrapped": "short and stout"}},
    )
    assert (boom_response.status_code, boom_response.json()) == (
        500,
        {"detail": "Internal Server Error"},
    )


def test_a_wrapper_that_returns_no_handler_is_a_build_error() -> None:
    app = App()

    @app.get("/x", route_wrappers=[lambda handler, route: None])
    async def x() -> None: ...

    with pytest.raises(RouteDefinitionError, match="returns an async function of the request"):
        app.build()


def test_a_wrapped_handler_that_returns_no_response_is_a_500() -> None:
    def broken(handler: RouteHandler, route: RouteInfo) -> RouteHandler:
        async def handle(request: Request) -> Response:
            await handler(request)
            return "not a response"  # type: ignore[return-value]

        return handle

    app = App(route_wrappers=[broken])

    @app.get("/x")
    async def x() -> str:
        return "x"

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/x").status_code == 500


class _Closing:
    """A parameter whose teardown is on the request's exit stack."""


class _ClosingPlugin:
    @hookimpl
    def pegboard_resolve_parameter(self, app: App, route: RouteInfo, param: ParamInfo) -> Any:
        if param.type is not _Closing:
            return None

        async def resolve(ctx: RequestContext) -> _Closing:
            async def close() -> None:
                CALLS.append("teardown")

            ctx.exit_stack.push_async_callback(close)
            return _Closing()

        return Resolver(resolve, is_async=True)


def test_a_wrapped_route_runs_background_tasks_and_teardowns_after_the_response() -> None:
    CALLS.clear()
    app = App(plugins=[_ClosingPlugin()], route_wrappers=[tagged("app")])

    @app.get("/work")
    async def work(resource: _Closing, tasks: BackgroundTasks, response: Response) -> str:
        response.headers["x-handler"] = "set"
        tasks.add_task(CALLS.append, "background")
        return "done"

    @app.get("/fail")
    async def fail(resource: _Closing) -> None:
        raise HTTPException(409, "conflict")

    with TestClient(app) as client:
        done = client.get("/work")
        assert CALLS[-3:] == ["app out", "background", "teardown"]
        failed = client.get("/fail")
        assert CALLS[-1] == "teardown"
    assert (done.json(), done.headers["x-handler"]) == ("done", "set")
    assert failed.status_code == 409
