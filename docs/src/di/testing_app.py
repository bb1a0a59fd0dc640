from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di


class Database:
    async def fetch_user(self, user_id: int) -> dict[str, object]:
        raise RuntimeError("no database in this example")


async def get_db() -> AsyncIterator[Database]:
    yield Database()


async def get_user(user_id: int, db: Annotated[Database, Depends(get_db)]) -> dict[str, object]:
    return await db.fetch_user(user_id)


app = App(plugins=[di()])


@app.get("/users/{user_id:int}")
async def read_user(user: Annotated[dict[str, object], Depends(get_user)]) -> dict[str, object]:
    return user
