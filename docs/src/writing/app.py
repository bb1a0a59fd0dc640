from typing import Annotated

from pegboard_requestid import RequestId, requestid

from pegboard import App, Router

app = App(plugins=[requestid()])


@app.get("/orders/{order_id:int}")
async def order(order_id: int, request_id: Annotated[str, RequestId()]) -> dict[str, object]:
    return {"order": order_id, "request_id": request_id}


internal = Router(prefix="/internal", require_request_id=True)


@internal.post("/sync")
async def sync() -> dict[str, bool]:
    return {"synced": True}


app.include_router(internal)
