"""``pegboard run`` and ``pegboard dev`` as real processes on 127.0.0.1, stopped by PID."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.server import Server, children, free_port

pytestmark = pytest.mark.slow

PEGBOARD = str(Path(sys.executable).with_name("pegboard"))

APP = textwrap.dedent(
    """
    import logging
    import os

    from pegboard import App

    log = logging.getLogger("shop")
    app = App()


    @app.get("/")
    async def home():
        log.debug("debug from the app")
        return {"version": VERSION, "pid": os.getpid()}


    VERSION = 1
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text(APP)
    return tmp_path


def get(port: int, path: str = "/") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


@pytest.fixture
def serve(project: Path) -> Iterator[object]:
    started: list[Server] = []

    def start(*args: str) -> Server:
        port = free_port()
        argv = [PEGBOARD, *args, "--port", str(port)]
        server = Server(argv, port, name=" ".join(args), cwd=project).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_granian_serves_the_app(serve):  # type: ignore[no-untyped-def]
    pytest.importorskip("granian")
    server = serve("run", "main.py", "--server", "granian")
    status, headers, body = get(server.port)
    assert status == 200
    assert headers["server"] == "granian"
    assert b'"version":1' in body
    assert server.stop() == 0


def test_granian_runs_workers(serve):  # type: ignore[no-untyped-def]
    pytest.importorskip("granian")
    server = serve("run", "main.py", "--server", "granian", "--workers", "2")
    wait_for(lambda: len(children(server.pid)) >= 2)
    # Each worker answers: fresh connections reach both processes.
    pids: set[bytes] = set()

    def both_answered() -> bool:
        body = get(server.port)[2]
        pids.add(body.split(b'"pid":')[1])
        return len(pids) >= 2

    wait_for(both_answered)


@pytest.mark.parametrize("server_name", ["uvicorn", "granian"])
def test_dev_reloads_and_logs_at_debug(serve, project: Path, server_name: str):  # type: ignore[no-untyped-def]
    pytest.importorskip(server_name)
    server = serve("dev", "--server", server_name)
    assert b'"version":1' in get(server.port)[2]
    time.sleep(1.0)  # the watcher has started
    source = project / "main.py"
    source.write_text(source.read_text().replace("VERSION = 1", "VERSION = 2"))

    def reloaded() -> bool:
        try:
            return b'"version":2' in get(server.port)[2]
        except OSError:
            return False

    wait_for(reloaded, timeout=60)
    wait_for(lambda: "debug from the app" in server.log_tail(200))


def test_a_port_in_use_fails_before_startup(project: Path):
    pytest.importorskip("uvicorn")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [PEGBOARD, "run", "main.py", "--port", str(port)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert f"Error: Port {port} on 127.0.0.1 is already in use" in output
    assert "startup" not in output.lower()


BROKEN = textwrap.dedent(
    """
    from pegboard import App

    app = App()


    class Thing:
        pass


    @app.get("/")
    async def home(thing: Thing):
        return {}
    """
)


@pytest.mark.parametrize("server_name", ["uvicorn", "granian"])
def test_a_route_that_cannot_compile_stops_the_server_at_startup(
    tmp_path: Path, server_name: str
) -> None:
    # uvicorn took an exception before the lifespan's first answer for "lifespan
    # unsupported" and served 500s; the app now reports the failure to the server.
    pytest.importorskip(server_name)
    (tmp_path / "main.py").write_text(BROKEN)
    result = subprocess.run(
        [PEGBOARD, "run", "main.py", "--server", server_name, "--port", str(free_port())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Parameter 'thing' of main.home (GET /) is not a path parameter" in output
