"""Limits on a route, on a router, on the whole app, and exemptions."""

from pegboard import App, Router
from pegboard_ratelimit import ratelimit

# --8<-- [start:app]
# Every route of the app: 1,000 requests per hour and client, unless it says otherwise.
app = App(plugins=[ratelimit()], rate_limit="1000/hour")


@app.get("/search", rate_limit="10/minute")  # its own limit replaces the app's
async def search() -> list[str]:
    return []


@app.get("/health", rate_limit=None)  # exempt: load balancers poll it
async def health() -> str:
    return "ok"


# --8<-- [end:app]
# --8<-- [start:router]
# Several limits at once: a burst limit and a daily one; both must hold.
admin = Router(rate_limit=["5/second", "2000/day"])


@admin.post("/reindex", rate_limit="1/minute")
async def reindex() -> dict[str, str]:
    return {"status": "started"}


@admin.get("/stats")
async def stats() -> dict[str, int]:
    return {"users": 3}


app.include_router(admin, prefix="/admin")
# --8<-- [end:router]
