"""A fake third-party plugin that documents itself only through pegboard's descriptions.

It stands in for validation, security and any plugin from elsewhere: its resolvers,
guards and encoder carry Parameter-, Body-, Response- and SecurityDescriptions, and it
answers ``pegboard_openapi_model_schema`` as an optional hook. The OpenAPI plugin knows
nothing about it, which is the point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from pegboard import (
    App,
    Encoder,
    JSONResponse,
    Marker,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteOption,
    hookimpl,
)
from pegboard.descriptions import (
    BodyDescription,
    ParameterDescription,
    ResponseDescription,
    Schema,
    SecurityDescription,
)

REF = "#/components/schemas/"


@attrs.frozen
class Model:
    """A modelling library's model, reduced to a name and a JSON Schema."""

    name: str
    schema: Mapping[str, Any]
    extra_definitions: Mapping[str, Any] = attrs.field(factory=dict)

    def describe(self) -> Schema:
        return Schema.lazy(
            lambda: ({"$ref": REF + self.name}, {self.name: self.schema, **self.extra_definitions})
        )


class Param(Marker):
    """Read a query parameter, header or cookie, as a validation plugin would."""

    def __init__(
        self,
        location: str = "query",
        schema: Mapping[str, Any] | Model | None = None,
        *,
        required: bool = False,
        alias: str | None = None,
        **description: Any,
    ) -> None:
        self.location, self.schema, self.required, self.alias = location, schema, required, alias
        self.description = description


class Body(Marker):
    """Read the request body as one model, per media type."""

    def __init__(self, model: Model, *media_types: str, required: bool = True) -> None:
        self.model, self.media_types, self.required = (
            model,
            media_types or ("application/json",),
            required,
        )


def _schema(value: Mapping[str, Any] | Model | None) -> Schema | None:
    if value is None:
        return None
    if isinstance(value, Model):
        return value.describe()
    return Schema.of(value)


@attrs.frozen
class Auth:
    """A security requirement: a guard that describes its scheme."""

    scheme_name: str
    scheme: Mapping[str, Any]
    scopes: Sequence[str] = ()


def _allow(ctx: RequestContext) -> None:
    return None


class FakePlugin:
    plugin_info = PluginInfo(
        name="fake",
        route_options=(
            RouteOption("auth", "extend", "Security requirements."),
            RouteOption("returns", "replace", "The model the handler returns."),
        ),
    )

    def __init__(self) -> None:
        self.models_asked: list[Any] = []

    @hookimpl
    def pegboard_resolve_parameter(self, app: App, route: Any, param: Any) -> Resolver | None:
        marker = param.marker
        if isinstance(marker, Param):
            name = marker.alias or param.name
            description = ParameterDescription(
                name,
                marker.location,  # type: ignore[arg-type]
                _schema(marker.schema),
                required=marker.required,
                **marker.description,
            )
            source = {"query": "query_params", "header": "headers", "cookie": "cookies"}

            def read(ctx: RequestContext) -> Any:
                return getattr(ctx.request, source[marker.location]).get(name)

            return Resolver(read, is_async=False, describes=(description,), label=marker.location)
        if isinstance(marker, Body):
            schema = marker.model.describe()
            body = BodyDescription(dict.fromkeys(marker.media_types, schema), marker.required)

            async def read_body(ctx: RequestContext) -> Any:
                return await ctx.request.json()

            return Resolver(read_body, describes=(body,), label="body")
        return None

    @hookimpl
    def pegboard_route_guards(self, app: App, route: Any) -> Sequence[Resolver] | None:
        guards = []
        for auth in route.option("auth", ()):
            described = (
                SecurityDescription(auth.scheme_name, auth.scheme, tuple(auth.scopes)),
                ResponseDescription(401, "Not authenticated"),
            )
            guards.append(Resolver(_allow, is_async=False, describes=described, label="auth"))
        return guards

    @hookimpl
    def pegboard_encode_response(self, app: App, route: Any) -> Encoder | None:
        model = route.option("returns")
        if model is None:
            return None
        status = route.status_code or 200
        response = ResponseDescription(status, "OK", {"application/json": model.describe()})
        return Encoder(lambda value: JSONResponse(value, status), describes=(response,))

    @hookimpl(optionalhook=True)
    def pegboard_openapi_model_schema(self, app: App, model: Any) -> Schema | None:
        self.models_asked.append(model)
        return model.describe() if isinstance(model, Model) else None
