import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pegboard import App, JSONResponse, Request


class Database:
    """Stands in for a connection pool to PostgreSQL (or any shared service)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connected = False

    async def connect(self) -> None:
        self.connected = True

    async def close(self) -> None:
        self.connected = False

    async def ping(self) -> bool:
        return self.connected


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    # Configuration comes from the environment, so every copy of the app is the same.
    db = Database(os.environ.get("DATABASE_URL", "postgresql://localhost/shop"))
    await db.connect()
    yield {"db": db}  # per-process state; anything shared lives in the database
    await db.close()


app = App(lifespan=lifespan, root_path=os.environ.get("ROOT_PATH", ""))


@app.get("/health", include_in_schema=False)
async def health() -> dict[str, str]:
    """Liveness: the process answers. Restart it when this fails."""
    return {"status": "ok"}


@app.get("/ready", include_in_schema=False)
async def ready(request: Request) -> JSONResponse:
    """Readiness: what it needs is reachable. Send it traffic only while this is 200."""
    if await request.state.db.ping():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "unavailable"}, status_code=503)
