from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pegboard import App, Request

EVENTS: list[str] = []


class Database:
    def __init__(self) -> None:
        self.connected = False

    async def connect(self) -> None:
        self.connected = True
        EVENTS.append("connected")

    async def disconnect(self) -> None:
        self.connected = False
        EVENTS.append("disconnected")


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    db = Database()
    await db.connect()
    yield {"db": db}  # copied into request.state for every request
    await db.disconnect()


app = App(lifespan=lifespan)


@app.get("/status")
async def status(request: Request) -> dict[str, bool]:
    return {"db": request.state.db.connected}
