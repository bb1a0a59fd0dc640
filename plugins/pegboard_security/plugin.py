"""The security plugin: scopes along dependency chains, ``security=[...]``, descriptions.

The schemes themselves are ordinary dependencies and need nothing from the plugin at
request time. What the plugin adds, all while the app is built, through the DI
plugin's hooks: ``SecurityScopes`` parameters, an ``HTTPConnection`` on the scope for
first-party schemes (they need no ``Request``, see
:func:`~pegboard_security.base.scope_is_enough`), cache keys that keep values computed
for different scopes apart, the ``SecurityDescription`` of every scheme in a route's
graph, the ``security=[...]`` route option, and the password form's fields.
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
from starlette.requests import HTTPConnection

from pegboard import (
    App,
    ParamInfo,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard.descriptions import (
    BodyDescription,
    Description,
    ResponseDescription,
    Schema,
    SecurityDescription,
)
from pegboard.params import describe_callable
from pegboard_di import Depends, dependency_graph, dependency_resolver
from pegboard_security.base import SecurityBase, scope_is_enough
from pegboard_security.forms import FormField, form_field_resolver
from pegboard_security.scopes import RequiredScopes, Security, SecurityScopes, scopes_of

__all__ = ["SecurityPlugin", "security"]

_DETAIL = Schema.of(
    {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
)
_CHALLENGE = {
    "WWW-Authenticate": {
        "description": "How to authenticate (RFC 9110, 11.6.1).",
        "schema": {"type": "string"},
    }
}
_UNAUTHORIZED = ResponseDescription(
    401, "Not authenticated", {"application/json": _DETAIL}, _CHALLENGE
)
_FORBIDDEN = ResponseDescription(403, "Not enough permissions", {"application/json": _DETAIL})


@attrs.define
class _State:
    """Per app: the bodies of password forms."""

    form_bodies: dict[Any, BodyDescription] = attrs.field(factory=dict)


_STATE: StashKey[_State] = StashKey("pegboard_security")


def _is_scopes_type(annotation: Any) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, SecurityScopes)


class SecurityPlugin:
    """Authentication schemes, scopes and the ``security=[...]`` route option.

    Create it with :func:`security`; it requires the DI plugin.
    """

    plugin_info = PluginInfo(
        name="security",
        version=__version__,
        requires=("di",),
        route_options=(
            RouteOption(
                "security",
                "extend",
                "Schemes or Security(...) markers every request must pass; values dropped.",
            ),
        ),
        description="Auth schemes (HTTP, API keys, OAuth2, OpenID Connect) and scopes.",
    )

    def __init__(self, fastapi_compatible: bool = False) -> None:
        self.fastapi_compatible = fastapi_compatible

    def __repr__(self) -> str:
        return "security(fastapi_compatible=True)" if self.fastapi_compatible else "security()"

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        app.stash[_STATE] = _State()

    # -- the security=[...] option ---------------------------------------------------

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        items = route.option("security", ())
        if isinstance(items, (SecurityBase, Depends, str)) or not isinstance(items, Sequence):
            raise RouteDefinitionError(
                f"Route {route.label} has security={items!r}; it takes a list: "
                "security=[scheme] or security=[Security(dependency, scopes=[...])]."
            )
        for item in items:
            if isinstance(item, SecurityBase):
                continue
            if isinstance(item, Depends):
                if item.dependency is None:
                    raise RouteDefinitionError(
                        f"Route {route.label} lists {item!r} in security=[...], which needs "
                        "a callable there: security=[Security(get_current_user)]."
                    )
                continue
            name = describe_callable(item).rpartition(".")[2] if callable(item) else None
            suggestion = f"Security({name})" if name else "Security(dependency)"
            raise RouteDefinitionError(
                f"Route {route.label} lists {item!r} in security=[...], which takes security "
                "schemes (HTTPBearer(), APIKeyHeader(name=...), ...) and Security(...) or "
                f"Depends(...) markers. Write security=[{suggestion}]."
            )

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver]:
        return [
            dependency_resolver(
                app,
                route,
                item if isinstance(item, Depends) else Security(item),
                origin="security=[...]",
            )
            for item in route.option("security", ())
        ]

    # -- parameters --------------------------------------------------------------------

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        marker = param.marker
        if isinstance(marker, FormField):
            bodies = app.stash[_STATE].form_bodies
            return form_field_resolver(route, param, marker, bodies, not self.fastapi_compatible)
        if _is_scopes_type(param.type) or isinstance(marker, RequiredScopes):
            owner = describe_callable(param.owner) if param.owner is not None else "the handler"
            raise RouteDefinitionError(
                f"Parameter {param.name!r} of {owner} ({route.label}) is a SecurityScopes, "
                "which only dependencies can take: it holds the scopes of the Security(...) "
                "markers above a dependency, and a handler has none above it. Read it in a "
                "dependency that the handler uses with Security(dependency, scopes=[...])."
            )
        return None

    @hookimpl
    def pegboard_di_resolve_parameter(
        self, param: ParamInfo, chain: tuple[Depends, ...]
    ) -> Resolver | None:
        if _is_scopes_type(param.type):
            if self.fastapi_compatible:
                scopes = param.type(scopes_of(chain), plain_errors=True)
            else:
                scopes = param.type(scopes_of(chain))
            return Resolver.constant(scopes, label="scopes")
        if param.type is HTTPConnection and scope_is_enough(param.owner):
            # A scheme reading headers needs no Request: none is made per request.
            return Resolver(_connection_on_scope, is_async=False, label="HTTPConnection")
        return None

    @hookimpl
    def pegboard_di_cache_key(
        self, app: App, dependency: Any, chain: tuple[Depends, ...]
    ) -> Hashable | None:
        # As FastAPI does: only dependencies whose value may depend on the scopes (they
        # read them, are schemes, or have such a dependency) are cached per scopes, so
        # that a database session is still shared by every position in the request.
        scopes = scopes_of(chain)
        if not scopes:
            return None
        own = chain[-1]
        if not (isinstance(own, Security) and own.scopes) and not _reads_scopes(app, own):
            return None
        return ("scopes", tuple(sorted(scopes)))

    @hookimpl
    def pegboard_di_describe_dependency(
        self, dependency: Any, chain: tuple[Depends, ...]
    ) -> Sequence[Description] | None:
        if not isinstance(dependency, SecurityBase):
            return None
        name = getattr(dependency, "scheme_name", None)
        scheme = getattr(dependency, "openapi_scheme", None)
        if not isinstance(name, str) or not isinstance(scheme, Mapping):
            raise RouteDefinitionError(
                f"The security scheme {type(dependency).__name__} has no scheme_name or no "
                "openapi_scheme. Call super().__init__(...) in its __init__ and set "
                'self.openapi_scheme = {"type": ...}, the OpenAPI Security Scheme object.'
            )
        scopes = scopes_of(chain)
        described: list[Description] = [
            SecurityDescription(name, scheme, scopes),
            _UNAUTHORIZED,
        ]
        if scopes:
            described.append(_FORBIDDEN)
        return described


def _connection_on_scope(ctx: RequestContext) -> HTTPConnection:
    return HTTPConnection(ctx.scope)


def _reads_scopes(app: App, marker: Depends) -> bool:
    """Whether the graph below ``marker`` has a scheme, reads scopes or asks for some."""
    graph = dependency_graph(app, marker)
    for position in graph:
        if position.marker.scope == "app":
            continue  # app-scoped graphs cannot read a request's scopes
        called: object = position.call  # schemes are instances with __call__
        if isinstance(called, SecurityBase):
            return True
        if any(_is_scopes_type(param.type) for param in position.parameters):
            return True
        sub = position.marker
        if position is not graph[0] and isinstance(sub, Security) and sub.scopes:
            return True
    return False


def security(*, fastapi_compatible: bool = False) -> SecurityPlugin:
    """The security plugin, to enable with the DI plugin: ``App(plugins=[di(), security()])``.

    :param fastapi_compatible: Answer with the schemes' 401s as FastAPI does: the
        detail is always ``Not authenticated`` and the challenge has no parameters
        (``Basic`` without ``charset="UTF-8"``, ``Bearer`` without the required
        ``scope``).
    """
    return SecurityPlugin(fastapi_compatible)
