"""Response models: validate what a handler returns, then serialize it with pydantic.

The model is the route's ``response_model=`` option, else the handler's return
annotation (as in FastAPI; ``response_model=None`` turns it off, and annotations
that are Response classes are ignored). The returned value is validated against the
model, which also drops fields the model does not have, then written straight to
JSON bytes by pydantic's serializer. A value that does not fit is the server's
fault: it is logged with the route and answered with a 500.

Generator handlers annotated ``AsyncIterator[Item]`` (or given ``response_model=
Item``) get each item validated and serialized the same way as it is streamed.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError, PydanticUserError
from starlette import responses as starlette_responses
from starlette.responses import FileResponse, Response, StreamingResponse

from pegboard import (
    EMPTY,
    Encoder,
    EventSourceResponse,
    JSONResponse,
    RouteDefinitionError,
    RouteInfo,
    ServerSentEvent,
    has_no_body,
)
from pegboard.descriptions import ResponseDescription
from pegboard_validation.errors import ResponseValidationError, located_errors
from pegboard_validation.kinds import adapt, type_hints
from pegboard_validation.schemas import SchemaRegistry

__all__ = ["response_encoder"]

logger = logging.getLogger("pegboard_validation")

_STREAM_ORIGINS = (
    collections.abc.AsyncIterator,
    collections.abc.AsyncIterable,
    collections.abc.AsyncGenerator,
    collections.abc.Iterator,
    collections.abc.Iterable,
    collections.abc.Generator,
)
_JSON_CLASSES = (JSONResponse, starlette_responses.JSONResponse)
_DESCRIPTION = "Successful Response"


class _JSONBytes(Response):
    """A response for JSON that pydantic already rendered; skips Response's checks."""

    media_type = "application/json"

    def __init__(self, content: bytes, status_code: int) -> None:
        self.status_code = status_code
        self.body = content
        self.background = None
        self.raw_headers = [
            (b"content-length", str(len(content)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]


def _stream_item(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in _STREAM_ORIGINS:
        args = get_args(annotation)
        return args[0] if args else None
    return None


def _response_model(route: RouteInfo, stream: bool) -> tuple[Any, bool]:
    """The model and whether the route named it explicitly; None when there is none."""
    if "response_model" in route.options:
        return route.options["response_model"], True
    annotation = type_hints(inspect.unwrap(route.endpoint)).get("return", EMPTY)
    if stream:
        annotation = _stream_item(annotation)
        if annotation is ServerSentEvent or annotation in (bytes, str):
            return None, False
    if annotation in (EMPTY, None, type(None), Any, object):
        return None, False
    if inspect.isclass(annotation) and issubclass(annotation, Response):
        return None, False
    return annotation, False


def _build_adapter(route: RouteInfo, model: Any, explicit: bool) -> TypeAdapter[Any]:
    try:
        return TypeAdapter(adapt(model))
    except (PydanticSchemaGenerationError, PydanticUserError, TypeError) as exc:
        where = "response_model=" if explicit else "return annotation"
        fix = (
            "Give a pydantic model, dataclass or other type pydantic supports"
            if explicit
            else "Pass response_model=None to the route to serialize without a model"
        )
        raise RouteDefinitionError(
            f"The {where} {model!r} of {route.label} is not a type pydantic can validate: "
            f"{exc}. {fix}."
        ) from exc


def _prepare(value: Any, unset: bool, defaults: bool, none: bool) -> Any:
    """Models as dicts without unset/default/None fields, so the response model keeps
    knowing which fields were set (what ``response_model_exclude_unset`` needs)."""
    if isinstance(value, BaseModel):
        return value.model_dump(
            by_alias=True, exclude_unset=unset, exclude_defaults=defaults, exclude_none=none
        )
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_prepare(v, unset, defaults, none) for v in value)
    if isinstance(value, dict):
        return {k: _prepare(v, unset, defaults, none) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def response_encoder(route: RouteInfo, registry: SchemaRegistry) -> Encoder | None:
    """The encoder for a route with a response model, or None to leave it to the core."""
    stream = route.is_stream_handler
    model, explicit = _response_model(route, stream)
    if model is None:
        return None
    status = route.status_code if route.status_code is not None else 200
    if has_no_body(status):
        return None  # no body to validate
    response_class = route.response_class or JSONResponse
    if not stream and issubclass(response_class, (StreamingResponse, FileResponse)):
        return None
    adapter = _build_adapter(route, model, explicit)
    options = route.options
    exclude_flags = (
        bool(options.get("response_model_exclude_unset", False)),
        bool(options.get("response_model_exclude_defaults", False)),
        bool(options.get("response_model_exclude_none", False)),
    )
    dump_options: dict[str, Any] = {
        "include": options.get("response_model_include"),
        "exclude": options.get("response_model_exclude"),
        "by_alias": bool(options.get("response_model_by_alias", True)),
        "exclude_unset": exclude_flags[0],
        "exclude_defaults": exclude_flags[1],
        "exclude_none": exclude_flags[2],
    }
    # Only what differs from pydantic's defaults (None, False): each keyword costs every
    # response time in the serializer call. by_alias stays (None defers to the model),
    # and so does an empty include or exclude, which is not the default.
    dump_options = {
        k: v
        for k, v in dump_options.items()
        if k == "by_alias" or (v is not None and v is not False)
    }
    validate = adapter.validator.validate_python
    label, name = route.label, getattr(model, "__name__", repr(model))
    prepare = any(exclude_flags)

    def check(value: Any) -> Any:
        if prepare:
            value = _prepare(value, *exclude_flags)
        try:
            # Attributes and keys by alias or by name, so a returned input model (with
            # aliased fields) fits an output model with the same aliases.
            return validate(value, from_attributes=True, by_name=True)
        except ValidationError as exc:
            errors = located_errors(exc, ("response",))
            logger.error(
                "The response of %s does not match its response model %s: %s",
                label,
                name,
                errors,
            )
            raise ResponseValidationError(errors, body=value) from None

    schema = registry.register(adapter, "serialization")
    to_json: Callable[[Any], bytes] = functools.partial(adapter.serializer.to_json, **dump_options)

    if stream:
        return _stream_encoder(route, status, check, to_json, schema)

    if response_class in _JSON_CLASSES:

        def render_json(value: Any) -> bytes:
            return to_json(check(value))

        def encode_json(value: Any) -> Response:
            return _JSONBytes(render_json(value), status)

        return Encoder(
            encode_json,
            describes=(ResponseDescription(status, _DESCRIPTION, {"application/json": schema}),),
            label=f"response_model={name}",
            render=render_json,
            status_code=status,
            headers=((b"content-type", b"application/json"),),
        )
    to_python: Callable[[Any], Any] = functools.partial(
        adapter.serializer.to_python, mode="json", **dump_options
    )

    def encode_other(value: Any) -> Response:
        response: Response = response_class(to_python(check(value)), status_code=status)
        return response

    encode = encode_other
    media_type = response_class.media_type or "application/json"
    description = ResponseDescription(status, _DESCRIPTION, {media_type: schema})
    return Encoder(encode, describes=(description,), label=f"response_model={name}")


def _stream_encoder(
    route: RouteInfo,
    status: int,
    check: Callable[[Any], Any],
    to_json: Callable[[Any], bytes],
    schema: Any,
) -> Encoder:
    response_class = route.response_class
    if response_class is not None and issubclass(response_class, EventSourceResponse):
        event_class = response_class

        def as_event(item: Any) -> Any:
            if isinstance(item, ServerSentEvent):
                return item
            return ServerSentEvent(raw_data=to_json(check(item)).decode("utf-8"))

        def encode_events(items: Any) -> Response:
            return event_class(_map(items, as_event), status_code=status)

        media = {event_class.media_type or "text/event-stream": schema}
        return Encoder(
            encode_events,
            describes=(ResponseDescription(status, _DESCRIPTION, media),),
            label=event_class.__name__,
        )

    def as_line(item: Any) -> bytes:
        return to_json(check(item)) + b"\n"

    def encode_lines(items: Any) -> Response:
        return StreamingResponse(
            _map(items, as_line), status_code=status, media_type="application/jsonl"
        )

    media = {"application/jsonl": schema}
    return Encoder(
        encode_lines,
        describes=(ResponseDescription(status, _DESCRIPTION, media),),
        label="JSONLines",
    )


def _map(items: Any, convert: Callable[[Any], Any]) -> Any:
    if hasattr(items, "__aiter__"):

        async def convert_async() -> AsyncIterator[Any]:
            async for item in items:
                yield convert(item)

        return convert_async()

    def convert_sync() -> Iterator[Any]:
        for item in items:
            yield convert(item)

    return convert_sync()
