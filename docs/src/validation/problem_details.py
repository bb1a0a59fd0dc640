from typing import Annotated

from pydantic import BaseModel

from pegboard import App, HTTPException
from pegboard_validation import Query, validation

# Validation errors and HTTP errors become RFC 9457 application/problem+json.
app = App(plugins=[validation(problem_details=True)])


class Item(BaseModel):
    name: str
    price: float


@app.post("/items")
async def create(item: Item, limit: Annotated[int, Query(le=10)] = 1) -> Item:
    return item


@app.get("/items/{item_id}")
async def read(item_id: int) -> Item:
    raise HTTPException(404, "No item with this id")
