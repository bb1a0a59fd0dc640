from __future__ import annotations

import pytest

from pegboard import App, PluginInfo, hookimpl
from pegboard.testing import check_plugin, make_app
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
