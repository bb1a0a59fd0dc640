"""The reference app, written for pegboard. Its twin is openapi_reference_fastapi.py.

The two files differ only where the frameworks spell things differently (imports,
``FastAPI``/``APIRouter`` against ``App``/``Router``), so their documents can be
compared operation by operation.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import BaseModel, Field

from pegboard import App, HTTPException, Router
from pegboard_di import Depends, di
from pegboard_openapi import openapi
from pegboard_validation import (
    Body,
    Cookie,
    File,
    Form,
    Header,
    Path,
    Query,
    UploadFile,
    validation,
)


class Category(str, Enum):
    tools = "tools"
    toys = "toys"


class Item(BaseModel):
    name: str = Field(max_length=50)
    price: float = Field(gt=0)
    category: Category = Category.tools
    tags: list[str] = []


class StoredItem(Item):
    id: int


class Order(BaseModel):
    items: list[Item]
    note: str | None = None


class User(BaseModel):
    username: str
    full_name: str | None = None


UNAUTHORIZED: dict[int | str, dict[str, str]] = {401: {"description": "Unknown token"}}
BAD_FORM: dict[int | str, dict[str, str]] = {400: {"description": "Malformed form"}}
ITEMS = {1: StoredItem(id=1, name="Hammer", price=9.5)}


def paging(
    q: str | None = None, skip: int = 0, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> dict[str, int | str | None]:
    return {"q": q, "skip": skip, "limit": limit}


def current_user(x_token: Annotated[str, Header()]) -> User:
    if x_token != "secret":
        raise HTTPException(401, "Unknown token")
    return User(username="ada")


app = App(plugins=[validation(), di(), openapi(title="Shop", version="1.0")])
items = Router(prefix="/items", tags=["items"])


@items.get("/")
def list_items(page: Annotated[dict[str, int | str | None], Depends(paging)]) -> list[StoredItem]:
    found = list(ITEMS.values())
    return found[page["skip"] : page["skip"] + page["limit"]]  # type: ignore[operator]


@items.get("/{item_id}", responses={404: {"description": "No such item"}})
def read_item(
    item_id: Annotated[int, Path(ge=1)], session: Annotated[str | None, Cookie()] = None
) -> StoredItem:
    if item_id not in ITEMS:
        raise HTTPException(404, "No such item")
    return ITEMS[item_id]


@items.post("/", status_code=201, responses=UNAUTHORIZED)
def create_item(item: Item, user: Annotated[User, Depends(current_user)]) -> StoredItem:
    return StoredItem(id=len(ITEMS) + 1, **item.model_dump())


@items.put("/{item_id}")
def update_item(item_id: int, item: Item, importance: Annotated[int, Body(ge=0)]) -> StoredItem:
    return StoredItem(id=item_id, **item.model_dump())


@items.delete("/{item_id}", status_code=204)
def delete_item(item_id: int) -> None:
    return None


app.include_router(items)


@app.post("/orders")
def create_order(order: Order) -> Order:
    return order


@app.post("/login", responses=BAD_FORM)
def login(
    username: Annotated[str, Form()], password: Annotated[str, Form(min_length=8)]
) -> dict[str, str]:
    return {"token": "secret"}


@app.post("/files", responses=BAD_FORM)
async def upload(
    file: Annotated[UploadFile, File()], description: Annotated[str, Form()] = ""
) -> dict[str, str]:
    return {"name": file.filename or "", "description": description}


@app.get("/users/me", responses=UNAUTHORIZED)
def me(user: Annotated[User, Depends(current_user)]) -> User:
    return user
