"""The store contract, run against every store: MemoryStore and a real redis-server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from pegboard_stores import MemoryStore, RedisStore, Store

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    else:
        made = RedisStore(request.getfixturevalue("redis_url"), timeout=2.0)
    yield made
    await made.close()


async def test_is_a_store(store: Store) -> None:
    assert isinstance(store, Store)


async def test_get_set_delete(store: Store) -> None:
    assert await store.get("a") is None
    await store.set("a", b"\x00one")
    assert await store.get("a") == b"\x00one"
    await store.set("a", b"two")
    assert await store.get("a") == b"two"
    await store.delete("a")
    assert await store.get("a") is None
    await store.delete("a")  # absent: not an error


async def test_set_expires(store: Store) -> None:
    await store.set("short", b"x", expires_in=0.2)
    await store.set("long", b"y", expires_in=60)
    await store.set("forever", b"z")
    assert await store.get("short") == b"x"
    await asyncio.sleep(0.35)
    assert await store.get("short") is None
    assert await store.get("long") == b"y"
    assert await store.get("forever") == b"z"


async def test_set_replaces_the_expiry(store: Store) -> None:
    await store.set("k", b"x", expires_in=0.2)
    await store.set("k", b"y")
    await asyncio.sleep(0.35)
    assert await store.get("k") == b"y"


async def test_increment_counts_from_zero(store: Store) -> None:
    assert await store.increment("n") == 1
    assert await store.increment("n") == 2
    assert await store.increment("n", 5) == 7
    assert await store.increment("n", -10) == -3
    assert await store.get("n") == b"-3"
    await store.set("m", b"41")
    assert await store.increment("m") == 42


async def test_increment_expiry_applies_only_when_creating(store: Store) -> None:
    assert await store.increment("w", expires_in=0.3) == 1
    assert await store.increment("w", expires_in=60) == 2  # keeps the first expiry
    assert await store.increment("w") == 3
    await asyncio.sleep(0.45)
    assert await store.get("w") is None
    assert await store.increment("w", expires_in=60) == 1  # a new window
    await store.set("plain", b"1")
    assert await store.increment("plain", expires_in=0.2) == 2
    await asyncio.sleep(0.35)
    assert await store.get("plain") == b"2"  # existed without expiry: none added


async def test_increment_is_atomic_under_concurrency(store: Store) -> None:
    results = await asyncio.gather(*(store.increment("c", expires_in=60) for _ in range(50)))
    assert sorted(results) == list(range(1, 51))
    assert await store.get("c") == b"50"


async def test_increment_refuses_a_non_integer(store: Store) -> None:
    await store.set("text", b"hello")
    with pytest.raises(ValueError, match="not an integer"):
        await store.increment("text")
    assert await store.get("text") == b"hello"


async def test_expiry_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError, match="positive"):
        await store.set("k", b"v", expires_in=0)
    with pytest.raises(ValueError, match="positive"):
        await store.increment("k", expires_in=-1)


async def test_delete_prefix(store: Store) -> None:
    for key in ("s:1", "s:2", "s:3", "t:1", "s"):
        await store.set(key, b"v")
    await store.increment("s:n")
    assert await store.delete_prefix("s:") == 4
    assert [await store.get(k) for k in ("s:1", "s:n", "t:1", "s")] == [None, None, b"v", b"v"]
    assert await store.delete_prefix("s:") == 0


async def test_delete_prefix_takes_the_prefix_literally(store: Store) -> None:
    await store.set("a*[x]?\\1", b"v")
    await store.set("ab", b"v")
    assert await store.delete_prefix("a*") == 1
    assert await store.get("ab") == b"v"


async def test_delete_prefix_skips_expired_keys(store: Store) -> None:
    await store.set("e:gone", b"v", expires_in=0.1)
    await store.set("e:here", b"v")
    await asyncio.sleep(0.25)
    assert await store.delete_prefix("e:") == 1


async def test_many_keys_in_delete_prefix(store: Store) -> None:
    await asyncio.gather(*(store.set(f"bulk:{i}", b"v") for i in range(1200)))
    assert await store.delete_prefix("bulk:") == 1200


async def test_usable_after_close(store: Store) -> None:
    await store.set("k", b"v")
    await store.close()
    await store.close()
    assert await store.get("k") == b"v"
    await store.set("k", b"w")
    assert await store.get("k") == b"w"
