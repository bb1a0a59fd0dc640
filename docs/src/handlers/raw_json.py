from pegboard import App, Request

app = App()


@app.post("/echo")
async def echo(request: Request) -> object:
    # A body that is not JSON is a 400 {"detail": "Invalid JSON body: ..."}, not a 500.
    return await request.json()
