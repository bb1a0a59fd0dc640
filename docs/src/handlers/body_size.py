from pegboard import App, Request

app = App(max_body_size=64 * 1024)  # default for every route: 64 KiB


@app.post("/notes")
async def add_note(request: Request) -> int:
    return len(await request.body())


@app.post("/photos", max_body_size=20 * 1024 * 1024)  # this route: 20 MiB
async def upload_photo(request: Request) -> int:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return size
