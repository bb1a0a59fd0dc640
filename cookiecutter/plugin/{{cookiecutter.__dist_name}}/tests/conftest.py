{%- set opt = cookiecutter.__option -%}
"""Fixtures. pegboard's pytest plugin gives ``make_app``, and ``client`` for the ``app`` below."""

from collections.abc import Callable

import pytest
from pegboard import App, Router

from {{ cookiecutter.__package_name }} import {{ cookiecutter.__factory }}


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    """The core and this plugin alone, with routes that set the option and routes that don't."""
    app = make_app({{ cookiecutter.__factory }}())

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    @app.get("/tagged", {{ opt }}="route")
    async def tagged() -> str:
        return "tagged"

    api = Router(prefix="/api", {{ opt }}="router")

    @api.get("/inherits")
    async def inherits() -> str:
        return "inherits"

    @api.get("/off", {{ opt }}=None)
    async def off() -> str:
        return "off"

    app.include_router(api)
    return app
