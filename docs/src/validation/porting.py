# A FastAPI module, ported: only the imports and App(...) changed.
from typing import Annotated

from pydantic import BaseModel

# from fastapi import FastAPI, Body, Cookie, File, Form, Header, Path, Query, UploadFile
# from fastapi.exceptions import RequestValidationError
from pegboard import App
from pegboard_validation import (
    Body,
    Cookie,
    File,
    Form,
    Header,
    Path,
    Query,
    RequestValidationError,
    UploadFile,
    validation,
)

app = App(plugins=[validation()])  # app = FastAPI()


class Item(BaseModel):
    name: str
    price: float


class ItemOut(BaseModel):
    name: str


@app.get("/items/{item_id}")
def read_item(
    item_id: int = Path(ge=1),
    q: str | None = Query(None, max_length=20),
    ads_id: str | None = Cookie(None),
    user_agent: str | None = Header(None),
) -> dict[str, object]:
    return {"item_id": item_id, "q": q, "ads_id": ads_id, "user_agent": user_agent}


@app.put("/items/{item_id}", response_model=ItemOut)
async def update_item(item_id: int, item: Item, importance: Annotated[int, Body(gt=0)]) -> Item:
    return item


@app.post("/files")
async def create_file(
    file: Annotated[bytes, File()],
    fileb: Annotated[UploadFile, File()],
    token: Annotated[str, Form()],
) -> dict[str, object]:
    return {"file_size": len(file), "token": token, "fileb_content_type": fileb.content_type}


@app.exception_handler(RequestValidationError)
async def handler(request, exc):  # type: ignore[no-untyped-def]
    from pegboard_validation import request_validation_exception_handler

    return await request_validation_exception_handler(request, exc)
