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
from typing import Any, Literal

import attrs
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
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
from pegboard_validation.forms import FormOf, form_reader, read_form_field, read_form_model
from pegboard_validation.kinds import group_model
from pegboard_validation.markers import Body, Param
from pegboard_validation.media import json_media_check
from pegboard_validation.options import ValidationOptions
from pegboard_validation.schemas import SchemaRegistry, json_default

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
        check = json_media_check(self.options.strict_content_type)
        if not self._embedded():
            field = self.fields[0]
            adapter = TypeAdapter(field.annotation)
            field.read = _read_json_value(field, adapter.validator.validate_json, check)
            schema = self._titled(field, self.registry.register(adapter, "validation"))
            return {self._media_type(): schema}, field.required
        model = self._body_model(self.fields)
        adapter = TypeAdapter(model)
        read_all = _read_json_object(self.key, adapter.validator, check)
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
            extra: dict[str, Any] = {
                "alias": field.key,
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
        models = [f for f in self.fields if group_model(f.annotation) is not None]
        if len(models) > 1:
            raise RouteDefinitionError(
                f"The {models[0].where} and the {models[1].where} both read the whole form "
                f"of {self.route.label} as a model. Merge them into one model."
            )
        if models:
            return self._finish_form_model(models[0], form_of, media_type)
        for field in self.fields:
            validate = TypeAdapter(field.annotation).validator.validate_python
            field.read = read_form_field(field, validate, form_of)
        adapter = TypeAdapter(self._body_model(self.fields))
        schema = self.registry.register(adapter, "validation")
        return {media_type: schema}, any(f.required for f in self.fields)

    def _finish_form_model(
        self, field: BodyField, form_of: FormOf, media_type: str
    ) -> tuple[dict[str, Schema | None], bool]:
        """A model reads its fields from the form; other parameters read theirs."""
        model = group_model(field.annotation)
        assert model is not None
        others = [f for f in self.fields if f is not field]
        model_keys = {info.alias or name for name, info in model.model_fields.items()}
        for other in others:
            if other.key in model_keys:
                raise RouteDefinitionError(
                    f"The {other.where} reads the form field {other.key!r} of "
                    f"{self.route.label}, which the {field.where} ({model.__name__}) reads "
                    "too. Remove one of them, or rename it with alias=."
                )
            validate = TypeAdapter(other.annotation).validator.validate_python
            other.read = read_form_field(other, validate, form_of)
        adapter = TypeAdapter(field.annotation)
        validate_model = adapter.validator.validate_python
        not_extra = frozenset(other.key for other in others)
        field.read = read_form_model(field, model, validate_model, form_of, not_extra)
        if not others:
            return {media_type: self.registry.register(adapter, "validation")}, field.required
        # Documented as one form: the model's fields and the others side by side.
        combined = TypeAdapter(self._body_model(others, base=model))
        schema = self.registry.register(combined, "validation")
        return {media_type: schema}, any(f.required for f in self.fields)


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


def _read_json_value(
    field: BodyField, validate_json: Callable[[bytes], Any], check: Callable[[Any], None]
) -> Reader:
    loc = ("body",)

    async def read(ctx: RequestContext) -> Any:
        body = await ctx.body()
        if not body:
            return field.absent(loc)
        check(ctx.scope)
        try:
            return validate_json(body)
        except ValidationError as exc:
            raise RequestValidationError(
                json_body_errors(exc, body, loc), body=_echo(body)
            ) from None

    return read


_FAILED: Any = object()


def _read_json_object(key: StashKey[Any], validator: Any, check: Callable[[Any], None]) -> Reader:
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
                check(ctx.scope)
                found = validator.validate_json(body)
            else:
                found = validator.validate_python({})
        except ValidationError as exc:
            stash[key] = _FAILED
            raise RequestValidationError(
                json_body_errors(exc, body, loc, embedded=True), body=_echo(body)
            ) from None
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
