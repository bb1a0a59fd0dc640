"""Fixtures for the OpenAPI plugin's tests: a fake third-party plugin, a checked document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from openapi_spec_validator import validate

from pegboard import App
from pegboard_openapi import get_openapi

from .openapi_fakes import FakePlugin


@pytest.fixture
def fake() -> FakePlugin:
    return FakePlugin()


@pytest.fixture
def document() -> Callable[..., dict[str, Any]]:
    """``document(app)``: the app's OpenAPI document, checked by openapi-spec-validator."""

    def build(app: App, **kwargs: Any) -> dict[str, Any]:
        result = get_openapi(app, **kwargs)
        validate(result)
        return result

    return build
