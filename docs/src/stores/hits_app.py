"""An app whose hit counts are shared by every worker when REDIS_URL is set."""

import os

from choose import make_store
from pegboard_hits import hit_count, hits
from starlette.requests import Request

from pegboard import App, JSONResponse
from pegboard_stores import StoreUnavailable

store = make_store()
mode = "closed" if os.environ.get("HITS_FAIL_CLOSED") else "open"
app = App(plugins=[hits(store=store, on_store_error=mode)])


@app.get("/page", count_hits=True)
async def page() -> dict[str, int]:
    return {"pid": os.getpid()}


@app.get("/stats")
async def stats() -> dict[str, int]:
    return {"/page": await hit_count(store, "/page")}


# The app's own store calls: an outage is a 503, not a 500.
@app.exception_handler(StoreUnavailable)
async def store_down(request: Request, exc: StoreUnavailable) -> JSONResponse:
    return JSONResponse({"detail": "Try again in a moment."}, status_code=503)
