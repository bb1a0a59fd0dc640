"""Compilation primitives plugins build on: the function scope and App.recompile."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import (
    App,
    ParamInfo,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    hookimpl,
)


class Scoped:
    """Resolves `session` by entering a context manager on the function stack."""

    plugin_info = PluginInfo(name="scoped")

    def __init__(self, events: list[str], fail_on_exit: bool = False) -> None:
        self.events = events
        self.fail_on_exit = fail_on_exit

    @asynccontextmanager
    async def session(self) -> AsyncIterator[str]:
        self.events.append("open")
        try:
            yield "session"
        except Exception as exc:
            self.events.append(f"rollback {type(exc).__name__}")
            raise
        if self.fail_on_exit:
            raise RuntimeError("commit failed")
        self.events.append("commit")

    @hookimpl
    def pegboard_resolve_parameter(self, param: ParamInfo) -> Resolver | None:
        if param.name != "session":
            return None

        async def enter(ctx: RequestContext) -> Any:
            return await ctx.function_exit_stack.enter_async_context(self.session())

        return Resolver(enter)


def make_app(plugin: Scoped) -> App:
    app = App(plugins=[plugin])

    @app.get("/ok")
    async def ok(session: str) -> str:
        plugin.events.append("handler")
        return session

    @app.get("/fail")
    async def fail(session: str) -> str:
        raise ValueError("handler failed")

    return app


def test_function_scope_closes_before_the_response_is_sent():
    events: list[str] = []
    client = TestClient(make_app(Scoped(events)))
    response = client.get("/ok")
    assert response.json() == "session"
    assert events == ["open", "handler", "commit"]


def test_function_scope_failure_becomes_the_error_response():
    events: list[str] = []
    client = TestClient(make_app(Scoped(events, fail_on_exit=True)), raise_server_exceptions=False)
    assert client.get("/ok").status_code == 500
    assert events == ["open", "handler"]


def test_function_scope_sees_the_handler_exception():
    events: list[str] = []
    client = TestClient(make_app(Scoped(events)), raise_server_exceptions=False)
    assert client.get("/fail").status_code == 500
    assert events == ["open", "rollback ValueError"]


class Settings:
    """Resolves `setting` from a mutable table; says so with depends_on."""

    plugin_info = PluginInfo(name="settings")

    def __init__(self) -> None:
        self.table: dict[str, str] = {"colour": "red"}
        self.compiled: list[str] = []

    @hookimpl
    def pegboard_resolve_parameter(self, route: RouteInfo, param: ParamInfo) -> Resolver | None:
        if param.name not in self.table:
            return None
        self.compiled.append(route.path)
        value = self.table[param.name]
        return Resolver(lambda ctx: value, is_async=False, depends_on=[("setting", param.name)])


def test_recompile_compiles_only_the_routes_that_depend_on_the_key():
    plugin = Settings()
    app = App(plugins=[plugin])

    @app.get("/colour")
    async def colour(colour: str) -> str:
        return colour

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    assert app.recompile(("setting", "colour")) == []  # not built: nothing to do
    client = TestClient(app)
    assert client.get("/colour").json() == "red"
    plain_compiled = app.routes[1].compiled  # type: ignore[attr-defined]
    plugin.table["colour"] = "blue"
    recompiled = app.recompile(("setting", "colour"))
    assert [info.path for info in recompiled] == ["/colour"]
    assert client.get("/colour").json() == "blue"
    assert app.routes[1].compiled is plain_compiled  # type: ignore[attr-defined]
    assert app.recompile(("setting", "size")) == []
    assert plugin.compiled == ["/colour", "/colour"]


def test_a_failing_recompile_leaves_every_route_as_it_was():
    plugin = Settings()
    app = App(plugins=[plugin])

    @app.get("/colour")
    async def colour(colour: str) -> str:
        return colour

    client = TestClient(app)
    assert client.get("/colour").json() == "red"
    del plugin.table["colour"]  # compiling /colour now finds nobody to resolve it
    with pytest.raises(RouteDefinitionError):
        app.recompile(("setting", "colour"))
    assert client.get("/colour").json() == "red"
