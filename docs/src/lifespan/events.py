from pegboard import App

app = App()
items: dict[str, str] = {}


@app.on_event("startup")  # deprecated, warns: prefer lifespan=
async def load_items() -> None:
    items["foo"] = "Fighters"


@app.on_event("shutdown")
def clear_items() -> None:
    items.clear()


@app.get("/items/{key}")
async def read_item(key: str) -> str:
    return items[key]
