"""The plugin object: its metadata, the route option it declares, and its hooks.

Hooks run while an app is set up and built, never per request: they read options and
hand back plain objects (here an ASGI middleware) that the core composes into each
route once.
"""

from __future__ import annotations

import re
from typing import Any

from pegboard import (
    App,
    Middleware,
    PluginError,
    PluginInfo,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    hookimpl,
)

from pegboard_hello._version import __version__
from pegboard_hello.middleware import HeaderMiddleware
from pegboard_hello.options import OPTION, header_value

DESCRIPTION = "A pegboard plugin that adds a header to the responses of the routes that ask for it."

# Header names are tokens; values here are printable ASCII, safe in any response.
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
_HEADER_VALUE = re.compile(r"[ -~]*")


class HelloPlugin:
    """Adds a response header to the routes that set the ``hello`` option.

    Create it with :func:`hello`. One object may be enabled in several apps, so it
    keeps no per-app state (that would go in ``app.stash``).
    """

    def __init__(self, header: str) -> None:
        self.header = header
        self.plugin_info = PluginInfo(
            name="hello",
            version=__version__,
            # Plugins that must be enabled too, such as ("di",). Enabling this one
            # without them fails at startup with a message that says what to add.
            requires=(),
            route_options=(
                RouteOption(OPTION, "replace", f"The value of the {header} response header."),
            ),
            description=DESCRIPTION,
        )

    def __repr__(self) -> str:
        return f"HelloPlugin(header={self.header!r})"

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        # Checked when the route is defined, so a mistake fails at startup and names
        # the route, rather than surfacing on some request later.
        value = header_value(route)
        if value is not None and not (isinstance(value, str) and _HEADER_VALUE.fullmatch(value)):
            raise RouteDefinitionError(
                f"Route {route.label}: {OPTION}= takes printable ASCII text for the "
                f"{self.header} header, or None; got {value!r}."
            )

    @hookimpl
    def pegboard_route_middleware(self, app: App, route: RouteInfo) -> list[Middleware] | None:
        value = header_value(route)
        if route.kind != "http" or not isinstance(value, str):
            return None  # routes without the option pay nothing
        return [Middleware(HeaderMiddleware, name=self.header, value=value)]

    # optionalhook: the OpenAPI plugin defines this hook. In apps without it, this
    # method is never called, and the plugin still loads.
    @hookimpl(optionalhook=True)
    def pegboard_openapi_operation(
        self, app: App, route: RouteInfo, method: str, operation: dict[str, Any], components: Any
    ) -> None:
        value = header_value(route)
        if value is None:
            return
        for response in operation.get("responses", {}).values():
            response.setdefault("headers", {})[self.header] = {
                "description": "Set by pegboard-hello.",
                "schema": {"type": "string", "enum": [value]},
            }


def hello(header: str = "X-Hello") -> HelloPlugin:
    """The plugin, for ``App(plugins=[hello()])``; ``header`` names the response header."""
    if not _HEADER_NAME.fullmatch(header):
        raise PluginError(f"hello(header={header!r}): not a valid header name.")
    return HelloPlugin(header)
