"""Raw HTTP/1.1 over a socket: bytes a client library would never send.

``exchange`` writes bytes exactly as given (in one write or in pieces), optionally
half-closes, then reads what comes back until the server closes the connection, a
complete response has arrived, or the deadline passes. The response is parsed with
h11 in client mode, so a malformed answer is reported rather than guessed at.

``layer`` tells who answered: ``"app"`` (pegboard's JSON), ``"server"`` (uvicorn's
own plain-text 400 for requests its parser refuses) or ``"closed"`` (the server
dropped the connection without an answer).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence

import attrs
import h11

__all__ = ["WireResponse", "exchange"]

HOST = "127.0.0.1"


@attrs.frozen
class WireResponse:
    status: int | None
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    raw: bytes
    seconds: float
    #: The server closed the connection (before the deadline).
    closed: bool
    timed_out: bool

    def header(self, name: str) -> str | None:
        key = name.lower().encode()
        for k, v in self.headers:
            if k == key:
                return v.decode("latin-1")
        return None

    @property
    def layer(self) -> str:
        if self.status is None:
            return "timeout" if self.timed_out else "closed"
        if (self.header("content-type") or "").startswith("application/json"):
            return "app"
        return "server"


def _parse(
    raw: bytes, method: bytes, closed: bool = False
) -> tuple[int | None, tuple[tuple[bytes, bytes], ...], bytes]:
    """The first complete response in ``raw``, or (None, (), b"") if there is none.

    ``closed``: the server closed after ``raw``, which ends a body without a length.
    """
    conn = h11.Connection(h11.CLIENT)
    # Put the parser in the state of having sent a request, so it reads a response.
    conn.send(h11.Request(method=method, target="/", headers=[("host", "x")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(raw)
    if closed:
        conn.receive_data(b"")
    status: int | None = None
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: list[bytes] = []
    try:
        while True:
            event = conn.next_event()
            if isinstance(event, h11.InformationalResponse):
                continue  # 100 Continue
            if isinstance(event, h11.Response):
                status = event.status_code
                headers = tuple((k, v) for k, v in event.headers)
            elif isinstance(event, h11.Data):
                body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return status, headers, b"".join(body)
            elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
                return None, (), b""
            else:  # pragma: no cover - h11 has no other event types
                return None, (), b""
    except h11.RemoteProtocolError:
        return None, (), b""


def exchange(
    port: int,
    data: bytes | Sequence[bytes],
    *,
    timeout: float = 5.0,
    half_close: bool = False,
    pause: float = 0.0,
    method: bytes = b"GET",
    wait_for_close: bool = False,
) -> WireResponse:
    """Send ``data`` (pieces ``pause`` seconds apart), return the first response."""
    pieces = [data] if isinstance(data, bytes) else list(data)
    started = time.monotonic()
    deadline = started + timeout
    received = bytearray()
    closed = False
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        try:
            for i, piece in enumerate(pieces):
                if i and pause:
                    time.sleep(pause)
                sock.sendall(piece)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close mid-request; read what it said
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except OSError:  # reset by the server
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
            if not wait_for_close and _parse(bytes(received), method)[0] is not None:
                break
    status, headers, body = _parse(bytes(received), method, closed)
    seconds = time.monotonic() - started
    timed_out = not closed and status is None
    return WireResponse(status, headers, body, bytes(received), seconds, closed, timed_out)
