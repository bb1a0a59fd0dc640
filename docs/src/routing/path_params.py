import uuid

from pegboard import App

app = App()


@app.get("/users/{username}")
async def user(username: str) -> dict[str, str]:
    return {"username": username}


@app.get("/items/{item_id:int}")
async def item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}


@app.get("/orders/{order_id:uuid}")
async def order(order_id: uuid.UUID) -> dict[str, str]:
    return {"order_id": str(order_id)}


@app.get("/files/{path:path}")
async def file(path: str) -> dict[str, str]:
    return {"path": path}
