"""The plugin object: its metadata, the route option it declares, and its hooks.

Hooks run while an app is set up and built, never per request: they read options and
hand back plain objects (a middleware, resolvers) that the core composes once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
from pegboard import (
    App,
    ParamInfo,
    PluginError,
    PluginInfo,
    PluginManager,
    RequestContext,
    RequestValidationError,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    StashKey,
    hookimpl,
)
from pegboard.descriptions import ParameterDescription, Schema

from pegboard_requestid._version import __version__
from pegboard_requestid.hookspecs import Hooks
from pegboard_requestid.ids import OPTION, VALID_ID, RequestId, new_id, read_request_id
from pegboard_requestid.middleware import RequestIdMiddleware

DESCRIPTION = "Request ids: an X-Request-ID header on every response, and the id in handlers."

_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


@attrs.frozen
class Settings:
    """One app's settings: one plugin object may serve apps with different generators."""

    header: str
    generate: Callable[[], str]


SETTINGS = StashKey[Settings]("requestid.settings")


class RequestIdPlugin:
    """Gives every request an id, in a header and in handlers. Create it with :func:`requestid`."""

    def __init__(self, header: str) -> None:
        self.header = header
        self.plugin_info = PluginInfo(
            name="requestid",
            version=__version__,
            requires=(),
            route_options=(
                RouteOption(
                    OPTION, "replace", f"True: refuse requests without a valid {header} (422)."
                ),
            ),
            description=DESCRIPTION,
        )

    def __repr__(self) -> str:
        return f"RequestIdPlugin(header={self.header!r})"

    @hookimpl
    def pegboard_add_hookspecs(self, pluginmanager: PluginManager) -> None:
        pluginmanager.add_hookspecs(Hooks)

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        # The id belongs on every response, 404s and errors included: app middleware.
        generate = app.plugin_manager.hook.pegboard_requestid_generator(app=app)
        settings = Settings(self.header, generate or new_id)
        app.stash[SETTINGS] = settings
        app.add_middleware(RequestIdMiddleware, header=settings.header, generate=settings.generate)

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        value = route.option(OPTION, False)
        if not isinstance(value, bool):
            raise RouteDefinitionError(
                f"Route {route.label}: {OPTION}= takes True or False, got {value!r}."
            )

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        if not isinstance(param.marker, RequestId):
            return None  # not ours: let the other plugins answer
        return Resolver(read_request_id, is_async=False, label="request id")

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> list[Resolver] | None:
        if route.kind != "http" or not route.option(OPTION, False):
            return None
        header = app.stash[SETTINGS].header
        loc = ["header", header.lower()]

        def require_id(ctx: RequestContext) -> None:
            sent = ctx.request.headers.get(header)
            if sent is None:
                error = {"type": "missing", "loc": loc, "msg": "Field required", "input": None}
                raise RequestValidationError([error])
            if not VALID_ID.fullmatch(sent):
                msg = f"String should match pattern '{VALID_ID.pattern}'"
                error = {"type": "string_pattern_mismatch", "loc": loc, "msg": msg, "input": sent}
                raise RequestValidationError([error])

        described = ParameterDescription(
            header,
            "header",
            Schema.of({"type": "string", "pattern": f"^{VALID_ID.pattern}$"}),
            required=True,
            description="An id for this request, echoed in the response.",
        )
        return [Resolver(require_id, is_async=False, describes=(described,), label="request id")]

    # optionalhook: the OpenAPI plugin defines this hook. In apps without it, this
    # method is never called, and the plugin still loads.
    @hookimpl(optionalhook=True)
    def pegboard_openapi_operation(
        self, app: App, route: RouteInfo, method: str, operation: dict[str, Any], components: Any
    ) -> None:
        # Every response carries the id; the document says so.
        for response in operation.get("responses", {}).values():
            response.setdefault("headers", {})[self.header] = {
                "description": "The request's id: the one sent, if valid, or a new one.",
                "schema": {"type": "string", "pattern": f"^{VALID_ID.pattern}$"},
            }


def requestid(header: str = "X-Request-ID") -> RequestIdPlugin:
    """The plugin, for ``App(plugins=[requestid()])``; ``header`` names the header."""
    if not _HEADER_NAME.fullmatch(header):
        raise PluginError(f"requestid(header={header!r}): not a valid header name.")
    return RequestIdPlugin(header)
