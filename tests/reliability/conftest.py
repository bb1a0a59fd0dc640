"""Fixtures of the reliability suite: the example apps, running, and the outcome table."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from ..conftest import load_module
from .catalogue import JWT_SECRET
from .driver import LiveApp
from .report import REPORT_PATH, counts, recorded, table


@pytest.fixture(scope="module")
def showcase() -> ModuleType:
    """The showcase example (Bookshelf, every first-party plugin), imported afresh."""
    return load_module("examples/showcase/app.py")


@pytest.fixture(scope="module")
def showcase_live(showcase: ModuleType) -> Iterator[LiveApp]:
    with LiveApp(showcase.app) as live:
        yield live


@pytest.fixture(scope="module")
def jwt_live() -> Iterator[LiveApp]:
    module = load_module("examples/oauth2_jwt/app.py")
    with LiveApp(module.create_app(secret_key=JWT_SECRET)) as live:
        yield live


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    outcomes, figures = recorded(), counts()
    if not outcomes and not figures:
        return
    parts = [table(outcomes)] if outcomes else []
    parts += [f"{label}: {value}" for label, value in figures.items()]
    text = "\n".join(parts)
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(text + "\n", encoding="utf-8")
    terminalreporter.write_sep("=", "reliability figures")
    for line in text.splitlines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"(written to {REPORT_PATH})")
