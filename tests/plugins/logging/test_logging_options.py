"""Bad options of the logging plugin fail at startup and say what to write."""

from __future__ import annotations

import pytest

from pegboard import App, PluginError, RouteDefinitionError
from pegboard_logging import request_logging

from .conftest import Lines


def test_a_bad_route_option_names_the_route(lines: Lines):
    app = App(plugins=[request_logging(stream=lines)])
    with pytest.raises(RouteDefinitionError, match=r"GET /x: access_log= takes True or False"):
        app.add_api_route("/x", lambda: 1, access_log="off")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"header": "X Request"}, "not a header name"),
        ({"trust_incoming": ["10.0.0.0/8", "proxy.internal"]}, "'proxy.internal' is not an IP"),
        ({"level": "LOUD"}, "not a logging level"),
        ({"logger": ""}, "give a logger name"),
        ({"configure": "yes"}, "takes True or False"),
    ],
)
def test_bad_factory_arguments(options: dict[str, object], message: str):
    with pytest.raises(PluginError, match=message):
        request_logging(**options)  # type: ignore[arg-type]


def test_enabled_by_name(lines: Lines):
    assert "logging" in App(plugins=["logging"]).plugins
