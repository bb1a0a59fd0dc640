from __future__ import annotations

import importlib.util
from importlib.metadata import EntryPoint
from typing import Any

import pluggy
import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from pegboard import (
    App,
    BackgroundTasks,
    Encoder,
    PlainTextResponse,
    PluginError,
    PluginInfo,
    Request,
    RequestContext,
    Resolver,
    Response,
    RouteDefinitionError,
    RouteOption,
    hookimpl,
)
from pegboard import plugins as plugins_module
from tests.core.sample_plugins import Recorder, Tagger, tagger


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> dict[str, EntryPoint]:
    """Pretend some plugins are installed under the pegboard.plugins group."""
    fake = {
        "tagger": EntryPoint("tagger", "tests.core.sample_plugins:tagger", "pegboard.plugins"),
        "broken": EntryPoint("broken", "no_such_module_xyz:plugin", "pegboard.plugins"),
    }
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    return fake


def test_plugins_enabled_as_objects_are_listed_in_order():
    app = App(plugins=[Recorder("one"), Recorder("two")])
    assert app.plugins == ["one", "two"]


def test_plugins_enabled_by_entry_point_name(installed: dict[str, EntryPoint]):
    app = App(plugins=["tagger"])
    assert app.plugins == ["tagger"]

    @app.get("/x", flavour="mint")
    async def handler() -> None:
        return None

    assert app.routes[0].info.options["flavour"] == "mint"  # type: ignore[attr-defined]


def test_unknown_plugin_name_lists_what_is_installed(installed: dict[str, EntryPoint]):
    with pytest.raises(
        PluginError, match=r"No installed plugin is named 'nope' \(installed: broken, tagger\)"
    ):
        App(plugins=["nope"])


def test_passing_the_factory_instead_of_calling_it_is_explained():
    with pytest.raises(PluginError, match=r"calling its factory: App\(plugins=\[tagger\(\)\]\)"):
        App(plugins=[tagger])


def test_duplicate_plugin_names_are_refused():
    with pytest.raises(PluginError, match="both named 'same'"):
        App(plugins=[Recorder("same"), Recorder("same")])


def test_missing_required_plugin_names_it():
    with pytest.raises(PluginError) as info:
        App(plugins=[Recorder("security", requires=("di",))])
    assert str(info.value) == (
        "Plugin 'security' requires 'di', which is not enabled. "
        "Add di() to App(plugins=[...]), before security()."
    )


def test_required_plugins_are_registered_first():
    events: list[str] = []
    app = App(
        plugins=[
            Recorder("security", events, requires=("di",)),
            Recorder("di", events),
        ]
    )
    assert app.plugins == ["di", "security"]
    with TestClient(app):
        pass
    assert [e for e in events if "startup" in e] == ["di:startup", "security:startup"]
    assert [e for e in events if "shutdown" in e] == ["security:shutdown", "di:shutdown"]


def test_requirement_cycles_are_refused():
    with pytest.raises(PluginError, match="cycle: a -> b -> a"):
        App(plugins=[Recorder("a", requires=("b",)), Recorder("b", requires=("a",))])


def test_misspelt_hook_fails_at_startup():
    class Typo:
        plugin_info = PluginInfo(name="typo")

        @hookimpl
        def pegboard_startpu(self, app: Any) -> None:
            return None

    with pytest.raises(PluginError, match="pegboard_startpu"):
        App(plugins=[Typo()])


def test_unmarked_pegboard_functions_are_hooks_other_attributes_are_ignored():
    calls: list[str] = []

    class Plain:
        plugin_info = PluginInfo(name="plain")
        helper_value = 3

        def pegboard_configure(self, app: Any) -> None:
            calls.append("configure")

        def not_a_hook(self) -> None:
            raise AssertionError

    App(plugins=[Plain()])
    assert calls == ["configure"]


def test_plugin_without_info_gets_a_name():
    class Anonymous:
        pass

    assert App(plugins=[Anonymous()]).plugins == ["Anonymous"]


def test_unknown_option_names_the_installed_plugin_that_declares_it(
    installed: dict[str, EntryPoint],
):
    app = App()
    with pytest.raises(RouteDefinitionError) as info:
        app.add_api_route("/x", lambda: None, flavour="mint")
    assert str(info.value) == (
        "Route GET /x uses option 'flavour', which no enabled plugin declares. "
        "Enable the plugin that reads it: App(plugins=[tagger()])."
    )


class SpecPlugin:
    """Adds a hook of its own, which another plugin implements."""

    plugin_info = PluginInfo(name="spec")

    class Specs:
        @pluggy.HookspecMarker("pegboard")
        def pegboard_spec_greet(self, name: str) -> str:  # type: ignore[empty-body]
            """Return a greeting."""

    @hookimpl
    def pegboard_add_hookspecs(self, pluginmanager: Any) -> None:
        pluginmanager.add_hookspecs(self.Specs)


