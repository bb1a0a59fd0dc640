"""Pick the store from the environment: memory on a laptop, Redis in production."""

import os

from pegboard_stores import MemoryStore, RedisStore, Store


def make_store() -> Store:
    url = os.environ.get("REDIS_URL")
    if url is None:
        return MemoryStore()  # one process: fine for one worker and for tests
    # Shared by every worker; each operation gives up after 0.5 s when Redis is away.
    return RedisStore(url, prefix="shop:", timeout=0.5)
