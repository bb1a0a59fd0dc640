"""The showcase app served by scripts/serve: it grows as plugins land."""

from __future__ import annotations

from pegboard import App, Router

app = App(plugins=[])


@app.get("/")
async def index() -> dict[str, str]:
    return {"name": "pegboard showcase", "docs": "/docs"}


@app.get("/hello/{name}")
async def hello(name: str) -> dict[str, str]:
    return {"hello": name}


users = Router(prefix="/users", tags=["users"])


@users.get("/{user_id:int}")
def read_user(user_id: int) -> dict[str, int]:
    return {"id": user_id}


app.include_router(users)
