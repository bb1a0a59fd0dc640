# The same service after `pegboard port`: only the imports and App(...) changed.
from typing import Annotated

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_docs import swagger_ui
from pegboard_openapi import openapi
from pegboard_security import security
from pegboard_validation import Query, validation
from pegboard_security import HTTPBearer
from pydantic import BaseModel

bearer = HTTPBearer()


class Item(BaseModel):
    name: str
    price: float


ITEMS: dict[int, Item] = {1: Item(name="hammer", price=9.5)}

app = App(
    plugins=[
        validation(wrong_content_type="validate"),
        di(),
        security(fastapi_compatible=True),
        openapi(title="Shop", version="2.0", fastapi_compatible=True),  # shown in /docs
        swagger_ui(),
    ],
    json_server_errors=False,
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
