"""Fixtures. pegboard's pytest plugin gives ``client`` (for the ``app`` below) and ``make_app``."""

import pytest
from pegboard import App

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings


@pytest.fixture
def settings() -> Settings:
    # model_validate: these values only, none from the environment or a .env file.
    return Settings.model_validate({"environment": "test"{% if cookiecutter.security %}, "api_token": "test-token"{% endif %}})


@pytest.fixture
def app(settings: Settings) -> App:
    return create_app(settings)
