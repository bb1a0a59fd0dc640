from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import App


class ServerHeader:
    """A pure ASGI middleware: adds a Server header to every HTTP response."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.header = (b"server", name.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, send_with_header)


app = App(
    middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=["example.com", "testserver"]),
        Middleware(GZipMiddleware, minimum_size=500),
    ]
)
app.add_middleware(ServerHeader, name="pegboard")


@app.get("/report")
async def report() -> dict[str, str]:
    return {"text": "quarterly numbers " * 100}
