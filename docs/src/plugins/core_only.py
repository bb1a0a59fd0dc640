from pegboard import App, RouteDefinitionError

app = App()  # nothing enabled: the same as App(plugins=[])
assert app.plugins == []


@app.get("/items")
async def items(limit: int = 10) -> list[int]:
    return list(range(limit))


try:
    app.build()
except RouteDefinitionError as exc:
    message = str(exc)  # "... enable the validation plugin to read query parameters ..."