class Greeter:
    plugin_info = PluginInfo(name="greeter")

    @hookimpl(optionalhook=True)
    def pegboard_spec_greet(self, name: str) -> str:
        return f"hello {name}"


def test_plugins_add_hookspecs_in_any_order():
    for plugins in ([SpecPlugin(), Greeter()], [Greeter(), SpecPlugin()]):
        app = App(plugins=plugins)
        assert app.plugin_manager.hook.pegboard_spec_greet(name="x") == ["hello x"]


def test_optional_hook_of_a_missing_plugin_is_fine():
    assert App(plugins=[Greeter()]).plugins == ["greeter"]


def test_configure_can_add_routes_and_route_added_sees_merged_options():
    seen: list[Any] = []

    class Adds:
        plugin_info = PluginInfo(name="adds")

        @hookimpl
        def pegboard_configure(self, app: App) -> None:
            app.add_api_route("/health", self.health, include_in_schema=False)

        async def health(self) -> str:
            return "ok"

        @hookimpl
        def pegboard_route_added(self, app: App, route: Any) -> None:
            seen.append((route.path, route.options))

    app = App(plugins=[Adds()], tags=["a"])

    @app.get("/x", tags=["b"])
    async def x() -> None:
        return None

    assert TestClient(app).get("/health").json() == "ok"
    assert seen[1] == (
        "/x",
        {
            "tags": ["a", "b"],
            "max_body_size": 1048576,
            "response_class": seen[1][1]["response_class"],
        },
    )


class Upper:
    """Resolves parameters named 'shout' from the query, upper-cased, and describes them."""

    plugin_info = PluginInfo(name="upper")

    @hookimpl
    def pegboard_resolve_parameter(self, app: Any, route: Any, param: Any) -> Resolver | None:
        if param.name != "shout":
            return None

        def resolve(ctx: RequestContext) -> str:
            return ctx.request.query_params.get("shout", "").upper()

        return Resolver(resolve, label="upper")


def test_a_plugin_resolves_parameters_before_the_core():
    app = App(plugins=[Upper()])

    @app.get("/s")
    async def s(shout: str) -> str:
        return shout

    assert TestClient(app).get("/s?shout=hey").json() == "HEY"
    assert app.routes[0].compiled.arguments["shout"].label == "upper"  # type: ignore[attr-defined]


def test_async_resolvers_are_awaited():
    class AsyncBody:
        plugin_info = PluginInfo(name="asyncbody")

        @hookimpl
        def pegboard_resolve_parameter(self, app: Any, route: Any, param: Any) -> Resolver | None:
            if param.name != "raw":
                return None

            async def resolve(ctx: RequestContext) -> bytes:
                return await ctx.request.body()

            return Resolver(resolve)

    app = App(plugins=[AsyncBody()])

    @app.post("/echo")
    async def echo(raw: bytes) -> int:
        return len(raw)

    assert TestClient(app).post("/echo", content=b"abcd").json() == 4


def test_a_plugin_returning_a_non_resolver_is_caught():
    class Wrong:
        plugin_info = PluginInfo(name="wrong")

        @hookimpl
        def pegboard_resolve_parameter(self, app: Any, route: Any, param: Any) -> Any:
            return "not a resolver"

    app = App(plugins=[Wrong()])
    app.add_api_route("/x", lambda y: None)
    with pytest.raises(RouteDefinitionError, match="must return a Resolver or None"):
        app.build()


def test_guards_run_before_the_handler_and_can_refuse():
    from pegboard import HTTPException

    class Guard:
        plugin_info = PluginInfo(name="guard", route_options=(RouteOption("needs_key"),))

        @hookimpl
        def pegboard_route_guards(self, app: Any, route: Any) -> list[Resolver] | None:
            if not route.option("needs_key"):
                return None

            def check(ctx: RequestContext) -> None:
                if ctx.request.headers.get("x-key") != "k":
                    raise HTTPException(401, "key required")

            return [Resolver(check)]

    calls: list[str] = []
    app = App(plugins=[Guard()])

    @app.get("/open")
    async def open_route() -> str:
        calls.append("open")
        return "open"

    @app.get("/closed", needs_key=True)
    async def closed() -> str:
        calls.append("closed")
        return "closed"

    client = TestClient(app)
    assert client.get("/open").json() == "open"
    assert client.get("/closed").status_code == 401
    assert client.get("/closed", headers={"x-key": "k"}).json() == "closed"
    assert calls == ["open", "closed"]


