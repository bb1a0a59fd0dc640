from typing import Annotated

from pydantic import AliasChoices, BaseModel, Field

from pegboard import App
from pegboard_validation import Query, validation

app = App(plugins=[validation()])


@app.get("/search")
async def search(
    # ?q=... or, from older clients, ?search=...: the first the request has is read.
    q: Annotated[str, Query(validation_alias=AliasChoices("q", "search"))],
) -> dict[str, str]:
    return {"q": q}


class Paging(BaseModel):
    limit: int = Field(10, validation_alias=AliasChoices("limit", "page_size"))


@app.get("/items")
async def items(paging: Annotated[Paging, Query()]) -> Paging:
    return paging
