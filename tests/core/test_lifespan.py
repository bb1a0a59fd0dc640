from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.routing import Mount
from starlette.testclient import TestClient

from pegboard import App, PluginInfo, Request, RouteDefinitionError, StartupError, hookimpl
from tests.core.sample_plugins import Recorder


def test_user_lifespan_wraps_plugin_startup_and_shutdown():
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        events.append("user:enter")
        yield
        events.append("user:exit")

    app = App(plugins=[Recorder("a", events), Recorder("b", events)], lifespan=lifespan)
    with TestClient(app):
        events.append("serving")
    assert events == [
        "b:configure",
        "a:configure",
        "user:enter",
        "a:startup",
        "b:startup",
        "serving",
        "b:shutdown",
        "a:shutdown",
        "user:exit",
    ]


def test_lifespan_state_reaches_requests():
    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        yield {"db": "connected"}

    app = App(lifespan=lifespan)

    @app.get("/db")
    async def db(request: Request) -> str:
        return request.state.db

    with TestClient(app) as client:
        assert client.get("/db").json() == "connected"


def test_routes_are_compiled_before_plugins_start():
    built: list[bool] = []

    class Checks:
        plugin_info = PluginInfo(name="checks")

        @hookimpl
        def pegboard_startup(self, app: App) -> None:
            built.append(all(route.compiled is not None for route in app.routes))

    app = App(plugins=[Checks()])

    @app.get("/x")
    async def x() -> None:
        return None

    with TestClient(app):
        pass
    assert built == [True]


def test_a_failing_startup_names_the_plugin_and_stops_what_started():
    events: list[str] = []

    class Broken:
        plugin_info = PluginInfo(name="broken")

        @hookimpl
        async def pegboard_startup(self, app: App) -> None:
            raise ConnectionError("cache unreachable")

        @hookimpl
        def pegboard_shutdown(self, app: App) -> None:
            events.append("broken:shutdown")

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        events.append("user:enter")
        try:
            yield
        finally:
            events.append("user:exit")

    app = App(
        plugins=[Recorder("first", events), Broken(), Recorder("last", events)], lifespan=lifespan
    )
    with pytest.raises(StartupError) as info, TestClient(app):
        pass
    assert str(info.value) == (
        "Plugin 'broken' failed during startup: ConnectionError: cache unreachable"
    )
    assert info.value.plugin == "broken"
    assert "last:startup" not in events
    assert "broken:shutdown" not in events
    assert events[-2:] == ["first:shutdown", "user:exit"]


def test_startup_hooks_may_be_plain_functions():
    started: list[str] = []

    class Sync:
        plugin_info = PluginInfo(name="sync")

        @hookimpl
        def pegboard_startup(self, app: App) -> None:
            started.append("sync")

    with TestClient(App(plugins=[Sync()])):
        pass
    assert started == ["sync"]


def test_async_generator_lifespan_is_accepted():
    events: list[str] = []

    async def lifespan(app: App) -> AsyncIterator[None]:
        events.append("enter")
        yield
        events.append("exit")

    with TestClient(App(lifespan=lifespan)):
        pass
    assert events == ["enter", "exit"]


def test_mounted_pegboard_apps_get_their_lifespan_and_state():
    events: list[str] = []

    @asynccontextmanager
    async def sub_lifespan(app: App) -> AsyncIterator[dict[str, str]]:
        events.append("sub:enter")
        yield {"sub": "ready"}
        events.append("sub:exit")

    sub = App(plugins=[Recorder("subplugin", events)], lifespan=sub_lifespan)

    @sub.get("/state")
    async def state(request: Request) -> str:
        return request.state.sub

    main = App(routes=[Mount("/sub", app=sub)])
    with TestClient(main) as client:
        assert client.get("/sub/state").json() == "ready"
    assert events == [
        "subplugin:configure",
        "sub:enter",
        "subplugin:startup",
        "subplugin:shutdown",
        "sub:exit",
    ]


class Ordered:
    """Startup/shutdown marked tryfirst or trylast; records into a shared list."""

    def __init__(self, name: str, events: list[str], **marks: bool) -> None:
        self.plugin_info = PluginInfo(name=name)

        async def started() -> None:
            events.append(f"{name}:started")

        @hookimpl(**marks)
        def pegboard_startup(app: App) -> Any:
            events.append(f"{name}:startup")
            return started()

        @hookimpl(**marks)
        def pegboard_shutdown(app: App) -> None:
            events.append(f"{name}:shutdown")

        self.pegboard_startup = pegboard_startup
        self.pegboard_shutdown = pegboard_shutdown


