"""An app whose third plugin fails to start: the server must not come up half-started."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App, PluginInfo, hookimpl
from pegboard_di import Depends, di
from pegboard_validation import validation


class Recorder:
    """A plugin that says when it starts and stops."""

    plugin_info = PluginInfo(name="recorder", version="1.0")

    @hookimpl
    def pegboard_startup(self, app: App) -> None:
        print("recorder: started", flush=True)

    @hookimpl
    def pegboard_shutdown(self, app: App) -> None:
        print("recorder: stopped", flush=True)


class Exploding:
    """A plugin whose startup fails, as one whose database is unreachable would."""

    plugin_info = PluginInfo(name="exploding", version="1.0")

    @hookimpl
    async def pegboard_startup(self, app: App) -> None:
        raise ConnectionRefusedError("database at db.internal:5432 is unreachable")

    @hookimpl
    def pegboard_shutdown(self, app: App) -> None:
        print("exploding: stopped", flush=True)  # never: it did not start


async def pool() -> AsyncIterator[str]:
    print("pool: opened", flush=True)
    yield "pool"
    print("pool: closed", flush=True)


app = App(plugins=[validation(), di(), Recorder(), Exploding()])


@app.get("/")
async def index(p: Annotated[str, Depends(pool, scope="app")]) -> str:
    return p
