"""The server ``pegboard run`` starts defends itself (issue 16, finding 7).

Each test starts ``pegboard run`` on 127.0.0.1 under uvicorn and under granian, with
short timeouts so the suite stays quick, and measures how long the server keeps an
abusive connection open. Where a server cannot enforce a limit, the test pins the
gap that ``docs/security-defaults.md`` and ``pegboard run --help`` describe, so the
docs change when the server does.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.server import Server, free_port

from .report import record_count

pytestmark = pytest.mark.slow

PEGBOARD = str(Path(sys.executable).with_name("pegboard"))
APP = Path(__file__).parent / "apps" / "served.py"
HEADER_TIMEOUT = 2.0
KEEP_ALIVE = 2
SERVERS = ["uvicorn", "granian"]


@pytest.fixture(scope="module", params=SERVERS)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    name: str = request.param
    pytest.importorskip(name)
    port = free_port()
    argv = [PEGBOARD, "run", str(APP), "--server", name, "--port", str(port)]
    argv += ["--header-timeout", str(HEADER_TIMEOUT), "--keep-alive", str(KEEP_ALIVE)]
    argv += ["--log-level", "warning"]
    with Server(argv, port, name=f"pegboard run --server {name}") as running:
        yield name, running.port


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.settimeout(0.2)
    return sock


def open_for(sock: socket.socket, limit: float, trickle: bytes = b"") -> float | None:
    """Seconds until the server closed ``sock`` (None: still open after ``limit``).

    With ``trickle``, one byte of it is sent every second meanwhile.
    """
    start = time.monotonic()
    last_send = start - 1.0
    sent = 0
    while (elapsed := time.monotonic() - start) < limit:
        if trickle and sent < len(trickle) and time.monotonic() - last_send >= 1.0:
            try:
                sock.sendall(trickle[sent : sent + 1])
            except OSError:
                return elapsed
            sent, last_send = sent + 1, time.monotonic()
        try:
            data = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - start
        if not data:
            return time.monotonic() - start
    return None


def answer(sock: socket.socket, timeout: float = 20.0) -> bytes:
    """The status line the server sends (whatever it read of the request)."""
    sock.settimeout(timeout)
    try:
        return sock.recv(65536).split(b"\r\n", 1)[0]
    except ConnectionResetError:
        return b"(reset)"


def send_all(sock: socket.socket, data: bytes) -> None:
    sock.settimeout(20)
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(data)  # may be refused before it is all sent


def test_a_slow_request_head_is_dropped(server: tuple[str, int]):
    name, port = server
    connections = [connect(port) for _ in range(5)]
    for sock in connections:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    closed = [open_for(sock, HEADER_TIMEOUT * 3) for sock in connections]
    for sock in connections:
        sock.close()
    if name == "granian":
        assert all(t is not None and t < HEADER_TIMEOUT + 1.0 for t in closed), closed
        record_count(f"{name}: slow head closed after (ms)", round(max(closed) * 1000))  # type: ignore[type-var]
    else:
        # uvicorn has no header-read timeout (docs/security-defaults.md).
        assert closed == [None] * 5


def test_an_idle_keep_alive_connection_is_closed(server: tuple[str, int]):
    name, port = server
    sock = connect(port)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer(sock) == b"HTTP/1.1 200 OK"
    sock.settimeout(0.2)
    closed = open_for(sock, KEEP_ALIVE * 4)
    sock.close()
    # granian closes idle connections when the header timeout runs out.
    limit = KEEP_ALIVE if name == "uvicorn" else HEADER_TIMEOUT
    assert closed is not None
    assert closed < limit + 1.0
    record_count(f"{name}: idle keep-alive closed after (ms)", round(closed * 1000))


def test_a_body_trickled_at_one_byte_a_second_is_not_timed_out(server: tuple[str, int]):
    # Neither server bounds the time to send a body (docs/security-defaults.md says so
    # and points to a proxy); the connection holds one request, not the server.
    _, port = server
    sock = connect(port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
    assert open_for(sock, HEADER_TIMEOUT * 3, trickle=b"a" * 100) is None
    sock.close()


@pytest.mark.parametrize(
    ("label", "head"),
    [
        ("a 32 MB header", b"X-Big: " + b"a" * (32 * 1024 * 1024) + b"\r\n"),
        ("100,000 headers", b"".join(b"X-H%d: v\r\n" % i for i in range(100_000))),
    ],
)
def test_an_oversized_request_head_is_refused(server: tuple[str, int], label: str, head: bytes):
    name, port = server
    sock = connect(port)
    send_all(sock, b"GET / HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n")
    status = answer(sock)
    sock.close()
    expected = b"HTTP/1.1 400 Bad Request" if name == "uvicorn" else b"HTTP/1.1 431"
    assert status.startswith(expected), (label, status)


def test_granian_refuses_more_than_100_headers(server: tuple[str, int]):
    name, port = server
    if name != "granian":
        pytest.skip("uvicorn has no header count limit, only the size limit")
    sock = connect(port)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-H: v\r\n" * 101 + b"\r\n")
    assert answer(sock).startswith(b"HTTP/1.1 431")
    sock.close()


def test_a_websocket_message_over_the_apps_body_limit_is_refused(server: tuple[str, int]):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect as ws_connect

    name, port = server
    with ws_connect(f"ws://127.0.0.1:{port}/ws", max_size=None, open_timeout=10) as ws:
        ws.send("a" * 1000)
        assert ws.recv(timeout=10) == "1000"
        if name == "granian":
            # granian has no message size limit (docs/security-defaults.md).
            ws.send("a" * 128 * 1024)
            assert ws.recv(timeout=10) == str(128 * 1024)
            return
        ws.send("a" * 128 * 1024)  # over the app's 64 KiB body limit
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009  # message too big
