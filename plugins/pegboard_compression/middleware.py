"""The per-route ASGI middleware that compresses responses.

Build time (the plugin): one middleware per route that compresses, with its codecs,
negotiator and limits fixed. Per request: one lookup of ``Accept-Encoding``, then the
response's start message is held until its first body chunk shows whether the whole
body is there (compressed in one call) or a stream follows (compressed chunk by chunk
only when the route asked for it). Every response gets ``Vary: Accept-Encoding``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard_compression.codecs import Codec, StreamCompressor
from pegboard_compression.negotiation import Negotiator

__all__ = ["CompressionMiddleware", "is_compressible"]

_DEFAULT_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/ecmascript",
        "application/xml",
        "application/x-ndjson",
        "application/jsonl",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/wasm",
        "image/svg+xml",
        "image/x-icon",
        "font/ttf",
        "font/otf",
    }
)


def is_compressible(content_type: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a media type gains from compression: text, JSON, XML, JavaScript, SVG...

    Images, audio, video and archives are already compressed and are left alone.
    """
    media = content_type.partition(";")[0].strip().lower()
    return (
        media.startswith("text/")
        or media in _DEFAULT_TYPES
        or media in extra
        or media.endswith(("+json", "+xml"))
    )


_VARY = b"vary"
_ACCEPT_ENCODING = b"Accept-Encoding"
_SKIPPED_STATUSES = frozenset({204, 206, 304})


def _with_vary(headers: Any) -> list[tuple[bytes, bytes]]:
    """The headers with ``Accept-Encoding`` added to ``Vary`` (per response)."""
    out: list[tuple[bytes, bytes]] = []
    merged = False
    for key, value in headers:
        if key.lower() == _VARY and not merged:
            merged = True
            lowered = value.lower()
            if b"*" not in lowered and b"accept-encoding" not in lowered:
                value = value + b", " + _ACCEPT_ENCODING if value.strip() else _ACCEPT_ENCODING
        out.append((key, value))
    if not merged:
        out.append((_VARY, _ACCEPT_ENCODING))
    return out


class CompressionMiddleware:
    """Compresses one route's responses (made by the plugin while the app is built).

    :param app: The route's callable.
    :param codecs: The codecs the route may use, by coding name.
    :param negotiator: Chooses among them from ``Accept-Encoding``.
    :param minimum_size: Smaller bodies go out as they are.
    :param streams: Whether streamed bodies and server-sent events are compressed.
    :param content_types: Media types to compress besides the defaults.
    """

    __slots__ = ("_codecs", "_compressible", "app", "minimum_size", "negotiator", "streams")

    def __init__(
        self,
        app: ASGIApp,
        *,
        codecs: Mapping[str, Codec],
        negotiator: Negotiator,
        minimum_size: int,
        streams: bool,
        content_types: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self._codecs = dict(codecs)
        self.negotiator = negotiator
        self.minimum_size = minimum_size
        self.streams = streams
        known: dict[bytes, bool] = {}

        def compressible(value: bytes) -> bool:
            try:
                return known[value]
            except KeyError:
                answer = is_compressible(value.decode("latin-1"), content_types)
                if len(known) < 256:
                    known[value] = answer
                return answer

        self._compressible: Callable[[bytes], bool] = compressible

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Per request: negotiate, then let the response decide as it is sent."""
        accept = b""
        if scope["method"] != "HEAD":
            for key, value in scope["headers"]:
                if key == b"accept-encoding":
                    accept = value if not accept else accept + b"," + value
        coding = self.negotiator.choose(accept) if accept else None
        if coding is None:
            await self.app(scope, receive, _vary_only(send))
            return
        await self.app(scope, receive, _Responder(self, self._codecs[coding], send).send)


def _vary_only(send: Send) -> Send:
    async def vary_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": _with_vary(message.get("headers", ()))}
        await send(message)

    return vary_send


class _Responder:
    """One response on its way out: holds the start message until the body shows."""

    __slots__ = ("_codec", "_compressor", "_middleware", "_send", "_start")

    def __init__(self, middleware: CompressionMiddleware, codec: Codec, send: Send) -> None:
        self._middleware, self._codec, self._send = middleware, codec, send
        self._start: Message | None = None
        self._compressor: StreamCompressor | None = None

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self._start = message
            return
        start = self._start
        if kind != "http.response.body":
            await self._send(message)
            return
        if start is None:  # later chunks of a stream
            compressor = self._compressor
            if compressor is not None:
                body = compressor.chunk(message.get("body", b""))
                more = message.get("more_body", False)
                if not more:
                    body += compressor.finish()
                message = {"type": kind, "body": body, "more_body": more}
            await self._send(message)
            return
        self._start = None
        await self._first_body(start, message)

    async def _first_body(self, start: Message, message: Message) -> None:
        body: bytes = message.get("body", b"")
        more: bool = message.get("more_body", False)
        headers = start.get("headers", ())
        middleware = self._middleware
        # The size first: the cheapest test, and the one most small answers fail.
        if (not more and len(body) < middleware.minimum_size) or not self._eligible(
            start["status"], headers, more
        ):
            await self._send({**start, "headers": _with_vary(headers)})
            await self._send(message)
            return
        name = self._codec.name.encode()
        out: list[tuple[bytes, bytes]] = []
        for key, value in _with_vary(headers):
            lowered = key.lower()
            if lowered == b"content-length":
                continue
            if lowered == b"etag" and not value.startswith(b"W/"):
                value = b"W/" + value  # the bytes differ from the identity body's
            out.append((key, value))
        out.append((b"content-encoding", name))
        if more:
            compressor = self._compressor = self._codec.stream()
            body = compressor.chunk(body)
        else:
            body = self._codec.compress(body)
            out.append((b"content-length", str(len(body)).encode()))
        await self._send({**start, "headers": out})
        await self._send({"type": "http.response.body", "body": body, "more_body": more})

    def _eligible(self, status: int, headers: Any, more: bool) -> bool:
        """Whether this response may be compressed at all (per response)."""
        if status < 200 or status in _SKIPPED_STATUSES:
            return False
        middleware = self._middleware
        streams = middleware.streams
        if more and not streams:
            return False
        content_type = None
        for key, value in headers:
            lowered = key.lower()
            if lowered == b"content-type":
                content_type = value
            elif lowered in (b"content-encoding", b"content-range") or (
                lowered == b"cache-control" and b"no-transform" in value.lower()
            ):
                return False  # already encoded, a range, or the sender forbids it
        if content_type is None or not middleware._compressible(content_type):
            return False
        return streams or not content_type.lower().startswith(b"text/event-stream")
