"""The plugin as installed: found by name, listed by ``pegboard plugins``, with its command.

These need the package installed (``pip install -e ".[test]"``), which is what declares
the entry point.
"""

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pegboard import App, RouteDefinitionError
from pegboard.plugins import installed_plugins
from pegboard.testing import TestClient, invoke_cli

ENTRY_POINT = "pegboard_hello:hello"


def test_the_entry_point_names_the_factory() -> None:
    assert installed_plugins()["hello"].value == ENTRY_POINT


def test_an_app_enables_it_by_name() -> None:
    app = App(plugins=["hello"])

    @app.get("/", hello="by-name")
    async def home() -> str:
        return "home"

    assert app.plugins == ["hello"]
    with TestClient(app) as client:
        assert client.get("/").headers["X-Hello"] == "by-name"


def test_using_its_option_without_it_says_to_enable_it(make_app: Callable[..., App]) -> None:
    app = make_app()
    with pytest.raises(RouteDefinitionError, match=r"Enable the plugin .*hello"):

        @app.get("/", hello="value")
        async def home() -> str:
            return "home"


def test_pegboard_plugins_lists_it() -> None:
    result = invoke_cli("plugins")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[2:]}
    assert rows["hello"][-1] == ENTRY_POINT


def test_its_command_lists_the_routes_that_set_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "option_app.py").write_text(
        "from pegboard import App\n"
        "app = App(plugins=['hello'])\n"
        "@app.get('/tagged', hello='route')\n"
        "async def tagged() -> str:\n"
        "    return 'tagged'\n"
        "@app.get('/plain')\n"
        "async def plain() -> str:\n"
        "    return 'plain'\n"
    )
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command imports from tmp_path
    monkeypatch.delitem(sys.modules, "option_app", raising=False)
    result = invoke_cli("hello", str(tmp_path / "option_app.py"))
    assert result.exit_code == 0, result.output
    assert result.output == "GET /tagged  route\n"
