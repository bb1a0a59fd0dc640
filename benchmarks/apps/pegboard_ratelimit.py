"""pegboard with the ratelimit plugin: the same handlers with and without ``rate_limit``.

For ``python -m benchmarks.traffic_ratelimit --wire``: one server, the routes side by
side, so each pair is measured under the same process, server and load. The limit
never refuses. ``/page`` returns about 4 KB of JSON (a handler with some work).
"""

from typing import Any

from pegboard import App
from pegboard_ratelimit import ratelimit

app = App(plugins=[ratelimit()])

PAGE = [{"id": i, "name": f"item {i}", "price": i * 1.5, "tags": ["a", "b"]} for i in range(80)]
HUGE = "1000000000/minute"


@app.get("/plain")
async def plain() -> dict[str, str]:
    return {"message": "hello"}


@app.get("/limited", rate_limit=HUGE)
async def limited() -> dict[str, str]:
    return {"message": "hello"}


@app.get("/page")
async def page() -> list[dict[str, Any]]:
    return [dict(item) for item in PAGE]


@app.get("/page-limited", rate_limit=HUGE)
async def page_limited() -> list[dict[str, Any]]:
    return [dict(item) for item in PAGE]
