from pegboard import App, PlainTextResponse, Router

# The app's options apply to every route, a router's to its routes.
app = App(tags=["api"], max_body_size=64 * 1024)
reports = Router(prefix="/reports", tags=["reports"], response_class=PlainTextResponse)


@reports.get("/daily", tags=["daily"])
async def daily() -> str:
    return "all quiet"


@reports.get("/summary", response_class=None)  # None: back to the default, JSON
async def summary() -> dict[str, int]:
    return {"incidents": 0}


@reports.post("/upload", max_body_size=10 * 1024 * 1024)
async def upload() -> str:
    return "stored"


app.include_router(reports)
