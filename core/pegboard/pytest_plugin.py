"""pegboard's pytest plugin (entry point ``pytest11``): fixtures for apps and plugins.

* ``make_app``: a factory, ``make_app(plugin(), ..., **App kwargs)``.
* ``client``: a :class:`~starlette.testclient.TestClient` for your ``app`` fixture,
  with the app's lifespan (plugin startup and shutdown) running around the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pegboard.applications import App
from pegboard.testing import TestClient
from pegboard.testing import make_app as _make_app


@pytest.fixture
def make_app() -> Callable[..., App]:
    """Build an app with exactly the plugins given."""
    return _make_app


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """A test client for the ``app`` fixture you define, inside its lifespan."""
    with TestClient(app) as test_client:
        yield test_client
