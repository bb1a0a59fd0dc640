"""A handler asking for the Request gets the object its dependencies got (issue 14)."""

from __future__ import annotations

from typing import Annotated, Any

from starlette.testclient import TestClient

from pegboard import App, Request, WebSocket
from pegboard_di import Depends, di

seen: list[Request] = []  # what the dependencies got, per request


async def inner(request: Request) -> Request:
    seen.append(request)
    return request


def outer(request: Request, nested: Annotated[Request, Depends(inner)]) -> Request:
    seen.append(request)
    assert nested is request
    return request


async def generator(request: Request) -> Any:
    seen.append(request)
    yield request


def test_handler_and_nested_dependencies_share_the_request():
    app = App(plugins=[di()])

    @app.get("/same")
    async def same(
        request: Request,
        a: Annotated[Request, Depends(outer)],
        b: Annotated[Request, Depends(generator)],
    ) -> dict[str, Any]:
        return {"same": all(r is request for r in (a, b, *seen)), "count": len(seen)}

    seen.clear()
    with TestClient(app) as client:
        assert client.get("/same").json() == {"same": True, "count": 3}
        first = seen[0]
        seen.clear()
        assert client.get("/same").json() == {"same": True, "count": 3}
        assert seen[0] is not first  # a new one for each request


async def peer(websocket: WebSocket) -> WebSocket:
    return websocket


def test_websocket_handler_and_dependency_share_the_connection():
    app = App(plugins=[di()])

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, dep: Annotated[WebSocket, Depends(peer)]) -> None:
        await websocket.accept()
        await websocket.send_json({"same": dep is websocket})
        await websocket.close()

    with TestClient(app) as client, client.websocket_connect("/ws") as connection:
        assert connection.receive_json() == {"same": True}
