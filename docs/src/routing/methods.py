from pegboard import App, Request

app = App()


@app.get("/items")
async def list_items() -> list[str]:
    return ["hammer", "saw"]


@app.post("/items", status_code=201)
async def create_item(request: Request) -> dict[str, str]:
    item: dict[str, str] = await request.json()
    return item


@app.api_route("/ping", methods=["GET", "POST"], name="ping")
async def ping(request: Request) -> str:
    return request.method


async def health() -> str:
    return "ok"


app.add_api_route("/health", health, methods=["GET"])
