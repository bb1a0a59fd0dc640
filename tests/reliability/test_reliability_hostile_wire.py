"""Hostile input over the wire: the request-line, header and framing cases a server sees.

The showcase runs under uvicorn twice, with each of its HTTP parsers (h11, pure
Python; httptools, llhttp). Each case is written to a socket byte for byte and
must get a 4xx (or a documented 2xx), or, when the client gives up half-way, a
closed connection; never a 5xx, never a hang. The outcome table records which
layer answered: the server's parser (a plain-text 400), the app (JSON), or nobody.
Afterwards the server must still serve, have logged no traceback, and have kept
its memory.
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.server import Server, free_port

from .report import record
from .wire import exchange
from .wire_catalogue import WIRE_CASES, WireCase

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Seconds each exchange may take; the client-gives-up cases end as soon as it closes.
DEADLINE = 5.0
#: Resident memory the server may gain over the whole catalogue.
RSS_GROWTH_LIMIT_MIB = 32


def uvicorn_command(port: int, http: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(ROOT / "examples" / "showcase"),
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--http",
        http,
        "--no-access-log",
        "--log-level",
        "warning",
    ]


class Running:
    def __init__(self, server: Server, http: str) -> None:
        self.server = server
        self.http = http
        self.port = server.port
        self.baseline_kib = server.memory().rss_kib


@pytest.fixture(scope="module", params=["h11", "httptools"])
def running(request: pytest.FixtureRequest) -> Iterator[Running]:
    port = free_port()
    with Server(uvicorn_command(port, request.param), port, name=request.param, cwd=ROOT) as s:
        assert exchange(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").status == 200
        yield Running(s, request.param)


@pytest.mark.parametrize("case", WIRE_CASES, ids=lambda case: case.id)
def test_server_and_app_refuse_hostile_bytes(running: Running, case: WireCase):
    response = exchange(
        running.port, case.data, timeout=DEADLINE, half_close=case.half_close, pause=case.pause
    )
    record(case.category, f"{response.layer} ({running.http})", case.name, response.status)
    assert not response.timed_out, f"{case.id}: no answer within {DEADLINE} s"
    assert response.status is None or response.status < 500, response.raw[:300]
    assert response.status in case.expect, f"{case.id}: {response.raw[:300]!r}"
    if response.status is None:
        assert response.closed
    if b"Expect: 100-continue" in (case.data if isinstance(case.data, bytes) else b""):
        # Refused from the declared length alone: the client is not invited to send.
        assert b"100 Continue" not in response.raw


def test_slow_clients_do_not_stall_the_others(running: Running):
    # uvicorn has no timeout for an unfinished request head (see SECURITY.md): these
    # connections stay open, but the event loop keeps serving everyone else.
    stalled = []
    try:
        for _ in range(50):
            sock = socket.create_connection(("127.0.0.1", running.port))
            sock.sendall(b"GET /books HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            stalled.append(sock)
        started = time.monotonic()
        response = exchange(running.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert response.status == 200
        assert time.monotonic() - started < 1.0
    finally:
        for sock in stalled:
            sock.close()


def test_idle_keep_alive_connections_are_closed(running: Running):
    # uvicorn's --timeout-keep-alive, 5 s by default: idle clients do not pile up.
    with socket.create_connection(("127.0.0.1", running.port)) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(10)
        answer = b""
        while not answer.endswith(b'{"status":"ok"}'):
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert sock.recv(65536) == b""  # closed by the server
        assert 4 < time.monotonic() - started < 8


def test_the_server_survived_the_catalogue(running: Running):
    response = exchange(running.port, b"GET /books/1 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert response.status == 200
    log = running.server.log_tail(10_000)
    assert "Traceback" not in log, log
    assert "Exception in ASGI application" not in log, log
    growth_mib = (running.server.memory().rss_kib - running.baseline_kib) / 1024
    assert growth_mib < RSS_GROWTH_LIMIT_MIB, f"RSS grew {growth_mib:.1f} MiB"
