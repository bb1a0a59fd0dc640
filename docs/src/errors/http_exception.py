from pegboard import App, HTTPException

app = App()
ITEMS = {"hammer": 12}


@app.get("/items/{name}")
async def read_item(name: str) -> dict[str, int]:
    if name not in ITEMS:
        raise HTTPException(404, f"No item named {name!r}.")
    return {"stock": ITEMS[name]}


@app.post("/items/{name}/reserve")
async def reserve(name: str) -> None:
    raise HTTPException(
        409,
        {"reason": "out of stock", "item": name},  # any JSON-compatible detail
        headers={"Retry-After": "3600"},
    )
