from __future__ import annotations  # lets get_a refer to get_b, defined below it

from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di


def get_a(b: Annotated[str, Depends(get_b)]) -> str:
    return b


def get_b(a: Annotated[str, Depends(get_a)]) -> str:  # get_a -> get_b -> get_a
    return a


def get_settings() -> dict[str, str]:
    return {}


def get_pool(settings: Annotated[dict[str, str], Depends(get_settings)]) -> object:
    return object()


def paginate(limit: int) -> int:  # a typed query parameter, without the validation plugin
    return limit


def cycle_app() -> App:
    app = App(plugins=[di()])

    @app.get("/loop")
    async def loop(value: Annotated[str, Depends(get_a)]) -> str:
        return value

    return app


def scope_app() -> App:
    app = App(plugins=[di()])

    @app.get("/pool")
    async def pool(value: Annotated[object, Depends(get_pool, scope="app")]) -> str:
        return "unreachable"

    return app


def query_app() -> App:
    app = App(plugins=[di()])

    @app.get("/items")
    async def items(limit: Annotated[int, Depends(paginate)]) -> int:
        return limit

    return app
