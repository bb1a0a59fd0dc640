"""What only the memory store does: sweeping expired keys, use from threads."""

from __future__ import annotations

import asyncio
import sys
import threading

from pegboard_stores import MemoryStore


def test_expired_keys_are_swept_without_being_read() -> None:
    store = MemoryStore(sweep_interval=0.05)

    async def scenario() -> None:
        for i in range(100):
            await store.set(f"k{i}", b"v", expires_in=0.01)
        await store.increment("counter")
        await asyncio.sleep(0.1)
        await store.set("trigger", b"v")  # a write after the interval sweeps

    asyncio.run(scenario())
    assert repr(store) == "MemoryStore(2 keys)"


def test_increments_from_threads_are_not_lost() -> None:
    store = MemoryStore()

    def work() -> None:
        for _ in range(500):
            asyncio.run(store.increment("n"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert asyncio.run(store.get("n")) == b"2000"
