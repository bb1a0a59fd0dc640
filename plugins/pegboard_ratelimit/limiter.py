"""Per request: count the request against each limit of its route, answer 429 past one.

:func:`rate_limit_guard` runs at build time, once per limited route, and returns the
route's guard (a :class:`~pegboard.Resolver` the core runs before the handler's own
resolvers, so a refused request never has its body read); only the guard's function
runs per request. It adds the ``RateLimit-*`` fields through
``ctx.response_headers``, which the core puts on whatever response the request gets,
an error's included: no ASGI layer, no send wrapper.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from starlette.requests import HTTPConnection
from starlette.types import Scope

from pegboard import HTTPException, RequestContext, Resolver
from pegboard_ratelimit.keys import UNKNOWN, peer_address
from pegboard_ratelimit.policy import Limit
from pegboard_stores import MemoryStore, Store, StoreUnavailable

__all__ = ["Plan", "rate_limit_guard"]

log = logging.getLogger("pegboard.ratelimit")

#: A key function: the request's identity for counting, or None to not count it.
KeyFunc = Callable[[HTTPConnection], "str | Awaitable[str | None] | None"]

Fields = list[tuple[bytes, bytes]]


@attrs.frozen
class Plan:
    """Everything one route's limiter needs, decided at build time.

    :ivar label: The route, for messages.
    :ivar limits: Its limits, shortest window first.
    :ivar prefix: Store keys start with it: the plugin's prefix and the counter group.
    :ivar address: The default key: the client address from the scope.
    :ivar key: The app's key function, or None for the client address.
    :ivar key_is_async: Whether ``key`` returns an awaitable.
    """

    label: str
    limits: tuple[Limit, ...]
    store: Store
    prefix: str
    address: Callable[[Scope], str]
    key: KeyFunc | None
    key_is_async: bool
    fail_open: bool
    headers: bool


class _OutageLog:
    """Log a store outage once a minute, not once per request."""

    next_at = 0.0

    @classmethod
    def warn(cls, label: str, error: StoreUnavailable) -> None:
        now = time.monotonic()
        if now >= cls.next_at:
            cls.next_at = now + 60
            log.warning("Rate limits not applied (%s): %s", label, error)


# Header values of small numbers, and the fields holding them, encoded once.
_TABLE = 4096
_NUMBERS = [str(n).encode() for n in range(_TABLE)]
_REMAINING = [(b"ratelimit-remaining", n) for n in _NUMBERS]
_RESET = [(b"ratelimit-reset", n) for n in _NUMBERS]


def _number(n: int) -> bytes:
    return _NUMBERS[n] if 0 <= n < _TABLE else str(n).encode()


def rate_limit_guard(plan: Plan) -> Resolver:
    """Build time: the guard that counts one route's requests against its limits.

    The common shape, one limit on a memory store keyed by the client address (or a
    synchronous key function), gets a synchronous guard in straight-line code; any
    other shape an async one.
    """
    store, limits, prefix = plan.store, plan.limits, plan.prefix
    increment = store.increment
    # A memory store counts without an await (decided here, once; a subclass may differ).
    increment_now = store.increment_now if type(store) is MemoryStore else None
    policy = (b"ratelimit-policy", ", ".join(limit.policy for limit in limits).encode())
    policy_text = policy[1].decode()
    address, key_func, key_is_async = plan.address, plan.key, plan.key_is_async
    fail_open, label, with_headers = plan.fail_open, plan.label, plan.headers
    now_of, ceil = time.time, math.ceil

    def refuse(limit: Limit, reset: int) -> HTTPException:
        return HTTPException(
            429,
            f"Too many requests: the limit is {limit.describe()}. Try again in {reset} s.",
            headers={
                "Retry-After": str(reset),
                "RateLimit-Limit": str(limit.amount),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(reset),
                "RateLimit-Policy": policy_text,
            },
        )

    def unavailable(error: StoreUnavailable) -> None:
        if not fail_open:
            raise HTTPException(503, "Rate limiting is unavailable; try again in a moment.")
        _OutageLog.warn(label, error)

    if len(limits) == 1 and increment_now is not None and not key_is_async:
        # The common shape: straight-line, no await.
        (only,) = limits
        amount, seconds, middle = only.amount, only.seconds, f"|{only.id}|"
        limit_field = (b"ratelimit-limit", _number(amount))
        remaining_fields, reset_fields, table = _REMAINING, _RESET, _TABLE
        # The default key, the peer's address, read inline: one call fewer per request.
        by_peer = key_func is None and address is peer_address
        # The current window: where it ends (Unix time) and its keys' ending, made
        # once per window rather than per request.
        current: list[Any] = [0.0, ""]

        def count_now(ctx: RequestContext) -> None:
            if by_peer:
                client = ctx.scope.get("client")
                key = client[0] if client else UNKNOWN
            elif key_func is None:
                key = address(ctx.scope)
            else:
                found = key_func(ctx.connection)
                if found is None:  # the key function exempts this request
                    return
                key = str(found)
            now = now_of()
            end, suffix = current
            if now >= end:
                # Fixed windows aligned on the clock, so every worker and machine
                # counts in the same window without asking the store when it began.
                window = int(now // seconds)
                end, suffix = current[:] = [(window + 1) * seconds, f"{middle}{window}"]
            left = end - now
            count = increment_now(prefix + key + suffix, expires_in=left + 1)
            if count > amount:
                raise refuse(only, ceil(left))
            if with_headers:
                remaining, reset = amount - count, ceil(left)
                ctx.response_headers.extend(
                    (
                        limit_field,
                        remaining_fields[remaining]
                        if remaining < table
                        else (b"ratelimit-remaining", str(remaining).encode()),
                        reset_fields[reset]
                        if reset < table
                        else (b"ratelimit-reset", str(reset).encode()),
                        policy,
                    )
                )

        return Resolver(count_now, is_async=False, label="rate limit")

    async def count(ctx: RequestContext) -> None:
        if key_func is None:
            key = address(ctx.scope)
        else:
            found = key_func(ctx.connection)
            if key_is_async:
                found = await found  # type: ignore[misc]
            if found is None:
                return
            key = str(found)
        now = now_of()
        tightest: tuple[Limit, int, int] | None = None
        for limit in limits:
            # Fixed windows aligned on the clock, so every worker and machine
            # counts in the same window without asking the store when it began.
            window = int(now // limit.seconds)
            left = (window + 1) * limit.seconds - now
            try:
                counted = await increment(f"{prefix}{key}|{limit.id}|{window}", expires_in=left + 1)
            except StoreUnavailable as error:
                unavailable(error)
                return
            reset = ceil(left)
            if counted > limit.amount:
                raise refuse(limit, reset)
            if tightest is None or limit.amount - counted < tightest[1]:
                tightest = (limit, limit.amount - counted, reset)
        if with_headers and tightest is not None:
            limit, remaining, reset = tightest
            ctx.response_headers.extend(
                (
                    (b"ratelimit-limit", _number(limit.amount)),
                    (b"ratelimit-remaining", _number(remaining)),
                    (b"ratelimit-reset", _number(reset)),
                    policy,
                )
            )

    return Resolver(count, is_async=True, label="rate limit")
