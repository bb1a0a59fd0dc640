"""Several workers: the counts live in Redis, so a limit holds across all of them."""

import os

from pegboard import App
from pegboard_ratelimit import ratelimit
from pegboard_stores import MemoryStore, RedisStore

url = os.environ.get("REDIS_URL")
store = RedisStore(url, timeout=0.5) if url else MemoryStore()

app = App(
    plugins=[
        ratelimit(
            store,
            # "open": while Redis is down, serve without limits (and log it);
            # "closed": answer 503 instead.
            on_store_error="closed" if os.environ.get("STRICT_LIMITS") else "open",
        )
    ]
)


@app.post("/sms", rate_limit="3/hour")
async def send_sms() -> dict[str, bool]:
    return {"sent": True}
