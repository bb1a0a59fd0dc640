"""RedisStore: state shared by every worker and machine, on redis-py's asyncio client."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import re
from typing import TYPE_CHECKING, Any

from pegboard_stores.base import StoreUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisStore"]

DEFAULT_URL = "redis://127.0.0.1:6379/0"

# increment(..., expires_in=): create with the expiry when absent, then add.
_INCREMENT = (
    "redis.call('SET', KEYS[1], 0, 'PX', ARGV[2], 'NX') "
    "return redis.call('INCRBY', KEYS[1], ARGV[1])"
)
_INCREMENT_SHA = hashlib.sha1(_INCREMENT.encode()).hexdigest()

# Characters that mean something in a SCAN MATCH pattern.
_GLOB = re.compile(r"([*?\[\]\\])")


def _require_redis() -> Any:
    try:
        import redis.asyncio
    except ImportError:
        raise ImportError(
            "RedisStore needs the redis package: pip install 'pegboard[redis]'"
        ) from None
    return redis


def _milliseconds(seconds: float) -> int:
    if not seconds > 0:
        raise ValueError(f"expires_in must be a positive number of seconds, not {seconds!r}")
    return max(1, math.ceil(seconds * 1000))


class RedisStore:
    """A :class:`~pegboard_stores.Store` in Redis (or Valkey), shared by all workers.

    ``RedisStore("redis://host:6379/0")`` makes its own client from the URL;
    ``RedisStore(client=redis.asyncio.Redis(...))`` uses one the app configured
    (TLS, a password, Sentinel). Every key is stored under ``prefix``, so one Redis
    database can serve several apps.

    ``timeout`` bounds connecting and each answer: when Redis is down or stops
    answering, an operation raises :class:`~pegboard_stores.StoreUnavailable`
    after at most about twice that (one retry on a fresh connection, which is what
    lets the store recover by itself once Redis is back), never hangs. Each
    process opens at most ``max_connections``; a burst beyond that waits up to
    ``timeout`` for a free one.
    ``close()`` may be called more than once; a store used after it reconnects.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        prefix: str = "pegboard:",
        timeout: float = 1.0,
        max_connections: int = 50,
    ) -> None:
        if url is not None and client is not None:
            raise TypeError("RedisStore takes a url or a client, not both.")
        if not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        redis = _require_redis()
        if client is not None and client.connection_pool.connection_kwargs.get("decode_responses"):
            raise ValueError(
                "RedisStore stores bytes: give it a client made without decode_responses=True."
            )
        self.url = url if url is not None or client is not None else DEFAULT_URL
        self.prefix = prefix
        self.timeout = timeout
        self.max_connections = max_connections
        # Every failure of the backend (redis-py's own errors include its connection
        # and timeout errors) becomes StoreUnavailable.
        self._errors: tuple[type[BaseException], ...] = (
            redis.exceptions.RedisError,
            OSError,
            asyncio.TimeoutError,
        )
        self._response_error: type[Exception] = redis.exceptions.ResponseError
        self._no_script: type[Exception] = redis.exceptions.NoScriptError
        self._closing_errors = (*self._errors, RuntimeError)
        self._given = client
        self._client: Redis | None = client
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        where = self.url if self._given is None else "client"
        return f"RedisStore({where!r}, prefix={self.prefix!r})"

    def _make_client(self) -> Redis:
        redis = _require_redis()
        # One retry, without backoff: a pooled connection that Redis dropped (a restart)
        # is replaced at once; a Redis that is really gone fails within the timeouts.
        retry = redis.asyncio.retry.Retry(redis.backoff.NoBackoff(), 1)
        # A blocking pool: a burst of requests waits (at most `timeout`) for a free
        # connection instead of failing, or opening thousands of connections.
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            self.url,
            max_connections=self.max_connections,
            timeout=self.timeout,
            socket_timeout=self.timeout,
            socket_connect_timeout=self.timeout,
            retry=retry,
        )
        client: Redis = redis.asyncio.Redis.from_pool(pool)  # closes the pool with it
        return client

    def _redis(self) -> Redis:
        # redis-py's connections belong to the event loop that opened them; a store
        # used from another loop (a new test client, say) starts afresh there.
        loop = asyncio.get_running_loop()
        if loop is not self._loop or self._client is None:
            if self._given is not None:
                if self._loop is not None:
                    self._given.connection_pool.reset()  # type: ignore[no-untyped-call]
                self._client = self._given
            else:
                self._client = self._make_client()
            self._loop = loop
        return self._client

    def _unavailable(self, error: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"Redis at {self.url or 'the given client'} is unavailable: {error}"
        )

    async def get(self, key: str) -> bytes | None:
        try:
            value: bytes | None = await self._redis().get(self.prefix + key)  # type: ignore[assignment]
        except self._errors as error:
            raise self._unavailable(error) from error
        return value

    async def set(self, key: str, value: bytes, *, expires_in: float | None = None) -> None:
        px = None if expires_in is None else _milliseconds(expires_in)
        try:
            await self._redis().set(self.prefix + key, value, px=px)
        except self._errors as error:
            raise self._unavailable(error) from error

    async def delete(self, key: str) -> None:
        try:
            await self._redis().delete(self.prefix + key)
        except self._errors as error:
            raise self._unavailable(error) from error

    async def increment(self, key: str, amount: int = 1, *, expires_in: float | None = None) -> int:
        name = self.prefix + key
        px = None if expires_in is None else _milliseconds(expires_in)
        script = _INCREMENT_SHA
        for _ in range(2):
            try:
                if px is None:
                    counted: int = await self._redis().incrby(name, amount)
                    return counted
                # One round trip, atomic: create the key with its expiry if absent,
                # then add. A script costs the client half what a MULTI pipeline does.
                if script == _INCREMENT_SHA:
                    counted = await self._redis().evalsha(script, 1, name, amount, px)
                else:
                    counted = await self._redis().eval(script, 1, name, amount, px)
                return counted
            except self._no_script:  # before the others: all are RedisErrors
                # Not loaded yet, or Redis restarted (which forgets scripts): EVAL loads it.
                script = _INCREMENT
            except self._response_error as error:
                if "not an integer" in str(error):
                    raise ValueError(f"The value under {key!r} is not an integer") from None
                raise self._unavailable(error) from error
            except self._errors as error:
                raise self._unavailable(error) from error
        raise self._unavailable(RuntimeError("the increment script could not be loaded"))

    async def delete_prefix(self, prefix: str) -> int:
        pattern = _GLOB.sub(r"\\\1", self.prefix + prefix) + "*"
        client = self._redis()
        removed = 0
        try:
            batch: list[bytes] = []
            async for name in client.scan_iter(match=pattern, count=500):
                batch.append(name)
                if len(batch) >= 500:
                    removed += await client.unlink(*batch)
                    batch = []
            if batch:
                removed += await client.unlink(*batch)
        except self._errors as error:
            raise self._unavailable(error) from error
        return removed

    async def close(self) -> None:
        client, self._client, self._loop = self._client, None, None
        if client is None or client is self._given:
            return
        # Closing connections to a Redis that is gone, or of a loop that has finished.
        with contextlib.suppress(*self._closing_errors):
            await client.aclose()
