"""Served by ``pegboard run --workers 2`` in the tests: one limit, counted in Redis."""

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import App, Middleware
from pegboard_ratelimit import ratelimit
from pegboard_stores import RedisStore

PID = str(os.getpid()).encode()


class WorkerHeader:
    """Says which worker answered, refusals included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_pid(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-worker", PID)]
            await send(message)

        await self.app(scope, receive, send_pid)


store = RedisStore(os.environ["REDIS_URL"], timeout=0.5)
app = App(
    plugins=[ratelimit(store, on_store_error=os.environ.get("ON_STORE_ERROR", "open"))],
    middleware=[Middleware(WorkerHeader)],
)


@app.get("/limited", rate_limit=os.environ.get("LIMIT", "20/hour"))
async def limited() -> str:
    return "ok"


@app.get("/health")
async def health() -> str:
    return "ok"
