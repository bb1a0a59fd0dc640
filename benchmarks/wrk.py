"""Load from ``wrk``: a generated Lua script, and the figures it reports as JSON.

The script pre-formats the requests (one, or several sent in turn), may stop each
wrk thread after a fixed number of responses (a fixed load, whatever the server's
speed), and prints the run's summary and latency percentiles as one JSON line from
wrk's ``done()`` hook, so nothing depends on wrk's human-readable output.

wrk keeps a fixed number of connections busy (a closed loop), so its latencies are
those of a saturated server: compare them between frameworks at the same
``connections``, not with an SLO.
"""

from __future__ import annotations

import json
import math
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from benchmarks.server import in_child

__all__ = ["HTTPRequest", "WrkResult", "WrkRun", "lua_script", "run_wrk", "wrk_path"]


class HTTPRequest(Protocol):
    """What wrk needs of a request; :class:`benchmarks.cases.Case` is one."""

    @property
    def method(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def body(self) -> bytes: ...


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    socket_errors: int  # connect + read + write + timeout
    status_errors: int  # responses with status >= 400

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError(
            "wrk is not installed; the over-the-wire benchmark needs it "
            "(Debian/Ubuntu: apt-get install wrk)."
        )
    return found


def _lua_string(value: str | bytes) -> str:
    """A Lua string literal: ASCII kept, everything else as decimal escapes."""
    data = value.encode() if isinstance(value, str) else value
    out = []
    for byte in data:
        char = chr(byte)
        if char in '"\\' or not 32 <= byte < 127:
            out.append(f"\\{byte:03d}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _lua_request(request: HTTPRequest) -> str:
    headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers)
    body = _lua_string(request.body) if request.body else "nil"
    return (
        f"wrk.format({_lua_string(request.method)}, {_lua_string(request.target)}, "
        f"{{{headers}}}, {body})"
    )


_THREAD_DONE = "WRK_THREAD_DONE"

_DONE = """
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "timeout": %d, "status": %d, "p50": %d, "p90": %d, "p99": %d, '
    .. '"max": %d, "mean": %f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def lua_script(requests: Sequence[HTTPRequest], *, stop_after: int | None = None) -> str:
    """A wrk script sending ``requests`` in turn; each thread stops after ``stop_after``."""
    if not requests:
        raise ValueError("wrk needs at least one request")
    lines = ["local prepared = {}", "local next_index = 0", "function init(args)"]
    lines += [f"  prepared[{i}] = {_lua_request(r)}" for i, r in enumerate(requests, 1)]
    lines += [
        "end",
        "function request()",
        "  next_index = next_index % #prepared + 1",
        "  return prepared[next_index]",
        "end",
    ]
    if stop_after is not None:
        # Defining response() makes wrk parse every response; only fixed loads pay it.
        lines += [
            "local seen = 0",
            "function response(status, headers, body)",
            "  seen = seen + 1",
            f"  if seen == {int(stop_after)} then",
            # wrk's main thread sleeps for the whole -d; the runner sends it SIGINT
            # (which makes wrk report and exit) once every thread has said this.
            f"    io.write('{_THREAD_DONE}\\n')",
            "    io.flush()",
            "    wrk.thread:stop()",
            "  end",
            "end",
        ]
    return "\n".join(lines) + _DONE


def _parse(stdout: str) -> WrkResult:
    for line in reversed(stdout.splitlines()):
        if line.startswith("WRK_JSON "):
            data = json.loads(line.removeprefix("WRK_JSON "))
            break
    else:
        raise RuntimeError(f"wrk printed no summary:\n{stdout}")
    seconds = data["duration_us"] / 1e6
    return WrkResult(
        requests=data["requests"],
        seconds=seconds,
        rps=data["requests"] / seconds if seconds else 0.0,
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        mean_ms=data["mean"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        status_errors=data["status"],
    )


def wrk_command(
    url: str,
    script_path: str,
    *,
    duration: float,
    connections: int,
    threads: int,
    timeout: float = 10.0,
) -> list[str]:
    # wrk takes whole seconds; round up so a short run is never zero.
    return [
        wrk_path(),
        f"-t{threads}",
        f"-c{max(connections, threads)}",
        f"-d{max(1, math.ceil(duration))}s",
        f"--timeout={max(1, math.ceil(timeout))}s",
        "-s",
        script_path,
        url,
    ]


class WrkRun:
    """wrk running in the background: sample the server while it loads it, then wait."""

    def __init__(
        self,
        base_url: str,
        requests: Sequence[HTTPRequest],
        *,
        duration: float,
        connections: int = 64,
        threads: int = 1,
        total: int | None = None,
        timeout: float = 10.0,
        cpus: set[int] | None = None,
    ) -> None:
        stop_after = None if total is None else math.ceil(total / threads)
        self._script = tempfile.NamedTemporaryFile("w", suffix=".lua")  # noqa: SIM115
        self._script.write(lua_script(requests, stop_after=stop_after))
        self._script.flush()
        argv = wrk_command(
            base_url,
            self._script.name,
            duration=duration,
            connections=connections,
            threads=threads,
            timeout=timeout,
        )
        self.threads = threads
        self.fixed = total is not None
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=in_child(cpus),
        )

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self) -> WrkResult:
        process = self.process
        if process.stdout is None or process.stderr is None:
            raise RuntimeError("wrk was started without pipes")
        try:
            lines = []
            if self.fixed:
                finished = 0
                for line in process.stdout:
                    lines.append(line)
                    if line.strip() == _THREAD_DONE:
                        finished += 1
                        if finished == self.threads:
                            process.send_signal(signal.SIGINT)
                            break
            lines.append(process.stdout.read())
            stderr = process.stderr.read()
            process.wait()
        finally:
            if process.poll() is None:  # interrupted: don't leave wrk behind
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()
            self._script.close()
        stdout = "".join(lines)
        if process.returncode != 0:
            raise RuntimeError(f"wrk failed ({process.returncode}):\n{stdout}\n{stderr}")
        return _parse(stdout)


def run_wrk(
    base_url: str,
    requests: Sequence[HTTPRequest],
    *,
    duration: float,
    connections: int = 64,
    threads: int = 1,
    total: int | None = None,
    timeout: float = 10.0,
    cpus: set[int] | None = None,
) -> WrkResult:
    """Load ``base_url`` with ``requests`` for ``duration`` seconds (or until ``total``).

    With ``total``, each thread stops after its share of that many responses, and
    ``duration`` is only the upper bound.
    """
    return WrkRun(
        base_url,
        requests,
        duration=duration,
        connections=connections,
        threads=threads,
        total=total,
        timeout=timeout,
        cpus=cpus,
    ).wait()
