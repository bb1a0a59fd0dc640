from pegboard import App, HTTPException, Request
from pegboard_docs import elements, rapidoc, redoc, scalar, swagger_ui
from pegboard_openapi import openapi

app = App(
    plugins=[
        openapi(title="Shop", version="1.0"),
        swagger_ui(),  # /docs
        redoc(),  # /redoc
        scalar(),  # /scalar
        rapidoc(),  # /rapidoc
        elements(),  # /elements
    ]
)

ITEMS = {1: "hammer", 2: "nails"}


@app.get("/items", tags=["items"], summary="List items")
async def list_items() -> dict[int, str]:
    return ITEMS


@app.get("/items/{item_id:int}", tags=["items"], summary="Read one item")
async def read_item(item_id: int) -> dict[str, object]:
    if item_id not in ITEMS:
        raise HTTPException(404, "No such item")
    return {"id": item_id, "name": ITEMS[item_id]}


@app.post("/items/{item_id:int}/restock", tags=["items"], summary="Restock an item")
async def restock(item_id: int, request: Request) -> dict[str, int]:
    return {"id": item_id, "added": int(request.query_params.get("count", "1"))}


@app.delete("/items/{item_id:int}", tags=["items"], summary="Remove an item")
async def remove_item(item_id: int) -> None:
    ITEMS.pop(item_id, None)


@app.get("/health", tags=["status"], summary="Check health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
