"""What only the Redis store does: prefixes, clients, event loops, and outages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator

import pytest
import redis.asyncio

from pegboard_stores import RedisStore, StoreUnavailable
from tests.servers import RedisServer, redis_server

OPERATIONS: dict[str, Callable[[RedisStore], Awaitable[object]]] = {
    "get": lambda s: s.get("k"),
    "set": lambda s: s.set("k", b"v", expires_in=5),
    "delete": lambda s: s.delete("k"),
    "increment": lambda s: s.increment("k", expires_in=5),
    "delete_prefix": lambda s: s.delete_prefix("k"),
}


@pytest.fixture
def server() -> Iterator[RedisServer]:
    """A redis-server of this test's own, which it may stop."""
    with redis_server() as started:
        yield started


def test_keys_live_under_the_prefix(redis_url: str) -> None:
    async def scenario() -> None:
        one = RedisStore(redis_url, prefix="one:")
        two = RedisStore(redis_url, prefix="two:")
        await one.set("k", b"1")
        await two.set("k", b"2")
        assert (await one.get("k"), await two.get("k")) == (b"1", b"2")
        assert await one.delete_prefix("") == 1
        assert await two.get("k") == b"2"
        raw = redis.asyncio.Redis.from_url(redis_url)
        assert await raw.get("two:k") == b"2"
        await raw.aclose()
        await one.close()
        await two.close()

    asyncio.run(scenario())


def test_a_client_the_app_made(redis_url: str) -> None:
    async def scenario() -> None:
        client = redis.asyncio.Redis.from_url(redis_url, socket_timeout=1)
        store = RedisStore(client=client)
        assert await store.increment("n") == 1
        await store.close()  # the app's client stays open: it is the app's to close
        assert await client.get("pegboard:n") == b"1"
        await client.aclose()

    asyncio.run(scenario())


def test_constructor_mistakes() -> None:
    client = redis.asyncio.Redis()
    with pytest.raises(TypeError, match="url or a client"):
        RedisStore("redis://127.0.0.1:1/0", client=client)
    with pytest.raises(ValueError, match="decode_responses"):
        RedisStore(client=redis.asyncio.Redis(decode_responses=True))
    with pytest.raises(ValueError, match="timeout"):
        RedisStore(timeout=0)
    assert RedisStore().url == "redis://127.0.0.1:6379/0"


def test_one_store_serves_successive_event_loops(redis_url: str) -> None:
    # As a module-level store does across test clients, each with its own loop
    # (the plugins close their store when the app shuts down).
    store = RedisStore(redis_url)

    async def one_app_run() -> int:
        try:
            return await store.increment("n")
        finally:
            await store.close()

    assert [asyncio.run(one_app_run()) for _ in range(3)] == [1, 2, 3]


async def each_fails_quickly(store: RedisStore, within: float) -> None:
    for name, operation in OPERATIONS.items():
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="unavailable"):
            await operation(store)
        assert time.monotonic() - started < within, name


def test_stopped_redis_raises_store_unavailable_quickly(server: RedisServer) -> None:
    async def scenario() -> None:
        store = RedisStore(server.url, timeout=0.5)
        await store.set("k", b"v")  # connected once, so a pooled connection dies
        server.stop()
        try:
            await each_fails_quickly(store, within=2.0)
        finally:
            await store.close()

    asyncio.run(scenario())


def test_unresponsive_redis_times_out(server: RedisServer) -> None:
    # A frozen server accepts connections and never answers: only timeouts help.
    async def scenario() -> None:
        store = RedisStore(server.url, timeout=0.3)
        assert await store.increment("n") == 1
        server.pause()
        try:
            await each_fails_quickly(store, within=1.5)
        finally:
            server.resume()
            await store.close()

    asyncio.run(scenario())


def test_recovers_when_redis_returns(server: RedisServer) -> None:
    async def scenario() -> None:
        store = RedisStore(server.url, timeout=0.5)
        assert await store.increment("n", expires_in=60) == 1
        server.stop()
        with pytest.raises(StoreUnavailable):
            await store.increment("n", expires_in=60)
        server.start()  # same port, empty (no persistence), its script cache too
        assert await store.increment("n", expires_in=60) == 1
        assert await store.get("n") == b"1"
        await store.close()

    asyncio.run(scenario())


def test_unreachable_from_the_start() -> None:
    from benchmarks.server import free_port

    async def scenario() -> None:
        store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"127\.0\.0\.1"):
            await store.get("k")
        assert time.monotonic() - started < 2.0
        await store.close()

    asyncio.run(scenario())
