from __future__ import annotations

import io
import json
import logging
import os
import warnings
from collections.abc import Callable, Iterator
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


def in_child(report: Callable[[], str]) -> str:
    """What ``report()`` returns in a forked child process (a worker forked from the app)."""
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads about
        child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.write(write, report().encode())
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(child, 0)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode()
    assert status == 0
    return f"{child} {text}"
