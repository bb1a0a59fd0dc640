"""``X-Content-Type-Options: nosniff`` on every response an app sends.

Without it a browser may guess a response's type from its bytes, and run a JSON
error that echoes ``<script>`` as HTML. ``App(nosniff=True)``, the default, adds it
to any response that does not set the header itself; ``App(nosniff=False)`` leaves
responses alone.

Build time decides where it goes, so a request pays (almost) nothing for it: the
header lists of the compiled routes' raw responses include it; a ``Response`` object
a route sends gets it appended (:func:`add_to`); errors a route answers, and
everything that goes through Starlette's stack (mounts, raw routes, 404, 405,
redirects, apps with middleware), pass a ``send`` that adds it (:class:`NoSniff`).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HEADER", "NOSNIFF", "NoSniff", "add_to", "has_header", "sending"]

HEADER = b"x-content-type-options"
NOSNIFF = (HEADER, b"nosniff")


def has_header(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    return any(key.lower() == HEADER for key, _ in headers)


def add_to(response: Response) -> None:
    """Append the header to ``response`` unless it has one (per request)."""
    headers = response.raw_headers
    for key, _ in headers:
        if key == HEADER or key.lower() == HEADER:
            return
    headers.append(NOSNIFF)


def sending(send: Send) -> Send:
    """``send``, adding the header to a response start that lacks it."""

    async def send_nosniff(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", ())
            if not has_header(headers):
                # A new message: ``headers`` may be a Response's own list.
                message = {**message, "headers": [*headers, NOSNIFF]}
        await send(message)

    return send_nosniff


class NoSniff:
    """ASGI middleware adding the header to every HTTP response of ``app``."""

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = sending(send)
        await self.app(scope, receive, send)
