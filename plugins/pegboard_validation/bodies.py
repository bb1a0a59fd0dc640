"""Request bodies: one plan per route, shared by the handler and its dependencies.

Body parameters can come from the handler and from any dependency of it (the DI
plugin resolves a dependency's parameters through the same hook, with the route
that uses it). As in FastAPI they all read one body: a single parameter *is* the
body, several are keys of one JSON object (``{"item": ..., "user": ...}``). Whether
to embed is known only once every parameter of the route is resolved, so each
route gets a :class:`BodyPlan` that collects the body parameters while the route
compiles and is *finished* after that (from the ``pegboard_encode_response`` and
``pegboard_route_middleware`` hooks, which run after all parameters and guards).
Finishing builds one validator for the whole body, and sets what each parameter's
resolver does per request; the resolvers handed to the core forward to it.

A body is JSON (validated straight from the request bytes) or a form (URL-encoded
or multipart, when a parameter is a file); a route cannot mix both.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any, Literal, Union

import attrs
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
)
from pydantic_core import from_json
from starlette.routing import compile_path

from pegboard import (
    RequestContext,
    RequestValidationError,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    StashKey,
)
from pegboard.descriptions import BodyDescription, Description, JsonSchema, Schema
from pegboard_validation.errors import json_body_errors, missing_error
from pegboard_validation.forms import (
    form_reader,
    form_union,
    read_form_field,
    read_form_model,
)
from pegboard_validation.kinds import form_models
from pegboard_validation.markers import Body, Param
from pegboard_validation.media import json_media_check
from pegboard_validation.options import ValidationOptions
from pegboard_validation.schemas import REF_PREFIX, SchemaRegistry, json_default

__all__ = ["BodyField", "BodyPlan"]

Reader = Callable[[RequestContext], Awaitable[Any]]
Kind = Literal["json", "form", "file"]


@attrs.define(eq=False)
class BodyField:
    """One body parameter of a route (of its handler or of a dependency)."""

    name: str
    key: str  # the JSON key or form field name
    annotation: Any  # with constraints, ready for TypeAdapter
    kind: Kind
    marker: Param | None
    required: bool
    default: Any
    default_factory: Callable[[], Any] | None
    where: str  # "parameter 'item' of module.handler", for error messages
    read: Reader | None = None

    def default_value(self) -> Any:
        return self.default if self.default_factory is None else self.default_factory()

    def absent(self, loc: tuple[str | int, ...]) -> Any:
        if self.required:
            raise RequestValidationError([missing_error(loc)])
        return self.default_value()


@attrs.define(eq=False)
class BodyPlan:
    """The body parameters of one route, and, once finished, how to read them."""

    route: RouteInfo
    options: ValidationOptions
    registry: SchemaRegistry
    fields: list[BodyField] = attrs.field(factory=list)
    description: BodyDescription | None = None
    finished: bool = False
    key: StashKey[Any] = attrs.field(factory=lambda: StashKey("pegboard_validation.body"))

    # -- while the route compiles ------------------------------------------------

    def add(self, field: BodyField, extra: tuple[Description, ...]) -> Resolver:
        """Add a body parameter; return the resolver the core will call for it."""
        if self.route.kind != "http":
            raise RouteDefinitionError(
                f"The {field.where} ({self.route.label}) reads the request body, which "
                "WebSocket routes do not have. Receive messages with websocket.receive_json()."
            )
        if self.finished:
            raise RouteDefinitionError(
                f"The {field.where} was resolved after {self.route.label} was compiled; "
                "body parameters must be resolved while the route compiles."
            )
        for known in self.fields:
            if known.key == field.key:
                if known.annotation != field.annotation or known.kind != field.kind:
                    raise RouteDefinitionError(
                        f"The {field.where} and the {known.where} both read the body key "
                        f"{field.key!r} of {self.route.label}, with different types. "
                        "Rename one, or give it another key with alias=."
                    )
                field = known  # the same value, read once and shared
                break
        else:
            self.fields.append(field)
            field.read = self._finish_then_read(field)
        describes = extra
        shared = field

        def resolve(ctx: RequestContext) -> Awaitable[Any]:
            return shared.read(ctx)  # type: ignore[misc]

        label = "body" if field.kind == "json" else field.kind
        return Resolver(resolve, is_async=True, describes=describes, label=label)

    def _finish_then_read(self, field: BodyField) -> Reader:
        def read(ctx: RequestContext) -> Awaitable[Any]:
            self.finish()
            return field.read(ctx)  # type: ignore[misc]

        return read

    def finish(self) -> None:
        """Decide the body's shape and build its validator; idempotent."""
        if self.finished or not self.fields:
            self.finished = True
            return
        kinds = {f.kind for f in self.fields}
        if "json" in kinds and kinds != {"json"}:
            json_field = next(f for f in self.fields if f.kind == "json")
            form_field = next(f for f in self.fields if f.kind != "json")
            raise RouteDefinitionError(
                f"{self.route.label} reads a JSON body (the {json_field.where}) and a form "
                f"(the {form_field.where}); a request has only one body. Declare them all "
                "with Form()/File(), or all as JSON."
            )
        if kinds == {"json"}:
            content, required = self._finish_json()
        else:
            content, required = self._finish_form("file" in kinds)
        # Described only now: the body's shape is known once every parameter is.
        examples = next(
            (
                f.marker.openapi_examples
                for f in self.fields
                if f.marker and f.marker.openapi_examples
            ),
            None,
        )
        self.description = BodyDescription(
            content=content,
            required=required,
            description=next((f.marker.description for f in self.fields if f.marker), None),
            # Body(openapi_examples=...): named examples of the media type, as in FastAPI.
            extra={"content": {m: {"examples": json_default(examples)} for m in content}}
            if examples
            else {},
        )
        self.finished = True

    # -- JSON ------------------------------------------------------------------------

    def _embedded(self) -> bool:
        if len(self.fields) > 1:
            return True
        marker = self.fields[0].marker
        return isinstance(marker, Body) and bool(marker.embed)

    def _media_type(self) -> str:
        for field in self.fields:
            if isinstance(field.marker, Body) and field.marker.media_type != "application/json":
                return field.marker.media_type
        return "application/json"

    def _finish_json(self) -> tuple[dict[str, Schema | None], bool]:
        check = json_media_check(
            self.options.strict_content_type, self.options.wrong_content_type == "refuse"
        )
        if not self._embedded():
            field = self.fields[0]
            adapter = TypeAdapter(field.annotation)
            field.read = _read_json_value(field, adapter.validator, check)
            schema = self._titled(field, self.registry.register(adapter, "validation"))
            return {self._media_type(): schema}, field.required
        model = self._body_model(self.fields)
        adapter = TypeAdapter(model)
        required = tuple(f.key for f in self.fields if f.required)
        read_all = _read_json_object(self.key, adapter.validator, check, required)
        for index, field in enumerate(self.fields):
            field.read = _read_attribute(read_all, f"f{index}")
        schema = self.registry.register(adapter, "validation")
        return {self._media_type(): schema}, any(f.required for f in self.fields)

    def _titled(self, field: BodyField, schema: Schema) -> Schema:
        """A lone body's schema as FastAPI documents it: titled, with its examples."""
        marker = field.marker
        title = (marker.title if marker else None) or field.name.replace("_", " ").title()
        additions: dict[str, Any] = {}
        if marker is not None and marker.examples is not None:
            additions["examples"] = json_default(marker.examples)

        def finish(built: JsonSchema, definitions: Any) -> JsonSchema:
            if "$ref" in built or "title" in built:  # a model names itself
                return {**built, **additions}
            return {**built, "title": title, **additions}

        return self.registry.derive(schema, finish)

    def _body_model(
        self, fields: Iterable[BodyField], base: type[BaseModel] | None = None
    ) -> type[BaseModel]:
        definitions: dict[str, Any] = {}
        for index, field in enumerate(fields):
            marker = field.marker
            choices = marker.validation_alias if marker is not None else None
            extra: dict[str, Any] = {
                # AliasChoices: each of its names is read, the first one documented.
                "validation_alias" if isinstance(choices, AliasChoices) else "alias": (
                    choices if isinstance(choices, AliasChoices) else field.key
                ),
                "title": (marker.title if marker else None) or field.name.replace("_", " ").title(),
                "description": marker.description if marker else None,
                "examples": marker.examples if marker else None,
            }
            if field.default_factory is not None:
                extra["default_factory"] = field.default_factory
            elif not field.required:
                extra["default"] = field.default
            definitions[f"f{index}"] = (field.annotation, Field(**extra))
        name = _body_model_name(self.route)
        if base is not None:
            return create_model(name, __base__=base, **definitions)
        return create_model(name, __config__=ConfigDict(extra="ignore"), **definitions)

    # -- forms -----------------------------------------------------------------------

    def _finish_form(self, multipart: bool) -> tuple[dict[str, Schema | None], bool]:
        form_of = form_reader(self.key, self.options)
        media_type = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
        grouped = [(f, form_models(f.annotation)) for f in self.fields]
        groups = [(f, models) for f, models in grouped if models]
        plain = [f for f, models in grouped if not models]
        # Each model (or union of models) reads its own fields from the whole form; a
        # plain field must not read one of them too.
        owners: dict[str, tuple[BodyField, type[BaseModel]]] = {}
        for field, models in groups:
            for model in models:
                for key in _form_keys(model):
                    owners.setdefault(key, (field, model))
        for other in plain:
            if other.key in owners:
                field, model = owners[other.key]
                raise RouteDefinitionError(
                    f"The {other.where} reads the form field {other.key!r} of "
                    f"{self.route.label}, which the {field.where} ({model.__name__}) reads "
                    "too. Remove one of them, or rename it with alias=."
                )
            validate = TypeAdapter(other.annotation).validator.validate_python
            other.read = read_form_field(other, validate, form_of)
        every_key = set(owners) | {other.key for other in plain}
        for field, models in groups:
            own = {key for model in models for key in _form_keys(model)}
            adapter = TypeAdapter(form_union(field.annotation, models))
            validate = adapter.validator.validate_python
            not_extra = frozenset(every_key - own)
            field.read = read_form_model(field, models, validate, form_of, not_extra)
        required = any(f.required for f in self.fields)
        if not groups:
            schema = self.registry.register(TypeAdapter(self._body_model(plain)), "validation")
        elif len(self.fields) == 1:
            schema = self.registry.register(TypeAdapter(self.fields[0].annotation), "validation")
        elif len(groups) == 1 and len(groups[0][1]) == 1:
            # One model beside other fields: documented as one form, side by side.
            combined = self._body_model(plain, base=groups[0][1][0])
            schema = self.registry.register(TypeAdapter(combined), "validation")
        else:
            rest = self.registry.register(TypeAdapter(self._body_model(plain)), "validation")
            parts = [
                self.registry.register(TypeAdapter(_documented_models(f, models)), "validation")
                for f, models in groups
            ]
            schema = _all_of(rest, parts)
        return {media_type: schema}, required


