from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pegboard import App, HTTPException, Request


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    yield {"inventory": {"hammer": 3}}


app = App(lifespan=lifespan)


@app.get("/stock/{item}")
async def stock(request: Request, item: str) -> dict[str, int]:
    inventory = request.state.inventory
    if item not in inventory:
        raise HTTPException(404, f"No {item} in stock.")
    return {item: inventory[item]}