def test_a_plugin_can_replace_the_encoder():
    class Shouting:
        plugin_info = PluginInfo(name="shouting")

        @hookimpl
        def pegboard_encode_response(self, app: Any, route: Any) -> Encoder:
            return Encoder(lambda value: PlainTextResponse(str(value).upper()))

    app = App(plugins=[Shouting()])

    @app.get("/x")
    async def x() -> str:
        return "quiet"

    @app.get("/r")
    async def r() -> PlainTextResponse:
        return PlainTextResponse("untouched")

    client = TestClient(app)
    assert client.get("/x").text == "QUIET"
    assert client.get("/r").text == "untouched"


def test_route_middleware_wraps_only_that_route_first_outermost():
    order: list[str] = []

    class Mark:
        def __init__(self, app: Any, label: str) -> None:
            self.app, self.label = app, label

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            order.append(self.label)
            await self.app(scope, receive, send)

    class Wrapping:
        plugin_info = PluginInfo(name="wrapping", route_options=(RouteOption("marked"),))

        @hookimpl
        def pegboard_route_middleware(self, app: Any, route: Any) -> list[Middleware] | None:
            if not route.option("marked"):
                return None
            return [Middleware(Mark, label="outer"), Middleware(Mark, label="inner")]

    app = App(plugins=[Wrapping()])

    @app.get("/plain")
    async def plain() -> int:
        return 1

    @app.get("/marked", marked=True)
    async def marked() -> int:
        return 2

    client = TestClient(app)
    assert client.get("/plain").json() == 1
    assert order == []
    assert client.get("/marked").json() == 2
    assert order == ["outer", "inner"]


def test_per_request_hooks_fire_only_when_implemented():
    seen: list[tuple[str, Any]] = []

    class Tracer:
        plugin_info = PluginInfo(name="tracer")

        @hookimpl
        def pegboard_request_started(self, app: Any, route: Any, connection: Any) -> None:
            seen.append(("start", route.path))

        @hookimpl
        def pegboard_request_finished(
            self, app: Any, route: Any, connection: Any, response: Any, exception: Any
        ) -> None:
            status = response.status_code if response is not None else None
            seen.append(("finish", (status, type(exception).__name__ if exception else None)))

    app = App(plugins=[Tracer()])

    @app.get("/ok")
    async def ok() -> int:
        return 1

    @app.get("/fail")
    async def fail() -> None:
        raise ValueError

    client = TestClient(app, raise_server_exceptions=False)
    client.get("/ok")
    client.get("/fail")
    assert seen == [
        ("start", "/ok"),
        ("finish", (200, None)),
        ("start", "/fail"),
        ("finish", (None, "ValueError")),
    ]


def test_serving_requests_makes_no_hook_calls(monkeypatch: pytest.MonkeyPatch):
    """The hot-path rule: after the app is built, requests never reach pluggy."""

    app = App(plugins=[Recorder("rec"), Upper()])

    @app.get("/items/{item_id:int}")
    async def item(item_id: int, request: Request, response: Response, shout: str) -> dict:
        return {"id": item_id, "shout": shout}

    @app.post("/sync")
    def sync(tasks: BackgroundTasks) -> str:
        return "ok"

    calls: list[str] = []
    original = pluggy.HookCaller.__call__

    def counting(self: pluggy.HookCaller, *args: Any, **kwargs: Any) -> Any:
        calls.append(self.name)
        return original(self, *args, **kwargs)

    with TestClient(app) as client:
        client.get("/items/1?shout=a")  # builds on the lifespan, before counting
        monkeypatch.setattr(pluggy.HookCaller, "__call__", counting)
        for _ in range(20):
            assert client.get("/items/2?shout=b").json() == {"id": 2, "shout": "B"}
            assert client.post("/sync").json() == "ok"
            assert client.get("/missing").status_code == 404
        assert calls == []
        monkeypatch.undo()
    assert "pegboard_startup" not in calls  # sanity: the counter was removed


def test_hook_counter_would_see_calls():
    """Proves the counting approach above can fail: building the app calls hooks."""
    calls: list[str] = []
    original = pluggy.HookCaller.__call__

    def counting(self: pluggy.HookCaller, *args: Any, **kwargs: Any) -> Any:
        calls.append(self.name)
        return original(self, *args, **kwargs)

    app = App()

    @app.get("/x/{y}")
    async def x(y: str) -> str:
        return y

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pluggy.HookCaller, "__call__", counting)
        TestClient(app).get("/x/1")
    assert "pegboard_resolve_parameter" in calls


def test_tagger_instance_is_reusable_across_apps():
    plugin = Tagger()
    assert App(plugins=[plugin]).plugins == App(plugins=[plugin]).plugins == ["tagger"]


