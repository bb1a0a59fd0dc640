# A FastAPI app moved to pegboard's core. The FastAPI spelling is in the comments.
import datetime
from collections.abc import AsyncIterator

from pegboard import (  # from fastapi import FastAPI, APIRouter, ...
    App,
    BackgroundTasks,
    EventSourceResponse,  # from fastapi.sse import EventSourceResponse
    HTTPException,
    Response,
    Router,
    jsonable_encoder,  # from fastapi.encoders import jsonable_encoder
)

AUDIT: list[dict[str, object]] = []
ITEMS = {1: {"name": "hammer", "added": datetime.date(2030, 1, 1)}}

app = App(redirect_slashes=False)  # FastAPI(redirect_slashes=False)
items = Router(prefix="/items", tags=["items"])  # APIRouter(prefix=..., tags=[...])


@items.get("/{item_id:int}")  # FastAPI: "/{item_id}"; the core converts with ":int"
async def read_item(item_id: int, response: Response, tasks: BackgroundTasks) -> dict[str, object]:
    if item_id not in ITEMS:
        raise HTTPException(404, "Item not found", headers={"X-Error": "missing"})
    response.headers["Cache-Control"] = "max-age=60"
    tasks.add_task(AUDIT.append, jsonable_encoder({"read": item_id, "at": datetime.date.today()}))
    return ITEMS[item_id]


@items.get("/feed", response_class=EventSourceResponse)
async def feed() -> AsyncIterator[dict[str, object]]:
    for item_id, item in ITEMS.items():
        yield {"id": item_id, **item}


app.include_router(items)  # app.include_router(items)
