import time
from collections.abc import Awaitable, Callable

from pegboard import App, Request, Response

app = App()


@app.middleware("http")  # as in FastAPI: a BaseHTTPMiddleware around the whole app
async def add_process_time(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["X-Process-Time"] = f"{time.perf_counter() - started:.6f}"
    return response


@app.get("/")
async def home() -> str:
    return "home"
