"""The ratelimit plugin: options, per-app settings, and the hooks that wire limiters."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any, Literal

import attrs
from starlette.requests import HTTPConnection

from pegboard import (
    App,
    CompiledRoute,
    PluginInfo,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard.descriptions import Description, ResponseDescription, Schema
from pegboard_ratelimit.keys import address_key, parse_networks
from pegboard_ratelimit.limiter import KeyFunc, Plan, rate_limit_guard
from pegboard_ratelimit.policy import Limit, parse_rate_limit
from pegboard_stores import MemoryStore, Store

__all__ = ["RateLimitPlugin", "ratelimit"]

OPTIONS = ("rate_limit", "rate_limit_key", "rate_limit_group")

_DETAIL = Schema.of(
    {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
)
_INTEGER = {"schema": {"type": "integer", "minimum": 0}}
_FIELDS = {
    "RateLimit-Limit": {"description": "Requests allowed in the current window.", **_INTEGER},
    "RateLimit-Remaining": {"description": "Requests left in the current window.", **_INTEGER},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", **_INTEGER},
    "RateLimit-Policy": {
        "description": "Every limit of the route, as 'requests;w=seconds', comma-separated.",
        "schema": {"type": "string"},
    },
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", **_INTEGER}}


@attrs.frozen
class _Settings:
    store: Store
    owns_store: bool


_SETTINGS = StashKey[_Settings]("pegboard_ratelimit.settings")
_LIMITS = StashKey[dict[RouteInfo, tuple[Limit, ...]]]("pegboard_ratelimit.routes")


def _check_key(value: Any, where: str) -> None:
    if value is not None and not callable(value):
        raise RouteDefinitionError(
            f"{where} has rate_limit_key={value!r}, which is not callable. Give a function "
            "that takes the request and returns the key: rate_limit_key=lambda r: "
            "r.headers.get('x-api-key')."
        )


class RateLimitPlugin:
    """Per-route rate limits from the ``rate_limit`` option; create it with :func:`ratelimit`."""

    plugin_info = PluginInfo(
        name="ratelimit",
        version=__version__,
        route_options=(
            RouteOption(
                "rate_limit",
                "replace",
                "'100/minute', a list of such limits, or None to exempt the route.",
            ),
            RouteOption(
                "rate_limit_key",
                "replace",
                "A function of the request that returns whose requests to count.",
            ),
            RouteOption(
                "rate_limit_group",
                "replace",
                "A name: routes with the same group share their counters.",
            ),
        ),
        description="Rate limits per route, router or app, in memory or in Redis.",
    )

    def __init__(
        self,
        store: Store | None,
        key: KeyFunc | None,
        trusted_proxies: Iterable[str],
        forwarded_header: str,
        on_store_error: Literal["open", "closed"],
        headers: bool,
        prefix: str,
    ) -> None:
        if on_store_error not in ("open", "closed"):
            raise ValueError(
                f"on_store_error must be 'open' (let requests through while the store "
                f"is down) or 'closed' (answer 503), not {on_store_error!r}."
            )
        _check_key(key, "ratelimit()")
        self.store = store
        self.key = key
        self.trusted = parse_networks(trusted_proxies)
        self.address = address_key(self.trusted, forwarded_header)
        self.fail_open = on_store_error == "open"
        self.headers = headers
        self.prefix = prefix

    def __repr__(self) -> str:
        return f"ratelimit(store={self.store!r})"

    def client_address(self, request: HTTPConnection) -> str:
        """The client's address as the plugin counts it (``trusted_proxies`` applied).

        For key functions that fall back to the address: ``limiter.client_address(r)``.
        """
        return self.address(request.scope)

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        store = self.store if self.store is not None else MemoryStore()
        app.stash[_SETTINGS] = _Settings(store, owns_store=self.store is None)
        app.stash[_LIMITS] = {}

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        # Checked as each route is added: a mistake names the route at once.
        where = f"Route {route.label}"
        value = route.option("rate_limit")
        _check_key(route.option("rate_limit_key"), where)
        group = route.option("rate_limit_group")
        if group is not None and (not isinstance(group, str) or not group):
            raise RouteDefinitionError(
                f"{where} has rate_limit_group={group!r}; give a non-empty name that the "
                "routes sharing the counters use: rate_limit_group='search'."
            )
        if value is None:
            return
        if route.kind != "http":
            # Limits count HTTP requests. A router's or the app's default reaches its
            # WebSocket routes too (the core's layers do not say whose a value is), so
            # they are left alone rather than refused.
            return
        app.stash[_LIMITS][route] = parse_rate_limit(value, where)

    @hookimpl(tryfirst=True)
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver] | None:
        # The first guard (tryfirst): a refused request costs no authentication, no
        # dependency and no body read.
        limits = app.stash[_LIMITS].get(route)
        if not limits:
            return None  # routes without a limit pay nothing
        key = route.option("rate_limit_key", self.key)
        group = route.option("rate_limit_group") or route.label
        plan = Plan(
            label=route.label,
            limits=limits,
            store=app.stash[_SETTINGS].store,
            prefix=f"{self.prefix}{group}|",
            address=self.address,
            key=key,
            key_is_async=key is not None and _is_async(key),
            fail_open=self.fail_open,
            headers=self.headers,
        )
        return [rate_limit_guard(plan)]

    @hookimpl
    def pegboard_route_compiled(
        self, app: App, route: RouteInfo, compiled: CompiledRoute
    ) -> Sequence[Description] | None:
        limits = app.stash[_LIMITS].get(route)
        if not limits:
            return None
        text = " and ".join(limit.describe() for limit in limits)
        fields = _FIELDS if self.headers else {}
        described: list[Description] = [
            ResponseDescription(
                429,
                f"Too many requests (limit: {text}).",
                {"application/json": _DETAIL},
                {**_RETRY_AFTER, **fields},
            )
        ]
        if not self.fail_open:
            described.append(
                ResponseDescription(
                    503, "Rate limiting is unavailable.", {"application/json": _DETAIL}
                )
            )
        status = compiled.encoder.status_code if compiled.encoder is not None else None
        if fields and status is not None:
            described.append(ResponseDescription(status, "", {}, fields))
        return described

    @hookimpl
    def pegboard_shutdown(self, app: App) -> Awaitable[None] | None:
        settings = app.stash[_SETTINGS]
        return settings.store.close()


def _is_async(func: Any) -> bool:
    call = getattr(func, "__call__", None)  # noqa: B004 - objects with an async __call__
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(call)


def ratelimit(
    store: Store | None = None,
    *,
    key: KeyFunc | None = None,
    trusted_proxies: Iterable[str] = (),
    forwarded_header: str = "X-Forwarded-For",
    on_store_error: Literal["open", "closed"] = "open",
    headers: bool = True,
    prefix: str = "ratelimit:",
) -> RateLimitPlugin:
    """Enable rate limits: ``App(plugins=[ratelimit()])``, then ``rate_limit="100/minute"``.

    :param store: Where the counters live; None: a memory store of the app's own (one
        process). Give a :class:`~pegboard_stores.RedisStore` when several workers
        or machines serve the app, so that they share the counts.
    :param key: A function of the request (a Starlette ``HTTPConnection``), sync or
        async, that returns whose requests to count (a user id, an API key), or None to
        not count the request. Default: the client's address.
    :param trusted_proxies: Addresses or networks of your reverse proxies. Only when a
        request comes from one is ``forwarded_header`` believed, read from the right.
        Empty (the default): the address of the peer, which cannot be forged.
    :param forwarded_header: The header the proxies append the client's address to.
    :param on_store_error: When the store is down, ``"open"`` serves requests without
        limits (and logs it once a minute); ``"closed"`` answers 503.
    :param headers: Whether responses of limited routes carry the ``RateLimit-*`` fields.
    :param prefix: Prefix of the plugin's keys in the store.
    """
    return RateLimitPlugin(
        store, key, trusted_proxies, forwarded_header, on_store_error, headers, prefix
    )
