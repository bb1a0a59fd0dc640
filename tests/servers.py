"""Real servers for the tests: redis-server and ``pegboard run --workers N``.

Both listen on 127.0.0.1 on a free port, are started by the test that needs them
and stopped by PID. Where a server binary is missing the test skips, except under
CI (``CI`` set), where that is a failure, as for the browser tests.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from benchmarks.server import Server, free_port

__all__ = ["RedisServer", "in_ci", "redis_server", "require_binary", "serve"]

HOST = "127.0.0.1"
PEGBOARD = str(Path(sys.executable).with_name("pegboard"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def require_binary(name: str, hint: str) -> str:
    """The path of the program ``name``; skip the test without it (fail it under CI)."""
    path = shutil.which(name)
    if path is None:
        reason = f"this test needs {name} ({hint})"
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure.", pytrace=False)
        pytest.skip(reason)
    return path


class RedisServer:
    """One redis-server process on 127.0.0.1; stop and start it again on the same port.

    No persistence (``--save ''``, no AOF): a restart starts empty, like a cache
    node that was replaced. :meth:`pause` freezes the process (SIGSTOP) so that it
    accepts connections but never answers, the outage a timeout must catch.
    """

    def __init__(self, binary: str, port: int, directory: str) -> None:
        self.binary = binary
        self.port = port
        self.directory = directory
        self.url = f"redis://{HOST}:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        return f"RedisServer({self.url!r}, running={self.running})"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10.0) -> RedisServer:
        argv = [self.binary, "--port", str(self.port), "--bind", HOST, "--save", ""]
        argv += ["--appendonly", "no", "--dir", self.directory, "--loglevel", "warning"]
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while self.command(b"PING") != b"+PONG":
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start (port {self.port} taken?)")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop the server by PID (SIGTERM, then SIGKILL), waiting until it is gone."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGCONT)  # a paused server cannot handle SIGTERM
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def restart(self) -> RedisServer:
        self.stop()
        return self.start()

    def pause(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def command(self, *words: bytes) -> bytes | None:
        """Send one command in RESP; return the first line of the answer (None: no answer)."""
        request = b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words)
        try:
            with socket.create_connection((HOST, self.port), timeout=1.0) as sock:
                sock.sendall(request)
                return sock.recv(65536).split(b"\r\n", 1)[0]
        except OSError:
            return None

    def flush(self) -> None:
        if self.command(b"FLUSHALL") != b"+OK":
            raise RuntimeError(f"FLUSHALL failed on {self.url}")


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server on a free port; ``server.url`` is its URL. Stopped at the end."""
    binary = require_binary("redis-server", "apt-get install redis-server")
    with tempfile.TemporaryDirectory(prefix="pegboard-redis-") as directory:
        for attempt in range(5):  # another process may take the free port first
            server = RedisServer(binary, free_port(), directory)
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 4:
                    raise
        try:
            yield server
        finally:
            server.stop()


def _answers(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", path)
        conn.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def serve(
    app_ref: str,
    *,
    workers: int = 2,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    ready_path: str = "/",
    timeout: float = 60.0,
) -> Iterator[str]:
    """``pegboard run APP_REF --workers N`` on a free port; yields its base URL.

    ``env`` is added to this process's environment (a Redis URL, say). The server
    is ready once ``ready_path`` answers (any status); it and its workers are
    stopped by PID at the end.
    """
    port = free_port()
    argv = [PEGBOARD, "run", app_ref, "--workers", str(workers), "--port", str(port)]
    server = Server(
        argv,
        port,
        name=f"pegboard run {app_ref}",
        cwd=cwd,
        env={**os.environ, **(env or {})},
        ready_timeout=timeout,
    )
    with server:
        deadline = time.monotonic() + timeout
        while not _answers(port, ready_path):
            if server.process is None or server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.name} never answered:\n{server.log_tail()}")
            time.sleep(0.1)
        yield server.url("").rstrip("/")
