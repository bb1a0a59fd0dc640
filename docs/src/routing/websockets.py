from pegboard import App, WebSocket

app = App()


@app.websocket("/ws/{room}")
async def chat(websocket: WebSocket, room: str) -> None:
    await websocket.accept()
    async for message in websocket.iter_text():
        await websocket.send_json({"room": room, "message": message})
