"""pegboard's pytest plugin (entry point ``pytest11``): fixtures for apps and plugins.

* ``make_app``: a factory, ``make_app(plugin(), ..., **App kwargs)``.
* ``client``: a :class:`~starlette.testclient.TestClient` for your ``app`` fixture,
  with the app's lifespan (plugin startup and shutdown) running around the test.
* ``async_client``: the same as an :class:`~pegboard.testing.AsyncTestClient`, for
  ``async def`` tests run by anyio's pytest plugin (``@pytest.mark.anyio``).

Installing pegboard registers this module in every pytest run of the environment, so
it imports nothing beyond the core: the clients come from :mod:`pegboard.testing`
when a test first asks for them, and fail then, naming the extra to install.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pegboard.applications import App

if TYPE_CHECKING:
    from pegboard.testing import AsyncTestClient, TestClient


@pytest.fixture
def make_app() -> Callable[..., App]:
    """Build an app with exactly the plugins given."""

    def build(*plugins: object, **kwargs: Any) -> App:
        return App(plugins=list(plugins), **kwargs)

    return build


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """A test client for the ``app`` fixture you define, inside its lifespan."""
    from pegboard.testing import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
async def async_client(app: Any, anyio_backend: Any) -> AsyncIterator[AsyncTestClient]:
    """An async test client for the ``app`` fixture, inside its lifespan (anyio tests)."""
    from pegboard.testing import AsyncTestClient

    async with AsyncTestClient(app) as test_client:
        yield test_client
