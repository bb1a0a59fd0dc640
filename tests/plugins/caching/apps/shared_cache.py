"""Served by `pegboard run --workers 2` in the tests: a cache every worker shares.

Each response says which process answered (``X-Served-By``, added outside the cache,
so hits carry it too) and the body which process ran the handler, and how many
times that process had run it.
"""

import itertools
import os

from pegboard import App, Middleware
from pegboard_caching import Cache, caching
from pegboard_stores import RedisStore

PID = str(os.getpid()).encode()
runs = itertools.count(1)


class ServedBy:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with_pid(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (b"x-served-by", PID)]}
            await send(message)

        await self.app(scope, receive, send_with_pid)


app = App(
    plugins=[caching(store=RedisStore(os.environ["REDIS_URL"]))],
    middleware=[Middleware(ServedBy)],
)


@app.get("/report", cache=300)
async def report() -> dict[str, int]:
    return {"computed_by": os.getpid(), "run": next(runs)}


@app.post("/report/refresh")
async def refresh(cache: Cache) -> dict[str, int]:
    return {"dropped": await cache.invalidate(path="/report")}


@app.get("/ready")
async def ready() -> str:
    return "ok"
