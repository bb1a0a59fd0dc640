"""Response classes: Starlette's, a faster JSONResponse, and streaming formats.

Everything Starlette offers is re-exported so an app needs one import. pegboard adds:

* :class:`JSONResponse`: compact JSON through :func:`~pegboard.encoders.json_dumps`
  (orjson when installed) that also accepts dataclasses, models, datetimes, ...
* :class:`EventSourceResponse` and :class:`ServerSentEvent`: server-sent events.
* :class:`JSONLinesResponse`: one JSON document per line (``application/jsonl``).

A handler that is a generator (sync or async) streams: each item it yields becomes a
line of JSON, or an event when the route says ``response_class=EventSourceResponse``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from typing import Any

import attrs
from starlette import responses as _starlette
from starlette.background import BackgroundTask
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from pegboard.encoders import json_dumps

__all__ = [
    "EventSourceResponse",
    "FileResponse",
    "HTMLResponse",
    "JSONLinesResponse",
    "JSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "ServerSentEvent",
    "StreamingResponse",
    "has_no_body",
]


class JSONResponse(_starlette.JSONResponse):
    """A JSON response; ``content`` may hold any value :func:`jsonable_encoder` accepts."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json_dumps(content)


def _single_line(value: str | None, field: str) -> str | None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError(f"A server-sent event's {field!r} must be a single line, got {value!r}")
    return value


def _valid_id(instance: Any, attribute: Any, value: str | None) -> None:
    _single_line(value, "id")
    if value is not None and "\0" in value:
        raise ValueError("A server-sent event's 'id' must not contain NUL characters")


def _valid_event(instance: Any, attribute: Any, value: str | None) -> None:
    _single_line(value, "event")


def _valid_retry(instance: Any, attribute: Any, value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or value < 0):
        raise ValueError(f"A server-sent event's 'retry' must be a non-negative int, got {value!r}")


@attrs.frozen
class ServerSentEvent:
    """One server-sent event.

    ``data`` is sent as JSON (a string ``"hi"`` goes out quoted); ``raw_data`` is sent
    as it is, split over several ``data:`` lines if it has newlines. ``comment`` lines
    are ignored by browsers and make good keep-alive pings.
    """

    data: Any = None
    raw_data: str | None = None
    event: str | None = attrs.field(default=None, validator=_valid_event)
    id: str | None = attrs.field(default=None, validator=_valid_id)
    retry: int | None = attrs.field(default=None, validator=_valid_retry)
    comment: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.data is not None and self.raw_data is not None:
            raise ValueError("Give a server-sent event either data or raw_data, not both")

    def encode(self) -> bytes:
        """The event in the ``text/event-stream`` wire format, blank line included."""
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in self.comment.splitlines() or [""])
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.retry is not None:
            lines.append(f"retry: {self.retry}")
        if self.raw_data is not None:
            lines.extend(f"data: {line}" for line in self.raw_data.splitlines() or [""])
        elif self.data is not None:
            lines.append("data: " + json_dumps(self.data).decode("utf-8"))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


def _as_async(content: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    if isinstance(content, AsyncIterable):
        return content.__aiter__()
    return iterate_in_threadpool(iter(content))


class EventSourceResponse(StreamingResponse):
    """Streams server-sent events from an iterable of :class:`ServerSentEvent` or values.

    Plain values are sent as the JSON ``data`` of an event. Proxies are asked not to
    buffer, and clients not to cache.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        content: Iterable[Any] | AsyncIterable[Any],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        merged = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **(headers or {})}
        super().__init__(
            _encode_events(_as_async(content)), status_code, merged, media_type, background
        )


async def _encode_events(items: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    async for item in items:
        if isinstance(item, ServerSentEvent):
            yield item.encode()
        elif isinstance(item, (bytes, bytearray)):  # already in wire format
            yield bytes(item)
        else:
            yield ServerSentEvent(data=item).encode()


class JSONLinesResponse(StreamingResponse):
    """Streams each item of an iterable as one line of JSON (JSON Lines)."""

    media_type = "application/jsonl"

    def __init__(
        self,
        content: Iterable[Any] | AsyncIterable[Any],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(
            _encode_lines(_as_async(content)), status_code, headers, media_type, background
        )


async def _encode_lines(items: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    async for item in items:
        yield json_dumps(item) + b"\n"


def has_no_body(status: int) -> bool:
    """Whether a response with ``status`` must not have a body (1xx, 204, 205, 304)."""
    return status < 200 or status in (204, 205, 304)
