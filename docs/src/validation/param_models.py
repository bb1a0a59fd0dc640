from typing import Annotated, Literal

from pydantic import BaseModel, Field

from pegboard import App
from pegboard_validation import Cookie, Header, Query, validation

app = App(plugins=[validation()])


class Paging(BaseModel):
    model_config = {"extra": "forbid"}  # an unknown query key is a 422

    limit: int = Field(10, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order: Literal["asc", "desc"] = "asc"
    tags: list[str] = []  # ?tags=a&tags=b


class Client(BaseModel):
    x_api_version: int = 1  # the X-Api-Version header
    x_trace: list[str] = []


class Prefs(BaseModel):
    theme: Literal["light", "dark"] = "light"
    lang: str = "en"


@app.get("/items")
async def list_items(
    paging: Annotated[Paging, Query()],
    client: Annotated[Client, Header()],
    prefs: Annotated[Prefs, Cookie()],
) -> dict[str, object]:
    return {"paging": paging, "client": client, "prefs": prefs}


class Signature(BaseModel):
    x_signature: str
    x_timestamp: int


@app.get("/webhook")
async def webhook(signed: Annotated[Signature | None, Header()] = None) -> dict[str, object]:
    # None when no header of the group is sent; some but not all of them is a 422.
    return {"signed": signed}
