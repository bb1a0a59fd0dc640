"""Exceptions: the ones clients cause (HTTP errors) and the ones developers cause.

Client errors become JSON responses through the handlers in
:mod:`pegboard.exception_handlers`. Developer errors are raised while the app is
defined or built, never per request, and their messages say how to fix them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.exceptions import WebSocketException

__all__ = [
    "ConfigurationError",
    "HTTPException",
    "PluginError",
    "RequestValidationError",
    "RouteDefinitionError",
    "StartupError",
    "WebSocketException",
]


class HTTPException(StarletteHTTPException):
    """An HTTP error response, rendered as ``{"detail": detail}``.

    Unlike Starlette's, ``detail`` may be any JSON-compatible value, as in FastAPI.
    """

    def __init__(
        self,
        status_code: int,
        detail: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, headers=headers)
        if detail is not None:
            self.detail = detail


class RequestValidationError(Exception):
    """The request did not match what the handler declared; rendered as a 422.

    ``errors`` is a list of dicts in FastAPI's shape: ``type``, ``loc`` (starting with
    the source: ``"query"``, ``"path"``, ``"header"``, ``"cookie"``, ``"body"``),
    ``msg`` and ``input``. Resolvers raise it; the core gathers the errors of every
    parameter of a request into one exception before the handler would run.
    """

    def __init__(self, errors: Sequence[Mapping[str, Any]], *, body: Any = None) -> None:
        super().__init__(errors)
        self._errors = list(errors)
        self.body = body

    def errors(self) -> list[Mapping[str, Any]]:
        """The error dicts (a method, as in pydantic and FastAPI)."""
        return self._errors

    def __str__(self) -> str:
        lines = [f"{len(self._errors)} validation error(s):"]
        for error in self._errors:
            loc = " -> ".join(str(part) for part in error.get("loc", ()))
            lines.append(f"  {loc}: {error.get('msg', '')}")
        return "\n".join(lines)


class ConfigurationError(Exception):
    """A developer's mistake found while the app is defined or built."""


class PluginError(ConfigurationError):
    """A plugin cannot be enabled: not found, misnamed, duplicated or missing a requirement."""


class RouteDefinitionError(ConfigurationError):
    """A route cannot be defined or compiled: unknown option, unresolvable parameter, ..."""


class StartupError(RuntimeError):
    """A plugin's startup hook failed; the server must not start."""

    def __init__(self, plugin: str, exc: BaseException) -> None:
        super().__init__(f"Plugin {plugin!r} failed during startup: {type(exc).__name__}: {exc}")
        self.plugin = plugin
