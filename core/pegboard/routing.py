"""Routes and routers: how handlers are declared, grouped and matched.

A :class:`Router` collects routes under a prefix with shared options; an app has one
at ``app.router`` and includes others with ``include_router``. Each route is a
Starlette route (so matching, 405s, HEAD, ``url_path_for`` and raw Starlette routes
behave exactly as in Starlette) that carries a frozen :class:`RouteInfo` and, once
the app is built, the single ASGI callable compiled for it.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
from starlette import routing as starlette_routing
from starlette.convertors import Convertor, StringConvertor
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Match, Mount, compile_path, get_name
from starlette.types import ASGIApp, Lifespan, Receive, Scope, Send

from pegboard.decorators import RouteDecorators
from pegboard.exceptions import RouteDefinitionError

if TYPE_CHECKING:
    from pegboard.compiler import CompiledRoute

__all__ = ["Route", "RouteInfo", "Router", "WebSocketRoute"]

F = TypeVar("F", bound=Callable[..., Any])


# Compiled once per distinct path: a route and its RouteInfo both need the result.
@functools.lru_cache(maxsize=4096)
def _compile_path(path: str) -> tuple[re.Pattern[str], str, dict[str, Convertor[Any]]]:
    regex, path_format, convertors = compile_path(path)
    # Starlette anchors with "$", which also matches before a final newline, so
    # "/admin%0A" would reach /admin past anything that compares paths exactly.
    return re.compile(regex.pattern.removesuffix("$") + r"\Z"), path_format, convertors


@attrs.frozen(eq=False)
class RouteInfo:
    """Everything the core knows about one route, as the plugins see it.

    Hooks receive it as ``route`` while the app is built. It is frozen and hashable
    (by identity), so plugins may key per-route state on it.

    :ivar path: The full path template, prefixes included (``/users/{id:int}``).
    :ivar endpoint: The handler, as decorated.
    :ivar methods: The HTTP methods (``HEAD`` is added for ``GET`` when matching);
        empty for WebSocket routes.
    :ivar name: The route's name, for ``url_path_for``.
    :ivar kind: ``"http"`` or ``"websocket"``.
    :ivar status_code: The status given with ``status_code=``, or None.
    :ivar layers: The options as given at each level, outermost (app) first.
    :ivar options: Their merge, filled in when the route joins an app (merging needs
        to know how each plugin combines its options); read it with :meth:`option`.
    """

    path: str
    endpoint: Callable[..., Any]
    methods: frozenset[str] = frozenset()
    name: str = ""
    kind: Literal["http", "websocket"] = "http"
    status_code: int | None = None
    layers: tuple[Mapping[str, Any], ...] = ()
    options: Mapping[str, Any] = attrs.field(factory=dict)

    @classmethod
    def http(
        cls,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        status_code: int | None = None,
        layers: Iterable[Mapping[str, Any]] = (),
    ) -> RouteInfo:
        """An HTTP route as ``add_api_route`` declares one (build time).

        ``methods`` default to GET, ``name`` to the handler's; empty option layers are
        left out. Raises :class:`RouteDefinitionError` if ``endpoint`` is not callable.
        """
        if not callable(endpoint):
            raise RouteDefinitionError(f"The handler for {path!r} must be callable.")
        return cls(
            path=path,
            endpoint=endpoint,
            methods=frozenset(m.upper() for m in (["GET"] if methods is None else methods)),
            name=get_name(endpoint) if name is None else name,
            kind="http",
            status_code=status_code,
            layers=tuple(layer for layer in layers if layer),
        )

    @property
    def label(self) -> str:
        """How error messages name the route, such as ``GET /items/{id}``."""
        if self.kind == "websocket":
            return f"WEBSOCKET {self.path}"
        return f"{','.join(sorted(self.methods))} {self.path}"

    @property
    def response_class(self) -> type[Any] | None:
        """The ``response_class`` option: the class returned values are rendered with."""
        return self.options.get("response_class")

    @property
    def tags(self) -> list[Any]:
        """The ``tags`` option: the route's labels, outermost first (FastAPI's ``route.tags``)."""
        return list(self.options.get("tags", ()))

    @functools.cached_property
    def param_convertors(self) -> dict[str, Convertor[Any]]:
        """Path parameter names and their Starlette convertors."""
        return _compile_path(self.path)[2]

    def option(self, name: str, default: Any = None) -> Any:
        """The merged value of a route option, or ``default``."""
        return self.options.get(name, default)

    @property
    def is_stream_handler(self) -> bool:
        """Whether the handler is a generator (sync or async): its items are streamed."""
        target = inspect.unwrap(self.endpoint)
        return inspect.isasyncgenfunction(target) or inspect.isgeneratorfunction(target)


def _join(prefix: str, path: str) -> str:
    if prefix and not prefix.startswith("/"):
        raise RouteDefinitionError(f"A prefix must start with '/', got {prefix!r}.")
    if prefix.endswith("/"):
        raise RouteDefinitionError(f"A prefix must not end with '/', got {prefix!r}.")
    return prefix + path


async def _not_built(scope: Scope, receive: Receive, send: Send) -> None:
    route = scope.get("route")
    label = route.info.label if isinstance(route, (Route, WebSocketRoute)) else "this route"
    raise RuntimeError(
        f"{label} belongs to a pegboard Router that no App has built. Add the router "
        "to an app with app.include_router(router) instead of mounting it directly."
    )


class Route(starlette_routing.Route):
    """An HTTP route whose handler is compiled by the app it belongs to."""

    # Starlette's Route.__init__ wraps the endpoint as request -> response; pegboard
    # compiles its own callable, so only the matching attributes are set here.
    def __init__(self, info: RouteInfo) -> None:
        if not info.path.startswith("/"):
            raise RouteDefinitionError(f"Route paths must start with '/', got {info.path!r}.")
        self.info = info
        self.path = info.path
        self.endpoint = info.endpoint
        self.name = info.name
        self.include_in_schema = bool(info.options.get("include_in_schema", True))
        self.methods = set(info.methods)
        if "GET" in self.methods:
            self.methods.add("HEAD")
        self.allowed_methods = frozenset(self.methods)
        self.path_regex, self.path_format, self.param_convertors = _compile_path(info.path)
        self.app: ASGIApp = _not_built
        self.compiled: CompiledRoute | None = None
        # For match_path: a path without parameters is compared as a string, and only
        # convertors that change the value (not str's) run per request.
        self._literal = None if self.param_convertors else info.path
        self._converts = tuple(
            (name, convertor.convert)
            for name, convertor in self.param_convertors.items()
            if type(convertor) is not StringConvertor
        )

    def match_path(self, route_path: str) -> dict[str, Any] | None:
        """The converted path parameters if ``route_path`` is this route's, else None.

        What :meth:`matches` decides about the path, without building a child scope.
        """
        if self._literal is not None:
            return {} if route_path == self._literal else None
        found = self.path_regex.match(route_path)
        if found is None:
            return None
        params = found.groupdict()
        for name, convert in self._converts:
            params[name] = convert(params[name])
        return params

    def __repr__(self) -> str:
        return f"Route({self.info.label!r}, name={self.name!r})"


class WebSocketRoute(starlette_routing.WebSocketRoute):
    """A WebSocket route whose handler is compiled by the app it belongs to."""

    def __init__(self, info: RouteInfo) -> None:
        if not info.path.startswith("/"):
            raise RouteDefinitionError(f"Route paths must start with '/', got {info.path!r}.")
        self.info = info
        self.path = info.path
        self.endpoint = info.endpoint
        self.name = info.name
        self.path_regex, self.path_format, self.param_convertors = _compile_path(info.path)
        self.app: ASGIApp = _not_built
        self.compiled: CompiledRoute | None = None

    def __repr__(self) -> str:
        return f"WebSocketRoute({self.path!r}, name={self.name!r})"


class Router(RouteDecorators, starlette_routing.Router):
    """A group of routes with a common path prefix and common options.

    ``Router(prefix="/users", tags=["users"])`` gives every route in it the prefix
    and the tag. Any route option can be given here and is combined with the
    route's own (lists such as ``tags`` and ``dependencies`` add up; single values
    are overridden by the route). Add it to an app with ``app.include_router``.

    ``middleware`` wraps each of the router's routes (it is the ``middleware`` route
    option), and ``lifespan`` runs inside the lifespan of the app that includes the
    router. ``redirect_slashes`` and ``default`` only matter for an app's own router.
    """

    def __init__(
        self,
        routes: Sequence[BaseRoute] | None = None,
        *,
        prefix: str = "",
        redirect_slashes: bool = True,
        default: ASGIApp | None = None,
        lifespan: Lifespan[Any] | None = None,
        middleware: Sequence[Middleware] | None = None,
        **options: Any,
    ) -> None:
        _join(prefix, "/")  # validates the prefix
        super().__init__(routes, redirect_slashes=redirect_slashes, default=default)
        if middleware:
            options["middleware"] = list(middleware)
        self.prefix = prefix
        self.route_options: dict[str, Any] = dict(options)
        #: Lifespans of this router and of the routers included into it, in order.
        self.lifespans: list[Lifespan[Any]] = [] if lifespan is None else [lifespan]
        self._attach: Callable[[RouteInfo], RouteInfo] | None = None
        self._index: _RouteIndex | None = None

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch like Starlette's router, trying only routes that can match.

        Routes are indexed by the literal segments of their paths, so a request for
        ``/users/7`` never tries ``/items/{id}``. The order of the candidates, and
        so which route wins, is the order of ``self.routes``. Anything without a match
        falls through to Starlette's own dispatch (redirects, 404).
        """
        if scope["type"] == "lifespan":
            await super().app(scope, receive, send)
            return
        index = self._index
        if index is None or index.size != len(self.routes):
            index = self._index = _RouteIndex(self.routes)
        if "router" not in scope:
            scope["router"] = self
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in index.candidates(_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await super().app(scope, receive, send)

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        status_code: int | None = None,
        **options: Any,
    ) -> Route:
        """Add an HTTP route; the non-decorator form of :meth:`api_route`."""
        info = RouteInfo.http(
            _join(self.prefix, path),
            endpoint,
            methods=methods,
            name=name,
            status_code=status_code,
            layers=_layers(self.route_options, options),
        )
        route = Route(self._joined(info))
        self.routes.append(route)
        return route

    def add_api_websocket_route(
        self, path: str, endpoint: Callable[..., Any], *, name: str | None = None, **options: Any
    ) -> WebSocketRoute:
        """Add a WebSocket route; the non-decorator form of :meth:`websocket`."""
        info = RouteInfo(
            path=_join(self.prefix, path),
            endpoint=endpoint,
            name=get_name(endpoint) if name is None else name,
            kind="websocket",
            layers=_layers(self.route_options, options),
        )
        route = WebSocketRoute(self._joined(info))
        self.routes.append(route)
        return route

    def include_router(self, router: Router, *, prefix: str = "", **options: Any) -> None:
        """Copy ``router``'s routes into this one, under ``prefix`` and ``options``.

        Raw Starlette ``Route``, ``WebSocketRoute`` and ``Mount`` objects are copied too.
        """
        if not isinstance(router, Router):
            raise RouteDefinitionError(
                f"include_router() takes a pegboard Router, got {type(router).__name__}. "
                "Mount other ASGI apps with app.mount(path, app)."
            )
        if not router.redirect_slashes or router.default != router.not_found:
            raise RouteDefinitionError(
                "Router(redirect_slashes=..., default=...) has no effect once included; "
                "set redirect_slashes on the App, and handle 404s with an exception handler."
            )
        self.lifespans.extend(router.lifespans)
        outer = _layers(self.route_options, options)
        for route in router.routes:
            self.routes.append(self._copy(route, _join(self.prefix, prefix), outer))

    def _copy(
        self, route: BaseRoute, prefix: str, outer: tuple[Mapping[str, Any], ...]
    ) -> BaseRoute:
        if isinstance(route, (Route, WebSocketRoute)):
            info = route.info
            info = attrs.evolve(info, path=_join(prefix, info.path), layers=(*outer, *info.layers))
            return type(route)(self._joined(info))
        if not prefix:
            return route
        if isinstance(route, starlette_routing.Route):
            return starlette_routing.Route(
                prefix + route.path,
                route.endpoint,
                methods=route.methods,
                name=route.name,
                include_in_schema=route.include_in_schema,
            )
        if isinstance(route, starlette_routing.WebSocketRoute):
            return starlette_routing.WebSocketRoute(
                prefix + route.path, route.endpoint, name=route.name
            )
        if isinstance(route, Mount):
            return Mount(prefix + route.path, app=route.app, name=route.name)
        raise RouteDefinitionError(
            f"Cannot include {route!r} under a prefix; add it to the app directly."
        )

    def attach_routes_with(self, attach: Callable[[RouteInfo], RouteInfo]) -> None:
        """Pass every route added from now on through ``attach`` (build time).

        The App that owns this router calls it once, with the function that merges a
        route's option layers, checks them against the enabled plugins and tells the
        plugins; a router that no app owns keeps its routes as declared.
        """
        self._attach = attach

    def _joined(self, info: RouteInfo) -> RouteInfo:
        return info if self._attach is None else self._attach(info)


