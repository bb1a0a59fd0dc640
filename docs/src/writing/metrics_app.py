from pegboard_metrics import metrics
from pydantic import BaseModel

from pegboard import App, HTTPException
from pegboard_validation import validation

measured = metrics()
app = App(plugins=[validation(), measured])


class Item(BaseModel):
    name: str


@app.get("/items/{item_id}", metrics=True)
async def read_item(item_id: int) -> Item:
    if item_id == 0:
        raise HTTPException(404, "No such item")
    if item_id == 13:
        raise RuntimeError("unlucky")  # a bug: the client gets a 500
    return Item(name=f"item {item_id}")


@app.post("/items", metrics=True, status_code=201)
async def create_item(item: Item) -> Item:
    return item


@app.get("/health")  # not measured
async def health() -> str:
    return "ok"
