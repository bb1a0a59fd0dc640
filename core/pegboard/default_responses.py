"""The core's response fallback: render return values with the route's response class.

Dicts, lists, strings, numbers, None, dataclasses and models become JSON (the default
``response_class``), with the route's ``status_code``. Generator handlers stream:
JSON lines by default, server-sent events with ``response_class=EventSourceResponse``.
Registered ``trylast``, so a plugin such as validation can serialize through models.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from starlette.responses import Response, StreamingResponse

from pegboard.descriptions import ResponseDescription
from pegboard.encoders import json_dumps
from pegboard.plugins import hookimpl
from pegboard.resolvers import Encoder
from pegboard.responses import JSONLinesResponse, JSONResponse, has_no_body

if TYPE_CHECKING:
    from pegboard.applications import App
    from pegboard.routing import RouteInfo


def default_status(route: RouteInfo) -> int:
    """The route's ``status_code``, else its response class's own default, else 200.

    A ``RedirectResponse`` route answers 307 unless told otherwise, as in FastAPI.
    """
    if route.status_code is not None:
        return route.status_code
    response_class = route.response_class
    if response_class is not None:
        try:
            parameter = inspect.signature(response_class).parameters.get("status_code")
        except (TypeError, ValueError):
            parameter = None
        if parameter is not None and isinstance(parameter.default, int):
            return parameter.default
    return 200


@hookimpl(trylast=True)
def pegboard_encode_response(app: App, route: RouteInfo) -> Encoder | None:
    status = default_status(route)
    response_class: type[Response] = route.response_class or JSONResponse
    description = "Successful Response"

    if route.is_stream_handler:
        if not issubclass(response_class, StreamingResponse):
            response_class = JSONLinesResponse
        stream_class = response_class

        def encode_stream(items: Any) -> Response:
            return stream_class(items, status_code=status)

        media = {stream_class.media_type or "application/octet-stream": None}
        return Encoder(
            encode_stream,
            describes=(ResponseDescription(status, description, media),),
            label=stream_class.__name__,
        )

    if has_no_body(status):

        def encode_empty(value: Any) -> Response:
            return Response(status_code=status)

        return Encoder(encode_empty, describes=(ResponseDescription(status, description),))

    if response_class is JSONResponse:

        def encode_json(value: Any) -> Response:
            return JSONResponse(value, status)

        return Encoder(
            encode_json,
            describes=(ResponseDescription(status, description, {"application/json": None}),),
            label="JSONResponse",
            render=json_dumps,
            status_code=status,
            headers=((b"content-type", b"application/json"),),
        )

    def encode_other(value: Any) -> Response:
        return response_class(value, status_code=status)

    media = {response_class.media_type or "application/json": None}
    return Encoder(
        encode_other,
        describes=(ResponseDescription(status, description, media),),
        label=response_class.__name__,
    )
