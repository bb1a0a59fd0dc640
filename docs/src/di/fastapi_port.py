# Ported from a FastAPI app: only the imports, the plugin list and overrides changed.
from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App, HTTPException, Request  # was: from fastapi import ...
from pegboard_di import Depends, di, overrides  # was: from fastapi import Depends


class FakeDB:
    def __init__(self) -> None:
        self.items = {"1": "hammer"}


async def get_db() -> AsyncIterator[FakeDB]:
    db = FakeDB()
    try:
        yield db
    finally:
        db.items = {}


async def verify_key(request: Request) -> None:
    if request.headers.get("x-key") != "secret":
        raise HTTPException(401, "Bad key")


app = App(plugins=[di()], dependencies=[Depends(verify_key)])  # was: FastAPI(dependencies=...)


@app.get("/items/{item_id}")
async def read_item(item_id: str, db: Annotated[FakeDB, Depends(get_db)]) -> dict[str, str]:
    if item_id not in db.items:
        raise HTTPException(404, "Item not found")
    return {"item": db.items[item_id]}


def use_test_database() -> None:
    class TestDB(FakeDB):
        def __init__(self) -> None:
            self.items = {"1": "test hammer"}

    overrides(app)[get_db] = TestDB  # was: app.dependency_overrides[get_db] = TestDB
