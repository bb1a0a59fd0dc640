"""pytest plugin: Starlette's own tests, with ``Starlette`` replaced by pegboard's App.

Loaded by :mod:`benchmarks.starlette_conformance` (``-p benchmarks.starlette_adapter``)
into a run of Starlette's test suite. Before the test modules are imported, it puts
:class:`Starlette` in place of ``starlette.applications.Starlette``, so every
``Starlette(...)`` a test builds is ``pegboard.App(plugins=[], ...)`` with the same
arguments and Starlette's defaults (``max_body_size=None``, where pegboard's own
default is 1 MiB): the adapter adds no behaviour of its own.

``--json-errors=set-aside`` sets aside pegboard's documented deliberate differences
and nothing else: exactly the two JSON error handlers (``{"detail": ...}`` for
Starlette's ``HTTPException`` and the JSON 500, see docs/errors.md), unless the test
installed its own for those keys, so that Starlette's defaults answer; and the
``X-Content-Type-Options: nosniff`` header (``App(nosniff=False)``, see
docs/security-defaults.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import starlette.applications
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ExceptionHandler

from pegboard import App
from pegboard.applications import AnyLifespan
from pegboard.exception_handlers import http_exception_handler, server_error_handler

#: The documented JSON error handlers, by the key App() installs them under.
JSON_ERROR_HANDLERS: dict[Any, ExceptionHandler] = {
    HTTPException: http_exception_handler,
    500: server_error_handler,
}

_set_aside = False


class Starlette(App):
    """``Starlette(...)``'s signature, building ``App(plugins=[], ...)``."""

    def __init__(
        self,
        debug: bool = False,
        routes: Sequence[BaseRoute] | None = None,
        middleware: Sequence[Middleware] | None = None,
        exception_handlers: Mapping[Any, ExceptionHandler] | None = None,
        lifespan: AnyLifespan | None = None,
        *,
        max_body_size: int | None = None,
    ) -> None:
        super().__init__(
            plugins=[],
            debug=debug,
            routes=routes,
            middleware=middleware,
            exception_handlers=exception_handlers,
            lifespan=lifespan,
            max_body_size=max_body_size,
            nosniff=not _set_aside,
        )
        if _set_aside:
            for key, handler in JSON_ERROR_HANDLERS.items():
                if self.exception_handlers.get(key) is handler:
                    del self.exception_handlers[key]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--json-errors",
        choices=("keep", "set-aside"),
        default="keep",
        help="keep pegboard's JSON error handlers, or set them aside (Starlette's answer)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _set_aside
    _set_aside = config.getoption("--json-errors") == "set-aside"
    starlette.applications.Starlette = Starlette  # type: ignore[misc]
