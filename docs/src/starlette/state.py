from pegboard import App, Request

app = App()
app.state.greeting = "Hello"


@app.get("/greet/{name}")
async def greet(request: Request, name: str) -> str:
    request.state.greeted = name  # per-request scratch space
    return f"{request.app.state.greeting}, {name}!"
