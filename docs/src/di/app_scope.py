from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di

EVENTS: list[str] = []


class Pool:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.queries = 0


def get_settings(app: App) -> dict[str, str]:
    return {"dsn": app.state.dsn}  # an app-scoped dependency may ask for the App


async def get_pool(
    settings: Annotated[dict[str, str], Depends(get_settings, scope="app")],
) -> AsyncIterator[Pool]:
    EVENTS.append("pool opened")
    yield Pool(settings["dsn"])  # created once, when the app starts
    EVENTS.append("pool closed")  # when the app stops


PoolDep = Annotated[Pool, Depends(get_pool, scope="app")]


async def run_query(pool: PoolDep) -> int:  # request-scoped, using the app-scoped pool
    pool.queries += 1
    return pool.queries


app = App(plugins=[di()])
app.state.dsn = "postgres://example"


@app.get("/query")
async def query(count: Annotated[int, Depends(run_query)], pool: PoolDep) -> dict[str, object]:
    return {"dsn": pool.dsn, "queries": count}
