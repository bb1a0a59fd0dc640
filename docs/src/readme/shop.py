from typing import Annotated

from pydantic import BaseModel

from pegboard import App
from pegboard_di import Depends, di
from pegboard_docs import swagger_ui
from pegboard_openapi import openapi
from pegboard_validation import Query, validation

app = App(plugins=[validation(), di(), openapi(title="Shop"), swagger_ui()])


class Item(BaseModel):
    name: str
    price: float


def pagination(limit: Annotated[int, Query(ge=1, le=100)] = 10) -> int:
    return limit


@app.get("/items")
async def list_items(limit: Annotated[int, Depends(pagination)]) -> list[Item]:
    return [Item(name="pencil", price=1.5)][:limit]
