"""pegboard with the caching plugin: the same handlers with and without ``cache``.

For ``python -m benchmarks.traffic_caching --wire``: one server, the routes side by
side, so each pair is measured under the same process, server and load (a memory
store; the cached routes answer from it after wrk's warm-up). ``tiny`` returns
``{"message": "hello"}``, ``page`` about 4 KB of JSON.
"""

from typing import Any

from pegboard import App
from pegboard_caching import caching

app = App(plugins=[caching()])


async def tiny() -> dict[str, str]:
    return {"message": "hello"}


async def page() -> dict[str, Any]:
    return {"rows": [{"id": n, "name": f"row {n}", "tags": ["a", "b"]} for n in range(100)]}


for name, handler in (("tiny", tiny), ("page", page)):
    app.add_api_route(f"/{name}/plain", handler, name=f"{name}_plain")
    app.add_api_route(f"/{name}/cached", handler, name=f"{name}_cached", cache=3600)
