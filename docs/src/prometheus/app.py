from pegboard import App, HTTPException
from pegboard_prometheus import prometheus

app = App(plugins=[prometheus()])


@app.get("/items/{item_id}")
async def read_item(item_id: str) -> dict[str, str]:
    if item_id == "0":
        raise HTTPException(404, "No such item")
    return {"id": item_id}


@app.get("/health", metrics=False)  # the load balancer's probe: not measured
async def health() -> str:
    return "ok"
