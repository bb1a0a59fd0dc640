"""The plugin as installed: found by name, listed by ``pegboard plugins``, with its command.

These need the package installed (``pip install -e ".[test]"``), which is what declares
the entry point.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from pegboard import App, RouteDefinitionError
from pegboard.plugins import installed_plugins
from pegboard.testing import TestClient, invoke_cli

ENTRY_POINT = "pegboard_requestid:requestid"


def test_the_entry_point_names_the_factory() -> None:
    assert installed_plugins()["requestid"].value == ENTRY_POINT


def test_an_app_enables_it_by_name() -> None:
    app = App(plugins=["requestid"])

    @app.get("/")
    async def home() -> str:
        return "home"

    assert app.plugins == ["requestid"]
    with TestClient(app) as client:
        assert client.get("/", headers={"X-Request-ID": "by-name"}).headers["X-Request-ID"] == (
            "by-name"
        )


def test_using_its_option_without_it_says_to_enable_it(make_app: Callable[..., App]) -> None:
    app = make_app()
    with pytest.raises(RouteDefinitionError, match=r"App\(plugins=\[requestid\(\)\]\)"):

        @app.get("/", require_request_id=True)
        async def home() -> str:
            return "home"


def test_pegboard_plugins_lists_it() -> None:
    result = invoke_cli("plugins")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[2:]}
    assert rows["requestid"][-2:] == ["require_request_id", ENTRY_POINT]


def test_its_command_lists_the_routes_that_require_an_id() -> None:
    example = Path(__file__).resolve().parents[1] / "example" / "app.py"
    result = invoke_cli("requestid", str(example))
    assert result.exit_code == 0, result.output
    assert result.output == "POST /internal/sync\n"
