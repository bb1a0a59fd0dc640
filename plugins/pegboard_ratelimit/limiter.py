"""Per request: count the request against each limit of its route, answer 429 past one.

:func:`rate_limited` runs at build time, once per limited route, and returns the
ASGI callable that serves it; only that callable's inner function runs per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import attrs
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import HTTPException
from pegboard_ratelimit.policy import Limit
from pegboard_stores import MemoryStore, Store, StoreUnavailable

__all__ = ["Plan", "rate_limited"]

log = logging.getLogger("pegboard.ratelimit")

#: A key function: the request's identity for counting, or None to not count it.
KeyFunc = Callable[[HTTPConnection], "str | Awaitable[str | None] | None"]


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


# Header values of small numbers, encoded once.
_NUMBERS = [str(n).encode() for n in range(4096)]


def _number(n: int) -> bytes:
    return _NUMBERS[n] if 0 <= n < 4096 else str(n).encode()


def rate_limited(app: ASGIApp, plan: Plan) -> ASGIApp:
    """Build time: wrap one route's callable in its limiter."""
    store, limits, prefix = plan.store, plan.limits, plan.prefix
    increment = store.increment
    # A memory store counts without an await (decided here, once; a subclass may differ).
    increment_now = store.increment_now if type(store) is MemoryStore else None
    policy = (b"ratelimit-policy", ", ".join(limit.policy for limit in limits).encode())
    address, key_func, key_is_async = plan.address, plan.key, plan.key_is_async
    fail_open, label, with_headers = plan.fail_open, plan.label, plan.headers
    now_of = time.time
    numbers = _NUMBERS

    def refuse(limit: Limit, reset: int) -> HTTPException:
        return HTTPException(
            429,
            f"Too many requests: the limit is {limit.describe()}. Try again in {reset} s.",
            headers={
                "Retry-After": str(reset),
                "RateLimit-Limit": str(limit.amount),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(reset),
                "RateLimit-Policy": policy[1].decode(),
            },
        )

    async def unavailable(
        error: StoreUnavailable, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if not fail_open:
            raise HTTPException(503, "Rate limiting is unavailable; try again in a moment.")
        _OutageLog.warn(label, error)
        await app(scope, receive, send)

    async def key_of(scope: Scope, receive: Receive) -> str | None:
        connection = HTTPConnection(scope, receive)
        assert key_func is not None
        found = await key_func(connection) if key_is_async else key_func(connection)  # type: ignore[misc]
        return found if found is None else str(found)

    async def send_fields(
        app: ASGIApp, scope: Scope, receive: Receive, send: Send, fields: list[tuple[bytes, bytes]]
    ) -> None:
        async def send_with_fields(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *fields]
            await send(message)

        await app(scope, receive, send_with_fields)

    if len(limits) == 1:
        # The common shape, one limit: straight-line code.
        (only,) = limits
        amount, seconds, amount_field = only.amount, only.seconds, _number(only.amount)
        middle = f"|{only.id}|"

        async def limited_once(scope: Scope, receive: Receive, send: Send) -> None:
            key = address(scope) if key_func is None else await key_of(scope, receive)
            if key is None:  # the key function exempts this request
                await app(scope, receive, send)
                return
            now = now_of()
            window = int(now // seconds)
            left = (window + 1) * seconds - now
            if increment_now is not None:
                count = increment_now(f"{prefix}{key}{middle}{window}", expires_in=left + 1)
            else:
                try:
                    count = await increment(f"{prefix}{key}{middle}{window}", expires_in=left + 1)
                except StoreUnavailable as error:
                    await unavailable(error, scope, receive, send)
                    return
            reset = int(left) + (left % 1 > 0)  # ceil
            if count > amount:
                raise refuse(only, max(reset, 1))
            if not with_headers:
                await app(scope, receive, send)
                return
            left_count = amount - count
            fields = [
                (b"ratelimit-limit", amount_field),
                (
                    b"ratelimit-remaining",
                    numbers[left_count] if left_count < 4096 else str(left_count).encode(),
                ),
                (b"ratelimit-reset", numbers[reset] if reset < 4096 else str(reset).encode()),
                policy,
            ]

            async def send_with_fields(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), *fields]
                await send(message)

            await app(scope, receive, send_with_fields)

        return limited_once

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        key = address(scope) if key_func is None else await key_of(scope, receive)
        if key is None:
            await app(scope, receive, send)
            return
        now = now_of()
        tightest: tuple[Limit, int, int] | None = None
        for limit in limits:
            # Fixed windows aligned on the clock, so every worker and machine
            # counts in the same window without asking the store when it began.
            window = int(now // limit.seconds)
            left = (window + 1) * limit.seconds - now
            try:
                count = await increment(f"{prefix}{key}|{limit.id}|{window}", expires_in=left + 1)
            except StoreUnavailable as error:
                await unavailable(error, scope, receive, send)
                return
            reset = int(left) + (left % 1 > 0)
            if count > limit.amount:
                raise refuse(limit, max(reset, 1))
            if tightest is None or limit.amount - count < tightest[1]:
                tightest = (limit, limit.amount - count, reset)
        if not with_headers or tightest is None:
            await app(scope, receive, send)
            return
        limit, remaining, reset = tightest
        fields = [
            (b"ratelimit-limit", _number(limit.amount)),
            (b"ratelimit-remaining", _number(remaining)),
            (b"ratelimit-reset", _number(reset)),
            policy,
        ]
        await send_fields(app, scope, receive, send, fields)

    return limited
