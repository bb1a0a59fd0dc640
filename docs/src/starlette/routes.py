from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket

from pegboard import App, Request


async def legacy(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"legacy {request.path_params['id']}")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


app = App(
    routes=[
        Route("/legacy/{id}", legacy),
        WebSocketRoute("/echo", echo),
        Mount("/old", routes=[Route("/page/{id}", legacy, name="page")], name="old"),
    ]
)


@app.get("/new/{id}")
async def new(id: str) -> dict[str, str]:
    return {"new": id}


assert app.url_path_for("old:page", id="7") == "/old/page/7"
