from __future__ import annotations

import pytest

from pegboard import App, PluginInfo, Request, RouteDefinitionError, RouteOption, hookimpl
from pegboard.testing import check_plugin, invoke_cli, make_app
from tests.core.sample_plugins import Recorder, Tagger

pytest_plugins = ["pytester"]


def test_make_app_enables_exactly_the_plugins_given():
    app = make_app(Tagger(), debug=True)
    assert app.plugins == ["tagger"]
    assert app.debug is True


def test_fixtures_from_the_pytest_plugin(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest
        from pegboard import App

        @pytest.fixture
        def app():
            app = App()
            started = []

            @app.get("/ping")
            async def ping():
                return "pong"

            return app

        def test_client(client):
            assert client.get("/ping").json() == "pong"

        def test_make_app(make_app):
            assert make_app().plugins == []
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_check_plugin_accepts_a_working_plugin():
    check_plugin(Tagger, alongside=())


def test_check_plugin_reports_hook_typos():
    class Typo:
        plugin_info = PluginInfo(name="typo")

        @hookimpl
        def pegboard_configur(self, app: App) -> None:
            return None

    with pytest.raises(Exception, match="pegboard_configur"):
        check_plugin(Typo, alongside=())


def test_check_plugin_reports_a_plugin_that_breaks_requests():
    from pegboard import Encoder, PlainTextResponse

    class Breaks:
        plugin_info = PluginInfo(name="breaks")

        @hookimpl
        def pegboard_encode_response(self, app: App, route: object) -> Encoder:
            return Encoder(lambda value: PlainTextResponse("nope", status_code=418))

    with pytest.raises(AssertionError, match="answered 418"):
        check_plugin(Breaks, alongside=())


def test_check_plugin_loads_requirements_by_name(monkeypatch: pytest.MonkeyPatch):
    from importlib.metadata import EntryPoint

    from pegboard import plugins as plugins_module
    from pegboard import testing as testing_module

    fake = {"tagger": EntryPoint("tagger", "tests.core.sample_plugins:tagger", "pegboard.plugins")}
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    monkeypatch.setattr(testing_module, "installed_plugins", lambda: fake)
    check_plugin(lambda: Recorder("needs-tagger", requires=("tagger",)), alongside=("tagger",))


def fake_installed(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    from importlib.metadata import EntryPoint

    from pegboard import plugins as plugins_module
    from pegboard import testing as testing_module

    fake = {name: EntryPoint(name, value, "pegboard.plugins") for name, value in values.items()}
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    monkeypatch.setattr(testing_module, "installed_plugins", lambda: fake)


def test_check_plugin_refuses_route_options_declared_twice(monkeypatch: pytest.MonkeyPatch):
    fake_installed(monkeypatch, tagger="tests.core.sample_plugins:tagger")

    def clashing() -> Recorder:
        return Recorder("clash", route_options=(RouteOption("flavour"),))

    with pytest.raises(AssertionError, match=r"\['flavour'\] that 'tagger' declares too"):
        check_plugin(clashing, alongside=("tagger",))
    with pytest.raises(AssertionError, match=r"\['tags'\] that 'pegboard' declares too"):
        check_plugin(lambda: Recorder("core-clash", route_options=(RouteOption("tags"),)))


def test_check_plugin_tries_each_plugin_alongside_then_all_together(
    monkeypatch: pytest.MonkeyPatch,
):
    fake_installed(
        monkeypatch,
        tagger="tests.core.sample_plugins:tagger",
        broken="no_such_module_xyz:plugin",  # fails on its own here: not your plugin's fault
    )
    seen: list[list[str]] = []

    class Watcher:
        plugin_info = PluginInfo(name="watcher")

        @hookimpl
        def pegboard_configure(self, app: App) -> None:
            seen.append(app.plugins)

    check_plugin(Watcher, alongside=("tagger", "broken", "missing", "watcher"))
    assert seen == [["watcher"], ["tagger", "watcher"]]
    seen.clear()
    check_plugin(Watcher, alongside=("tagger", "tagger-too"))
    assert seen == [["watcher"], ["tagger", "watcher"]]  # one working: no combined run


def test_check_plugin_default_covers_every_first_party_plugin():
    from pegboard.testing import FIRST_PARTY

    assert set(FIRST_PARTY) == {"validation", "di", "security", "openapi"} | {
        "swagger",
        "redoc",
        "scalar",
    }


def test_invoke_cli_runs_installed_plugins_commands(monkeypatch: pytest.MonkeyPatch):
    from importlib.metadata import EntryPoint

    from pegboard.cli import cli, plugin_commands

    value = "tests.core.sample_commands:hello"
    fake = {"hello": EntryPoint("hello", value, plugin_commands.COMMANDS_GROUP)}
    monkeypatch.setattr(plugin_commands, "installed_commands", lambda: fake)
    before = dict(cli.commands)
    result = invoke_cli("hello", "--name", "ann")
    assert result.exit_code == 0, result.output
    assert result.output == "hello ann\n"
    assert invoke_cli("--version").output.startswith("pegboard, version")
    assert dict(cli.commands) == before  # the global group is left alone


# -- the async client ------------------------------------------------------------------


def lifespan_app(events: list[str]) -> App:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: App):  # type: ignore[no-untyped-def]
        events.append("startup")
        yield {"greeting": "hello"}
        events.append("shutdown")

    app = App(lifespan=lifespan)

    @app.get("/greet")
    async def greet(request: Request) -> str:
        return str(request.state.greeting)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return app


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_async_client_runs_the_lifespan_around_the_block(anyio_backend: str):
    from pegboard.testing import AsyncTestClient

    events: list[str] = []
    async with AsyncTestClient(lifespan_app(events)) as client:
        assert events == ["startup"]
        response = await client.get("/greet")
        assert response.json() == "hello"
        assert response.request.url == "http://testserver/greet"
    assert events == ["startup", "shutdown"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_async_client_server_exceptions(anyio_backend: str):
    from pegboard.testing import AsyncTestClient

    async with AsyncTestClient(lifespan_app([])) as client:
        with pytest.raises(RuntimeError, match="boom"):
            await client.get("/boom")
    async with AsyncTestClient(lifespan_app([]), raise_server_exceptions=False) as client:
        assert (await client.get("/boom")).status_code == 500


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_async_client_reports_a_failing_startup(anyio_backend: str):
    from contextlib import asynccontextmanager

    from pegboard.testing import AsyncTestClient

    @asynccontextmanager
    async def lifespan(app: App):  # type: ignore[no-untyped-def]
        raise RuntimeError("no database")
        yield

    with pytest.raises(RuntimeError, match="no database"):
        async with AsyncTestClient(App(lifespan=lifespan)):
            pass

    broken = App()

    @broken.get("/items", tags=["a"])
    async def items(limit: NoSuchType) -> None:  # type: ignore[name-defined]  # noqa: F821
        return None

    with pytest.raises(RouteDefinitionError, match="NoSuchType"):
        async with AsyncTestClient(broken):
            pass


def test_async_client_fixture(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest
        from pegboard import App, Request

        events = []

        @pytest.fixture
        def app():
            async def lifespan(app):
                events.append("up")
                yield {"n": 1}
                events.append("down")

            app = App(lifespan=lifespan)

            @app.get("/n")
            async def n(request: Request):
                return request.state.n

            return app

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_async(async_client):
            assert (await async_client.get("/n")).json() == 1
            assert events == ["up"]

        def test_after():
            assert events == ["up", "down"]
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=2)


# -- without the testing extra ----------------------------------------------------------

UNRELATED_TEST = """
def test_unrelated():
    assert 1 + 1 == 2
"""
USES_CLIENT = """
import pytest
from pegboard import App

@pytest.fixture
def app():
    return App()

def test_with_client(client):
    pass
"""


def test_pytest_runs_without_httpx2(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    # A stand-in httpx2 that is "not installed", ahead of the real one on sys.path,
    # in a fresh interpreter where pegboard's pytest11 plugin loads as it would.
    hide = pytester.mkdir("hide")
    (hide / "httpx2.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'httpx2'\", name='httpx2')\n"
    )
    pytester.makepyfile(test_unrelated=UNRELATED_TEST, test_client=USES_CLIENT)
    monkeypatch.setenv("PYTHONPATH", str(hide))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # The unrelated test passes; the one using `client` fails, naming the extra.
    result.assert_outcomes(passed=1, errors=1)
    output = result.stdout.str()
    assert "pegboard.testing needs 'httpx2'" in output
    assert 'pip install "pegboard[testing]"' in output
