"""The caching plugin: the ``cache=`` and ``etag=`` route options, and the ``Cache`` handle.

Everything is decided while the app is built: which routes cache, under which key
prefix, with which policy. A route without the options gets no middleware, so it
pays nothing per request. The cache's middleware is the outermost of the plugins'
(``tryfirst``), so a hit skips everything else, compression included: what is stored
is the response as sent, and a response that varies (``Vary: Accept-Encoding``) is
stored once per variant.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Literal

from pegboard import (
    App,
    CompiledRoute,
    ConfigurationError,
    Middleware,
    ParamInfo,
    PluginInfo,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard.descriptions import (
    Description,
    ParameterDescription,
    ResponseDescription,
    SecurityDescription,
)
from pegboard_caching.cache import Cache, CachedRoute
from pegboard_caching.middleware import CacheMiddleware, ETagMiddleware
from pegboard_caching.policy import CachePolicy
from pegboard_stores import MemoryStore, Store

__all__ = ["CachingPlugin", "cache_of", "caching"]

_CACHE: StashKey[Cache] = StashKey("pegboard_caching")

_NOT_MODIFIED = ResponseDescription(
    304, "Not Modified: the copy named in If-None-Match is current; no body."
)
_UNAVAILABLE = ResponseDescription(
    503,
    "The cache's store is unavailable; try again after Retry-After seconds.",
    {"application/json": None},
    {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
)


def cache_of(app: App) -> Cache:
    """The :class:`~pegboard_caching.Cache` of an app that enables the caching plugin."""
    try:
        return app.stash[_CACHE]
    except KeyError:
        raise ConfigurationError(
            "This app does not enable the caching plugin: App(plugins=[caching()])."
        ) from None


class CachingPlugin:
    """Per-route response caching in a store; see :func:`caching`."""

    plugin_info = PluginInfo(
        name="caching",
        version=__version__,
        route_options=(
            RouteOption(
                "cache",
                "replace",
                "Seconds to cache GET responses, a CachePolicy(...), or None.",
            ),
            RouteOption(
                "etag",
                "replace",
                "True: ETag and 304 Not Modified on a route that does not cache.",
            ),
        ),
        description="Per-route response caching, ETags and invalidation, in a store.",
    )

    def __init__(
        self,
        *,
        store: Store | None = None,
        on_store_error: Literal["open", "closed"] = "open",
        default_ttl: float = 60,
        retry_store_after: float = 2.0,
    ) -> None:
        if on_store_error not in ("open", "closed"):
            raise ConfigurationError(
                f"caching(on_store_error={on_store_error!r}): give 'open' (serve uncached "
                "while the store is down) or 'closed' (answer 503)."
            )
        if store is not None and not isinstance(store, Store):
            raise ConfigurationError(
                f"caching(store={store!r}): give a store such as MemoryStore() or "
                "RedisStore(url), from pegboard_stores."
            )
        CachePolicy(ttl=default_ttl)  # the same check as a route's
        if isinstance(retry_store_after, bool) or not isinstance(retry_store_after, (int, float)):
            raise ConfigurationError(
                f"caching(retry_store_after={retry_store_after!r}): give seconds, such as 2.0."
            )
        self.store: Store = MemoryStore() if store is None else store
        self.on_store_error = on_store_error
        self.default_ttl = default_ttl
        self.retry_store_after = float(retry_store_after)

    def __repr__(self) -> str:
        return f"caching(store={self.store!r})"

    def _policy(self, route: RouteInfo) -> CachePolicy | None:
        """The route's policy, None when it does not cache; a bad value is a startup error."""
        value = route.option("cache")
        if value is None or value is False:
            return None
        if isinstance(value, CachePolicy):
            return value
        if value is True:
            return CachePolicy(ttl=self.default_ttl)
        if isinstance(value, (int, float)):
            try:
                return CachePolicy(ttl=value)
            except ConfigurationError:
                pass
        raise RouteDefinitionError(
            f"Route {route.label} has cache={value!r}; it takes the seconds to cache "
            "(cache=60), CachePolicy(ttl=..., ...), True for the plugin's default_ttl, "
            "or None."
        )

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        app.stash[_CACHE] = Cache(
            self.store, on_store_error=self.on_store_error, retry_after=self.retry_store_after
        )

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        if route.kind != "http":
            return
        self._policy(route)
        etag = route.option("etag", False)
        if not isinstance(etag, bool):
            raise RouteDefinitionError(
                f"Route {route.label} has etag={etag!r}; it takes True or False."
            )

    @hookimpl(tryfirst=True)
    def pegboard_route_middleware(self, app: App, route: RouteInfo) -> Sequence[Middleware]:
        # Only GET responses are stored (HEAD is answered from them); other methods pass.
        if route.kind != "http" or not route.methods & {"GET", "HEAD"}:
            return ()
        policy = self._policy(route)
        if policy is None:
            return [Middleware(ETagMiddleware)] if route.option("etag", False) else []
        cache = app.stash[_CACHE]
        cached = CachedRoute.of(route.label, route.methods, route.path, policy)
        cache.add_route(cached)
        return [Middleware(CacheMiddleware, cache=cache, prefix=cached.prefix, policy=policy)]

    @hookimpl
    def pegboard_route_compiled(
        self, app: App, route: RouteInfo, compiled: CompiledRoute
    ) -> Sequence[Description] | None:
        # What the route reads must be in the key, or one client's answer would be
        # served to another whose request differs there. Then the answers the plugin
        # adds, for documents (the OpenAPI plugin's).
        if route.kind != "http" or not route.methods & {"GET", "HEAD"}:
            return None
        policy = self._policy(route)
        if policy is None:
            return [_NOT_MODIFIED] if route.option("etag", False) else None
        for described in compiled.descriptions:
            if isinstance(described, SecurityDescription):
                # Credentials count as what the route reads: a stored answer for one
                # user would otherwise go to anyone, signed in or not.
                described = _credential(described)
            if isinstance(described, ParameterDescription):
                fix = _unkeyed(described, policy)
                if fix is not None:
                    raise RouteDefinitionError(
                        f"Route {route.label} caches its responses but reads the "
                        f"{described.location} {described.name!r}, which is not part of "
                        f"the cache key: one client's answer would be served to others. "
                        f"{fix}, or do not cache the route."
                    )
        added: list[Description] = [_NOT_MODIFIED] if policy.etag else []
        if self.on_store_error == "closed":
            added.append(_UNAVAILABLE)
        return added

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        if param.type is Cache:
            return Resolver.constant(app.stash[_CACHE], label="cache")
        return None

    @hookimpl
    def pegboard_shutdown(self, app: App) -> Awaitable[None]:
        # Its connections belong to this lifespan's event loop. Closing is idempotent and
        # a closed store reconnects when used again, so a store shared with other
        # plugins (or another app) is safe to close here too.
        return self.store.close()


