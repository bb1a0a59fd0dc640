"""An app that uses the installed plugin by name: ``pegboard dev app.py`` in this folder."""

from typing import Annotated

from pegboard import App, Router

from pegboard_requestid import RequestId

app = App(plugins=["requestid", "openapi"])  # installed plugins, enabled by name


@app.get("/orders/{order_id:int}")
async def order(order_id: int, request_id: Annotated[str, RequestId()]) -> dict[str, object]:
    return {"order": order_id, "request_id": request_id}


internal = Router(prefix="/internal", require_request_id=True)


@internal.post("/sync")
async def sync() -> dict[str, bool]:
    return {"synced": True}


app.include_router(internal)
