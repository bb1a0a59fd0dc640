"""pegboard with the ratelimit plugin: the same handler with and without ``rate_limit``.

For ``python -m benchmarks.traffic_ratelimit --wire``: one server, two routes, so the
two are measured under the same process, server and load. The limit never refuses.
"""

from pegboard import App
from pegboard_ratelimit import ratelimit

app = App(plugins=[ratelimit()])


@app.get("/plain")
async def plain() -> dict[str, str]:
    return {"message": "hello"}


@app.get("/limited", rate_limit="1000000000/minute")
async def limited() -> dict[str, str]:
    return {"message": "hello"}
