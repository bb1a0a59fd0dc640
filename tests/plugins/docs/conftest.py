"""Fixtures for the docs plugins' tests: one browser per module, the example app served."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .browser import serve, shared_browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, shared by the browser tests of a module.

    Not of the session: while Playwright's sync API runs, its event loop is the
    thread's running loop, and the other tests' ``asyncio.run()`` would fail.
    """
    with shared_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def live_url(example_app: Any) -> Iterator[str]:
    """The base URL of ``example_app`` served by uvicorn on 127.0.0.1."""
    with serve(example_app) as url:
        yield url
