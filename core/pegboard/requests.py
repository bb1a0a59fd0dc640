"""The request object handlers receive: Starlette's, with a ``json()`` that answers 400.

Starlette's ``Request.json()`` raises whatever :func:`json.loads` raises, so a handler
that reads ``await request.json()`` turns a client's malformed body into a 500. Here any
body that cannot be parsed (bad syntax, invalid UTF-8, nesting deep enough to exhaust
the parser's recursion) raises :class:`InvalidJSONBody`: an
:class:`~pegboard.exceptions.HTTPException` (so the client gets a 400 with a useful
``detail``) that is also a :class:`json.JSONDecodeError` (so code written for
Starlette, ``except json.JSONDecodeError`` or ``except ValueError``, still works).
"""

from __future__ import annotations

import json
from typing import Any

from starlette import requests as _starlette

from pegboard.exceptions import HTTPException

__all__ = ["InvalidJSONBody", "Request"]


class InvalidJSONBody(HTTPException, json.JSONDecodeError):
    """A request body that is not JSON: a 400, and a :class:`json.JSONDecodeError`."""

    def __init__(self, detail: str, *, pos: int = 0, lineno: int = 1, colno: int = 1) -> None:
        HTTPException.__init__(self, 400, detail)
        # What JSONDecodeError.__init__ sets, without keeping the body (``doc``) alive.
        self.msg, self.doc, self.pos, self.lineno, self.colno = detail, "", pos, lineno, colno
        self.args = (detail,)

    def __str__(self) -> str:
        return self.msg


def _invalid(exc: Exception) -> InvalidJSONBody:
    if isinstance(exc, json.JSONDecodeError):
        # The parser's message and position; never the body itself.
        detail = f"Invalid JSON body: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return InvalidJSONBody(detail, pos=exc.pos, lineno=exc.lineno, colno=exc.colno)
    if isinstance(exc, UnicodeDecodeError):
        return InvalidJSONBody(f"Invalid JSON body: not valid UTF-8 at byte {exc.start}")
    if isinstance(exc, RecursionError):
        return InvalidJSONBody("Invalid JSON body: nested too deeply")
    return InvalidJSONBody("Invalid JSON body")


class Request(_starlette.Request):
    """A Starlette :class:`~starlette.requests.Request` whose ``json()`` answers 400.

    pegboard gives handlers and dependencies this class; annotate parameters with it
    or with Starlette's, either works.
    """

    async def json(self) -> Any:
        """The body parsed as JSON; :class:`InvalidJSONBody` (a 400) if it is not JSON."""
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(body)
            except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
                raise _invalid(exc) from None
        return self._json
