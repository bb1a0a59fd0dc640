from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount

from pegboard import App

api = App()


@api.get("/ping")
async def ping() -> str:
    return "pong"


# Starlette does not run the lifespan of mounted apps; run pegboard's from yours
# so that the plugins of `api` start and stop with the server.
@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with api.router.lifespan_context(api):
        yield


# An existing Starlette project can adopt pegboard one mount at a time.
app = Starlette(routes=[Mount("/api", app=api)], lifespan=lifespan)
