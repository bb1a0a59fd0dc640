from pegboard import App

app = App()


@app.get("/items")
async def items(limit: int = 10) -> list[int]:
    return list(range(limit))


# app.build() runs on startup or on the first request; calling it yourself
# (in a test, say) raises the same error earlier:
#
#   pegboard.exceptions.RouteDefinitionError: Parameter 'limit' of
#   handlers.items (GET /items) is not a path parameter; enable the validation
#   plugin to read query parameters, headers, cookies and bodies:
#   App(plugins=[validation()]).
