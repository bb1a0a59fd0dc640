"""Fixtures. pegboard's pytest plugin gives ``make_app``, and ``client`` for the ``app`` below."""

from collections.abc import Callable
from typing import Annotated

import pytest
from pegboard import App

from pegboard_requestid import RequestId, requestid


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    """The core and this plugin alone."""
    app = make_app(requestid())

    @app.get("/")
    async def home(request_id: Annotated[str, RequestId()]) -> str:
        return request_id

    @app.post("/strict", require_request_id=True)
    async def strict() -> str:
        return "ok"

    return app
