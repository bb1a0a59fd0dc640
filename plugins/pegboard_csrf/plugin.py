"""The CSRF plugin: unsafe requests to cookie-authenticated routes carry the session's token.

Build time: every HTTP route that accepts an unsafe method (POST, PUT, PATCH,
DELETE) gets a guard, unless it says ``csrf=False``. Once the route is compiled, the
security schemes it describes tell whether it is authenticated by a header a browser
never adds on its own (Bearer tokens, API-key headers, OAuth2, OpenID Connect); the
guard then lets requests that carry such a header through. Safe routes pay nothing.

Per request, the guard compares the token sent in a header or form field with the
session's secret, in constant time, and answers 403 when it is missing or wrong.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.formparsers import MultiPartException

from pegboard import (
    App,
    CompiledRoute,
    ConfigurationError,
    HTTPException,
    ParamInfo,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    __version__,
    hookimpl,
)
from pegboard.descriptions import ResponseDescription, Schema, SecurityDescription
from pegboard_csrf.tokens import csrf_token, token_matches
from pegboard_sessions import Session, SessionsPlugin

__all__ = ["UNSAFE_METHODS", "CSRFPlugin", "CSRFToken", "csrf", "header_credentials"]

#: The methods a CSRF token is required for.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FORBIDDEN = ResponseDescription(
    403,
    "CSRF token missing or invalid",
    {
        "application/json": Schema.of(
            {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        )
    },
)


class CSRFToken(str):
    """A handler parameter annotated ``CSRFToken`` receives a token for the session.

    Put it in the page's forms (a hidden field named like the plugin's
    ``field_name``) or hand it to scripts, which send it in the header.
    """

    __slots__ = ()


def header_credentials(descriptions: Sequence[Any]) -> tuple[tuple[str, ...], bool]:
    """The request headers that carry a route's non-ambient credentials.

    Returns ``(header names, lowercase; whether every scheme is one of them)``. A
    browser never attaches Bearer tokens (HTTP ``bearer``, OAuth2, OpenID Connect) or
    API-key headers on its own; HTTP Basic and Digest credentials, cookies and client
    certificates it does send by itself, so those routes still need the token.
    """
    schemes = [d.scheme for d in descriptions if isinstance(d, SecurityDescription)]
    headers: list[str] = []
    ambient = False
    for scheme in schemes:
        kind = scheme.get("type")
        bearer = kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
        if bearer or kind in ("oauth2", "openIdConnect"):
            name = "authorization"
        elif kind == "apiKey" and scheme.get("in") == "header":
            name = str(scheme.get("name", "")).lower()
        else:
            ambient = True
            continue
        if name and name not in headers:
            headers.append(name)
    return tuple(headers), bool(headers) and not ambient


class _Check:
    """The per-request CSRF guard of one route."""

    __slots__ = (
        "cookie_name",
        "field_name",
        "header_name",
        "header_only",
        "headers",
        "load",
    )

    def __init__(
        self,
        load: Callable[[RequestContext], Awaitable[Session]],
        cookie_name: str,
        field_name: str,
        header_name: str,
    ) -> None:
        self.load, self.cookie_name = load, cookie_name
        self.field_name, self.header_name = field_name, header_name
        # Set once the route is compiled: its credential headers.
        self.headers: tuple[str, ...] = ()
        self.header_only = False

    async def __call__(self, ctx: RequestContext) -> None:
        if ctx.scope["method"] not in UNSAFE_METHODS:
            return
        if self.headers:
            request_headers = ctx.headers
            if any(name in request_headers for name in self.headers):
                return  # authenticated by a header no other site can make a browser send
            if self.header_only and self.cookie_name not in ctx.cookies:
                return  # nothing ambient to abuse: the security scheme answers 401
        session = await self.load(ctx)
        sent = ctx.headers.get(self.header_name)
        if sent is None:
            sent = await self._form_field(ctx)
        if not sent:
            raise HTTPException(
                403,
                f"CSRF token missing: send it in the {self.header_name} header or the "
                f"{self.field_name!r} form field.",
            )
        if not token_matches(sent, session):
            raise HTTPException(
                403,
                "CSRF token invalid: it belongs to another or an expired session. Reload "
                "the page to get a new one.",
            )

    async def _form_field(self, ctx: RequestContext) -> str | None:
        content_type = ctx.headers.get("content-type", "")
        if content_type.partition(";")[0].strip().lower() not in _FORM_TYPES:
            return None
        try:
            form = await ctx.request.form()
        except MultiPartException as exc:
            raise HTTPException(400, f"Malformed form body: {exc.message}") from None
        # Uploaded files live in temporary files: close them after the response.
        ctx.exit_stack.push_async_callback(form.close)
        value = form.get(self.field_name)
        return value if isinstance(value, str) else None


class CSRFPlugin:
    """CSRF protection for cookie-authenticated routes; create it with :func:`csrf`.

    :ivar field_name: The form field the token may come in.
    :ivar header_name: The header the token may come in.
    """

    plugin_info = PluginInfo(
        name="csrf",
        version=__version__,
        requires=("sessions",),
        route_options=(
            RouteOption(
                "csrf",
                "replace",
                "False exempts the route; True checks even header-authenticated requests.",
            ),
        ),
        description="CSRF tokens for unsafe requests to routes authenticated by cookies.",
    )

    def __init__(self, field_name: str, header_name: str) -> None:
        self.field_name = field_name
        self.header_name = header_name

    def __repr__(self) -> str:
        return f"csrf(field_name={self.field_name!r}, header_name={self.header_name!r})"

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        value = route.option("csrf", None)
        if value is not None and not isinstance(value, bool):
            raise RouteDefinitionError(
                f"Route {route.label} has csrf={value!r}; it takes False (exempt the "
                "route), True (check every unsafe request, even header-authenticated "
                "ones) or None (the default: check unless a Bearer or API-key header "
                "authenticates the request)."
            )

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver] | None:
        if route.kind != "http" or route.option("csrf", None) is False:
            return None
        if not route.methods & UNSAFE_METHODS:
            return None
        plugin = SessionsPlugin.of(app)
        check = _Check(plugin.load, plugin.settings.cookie_name, self.field_name, self.header_name)
        return [Resolver(check, is_async=True, describes=(_FORBIDDEN,), label="csrf")]

    @hookimpl
    def pegboard_route_compiled(self, app: App, route: RouteInfo, compiled: CompiledRoute) -> None:
        if route.option("csrf", None) is not None:
            return  # True: always check; False: no guard
        for guard in compiled.guards:
            if isinstance(guard.func, _Check):
                guard.func.headers, guard.func.header_only = header_credentials(
                    compiled.descriptions
                )

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        annotation = param.type
        if param.marker is not None or not inspect.isclass(annotation):
            return None
        if not issubclass(annotation, CSRFToken):
            return None
        load = SessionsPlugin.of(app).load

        async def token(ctx: RequestContext) -> CSRFToken:
            return CSRFToken(csrf_token(await load(ctx)))

        return Resolver(token, is_async=True, label="csrf token")


def _name(what: str, value: Any) -> str:
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ConfigurationError(
            f"csrf({what}={value!r}) is not a valid name: use letters, digits and - _ ."
        )
    return value


def csrf(*, field_name: str = "csrf_token", header_name: str = "X-CSRF-Token") -> CSRFPlugin:
    """The CSRF plugin, enabled after sessions: ``App(plugins=[sessions(...), csrf()])``.

    :param field_name: The form field read when the header is absent (forms).
    :param header_name: The header read first (scripts).
    """
    return CSRFPlugin(_name("field_name", field_name), _name("header_name", header_name))
