from pegboard import App
from pegboard_prometheus import prometheus

app = App(plugins=[prometheus(unmatched=True)])


@app.get("/items/{item_id}")
async def read_item(item_id: str) -> dict[str, str]:
    return {"id": item_id}
