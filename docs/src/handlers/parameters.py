from pegboard import App, BackgroundTasks, Request, Response

app = App()
LOG: list[str] = []


@app.get("/items/{item_id:int}")
async def read_item(
    item_id: int,  # a path parameter, by name
    request: Request,  # the Starlette request
    response: Response,  # headers, cookies and status for the response
    tasks: BackgroundTasks,  # work to run after the response is sent
) -> dict[str, object]:
    response.headers["Cache-Control"] = "max-age=60"
    tasks.add_task(LOG.append, f"item {item_id} read")
    return {"item_id": item_id, "user_agent": request.headers.get("user-agent")}