def _form_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _documented_models(field: BodyField, models: tuple[type[BaseModel], ...]) -> Any:
    """What a form model parameter documents: its models, without None."""
    if len(models) == 1:
        return models[0]
    union = Union[models]  # type: ignore[valid-type]  # noqa: UP007 - built at runtime
    discriminator = field.marker.constraints.get("discriminator") if field.marker else None
    if not isinstance(discriminator, str):
        return union
    return Annotated[union, Field(discriminator=discriminator)]


def _all_of(rest: Schema, parts: list[Schema]) -> Schema:
    """The form's own fields (``rest``, a model), with ``allOf`` the models it includes."""

    def build() -> tuple[JsonSchema, dict[str, JsonSchema]]:
        schema, found = rest.build()
        definitions = dict(found)
        included = []
        for part in parts:
            part_schema, part_definitions = part.build()
            definitions.update(part_definitions)
            included.append(part_schema)
        ref = schema.get("$ref", "")
        name = ref.removeprefix(REF_PREFIX)
        if name in definitions:
            definitions[name] = {**definitions[name], "allOf": included}
            return schema, definitions
        return {"allOf": [schema, *included]}, definitions

    return Schema.lazy(build)


def _body_model_name(route: RouteInfo) -> str:
    # FastAPI's scheme: Body_<name><path>_<method>, non-word characters as "_".
    path_format = compile_path(route.path)[1]
    method = min(route.methods).lower() if route.methods else "websocket"
    return "Body_" + re.sub(r"\W", "_", f"{route.name}{path_format}_{method}")


