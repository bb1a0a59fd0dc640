"""The app ``pegboard run`` serves in the slow-client and limit tests: a 64 KiB body limit."""

from __future__ import annotations

from pegboard import App, Request, WebSocket

app = App(max_body_size=64 * 1024)


@app.get("/")
async def home() -> dict[str, bool]:
    return {"ok": True}


@app.post("/echo")
async def echo(request: Request) -> dict[str, int]:
    return {"length": len(await request.body())}


@app.websocket("/ws")
async def ws(websocket: WebSocket) -> None:
    await websocket.accept()
    while True:
        text = await websocket.receive_text()
        await websocket.send_text(str(len(text)))
