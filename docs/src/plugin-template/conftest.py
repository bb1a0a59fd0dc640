"""Fixtures. pegboard's pytest plugin gives ``make_app``, and ``client`` for the ``app`` below."""

from collections.abc import Callable

import pytest
from pegboard import App, Router

from pegboard_hello import hello


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    """The core and this plugin alone, with routes that set the option and routes that don't."""
    app = make_app(hello())

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    @app.get("/tagged", hello="route")
    async def tagged() -> str:
        return "tagged"

    api = Router(prefix="/api", hello="router")

    @api.get("/inherits")
    async def inherits() -> str:
        return "inherits"

    @api.get("/off", hello=None)
    async def off() -> str:
        return "off"

    app.include_router(api)
    return app
