"""A server in a subprocess: started on a free port, measured through /proc, stopped by PID.

``Server`` runs any command that serves HTTP on ``127.0.0.1:<port>`` (uvicorn
through :mod:`benchmarks.serve`, or ``pegboard run --workers 2``), waits until the
port accepts connections, reads the memory of the process and its children from
``/proc/<pid>/status``, and stops them by PID: SIGTERM, then SIGKILL for anything
still alive after the grace period. Used as a context manager it stops the server
on errors and on Ctrl-C too.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

__all__ = ["Memory", "Server", "children", "exit_on_sigterm", "free_port", "memory_of"]

HOST = "127.0.0.1"


def exit_on_sigterm() -> None:
    """Turn SIGTERM (a CI timeout, ``kill``) into SystemExit, so servers get stopped."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def pinned_cpus() -> tuple[set[int], set[int]] | None:
    """CPUs for (the server, the load generator) in a side-by-side wire run, or None.

    On Linux with two or more CPUs the server gets CPU 0 and wrk CPU 1, so that they
    never take turns on one core and a run's ratios move less with the scheduler.
    ``PEGBOARD_BENCH_PIN=0`` turns it off.
    """
    if sys.platform != "linux" or os.environ.get("PEGBOARD_BENCH_PIN") == "0":
        return None
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None
    return {available[0]}, {available[1]}


def in_child(cpus: set[int] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that pins the child (and what it starts) to ``cpus``."""
    if cpus is None:
        return None
    chosen = set(cpus)

    def pin() -> None:  # pragma: no cover - runs in the child
        os.sched_setaffinity(0, chosen)

    return pin


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, Linux only
    # If this script is killed outright (SIGKILL), the kernel sends the server SIGTERM.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (uvicorn's workers, say), depth first."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                for child in map(int, text.split()):
                    found += [child, *children(child)]
    return found


@dataclass(frozen=True)
class Memory:
    """Resident memory in KiB: now (VmRSS) and the high-water mark (VmHWM)."""

    rss_kib: int
    peak_kib: int

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.rss_kib + other.rss_kib, self.peak_kib + other.peak_kib)


def memory_of(pid: int) -> Memory:
    """The memory of one process, from ``/proc/<pid>/status``."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])  # "12345 kB"
    return Memory(fields.get("VmRSS", 0), fields.get("VmHWM", 0))


class Server:
    """One server process (and its workers) serving ``argv`` on ``port``."""

    def __init__(
        self,
        argv: Sequence[str],
        port: int,
        *,
        name: str = "server",
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        ready_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        cpus: set[int] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.cpus = cpus  # the CPUs the server runs on (None: wherever the OS likes)
        self.port = port
        self.name = name
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[bytes] | None = None
        # Open for the server's lifetime (its output, for error messages); closed by stop().
        self._log = tempfile.TemporaryFile()  # noqa: SIM115

    def _preexec(self) -> None:  # pragma: no cover - runs in the child
        _die_with_parent()
        if self.cpus is not None:
            os.sched_setaffinity(0, self.cpus)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} is not running")
        return self.process.pid

    def url(self, target: str = "/") -> str:
        return f"http://{HOST}:{self.port}{target}"

    # -- life cycle -----------------------------------------------------------------

    def launch(self) -> Server:
        """Start the process without waiting for it (see :meth:`wait_ready`)."""
        # A session of its own: Ctrl-C in the terminal reaches only this script,
        # which then stops the server itself, by PID. Should this script be killed
        # outright, the server gets SIGTERM from the kernel (Linux).
        self.process = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=self._preexec if sys.platform == "linux" else None,
        )
        return self

    def wait_ready(self) -> Server:
        """Wait until the port accepts connections; raise with the log if it never does."""
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited during start-up:\n{self.log_tail()}")
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.5):
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"{self.name} did not listen on port {self.port} within "
                    f"{self.ready_timeout:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def start(self) -> Server:
        return self.launch().wait_ready()

    def stop(self) -> int | None:
        """Stop the server and its children by PID; return its exit status."""
        process = self.process
        if process is None:
            return None
        family = children(process.pid)
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
                process.wait()
        for pid in family:  # workers that outlived their master
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
        return process.returncode

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- observation ----------------------------------------------------------------

    def memory(self) -> Memory:
        """Memory of the process and all its children, summed."""
        total = Memory(0, 0)
        for pid in [self.pid, *children(self.pid)]:
            with contextlib.suppress(OSError):  # a worker that just exited
                total += memory_of(pid)
        return total

    def log_tail(self, lines: int = 30) -> str:
        if self._log.closed:
            return ""
        self._log.seek(0)
        text = self._log.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """A throwaway redis-server on 127.0.0.1 (None without the binary); stopped by PID."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", HOST, "--save", ""]
    argv += ["--appendonly", "no", "--loglevel", "warning"]
    with Server(argv, port, name="redis-server"):
        yield f"redis://{HOST}:{port}/0"
