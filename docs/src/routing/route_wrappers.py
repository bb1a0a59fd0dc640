import gzip
import time

from pegboard import App, Request, Response, RouteHandler, RouteInfo, Router, RouteWrapper


def timed(handler: RouteHandler, route: RouteInfo) -> RouteHandler:
    # Called once per route, when the app is built.
    async def handle(request: Request) -> Response:
        started = time.perf_counter()
        response = await handler(request)
        response.headers["X-Response-Time"] = f"{time.perf_counter() - started:.6f}"
        return response

    return handle


class GzipRequest(Request):
    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            body = await super().body()
            if "gzip" in self.headers.getlist("Content-Encoding"):
                body = gzip.decompress(body)
            self._body = body
        return self._body


class GzipRoute(RouteWrapper):
    """The same, as a class: FastAPI's APIRoute subclasses port to this shape."""

    def get_route_handler(self) -> RouteHandler:
        original = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await original(GzipRequest(request.scope, request.receive))

        return handle


app = App()
uploads = Router(prefix="/uploads", route_wrappers=[GzipRoute])


@app.get("/", route_wrappers=[timed])
async def home() -> dict[str, str]:
    return {"message": "timed"}


@uploads.post("/")
async def upload(request: Request) -> dict[str, int]:
    # Every parameter reads the wrapper's request: this body is decompressed.
    return {"size": len(await request.body())}


app.include_router(uploads)
