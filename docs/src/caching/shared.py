"""Several workers, one cache: pegboard run shared.py --workers 4, with REDIS_URL set."""

import os

from pegboard import App
from pegboard_caching import caching
from pegboard_stores import MemoryStore, RedisStore

url = os.environ.get("REDIS_URL")  # e.g. redis://127.0.0.1:6379/0
store = RedisStore(url, timeout=0.5) if url else MemoryStore()

app = App(
    plugins=[
        caching(
            store=store,
            on_store_error="open",  # Redis down: serve uncached ("closed": 503)
            retry_store_after=2.0,  # then leave it alone that long before trying again
        )
    ]
)


@app.get("/report", cache=300)
async def report() -> dict[str, int]:
    # Computed by one worker, then served from Redis by all of them.
    return {"computed_by": os.getpid()}
