"""The core's parameter fallbacks: connections, background tasks, responses, path params.

Registered before every other plugin and marked ``trylast``, so any enabled plugin
can answer first (the validation plugin, for instance, takes over path parameters to
convert and validate them).
"""

from __future__ import annotations

import inspect
import uuid
from typing import TYPE_CHECKING, Any

from starlette.background import BackgroundTasks
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.websockets import WebSocket

from pegboard.descriptions import ParameterDescription, Schema
from pegboard.plugins import hookimpl
from pegboard.requests import Request
from pegboard.resolvers import RequestContext, Resolver

if TYPE_CHECKING:
    from pegboard.applications import App
    from pegboard.params import ParamInfo
    from pegboard.routing import RouteInfo

# What each Starlette path convertor produces, and how to document it.
_CONVERTED: dict[str, tuple[type, dict[str, Any]]] = {
    "StringConvertor": (str, {"type": "string"}),
    "PathConvertor": (str, {"type": "string"}),
    "IntegerConvertor": (int, {"type": "integer", "minimum": 0}),
    "FloatConvertor": (float, {"type": "number", "minimum": 0}),
    "UUIDConvertor": (uuid.UUID, {"type": "string", "format": "uuid"}),
}


def connection(ctx: RequestContext) -> HTTPConnection:
    return ctx.connection


def background_tasks(ctx: RequestContext) -> BackgroundTasks:
    return ctx.background


def response_stub(ctx: RequestContext) -> Response:
    return ctx.response


def path_parameter(name: str) -> Any:
    def resolve(ctx: RequestContext) -> Any:
        return ctx.path_params[name]

    return resolve


def _accepts(annotation: Any, produced: type) -> bool:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return True
    return inspect.isclass(annotation) and issubclass(produced, annotation)


@hookimpl(trylast=True)
def pegboard_resolve_parameter(app: App, route: RouteInfo, param: ParamInfo) -> Resolver | None:
    annotation = param.type
    if inspect.isclass(annotation):
        conn_class = Request if route.kind == "http" else WebSocket
        if issubclass(annotation, HTTPConnection) and issubclass(conn_class, annotation):
            return Resolver(connection, is_async=False, label=conn_class.__name__)
        if issubclass(annotation, BackgroundTasks):
            return Resolver(background_tasks, is_async=False, label="BackgroundTasks")
        if annotation is Response:
            return Resolver(response_stub, is_async=False, label="Response")
    convertor = route.param_convertors.get(param.name)
    if convertor is None or param.marker is not None:
        return None
    produced, schema = _CONVERTED.get(type(convertor).__name__, (object, {}))
    if not _accepts(annotation, produced):
        return None  # e.g. `id: int` on '{id}': a plugin must convert, or the path must say :int
    titled = {**schema, "title": param.name.replace("_", " ").title()}
    description = ParameterDescription(param.name, "path", Schema.of(titled), required=True)
    return Resolver(
        path_parameter(param.name), is_async=False, describes=(description,), label="path"
    )
