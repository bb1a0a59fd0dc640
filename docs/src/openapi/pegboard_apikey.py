"""pegboard-apikey: API keys and tenants from headers, checked and documented.

The OpenAPI plugin never imports this module. The resolvers below carry
descriptions, and that is all the document needs: a security scheme and a 401
response for ``ApiKey()``, a header parameter for ``Tenant()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from pegboard import (
    App,
    HTTPException,
    Marker,
    ParamInfo,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteInfo,
    hookimpl,
)
from pegboard.descriptions import (
    ParameterDescription,
    ResponseDescription,
    Schema,
    SecurityDescription,
)

SCHEME = {"type": "apiKey", "in": "header", "name": "X-API-Key"}

# A schema with a named definition: it lands in components/schemas, once.
ERROR = Schema.of(
    {"$ref": "#/components/schemas/ApiKeyError"},
    {
        "ApiKeyError": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    },
)


class ApiKey(Marker):
    """``Annotated[str, ApiKey()]``: the caller's key; unknown keys get a 401."""


class Tenant(Marker):
    """``Annotated[str, Tenant()]``: the tenant the request acts for (``X-Tenant``)."""


class ApiKeyPlugin:
    plugin_info = PluginInfo(name="apikey", version="1.0")

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(keys)

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        if isinstance(param.marker, ApiKey):
            return self._api_key()
        if isinstance(param.marker, Tenant):
            return _tenant()
        return None

    def _api_key(self) -> Resolver:
        keys = self.keys

        def check(ctx: RequestContext) -> str:
            key = ctx.request.headers.get("x-api-key")
            if key not in keys:
                raise HTTPException(401, "Unknown API key", {"WWW-Authenticate": "ApiKey"})
            return key

        described = (
            SecurityDescription("apiKey", SCHEME),
            ResponseDescription(401, "Unknown API key", {"application/json": ERROR}),
        )
        return Resolver(check, is_async=False, describes=described, label="apikey")


def _tenant() -> Resolver:
    def read(ctx: RequestContext) -> str:
        return ctx.request.headers.get("x-tenant", "public")

    header = ParameterDescription(
        "X-Tenant",
        "header",
        Schema.of({"type": "string", "pattern": "^[a-z]+$", "default": "public"}),
        description="The tenant to act for.",
    )
    return Resolver(read, is_async=False, describes=(header,), label="header")


def apikey(keys: Iterable[str] = ()) -> ApiKeyPlugin:
    return ApiKeyPlugin(keys)
