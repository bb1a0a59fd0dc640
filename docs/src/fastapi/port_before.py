# A FastAPI service, before `pegboard port`.
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.security import HTTPBearer
from pydantic import BaseModel

bearer = HTTPBearer()


class Item(BaseModel):
    name: str
    price: float


ITEMS: dict[int, Item] = {1: Item(name="hammer", price=9.5)}

app = FastAPI(
    title="Shop",  # shown in /docs
    version="2.0",
    redoc_url=None,
)


@app.get("/items/{item_id}")
def read_item(item_id: int, fields: Annotated[list[str] | None, Query()] = None) -> Item:
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    return ITEMS[item_id]


@app.post("/items/{item_id}", status_code=201, dependencies=[Depends(bearer)])
def put_item(item_id: int, item: Item) -> Item:
    ITEMS[item_id] = item
    return item
