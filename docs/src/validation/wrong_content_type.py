from typing import Annotated

from pydantic import BaseModel

from pegboard import App
from pegboard_validation import Form, validation

# A body with the wrong Content-Type is a 422, as in FastAPI, instead of a 415.
app = App(plugins=[validation(wrong_content_type="validate")])


class Item(BaseModel):
    name: str


@app.post("/items")
async def create_item(item: Item) -> Item:
    return item


@app.post("/login")
async def login(username: Annotated[str, Form()]) -> str:
    return username
