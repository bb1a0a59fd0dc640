{%- set opt = cookiecutter.__option -%}
{%- set header = cookiecutter.__header -%}
from collections.abc import Callable

import pytest
from pegboard import App, PluginError, RouteDefinitionError
from pegboard.testing import TestClient, check_plugin

from {{ cookiecutter.__package_name }} import {{ cookiecutter.__factory }}


def test_passes_pegboards_plugin_checks() -> None:
    # Hooks against the hookspecs; alone, then beside each first-party plugin installed.
    check_plugin({{ cookiecutter.__factory }})


def test_routes_that_set_the_option_send_the_header(client: TestClient) -> None:
    assert client.get("/tagged").headers["{{ header }}"] == "route"
    assert "{{ header }}" not in client.get("/plain").headers


def test_a_router_sets_it_for_its_routes_and_a_route_can_unset_it(client: TestClient) -> None:
    assert client.get("/api/inherits").headers["{{ header }}"] == "router"
    assert "{{ header }}" not in client.get("/api/off").headers


def test_the_header_name_is_an_option(make_app: Callable[..., App]) -> None:
    app = make_app({{ cookiecutter.__factory }}(header="X-Custom"))

    @app.get("/", {{ opt }}="custom")
    async def home() -> str:
        return "home"

    with TestClient(app) as client:
        assert client.get("/").headers["X-Custom"] == "custom"


def test_a_bad_header_name_is_refused() -> None:
    with pytest.raises(PluginError, match="not a valid header name"):
        {{ cookiecutter.__factory }}(header="Not A Header")


def test_a_bad_value_fails_when_the_route_is_defined(make_app: Callable[..., App]) -> None:
    app = make_app({{ cookiecutter.__factory }}())
    with pytest.raises(RouteDefinitionError, match="GET /bad"):

        @app.get("/bad", {{ opt }}="line\nbreak")
        async def bad() -> str:
            return "bad"
