"""A route's ``max_body_size``: bodies larger than it are refused with 413.

A compiled route does not wrap ``receive`` per request. Its
:class:`~pegboard.resolvers.RequestContext` knows the limit: ``ctx.body()`` checks
the declared Content-Length before reading and counts chunks only when the body
arrives in several; everything else that reads the body (a ``Request`` made for the
handler, a resolver reading ``ctx.receive``) gets a :class:`LimitedReceive`, made the
first time one is asked for.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

from pegboard.exceptions import HTTPException

__all__ = ["LimitedReceive", "declared_length", "too_large"]


def too_large(limit: int) -> HTTPException:
    """The 413 for a body over ``limit`` bytes."""
    return HTTPException(413, f"Request body is larger than the limit of {limit} bytes.")


def declared_length(scope: Scope) -> int:
    """The request's Content-Length, or -1 when it has none (or not a number)."""
    for key, value in scope["headers"]:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return -1


class LimitedReceive:
    """``receive``, refusing with 413 a body larger than ``limit`` bytes.

    The declared Content-Length is checked before the first chunk is read, and the
    running total after each chunk, so an oversized body is never read into memory.
    """

    __slots__ = ("_checked", "_limit", "_receive", "_received", "_scope")

    def __init__(self, scope: Scope, receive: Receive, limit: int) -> None:
        self._scope, self._receive, self._limit = scope, receive, limit
        self._received = 0
        self._checked = False

    async def __call__(self) -> Message:
        if not self._checked:
            self._checked = True
            if declared_length(self._scope) > self._limit:
                raise too_large(self._limit)
        message = await self._receive()
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > self._limit:
                raise too_large(self._limit)
        return message