def test_unknown_option_mentions_installed_plugins_that_failed_to_load(
    installed: dict[str, EntryPoint],
):
    with pytest.raises(RouteDefinitionError) as info:
        App().add_api_route("/x", lambda: None, nothing_declares_this=1)
    message = str(info.value)
    assert "Check the spelling" in message
    assert "could not be loaded and may declare it: broken (ModuleNotFoundError" in message


def test_route_compiled_sees_the_whole_route_and_adds_descriptions():
    from pegboard.descriptions import ResponseDescription

    seen: list[list[str]] = []

    class Whole:
        plugin_info = PluginInfo(name="whole")

        @hookimpl
        def pegboard_route_compiled(self, app: Any, route: Any, compiled: Any) -> Any:
            seen.append(sorted(compiled.arguments))
            return [ResponseDescription(299, "Described by the route as a whole")]

    app = App(plugins=[Whole(), Upper()])

    @app.get("/w/{x}")
    async def w(x: str, shout: str) -> str:
        return x

    app.build()
    assert seen == [["shout", "x"]]
    (route,) = app.routes
    codes = [d.status_code for d in route.compiled.descriptions if hasattr(d, "status_code")]  # type: ignore[attr-defined]
    assert codes == [200, 299]


def test_hints_name_the_factory_of_the_entry_point(monkeypatch: pytest.MonkeyPatch):
    fake = {
        "swagger": EntryPoint("swagger", "pegboard_docs:swagger_ui", "pegboard.plugins"),
        "modular": EntryPoint("modular", "some.module", "pegboard.plugins"),
    }
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    assert plugins_module.factory_call("swagger") == "swagger_ui()"
    assert plugins_module.factory_call("modular") == '"modular"'
    assert plugins_module.factory_call("rate-limit") == '"rate-limit"'
    assert plugins_module.factory_call("cache") == "cache()"
    with pytest.raises(
        PluginError, match=r"Add swagger_ui\(\) to App\(plugins=\[\.\.\.\]\), before needs\(\)"
    ):
        App(plugins=[Recorder("needs", requires=("swagger",))])


# -- a plugin installed without its extra -------------------------------------------


def short_traceback(exc: BaseException) -> list[str]:
    import traceback

    return traceback.format_exception(exc)


def test_a_plugin_missing_its_dependency_is_one_error(monkeypatch: pytest.MonkeyPatch):
    fake = {
        "needy": EntryPoint("needy", "tests.core.sample_needs_extra:plugin", "pegboard.plugins")
    }
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    with pytest.raises(PluginError) as info:
        App(plugins=["needy"])
    assert str(info.value) == (
        "Plugin 'needy' cannot be loaded: it needs 'no_such_dependency_xyz', which is not "
        "installed. Install the package that provides the module 'no_such_dependency_xyz'."
    )
    # One error: no chained ModuleNotFoundError, none of pegboard's frames.
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    assert len(short_traceback(info.value)) <= 4


def test_a_missing_plugin_package_is_not_mistaken_for_a_missing_extra(
    installed: dict[str, EntryPoint],
):
    with pytest.raises(ModuleNotFoundError, match="no_such_module_xyz"):
        App(plugins=["broken"])


def test_the_install_hint_names_the_extra_that_brings_the_module():
    entry_point = plugins_module.installed_plugins()["di"]  # pegboard's own distribution
    assert plugins_module.install_hint(entry_point, "di", "anything") == (
        'Install the plugin\'s extra: pip install "pegboard[di]"'
    )
    # No extra named like the plugin: the extra that lists the module's distribution.
    assert plugins_module.install_hint(entry_point, "fast", "orjson") == (
        'Install the plugin\'s extra: pip install "pegboard[speed]"'
    )
    assert plugins_module.install_hint(entry_point, "fast", "nothing_like_it") == (
        "Install the package that provides the module 'nothing_like_it'."
    )


@pytest.mark.skipif(
    importlib.util.find_spec("pydantic") is not None,
    reason="runs where pydantic is not installed (CI's core-only venv)",
)
def test_enabling_validation_without_its_extra_names_the_extra():
    with pytest.raises(PluginError) as info:
        App(plugins=["validation"])
    assert str(info.value) == (
        "Plugin 'validation' cannot be loaded: it needs 'pydantic', which is not installed. "
        'Install the plugin\'s extra: pip install "pegboard[validation]"'
    )
    assert len(short_traceback(info.value)) <= 4
    with pytest.raises(ModuleNotFoundError, match=r'pip install "pegboard\[validation\]"'):
        import pegboard_validation  # noqa: F401
