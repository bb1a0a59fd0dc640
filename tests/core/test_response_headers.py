"""RequestContext.response_headers: headers a guard adds to whatever response goes out."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.testclient import TestClient

from pegboard import (
    App,
    Exchange,
    HTTPException,
    PluginInfo,
    RequestContext,
    RequestValidationError,
    Resolver,
    RouteInfo,
    RouteObserver,
    hookimpl,
)

SHARED = PlainTextResponse("shared")


class Stamp:
    """A plugin whose guard adds ``x-stamp`` to every response of every route."""

    plugin_info = PluginInfo(name="stamp")

    def __init__(self, is_async: bool = False) -> None:
        self.is_async = is_async

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> list[Resolver]:
        def stamp(ctx: RequestContext) -> None:
            ctx.response_headers.append((b"x-stamp", b"1"))
            if ctx.scope["path"] == "/refused":
                raise HTTPException(429, "slow down")
            if ctx.scope["path"] == "/invalid":
                raise RequestValidationError([{"loc": ["query", "n"], "msg": "bad", "type": "x"}])

        async def stamp_async(ctx: RequestContext) -> None:
            stamp(ctx)

        return [Resolver(stamp_async if self.is_async else stamp)]


def make_app(*plugins: object, **options: Any) -> App:
    app = App(plugins=list(plugins), **options)

    @app.get("/raw")
    async def raw() -> dict[str, str]:
        return {"answer": "raw"}

    @app.get("/object")
    async def returned() -> Response:
        return SHARED  # the same object every time: it must not collect headers

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"a", b"b"]))

    @app.get("/refused")
    async def refused() -> dict[str, str]:  # pragma: no cover - the guard refuses
        return {}

    @app.get("/invalid")
    async def invalid() -> dict[str, int]:  # pragma: no cover - always 422 here
        return {}

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no such thing")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return app


@pytest.mark.parametrize("is_async", [False, True])
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/raw", 200),
        ("/object", 200),
        ("/stream", 200),
        ("/refused", 429),
        ("/invalid", 422),
        ("/missing", 404),
        ("/boom", 500),
    ],
)
def test_every_kind_of_response_gets_the_headers(is_async: bool, path: str, status: int):
    with TestClient(make_app(Stamp(is_async)), raise_server_exceptions=False) as client:
        first = client.get(path)
        second = client.get(path)
    assert first.status_code == second.status_code == status
    assert first.headers.get_list("x-stamp") == ["1"]
    # Once per response, however many requests came before.
    assert second.headers.get_list("x-stamp") == ["1"]


def test_a_returned_response_object_is_left_as_it_was():
    with TestClient(make_app(Stamp())) as client:
        client.get("/object")
        client.get("/object")
    assert b"x-stamp" not in dict(SHARED.raw_headers)


def test_route_wrappers_send_them_too():
    def wrapper(handle: Any, route: RouteInfo) -> Any:
        return handle

    with TestClient(make_app(Stamp(), route_wrappers=[wrapper])) as client:
        assert client.get("/raw").headers.get_list("x-stamp") == ["1"]
        assert client.get("/refused").headers.get_list("x-stamp") == ["1"]


class Watch:
    plugin_info = PluginInfo(name="watch")

    def __init__(self) -> None:
        self.seen: list[tuple[int | None, list[str]]] = []

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver:
        def finished(exchange: Exchange) -> None:
            self.seen.append((exchange.status_code, exchange.headers.getlist("x-stamp")))

        return RouteObserver(finished)


@pytest.mark.parametrize("path", ["/raw", "/object", "/refused", "/boom"])
def test_observers_see_the_headers_sent(path: str):
    watch = Watch()
    app = make_app(Stamp(), watch)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
    assert watch.seen == [(response.status_code, ["1"])]
