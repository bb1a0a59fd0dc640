from pegboard import App

app = App(plugins=[])  # the core alone: routing, handlers, JSON, errors, lifespan


@app.get("/hello/{name}")
async def hello(name: str) -> dict[str, str]:
    return {"hello": name}
