from collections.abc import Callable

import pytest
from pegboard import App, PluginError, RouteDefinitionError
from pegboard.testing import TestClient, check_plugin

from pegboard_hello import hello


def test_passes_pegboards_plugin_checks() -> None:
    # Hooks against the hookspecs; alone, then beside each first-party plugin installed.
    check_plugin(hello)


def test_routes_that_set_the_option_send_the_header(client: TestClient) -> None:
    assert client.get("/tagged").headers["X-Hello"] == "route"
    assert "X-Hello" not in client.get("/plain").headers


def test_a_router_sets_it_for_its_routes_and_a_route_can_unset_it(client: TestClient) -> None:
    assert client.get("/api/inherits").headers["X-Hello"] == "router"
    assert "X-Hello" not in client.get("/api/off").headers


def test_the_header_name_is_an_option(make_app: Callable[..., App]) -> None:
    app = make_app(hello(header="X-Custom"))

    @app.get("/", hello="custom")
    async def home() -> str:
        return "home"

    with TestClient(app) as client:
        assert client.get("/").headers["X-Custom"] == "custom"


def test_a_bad_header_name_is_refused() -> None:
    with pytest.raises(PluginError, match="not a valid header name"):
        hello(header="Not A Header")


def test_a_bad_value_fails_when_the_route_is_defined(make_app: Callable[..., App]) -> None:
    app = make_app(hello())
    with pytest.raises(RouteDefinitionError, match="GET /bad"):

        @app.get("/bad", hello="line\nbreak")
        async def bad() -> str:
            return "bad"
