"""The app-wide ASGI middleware: takes a valid id from the request or makes one."""

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard_requestid.ids import VALID_ID


class RequestIdMiddleware:
    """Puts the id in ``request.state.request_id`` and in the response's header."""

    def __init__(self, app: ASGIApp, header: str, generate: Callable[[], str]) -> None:
        self.app = app
        self.header = header.lower().encode("latin-1")
        self.generate = generate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == self.header:
                sent = value.decode("latin-1")
                request_id = sent if VALID_ID.fullmatch(sent) else None
                break
        if request_id is None:
            request_id = self.generate()
        scope.setdefault("state", {})["request_id"] = request_id
        header = (self.header, request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_id)
