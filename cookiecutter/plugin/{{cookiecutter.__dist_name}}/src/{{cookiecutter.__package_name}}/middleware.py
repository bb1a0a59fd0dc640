"""The ASGI middleware the plugin wraps around a route: one more response header."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeaderMiddleware:
    """Adds ``name: value`` to every response of the route it wraps."""

    def __init__(self, app: ASGIApp, name: str, value: str) -> None:
        self.app = app
        # Encoded once, when the route is compiled; a request only appends it.
        self.header = (name.lower().encode("latin-1"), value.encode("latin-1"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, send_with_header)