# -- per request: JSON -------------------------------------------------------------------


def _echo(body: bytes) -> Any:
    """The body for ``RequestValidationError.body``: parsed JSON when it parses."""
    try:
        return from_json(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _text(body: bytes) -> str:
    """A body that is not JSON, validated as the text it is.

    Validated with ``from_attributes=True``, as FastAPI does, so a model's error is
    FastAPI's ``model_attributes_type``.
    """
    return body.decode("utf-8", "replace")


def _read_json_value(field: BodyField, validator: Any, check: Callable[[Any], bool]) -> Reader:
    loc = ("body",)
    validate_json = validator.validate_json

    async def read(ctx: RequestContext) -> Any:
        body = await ctx.body()
        if not body:
            return field.absent(loc)
        try:
            if check(ctx.scope):
                return validate_json(body)
            return validator.validate_python(_text(body), from_attributes=True)
        except ValidationError as exc:
            raise RequestValidationError(
                json_body_errors(exc, body, loc), body=_echo(body)
            ) from None

    return read


_FAILED: Any = object()


def _not_an_object(exc: ValidationError, required: tuple[str, ...]) -> list[Any] | None:
    """A body that is not an object has none of its keys: each required one is missing."""
    errors = exc.errors()
    if required and len(errors) == 1 and errors[0]["loc"] == () and errors[0]["type"] in _OBJECT:
        return [missing_error(("body", key)) for key in required]
    return None


_OBJECT = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _read_json_object(
    key: StashKey[Any], validator: Any, check: Callable[[Any], bool], required: tuple[str, ...]
) -> Reader:
    """Validate an embedded body once per request; its parameters share the result."""
    loc = ("body",)

    async def read_all(ctx: RequestContext) -> Any:
        stash = ctx.stash
        found = stash.get(key, None)
        if found is not None:
            if found is _FAILED:
                raise RequestValidationError([])  # already reported by the first parameter
            return found
        body = await ctx.body()
        try:
            if body:
                if check(ctx.scope):
                    found = validator.validate_json(body)
                else:
                    found = validator.validate_python(_text(body), from_attributes=True)
            else:
                found = validator.validate_python({})
        except ValidationError as exc:
            stash[key] = _FAILED
            errors = _not_an_object(exc, required) or json_body_errors(
                exc, body, loc, embedded=True
            )
            raise RequestValidationError(errors, body=_echo(body)) from None
        except BaseException:
            stash[key] = _FAILED
            raise
        stash[key] = found
        return found

    return read_all


def _read_attribute(read_all: Reader, attribute: str) -> Reader:
    async def read(ctx: RequestContext) -> Any:
        return getattr(await read_all(ctx), attribute)

    return read
