from typing import Annotated

from pydantic import BaseModel, Field

from pegboard import App
from pegboard_validation import Header, Path, Query, validation


class Item(BaseModel):
    name: str = Field(max_length=50)
    price: float = Field(gt=0)
    tags: list[str] = []


class ItemOut(BaseModel):
    id: int
    name: str
    price: float


app = App(plugins=[validation()])
ITEMS: dict[int, Item] = {}


@app.get("/items/{item_id}")
async def read_item(
    item_id: Annotated[int, Path(ge=1)],  # in the path: converted, then checked
    q: str | None = None,  # a scalar without marker: the query string
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    x_token: Annotated[str | None, Header()] = None,  # the X-Token header
) -> dict[str, object]:
    return {"item_id": item_id, "q": q, "limit": limit, "token": x_token}


@app.post("/items", status_code=201, response_model=ItemOut)
async def create_item(item: Item) -> dict[str, object]:  # a model: the JSON body
    item_id = len(ITEMS) + 1
    ITEMS[item_id] = item
    return {"id": item_id, **item.model_dump()}  # tags are dropped by ItemOut