class _RouteIndex:
    """The routes that can match a path, found segment by segment, in route order.

    Routes are bucketed by their literal path segment at ``depth``; a route with a
    parameter there (or too short a path) may match anything, so it joins every
    bucket. Buckets with many routes are split again on the next segment. Each bucket
    keeps the routes in their original order, so Starlette's first-match rule holds.
    """

    __slots__ = ("by_segment", "depth", "size", "wildcards")

    def __init__(self, routes: Sequence[BaseRoute], depth: int = 0) -> None:
        self.size = len(routes)
        self.depth = depth
        self.wildcards: list[BaseRoute] = []
        buckets: dict[str, list[BaseRoute]] = {}
        for route in routes:
            key = _segment(route, depth)
            if key is None:
                self.wildcards.append(route)
                for bucket in buckets.values():
                    bucket.append(route)
            elif key in buckets:
                buckets[key].append(route)
            else:
                buckets[key] = [*self.wildcards, route]
        self.by_segment: dict[str, list[BaseRoute] | _RouteIndex] = {}
        for key, bucket in buckets.items():
            sub = _RouteIndex(bucket, depth + 1) if len(bucket) > 8 and depth < 8 else None
            self.by_segment[key] = sub if sub is not None and sub.by_segment else bucket

    def candidates(self, route_path: str) -> list[BaseRoute]:
        segments = route_path[1:].split("/")
        count = len(segments)
        node = self
        while node.depth < count:
            found = node.by_segment.get(segments[node.depth])
            if found is None:
                break
            if type(found) is list:
                return found
            node = found  # type: ignore[assignment]
        return node.wildcards


def _route_path(scope: Scope) -> str:
    """The request path below the app's root path, as Starlette's routes match it."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if root_path and path.startswith(root_path):
        if path == root_path:
            return ""
        if path[len(root_path)] == "/":
            return path[len(root_path) :]
    return path


def _segment(route: BaseRoute, depth: int) -> str | None:
    """The literal path segment a route needs at ``depth``, or None if any may match."""
    if not isinstance(route, (starlette_routing.Route, starlette_routing.WebSocketRoute, Mount)):
        return None
    segments = route.path[1:].split("/") if route.path.startswith("/") else []
    if isinstance(route, Mount) and depth >= len(segments):
        return None  # a mount matches anything below its path
    if depth >= len(segments) or any(":path}" in seg for seg in segments[:depth]):
        return None  # a {name:path} parameter can span several segments
    segment = segments[depth]
    return None if "{" in segment else segment


def _layers(outer: Mapping[str, Any], inner: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    return tuple(layer for layer in (dict(outer), dict(inner)) if layer)
