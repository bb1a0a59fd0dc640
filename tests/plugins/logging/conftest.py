from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest


class Lines(io.StringIO):
    """What the plugin's JSON handler wrote, one parsed object per line."""

    def records(self, logger: str | None = None) -> list[dict[str, Any]]:
        found = [json.loads(line) for line in self.getvalue().splitlines()]
        return [r for r in found if logger is None or r["logger"] == logger]


@pytest.fixture
def lines() -> Iterator[Lines]:
    """A stream for the plugin's handler; the root logger is restored afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield Lines()
    root.handlers[:] = handlers
    root.setLevel(level)
