"""Resolvers for path, query, header and cookie parameters, and for groups of them.

Each parameter gets one pydantic validator, built when the app is compiled. Per
request, its resolver reads the raw string (or list of strings) from the connection
and validates it; a parameter whose type is plain ``str`` is not validated at all.
A pydantic model marked ``Query()``, ``Header()`` or ``Cookie()`` reads one value
per field and validates them together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from pydantic import BaseModel, TypeAdapter, ValidationError

from pegboard import EMPTY, RequestContext, RequestValidationError, Resolver
from pegboard.descriptions import Description, JsonSchema, ParameterDescription, Schema
from pegboard_validation.errors import located_errors, missing_error
from pegboard_validation.kinds import is_sequence_type
from pegboard_validation.markers import Header, Param
from pegboard_validation.schemas import SchemaRegistry, json_default

__all__ = ["GroupSpec", "ValueSpec", "group_resolver", "value_resolver"]

Fetch = Callable[[RequestContext], Any]


@attrs.frozen
class ValueSpec:
    """One value parameter, as classified: where it comes from and how to check it."""

    name: str
    key: str  # the query key, header name, cookie name or path parameter
    source: str  # "path", "query", "header" or "cookie"
    annotation: Any  # with constraints, ready for TypeAdapter
    plain_str: bool  # the raw string is already the value: skip validation
    required: bool
    default: Any
    default_factory: Callable[[], Any] | None
    marker: Param | None


def _fetch(source: str, key: str, many: bool) -> Fetch:
    # Each reads only its part of the request (see RequestContext), never the whole
    # Request object.
    if source == "path":
        return lambda ctx: ctx.path_params.get(key)
    if source == "query":
        if many:
            return lambda ctx: ctx.query_params.getlist(key) or None
        return lambda ctx: ctx.query.get(key)
    if source == "header":  # several values; one is read by _header_resolver
        lowered = key.lower()
        return lambda ctx: ctx.headers.getlist(lowered) or None
    return lambda ctx: ctx.cookies.get(key)


def value_resolver(
    spec: ValueSpec, registry: SchemaRegistry, extra: tuple[Description, ...]
) -> Resolver:
    """A resolver reading and validating one path/query/header/cookie value."""
    many = spec.source in ("query", "header") and is_sequence_type(spec.annotation)
    adapter = TypeAdapter(spec.annotation)
    validate = None if spec.plain_str and not many else adapter.validator.validate_python
    loc = (spec.source, spec.key)
    required, default, factory = spec.required, spec.default, spec.default_factory
    description = _describe(spec, registry.register(adapter, "validation"), registry)
    describes = (description, *extra)
    if spec.source == "header" and not many:
        header = _header_resolver(spec.key.lower().encode("latin-1"), validate, loc, spec)
        return Resolver(header, is_async=False, describes=describes, label=spec.source)
    fetch = _fetch(spec.source, spec.key, many)

    def resolve(ctx: RequestContext) -> Any:
        raw = fetch(ctx)
        if raw is None:
            if required:
                raise RequestValidationError([missing_error(loc)])
            return default if factory is None else factory()
        if validate is None:
            return raw
        try:
            return validate(raw)
        except ValidationError as exc:
            raise RequestValidationError(located_errors(exc, loc)) from None

    return Resolver(resolve, is_async=False, describes=describes, label=spec.source)


def _header_resolver(
    raw_key: bytes, validate: Callable[[Any], Any] | None, loc: tuple[str, str], spec: ValueSpec
) -> Callable[[RequestContext], Any]:
    """``resolve`` for one header value, with the lookup written in (one call fewer)."""
    required, default, factory = spec.required, spec.default, spec.default_factory

    def resolve_header(ctx: RequestContext) -> Any:
        # What Headers.get gives (the first of repeated headers), without building one.
        for name, value in ctx.scope["headers"]:
            if name == raw_key:
                raw = value.decode("latin-1")
                if validate is None:
                    return raw
                try:
                    return validate(raw)
                except ValidationError as exc:
                    raise RequestValidationError(located_errors(exc, loc)) from None
        if required:
            raise RequestValidationError([missing_error(loc)])
        return default if factory is None else factory()

    return resolve_header


def _describe(spec: ValueSpec, schema: Schema, registry: SchemaRegistry) -> ParameterDescription:
    marker = spec.marker
    # Titled after the name the client sends (an alias, a header's dashed name), and
    # with the description and deprecation repeated in the schema, as FastAPI does.
    title = (marker.title if marker else None) or spec.key.replace("_", " ").title()
    additions: dict[str, Any] = {"title": title}
    if not spec.required and spec.default_factory is None and spec.default is not EMPTY:
        default = json_default(spec.default)
        if default is not None:  # "default": null tells a client nothing
            additions["default"] = default
    if marker is not None:
        if marker.description:
            additions["description"] = marker.description
        if marker.deprecated:
            additions["deprecated"] = True
        if marker.examples is not None:
            additions["examples"] = json_default(marker.examples)
        if marker.json_schema_extra:
            additions.update(marker.json_schema_extra)

    def finish(schema: JsonSchema, definitions: Any) -> JsonSchema:
        return {**schema, **additions}

    return ParameterDescription(
        name=spec.key,
        location=spec.source,  # type: ignore[arg-type]
        schema=registry.derive(schema, finish),
        required=spec.required,
        description=marker.description if marker else None,
        deprecated=bool(marker and marker.deprecated),
        examples=marker.openapi_examples if marker else None,
        include_in_schema=marker.include_in_schema if marker else True,
    )


# -- groups: a pydantic model whose fields are parameters ---------------------------


@attrs.frozen
class GroupSpec:
    """A model marked ``Query()``, ``Header()`` or ``Cookie()``."""

    name: str
    source: str
    model: type[BaseModel]
    marker: Param
    required: bool
    default: Any
    default_factory: Callable[[], Any] | None


def _request_key(source: str, marker: Param, field_name: str, alias: str | None) -> str:
    if alias is not None:
        return alias
    if isinstance(marker, Header) and marker.convert_underscores:
        return field_name.replace("_", "-")
    return field_name


def group_resolver(
    spec: GroupSpec, registry: SchemaRegistry, extra: tuple[Description, ...]
) -> Resolver:
    """A resolver that gathers a model's fields from one source and validates them."""
    source, model = spec.source, spec.model
    header = source == "header"
    fields: list[tuple[str, str, bool]] = []  # (request key, model key, many)
    for field_name, field in model.model_fields.items():
        alias = field.validation_alias if isinstance(field.validation_alias, str) else field.alias
        request_key = _request_key(source, spec.marker, field_name, alias)
        if header:
            request_key = request_key.lower()
        many = source in ("query", "header") and is_sequence_type(field.annotation)
        fields.append((request_key, alias or field_name, many))
    known = {request_key for request_key, _, _ in fields}
    renamed = {
        model_key: request_key for request_key, model_key, _ in fields if model_key != request_key
    }
    # Unknown query keys and cookies reach the model, so extra="forbid" refuses them.
    # Not unknown headers: clients and proxies always add some (Host, User-Agent, ...).
    keep_extra = not header and model.model_config.get("extra") in ("allow", "forbid")
    adapter = TypeAdapter(model)
    validate = adapter.validator.validate_python

    def gather(ctx: RequestContext) -> dict[str, Any]:
        values: Any = (
            ctx.query_params if source == "query" else ctx.headers if header else ctx.cookies
        )
        data: dict[str, Any] = {}
        for request_key, model_key, many in fields:
            if many:
                found = values.getlist(request_key)
                if found:
                    data[model_key] = found
            else:
                value = values.get(request_key)
                if value is not None:
                    data[model_key] = value
        if keep_extra:
            items = values.multi_items() if source == "query" else values.items()
            for key, value in items:  # repeated keys: the first value
                if key not in known:
                    data.setdefault(key, value)
        return data

    def resolve(ctx: RequestContext) -> Any:
        data = gather(ctx)
        if not data and not spec.required:
            return spec.default if spec.default_factory is None else spec.default_factory()
        try:
            return validate(data)
        except ValidationError as exc:
            errors = located_errors(exc, (source,))
            for error in errors:
                loc = error["loc"]
                if len(loc) > 1 and loc[1] in renamed:
                    error["loc"] = (source, renamed[loc[1]], *loc[2:])
            raise RequestValidationError(errors) from None

    model_schema = registry.register(adapter, "validation")
    descriptions = [
        _describe_field(spec, registry, model_schema, model_key, request_key)
        for request_key, model_key, _ in fields
    ]
    return Resolver(resolve, is_async=False, describes=(*descriptions, *extra), label=source)


def _describe_field(
    spec: GroupSpec,
    registry: SchemaRegistry,
    model_schema: Schema,
    model_key: str,
    request_key: str,
) -> ParameterDescription:
    field = next(f for name, f in spec.model.model_fields.items() if (f.alias or name) == model_key)

    def property_schema(schema: JsonSchema, definitions: Any) -> JsonSchema:
        ref = schema.get("$ref", "")
        resolved = definitions.get(ref.rsplit("/", 1)[-1], schema) if ref else schema
        return dict(resolved.get("properties", {}).get(model_key, {}))

    return ParameterDescription(
        name=request_key,
        location=spec.source,  # type: ignore[arg-type]
        schema=registry.derive(model_schema, property_schema),
        required=field.is_required(),
        description=field.description,
        deprecated=bool(field.deprecated),
        include_in_schema=spec.marker.include_in_schema,
    )
