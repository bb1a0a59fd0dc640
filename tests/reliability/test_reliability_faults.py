"""Faults: clients that vanish, handlers and teardowns that raise, startups that fail,
and shutdowns with requests in flight.

The in-process tests drive ``apps/faults.py`` through raw ASGI, where the moment a
client disconnects can be chosen exactly (mid-body, mid-stream; with the ASGI 2.3
``http.disconnect`` message uvicorn sends, and with the 2.4 ``OSError`` from
``send``). The slow tests run real servers with ``pegboard run`` in a subprocess:
a plugin whose startup raises must stop the server with a message naming it, and
SIGTERM or SIGINT must let a request in flight finish and close the app-scoped
dependencies exactly once per process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient

from benchmarks.server import children, free_port

from ..conftest import load_module
from .driver import LiveApp
from .wire import exchange

APPS = Path(__file__).resolve().parent / "apps"
PEGBOARD = str(Path(sys.executable).with_name("pegboard"))


@pytest.fixture
def faults() -> ModuleType:
    return load_module("tests/reliability/apps/faults.py")


@pytest.fixture
def live(faults: ModuleType) -> Iterator[LiveApp]:
    with LiveApp(faults.app) as running:
        yield running


def wait_for(condition: Any, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


# -- clients that go away ------------------------------------------------------------------


def test_client_gone_mid_body_is_not_a_server_error(faults: ModuleType, live: LiveApp):
    response = live.send(
        "POST",
        "/upload",
        [("content-type", "application/json")],
        [b'{"a": "', b"x" * 1000],
        disconnect=True,
    )
    assert not response.answered  # nobody to answer ...
    assert response.error is None  # ... and no error for the server to log
    assert faults.EVENTS.count("request teardown after ClientDisconnect") == 1
    assert live.send("GET", "/ok").status == 200


async def stream_until_gone(
    app: Any, path: str, *, chunks: int, spec_version: str
) -> tuple[list[bytes], float]:
    """Read ``chunks`` body messages of a streaming response, then go away."""
    received: list[bytes] = []
    gone = anyio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] != "http.response.body":
            return
        if gone.is_set():
            raise OSError("connection closed")  # what an ASGI 2.4 server raises
        received.append(message.get("body", b""))
        if len(received) >= chunks:
            gone.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    started = time.perf_counter()
    with anyio.fail_after(5):
        await app(scope, receive, send)
    return received, time.perf_counter() - started


@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
@pytest.mark.parametrize(("path", "closed"), [("/events", "event"), ("/lines", "line")])
def test_client_gone_mid_stream_stops_the_stream(
    faults: ModuleType, live: LiveApp, path: str, closed: str, spec_version: str
):
    assert live.client.portal is not None
    received, seconds = live.client.portal.call(
        lambda: stream_until_gone(faults.app, path, chunks=5, spec_version=spec_version)
    )
    assert len(received) == 5  # then the stream stopped: no hang on an endless generator
    assert seconds < 2
    assert wait_for(lambda: f"{closed} stream closed" in faults.EVENTS)
    teardowns = [e for e in faults.EVENTS if e.startswith("request teardown")]
    assert len(teardowns) == 1, faults.EVENTS
    assert live.send("GET", "/ok").status == 200


# -- handlers and dependencies that raise ----------------------------------------------------


def test_a_handler_that_raises_is_a_500_that_reveals_nothing(faults: ModuleType, live: LiveApp):
    response = live.send("GET", "/boom")
    assert isinstance(response.error, RuntimeError)  # re-raised for the server to log
    assert response.status == 500
    assert response.body == b'{"detail":"Internal Server Error"}'
    assert "request teardown after RuntimeError" in faults.EVENTS  # dependencies rolled back
    assert live.send("GET", "/ok").status == 200


def test_a_teardown_that_raises_after_the_response(faults: ModuleType):
    # The response was sent before teardown ran: the client keeps its 200, the other
    # teardowns still run, and the error goes to the server (which logs it).
    with TestClient(faults.app, raise_server_exceptions=True) as client:
        with pytest.raises(RuntimeError, match="teardown failed"):
            client.get("/teardown-fails")
        assert "outer teardown" in faults.EVENTS
    with TestClient(faults.app, raise_server_exceptions=False) as client:
        response = client.get("/teardown-fails")
        assert response.status_code == 200
        assert response.json() == {"value": "value"}
        assert client.get("/ok").status_code == 200


def test_app_scoped_dependencies_open_and_close_once_per_lifespan(faults: ModuleType):
    for _ in range(2):
        with TestClient(faults.app) as client:
            for _ in range(5):
                assert client.get("/ok").json() == {"ok": True}
    assert faults.EVENTS.count("resource opened") == 2
    assert faults.EVENTS.count("resource closed") == 2
    assert [e for e in faults.EVENTS if e.startswith("resource")] == [
        "resource opened",
        "resource closed",
    ] * 2


# -- real servers ------------------------------------------------------------------------------


def serve(app_file: str, port: int, *extra: str, env: dict[str, str] | None = None):
    return subprocess.Popen(
        [PEGBOARD, "run", str(APPS / app_file), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def stop(process: subprocess.Popen[str]) -> str:
    """Kill what is left of the server (by PID); return its output."""
    if process.poll() is None:
        family = children(process.pid)
        process.kill()
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    process.wait()
    assert process.stdout is not None
    with process.stdout:
        return process.stdout.read()


def run_until_exit(
    process: subprocess.Popen[str], port: int, timeout: float = 30
) -> tuple[str, bool]:
    """Wait for the server to exit; say whether its port ever accepted a connection."""
    served = False
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        served = served or listening(port)
        time.sleep(0.05)
    running = process.poll() is None
    output = stop(process)
    assert not running, f"the server kept running:\n{output}"
    return output, served


STARTUP_MESSAGE = (
    "Plugin 'exploding' failed during startup: ConnectionRefusedError: "
    "database at db.internal:5432 is unreachable"
)


@pytest.mark.slow
def test_a_plugin_whose_startup_fails_stops_the_server():
    port = free_port()
    process = serve("failing_startup.py", port)
    output, served = run_until_exit(process, port)
    assert process.returncode == 3  # uvicorn's "startup failed"
    assert STARTUP_MESSAGE in output
    assert "Application startup failed. Exiting." in output
    assert not served  # uvicorn listens only after the app started: nothing half-up
    # What had started was stopped again, in reverse order; the failed plugin was not.
    lines = [line for line in output.splitlines() if line.startswith(("pool:", "recorder:"))]
    assert lines == ["pool: opened", "recorder: started", "recorder: stopped", "pool: closed"]


@pytest.mark.slow
def test_a_plugin_whose_startup_fails_stops_every_worker():
    port = free_port()
    process = serve("failing_startup.py", port, "--workers", "2")
    output, _ = run_until_exit(process, port)
    assert STARTUP_MESSAGE in output
    assert "failed to start, stopping the parent process" in output
    assert output.count("pool: opened") == output.count("pool: closed") >= 1
    assert "exploding: stopped" not in output


@pytest.mark.slow
def test_a_failed_multi_worker_start_exits_with_a_failure_status():
    # uvicorn.run itself exits 0 here; pegboard run passes the failure on.
    port = free_port()
    process = serve("failing_startup.py", port, "--workers", "2")
    run_until_exit(process, port)
    assert process.returncode != 0


def slow_request(port: int, seconds: float, results: list[Any]) -> None:
    request = f"GET /slow?seconds={seconds} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    results.append(exchange(port, request, timeout=seconds + 10))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "workers"),
    [(signal.SIGTERM, 1), (signal.SIGINT, 1), (signal.SIGTERM, 2)],
    ids=["SIGTERM", "SIGINT", "SIGTERM, 2 workers"],
)
def test_shutdown_finishes_requests_in_flight(tmp_path: Path, sig: int, workers: int):
    log = tmp_path / "events.log"
    port = free_port()
    process = serve(
        "faults.py", port, "--workers", str(workers), env={"PEGBOARD_FAULTS_LOG": str(log)}
    )
    try:
        assert wait_for(lambda: listening(port), timeout=30), "the server did not start"
        if workers > 1:  # every worker up (each opened its resource)
            assert wait_for(lambda: log.exists() and log.read_text().count("opened") == 2, 30)
        results: list[Any] = []
        clients = [
            threading.Thread(target=slow_request, args=(port, 2.0, results)) for _ in range(4)
        ]
        for client in clients:
            client.start()
        time.sleep(0.5)  # the requests are in the handlers, sleeping
        process.send_signal(sig)
        if workers == 1:
            # A single server closes its socket at once; with workers, the supervisor
            # holds the shared socket until they have all finished (see SECURITY.md).
            assert wait_for(lambda: not listening(port), timeout=1.5), "still accepting"
        for client in clients:
            client.join(15)
        process.wait(20)
    finally:
        output = stop(process)
    # uvicorn re-raises the signal once it has shut down cleanly.
    assert process.returncode in (0, -sig), output
    assert "Traceback" not in output, output
    assert [r.status for r in results] == [200] * 4
    assert all(b'"finished":true,"pool_open":true' in r.body for r in results)
    # Each server process opened its app-scoped resource once and closed it once.
    events = [line.split(" ", 1) for line in log.read_text().splitlines()]
    by_pid: dict[str, list[str]] = {}
    for pid, event in events:
        by_pid.setdefault(pid, []).append(event)
    assert len(by_pid) == workers
    for history in by_pid.values():
        assert history == ["resource opened", "resource closed"], by_pid
