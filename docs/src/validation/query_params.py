import datetime
import enum
import uuid
from typing import Annotated, Literal

from pegboard import App
from pegboard_validation import Query, validation

app = App(plugins=[validation()])


class Sort(enum.Enum):
    newest = "newest"
    cheapest = "cheapest"


@app.get("/search")
async def search(
    q: Annotated[str, Query(min_length=2, max_length=50, pattern=r"^\w+$")],
    tag: Annotated[list[str], Query(default_factory=list)],  # ?tag=a&tag=b
    page: Annotated[int, Query(ge=1)] = 1,
    sort: Sort = Sort.newest,
    fmt: Literal["json", "csv"] = "json",
    since: datetime.date | None = None,
    owner: uuid.UUID | None = None,
    item_query: Annotated[str | None, Query(alias="item-query")] = None,
    old: Annotated[bool, Query(deprecated=True, description="Use fmt instead")] = False,
) -> dict[str, object]:
    return {
        "q": q,
        "page": page,
        "sort": sort.value,
        "fmt": fmt,
        "since": since,
        "owner": owner,
        "tag": tag,
        "item_query": item_query,
        "old": old,
    }
