"""Fixtures for the validation plugin's tests: apps with only the core and validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pegboard import App
from pegboard.testing import TestClient
from pegboard_validation import validation


@pytest.fixture
def app() -> App:
    """An app with only the validation plugin enabled."""
    return App(plugins=[validation()])


@pytest.fixture
def serve() -> Callable[..., TestClient]:
    """``serve(app)``: a started TestClient that re-raises nothing (500s stay 500s)."""
    clients: list[TestClient] = []

    def start(app: App, **kwargs: Any) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False, **kwargs)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)
