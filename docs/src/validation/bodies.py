from typing import Annotated

from pydantic import BaseModel

from pegboard import App
from pegboard_validation import Body, validation

app = App(plugins=[validation()])


class Item(BaseModel):
    name: str
    price: float


class User(BaseModel):
    username: str


@app.post("/items")
async def create(item: Item) -> Item:  # the body is an Item
    return item


@app.put("/items/{item_id}")
async def update(
    item_id: int,
    item: Item,  # several body parameters:
    user: User,  # {"item": {...}, "user": {...}, "importance": 5}
    importance: Annotated[int, Body(gt=0)],
) -> dict[str, object]:
    return {"item_id": item_id, "item": item, "user": user, "importance": importance}


@app.post("/wrapped")
async def wrapped(item: Annotated[Item, Body(embed=True)]) -> Item:  # {"item": {...}}
    return item
