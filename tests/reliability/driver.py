"""Raw ASGI requests, for what an HTTP client library would normalize away.

``send_raw`` builds the scope uvicorn would build from a request line and headers
(the path percent-decoded as uvicorn decodes it, the raw bytes kept in ``raw_path``
and ``query_string``), feeds the body in chunks, and collects the response. It
counts the body bytes the app pulled, so a test can tell that an oversized body was
refused without being read. ``LiveApp`` runs an app's lifespan in a background
event loop and gives each request a wall-clock deadline: a request that hangs (or
spins the event loop) fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import unquote

import anyio
import attrs
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

__all__ = ["LiveApp", "RawResponse", "send_raw"]

Headers = tuple[tuple[bytes, bytes], ...]


@attrs.frozen
class RawResponse:
    status: int
    headers: Headers
    body: bytes
    #: Request body bytes the app pulled through ``receive``.
    consumed: int
    seconds: float
    #: True if the app started a response.
    answered: bool = True
    #: The exception that escaped the app (and a server would log), if any.
    error: BaseException | None = None

    def header(self, name: str) -> str | None:
        key = name.lower().encode()
        for k, v in self.headers:
            if k.lower() == key:
                return v.decode("latin-1")
        return None


def _scope(method: str, target: bytes, headers: Headers) -> dict[str, Any]:
    raw_path, _, query = target.partition(b"?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        # As uvicorn does: percent-decoded as UTF-8 (invalid sequences become U+FFFD).
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": query,
        "headers": [(k.lower(), v) for k, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


async def send_raw(
    app: ASGIApp,
    method: str,
    target: bytes,
    headers: Headers = (),
    chunks: Iterable[bytes] = (),
    *,
    disconnect: bool = False,
    state: dict[str, Any] | None = None,
) -> RawResponse:
    """Send one request; ``disconnect``: the client goes away after the last chunk."""
    scope = _scope(method, target, headers)
    if state is not None:
        scope["state"] = dict(state)
    pending = iter(chunks)
    lookahead: list[bytes] = []
    consumed = 0
    body_done = False
    status = 0
    response_headers: Headers = ()
    parts: list[bytes] = []
    complete = anyio.Event()

    def next_chunk() -> bytes | None:
        if lookahead:
            return lookahead.pop()
        return next(pending, None)

    async def receive() -> Message:
        nonlocal consumed, body_done
        if body_done:
            if not disconnect:
                await complete.wait()  # as a server does: disconnect only after the response
            return {"type": "http.disconnect"}
        chunk = next_chunk()
        if chunk is None:
            body_done = True
            if disconnect:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": b"", "more_body": False}
        following = next_chunk()
        if following is not None:
            lookahead.append(following)
        # A client that disconnects never ends its body: more_body stays True.
        more = following is not None or disconnect
        body_done = not more
        consumed += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def send(message: Message) -> None:
        nonlocal status, response_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers = tuple(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                complete.set()

    started = time.perf_counter()
    error: BaseException | None = None
    try:
        await app(scope, receive, send)
    except Exception as exc:  # what a server would log as "Exception in ASGI application"
        error = exc
    finally:
        complete.set()
    seconds = time.perf_counter() - started
    body = b"".join(parts)
    return RawResponse(status, response_headers, body, consumed, seconds, status != 0, error)


class LiveApp:
    """An app with its lifespan running; requests get a deadline of ``timeout`` seconds."""

    def __init__(self, app: ASGIApp, *, timeout: float = 10.0) -> None:
        self.app = app
        self.timeout = timeout
        self.client = TestClient(app, raise_server_exceptions=False)

    def __enter__(self) -> LiveApp:
        self.client.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.client.__exit__(*exc_info)

    def send(
        self,
        method: str,
        target: bytes | str,
        headers: Iterable[tuple[bytes | str, bytes | str]] = (),
        chunks: Iterable[bytes] = (),
        *,
        disconnect: bool = False,
        timeout: float | None = None,
    ) -> RawResponse:
        """Send a raw request on the app's event loop; raise TimeoutError if it hangs."""
        portal = self.client.portal
        if portal is None:
            raise RuntimeError("LiveApp is not started: use it as a context manager")
        raw_target = target.encode("latin-1") if isinstance(target, str) else target
        raw_headers = tuple((_b(k), _b(v)) for k, v in headers)
        future = portal.start_task_soon(
            _with_state,
            self.app,
            method,
            raw_target,
            raw_headers,
            chunks,
            disconnect,
            self.client.app_state,
        )
        try:
            return future.result(timeout=self.timeout if timeout is None else timeout)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError(
                f"{method} {raw_target[:80]!r} got no answer within "
                f"{self.timeout if timeout is None else timeout} s"
            ) from None


async def _with_state(
    app: ASGIApp,
    method: str,
    target: bytes,
    headers: Headers,
    chunks: Iterable[bytes],
    disconnect: bool,
    state: dict[str, Any],
) -> RawResponse:
    return await send_raw(app, method, target, headers, chunks, disconnect=disconnect, state=state)


def _b(value: bytes | str) -> bytes:
    return value.encode("latin-1") if isinstance(value, str) else value


@contextlib.contextmanager
def live(app: ASGIApp, *, timeout: float = 10.0) -> Iterator[LiveApp]:
    with LiveApp(app, timeout=timeout) as running:
        yield running
