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
from pydantic import AliasChoices, BaseModel, TypeAdapter, ValidationError

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
    alternatives: tuple[str, ...] = ()  # AliasChoices: keys tried after ``key``


def _fetch(source: str, key: str, many: bool) -> Fetch:
    # Each reads only its part of the request (see RequestContext), never the whole
    # Request object.
    if source == "path":
        return lambda ctx: ctx.path_params.get(key)
    if source == "query":
        if many:
            return lambda ctx: ctx.query_params.getlist(key) or None
        return lambda ctx: ctx.query.get(key)
    if source == "header":
        lowered = key.lower()
        if many:
            return lambda ctx: ctx.headers.getlist(lowered) or None
        raw_key = lowered.encode("latin-1")

        def first_header(ctx: RequestContext) -> str | None:
            # What Headers.get gives (the first of repeated headers), without building one.
            for name, value in ctx.scope["headers"]:
                if name == raw_key:
                    return value.decode("latin-1")  # type: ignore[no-any-return]
            return None

        return first_header
    return lambda ctx: ctx.cookies.get(key)


def value_resolver(
    spec: ValueSpec, registry: SchemaRegistry, extra: tuple[Description, ...]
) -> Resolver:
    """A resolver reading and validating one path/query/header/cookie value."""
    many = spec.source in ("query", "header") and is_sequence_type(spec.annotation)
    fetch = _fetch(spec.source, spec.key, many)
    adapter = TypeAdapter(spec.annotation)
    validate = None if spec.plain_str and not many else adapter.validator.validate_python
    loc = (spec.source, spec.key)
    required, default, factory = spec.required, spec.default, spec.default_factory
    if spec.alternatives:
        return _choices_resolver(
            spec, many, validate, registry.register(adapter, "validation"), registry, extra
        )

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

    description = _describe(spec, registry.register(adapter, "validation"), registry)
    return Resolver(resolve, is_async=False, describes=(description, *extra), label=spec.source)


def _choices_resolver(
    spec: ValueSpec,
    many: bool,
    validate: Callable[[Any], Any] | None,
    schema: Schema,
    registry: SchemaRegistry,
    extra: tuple[Description, ...],
) -> Resolver:
    """``validation_alias=AliasChoices(...)``: the first key the request has is read."""
    fetches = [(key, _fetch(spec.source, key, many)) for key in (spec.key, *spec.alternatives)]
    missing = (spec.source, spec.key)

    def resolve(ctx: RequestContext) -> Any:
        found = next(((k, raw) for k, fetch in fetches if (raw := fetch(ctx)) is not None), None)
        if found is None:
            if spec.required:
                raise RequestValidationError([missing_error(missing)])
            return spec.default if spec.default_factory is None else spec.default_factory()
        key, raw = found
        if validate is None:
            return raw
        try:
            return validate(raw)
        except ValidationError as exc:
            raise RequestValidationError(located_errors(exc, (spec.source, key))) from None

    description = _describe(spec, schema, registry)
    return Resolver(resolve, is_async=False, describes=(description, *extra), label=spec.source)


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
    # Per field: its (request key, model key) choices, tried in order, and whether it
    # reads repeated keys. A field has several with validation_alias=AliasChoices(...).
    fields: list[tuple[tuple[tuple[str, str], ...], bool, str]] = []
    for field_name, field in model.model_fields.items():
        given = field.validation_alias
        if isinstance(given, AliasChoices):
            names = [str(c) for c in given.choices if isinstance(c, str)]
        else:
            names = [given if isinstance(given, str) else field.alias or field_name]
        choices = []
        for name in names:
            alias = None if name == field_name else name
            request_key = _request_key(source, spec.marker, field_name, alias)
            choices.append((request_key.lower() if header else request_key, name))
        many = source in ("query", "header") and is_sequence_type(field.annotation)
        fields.append((tuple(choices), many, field_name))
    known = {request_key for choices, _, _ in fields for request_key, _ in choices}
    renamed = {
        model_key: request_key
        for choices, _, _ in fields
        for request_key, model_key in choices
        if model_key != request_key
    }
    # Unknown query keys and cookies reach the model, so extra="forbid" refuses them.
    # Every header does, as in FastAPI: a model that forbids extras refuses what
    # clients and proxies add (Host, User-Agent, ...), and errors show all headers.
    keep_extra = header or model.model_config.get("extra") in ("allow", "forbid")
    adapter = TypeAdapter(model)
    validate = adapter.validator.validate_python

    def gather(ctx: RequestContext) -> tuple[dict[str, Any], bool]:
        """The model's input, and whether the request sent any of its own fields."""
        values: Any = (
            ctx.query_params if source == "query" else ctx.headers if header else ctx.cookies
        )
        data: dict[str, Any] = {}
        for choices, many, _ in fields:
            for request_key, model_key in choices:
                value = values.getlist(request_key) if many else values.get(request_key)
                if value is None or (many and not value):
                    continue
                data[model_key] = value
                break
        sent = bool(data)
        if keep_extra:
            items = values.multi_items() if source == "query" else values.items()
            for key, value in items:  # repeated keys: the first value
                if key not in known:
                    data.setdefault(key, value)
            sent = sent or (not header and bool(data))
        return data, sent

    def resolve(ctx: RequestContext) -> Any:
        data, sent = gather(ctx)
        if not sent and not spec.required:
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
        _describe_field(spec, registry, model_schema, field_name, *choices[0])
        for choices, _, field_name in fields
    ]
    return Resolver(resolve, is_async=False, describes=(*descriptions, *extra), label=source)


def _describe_field(
    spec: GroupSpec,
    registry: SchemaRegistry,
    model_schema: Schema,
    field_name: str,
    request_key: str,
    model_key: str,
) -> ParameterDescription:
    field = spec.model.model_fields[field_name]

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
