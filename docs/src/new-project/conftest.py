"""Fixtures. pegboard's pytest plugin gives ``client`` (for the ``app`` below) and ``make_app``."""

import pytest
from pegboard import App

from shop.app import create_app
from shop.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(environment="test", api_token="test-token")


@pytest.fixture
def app(settings: Settings) -> App:
    return create_app(settings)
