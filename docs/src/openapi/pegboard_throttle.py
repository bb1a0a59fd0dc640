"""pegboard-throttle: ``rate="10/minute"`` on a route, enforced and documented.

Two ways into the document: the guard's ResponseDescription gives every limited
route its 429 response, and an optional hook of the OpenAPI plugin adds the
``x-rate-limit`` extension. Marked ``optionalhook``, that hook costs nothing and
breaks nothing in apps that do not enable the OpenAPI plugin.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from pegboard import (
    App,
    HTTPException,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    hookimpl,
)
from pegboard.descriptions import ResponseDescription

_PERIODS = {"second": 1, "minute": 60, "hour": 3600}


def parse_rate(route: RouteInfo, rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    if not count.isdigit() or period not in _PERIODS:
        raise RouteDefinitionError(
            f"Route {route.label}: rate={rate!r} is not a rate; write it like '10/minute' "
            f"(periods: {', '.join(_PERIODS)})."
        )
    return int(count), _PERIODS[period]


def fixed_window(limit: int, seconds: int) -> Resolver:
    """Allow ``limit`` requests per client and window of ``seconds``; 429 after that."""
    windows: dict[tuple[str, int], int] = {}

    def check(ctx: RequestContext) -> None:
        client = ctx.connection.client
        window = int(time.monotonic() // seconds)
        key = (client.host if client else "", window)
        windows[key] = used = windows.get(key, 0) + 1
        if used > limit:
            raise HTTPException(429, "Too many requests", {"Retry-After": str(seconds)})

    too_many = ResponseDescription(
        429, "Too many requests", headers={"Retry-After": {"schema": {"type": "integer"}}}
    )
    return Resolver(check, is_async=False, describes=(too_many,), label="rate limit")


class ThrottlePlugin:
    plugin_info = PluginInfo(
        name="throttle",
        route_options=(RouteOption("rate", "replace", "Requests allowed, as '10/minute'."),),
    )

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver] | None:
        rate = route.option("rate")
        if rate is None:
            return None
        return [fixed_window(*parse_rate(route, rate))]

    @hookimpl(optionalhook=True)
    def pegboard_openapi_operation(self, route: RouteInfo, operation: dict[str, Any]) -> None:
        rate = route.option("rate")
        if rate is not None:
            operation["x-rate-limit"] = rate


def throttle() -> ThrottlePlugin:
    return ThrottlePlugin()