def _credential(security: SecurityDescription) -> ParameterDescription:
    """Where a security scheme reads its credential, as a parameter of the route."""
    scheme = security.scheme
    if scheme.get("type") == "apiKey" and scheme.get("in") in ("header", "cookie", "query"):
        return ParameterDescription(str(scheme.get("name", "")), scheme["in"])
    # HTTP schemes, OAuth2 and OpenID Connect send the Authorization header.
    return ParameterDescription("Authorization", "header")


def _unkeyed(param: ParameterDescription, policy: CachePolicy) -> str | None:
    """How to put ``param`` into the key, or None if it is in it already."""
    name = param.name
    if param.location == "query":
        if policy.query is True or (policy.query is not False and name in policy.query):
            return None
        return f"Key on it: CachePolicy(query=[..., {name!r}]) (or query=True)"
    if param.location == "header":
        lowered = name.lower()
        if lowered in policy.headers:
            return None
        if lowered == "authorization" and not policy.authorized:
            return None  # requests carrying it bypass the cache
        return f"Key on it: CachePolicy(headers=[..., {lowered!r}])"
    if param.location == "cookie":
        if "cookie" in policy.headers:
            return None
        return "Key on the cookies: CachePolicy(headers=[..., 'cookie'])"
    return None  # path parameters are in the path


def caching(
    *,
    store: Store | None = None,
    on_store_error: Literal["open", "closed"] = "open",
    default_ttl: float = 60,
    retry_store_after: float = 2.0,
) -> CachingPlugin:
    """The caching plugin: ``App(plugins=[caching()])``, then ``cache=60`` on a route.

    :param store: Where responses are kept: a ``pegboard_stores`` store. By default a
        ``MemoryStore`` of this process; give a ``RedisStore`` to share the cache
        between workers. The plugin closes it when the app shuts down (a closed store
        reconnects if used again, so one store can serve several plugins).
    :param on_store_error: When the store is down: ``"open"`` serves the route
        uncached, ``"closed"`` answers 503 with ``Retry-After``.
    :param default_ttl: The seconds ``cache=True`` means.
    :param retry_store_after: After a store failure, requests skip the store for this
        many seconds instead of each waiting for it to time out.
    """
    return CachingPlugin(
        store=store,
        on_store_error=on_store_error,
        default_ttl=default_ttl,
        retry_store_after=retry_store_after,
    )