def test_startup_and_shutdown_honour_tryfirst_and_trylast():
    events: list[str] = []
    app = App(
        plugins=[
            Ordered("early", events),
            Ordered("last", events, trylast=True),
            Ordered("first", events, tryfirst=True),
            Ordered("late", events),
        ]
    )
    with TestClient(app):
        events.append("serving")
    assert events == [
        *("first:startup", "first:started", "early:startup", "early:started"),
        *("late:startup", "late:started", "last:startup", "last:started"),
        "serving",
        *("first:shutdown", "late:shutdown", "early:shutdown", "last:shutdown"),
    ]


def test_startup_wrappers_see_each_plugin_start():
    events: list[str] = []

    class Timer:
        plugin_info = PluginInfo(name="timer")

        @hookimpl(wrapper=True)
        def pegboard_startup(self, app: App) -> Any:
            events.append("wrap:before")
            result = yield
            events.append(f"wrap:after {len(result)}")
            return result

    app = App(plugins=[Timer(), Ordered("a", events), Ordered("b", events)])
    with TestClient(app):
        pass
    assert events == [
        *("wrap:before", "a:startup", "wrap:after 1", "a:started"),
        *("wrap:before", "b:startup", "wrap:after 1", "b:started"),
        *("b:shutdown", "a:shutdown"),
    ]


def test_requirements_start_first_even_when_listed_after():
    events: list[str] = []
    base = Ordered("base", events)
    user = Ordered("user", events)
    user.plugin_info = PluginInfo(name="user", requires=("base",))
    with TestClient(App(plugins=[user, base])):
        pass
    assert events == [
        *("base:startup", "base:started", "user:startup", "user:started"),
        *("user:shutdown", "base:shutdown"),
    ]


def test_sync_generator_lifespan_is_accepted():
    # Deprecated in Starlette but still supported there (issue 22).
    events: list[str] = []

    def lifespan(app: App) -> Iterator[dict[str, str]]:
        events.append("enter")
        yield {"greeting": "hi"}
        events.append("exit")

    app = App(lifespan=lifespan)

    @app.get("/")
    async def home(request: Request) -> str:
        return str(request.state.greeting)

    with TestClient(app) as client:
        assert client.get("/").json() == "hi"
        assert events == ["enter"]
    assert events == ["enter", "exit"]


def test_sync_generator_lifespan_sees_startup_errors_of_plugins():
    seen: list[BaseException] = []

    def lifespan(app: App) -> Iterator[None]:
        try:
            yield
        except BaseException as exc:
            seen.append(exc)
            raise

    class Broken:
        @hookimpl
        def pegboard_startup(self, app: App) -> None:
            raise RuntimeError("no database")

    with pytest.raises(StartupError), TestClient(App(plugins=[Broken()], lifespan=lifespan)):
        pass
    assert len(seen) == 1


def test_a_build_failure_is_reported_to_the_server_as_a_failed_startup() -> None:
    class Thing:
        pass

    app = App()

    @app.get("/")
    async def home(thing: Thing) -> None:
        return None

    received = [{"type": "lifespan.startup"}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return received.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    with pytest.raises(RouteDefinitionError):
        asyncio.run(app(scope, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
    assert str(sent[0]["message"]).startswith("RouteDefinitionError: ")


def test_deprecated_startup_and_shutdown_handlers_run_around_the_app_and_warn() -> None:
    calls: list[str] = []

    async def opened() -> None:
        calls.append("on_startup")

    with pytest.warns(DeprecationWarning, match="lifespan="):
        app = App(on_startup=[opened], on_shutdown=[lambda: calls.append("on_shutdown")])
    with pytest.warns(DeprecationWarning, match=r"\.on_event\(\) is deprecated"):

        @app.on_event("startup")
        def ready() -> None:
            calls.append("on_event startup")

    with pytest.warns(DeprecationWarning, match="on_event"):

        @app.on_event("shutdown")
        async def bye() -> None:
            calls.append("on_event shutdown")

    @app.get("/")
    async def home() -> list[str]:
        return list(calls)

    with TestClient(app) as client:
        assert client.get("/").json() == ["on_startup", "on_event startup"]
    assert calls[2:] == ["on_shutdown", "on_event shutdown"]
    with (
        pytest.warns(DeprecationWarning, match="on_event"),
        pytest.raises(ValueError, match="'startup'"),
    ):
        app.on_event("started")(ready)
