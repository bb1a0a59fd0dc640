import time

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import App, PluginInfo, RouteInfo, RouteOption, hookimpl


class ServerTiming:
    """ASGI middleware that reports how long the handler took."""

    def __init__(self, app: ASGIApp, metric: str) -> None:
        self.app = app
        self.metric = metric

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                value = f"{self.metric};dur={ms:.1f}".encode()
                message["headers"] = [*message.get("headers", []), (b"server-timing", value)]
            await send(message)

        await self.app(scope, receive, send_timed)


class Timing:
    plugin_info = PluginInfo(
        name="timing",
        route_options=(RouteOption("timed", help="True: add a Server-Timing header."),),
    )

    @hookimpl
    def pegboard_route_middleware(self, app: App, route: RouteInfo) -> list[Middleware] | None:
        if route.kind != "http" or not route.option("timed", False):
            return None  # untimed routes pay nothing
        return [Middleware(ServerTiming, metric=route.name)]


app = App(plugins=[Timing()])


@app.get("/search", timed=True)
async def search() -> list[str]:
    return ["result"]


@app.get("/health")
async def health() -> str:
    return "ok"
