"""Shared by the ratelimit tests."""

from __future__ import annotations

import time

import pytest


@pytest.fixture(autouse=True)
def fresh_minute() -> None:
    """Windows are aligned on the clock: start a test away from a minute's end, so a
    count meant for one window never spills into the next."""
    left = 60 - time.time() % 60
    if left < 3:
        time.sleep(left + 0.05)
