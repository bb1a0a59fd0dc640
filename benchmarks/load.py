"""Load test: the showcase under ``pegboard run --workers 2``, wrk at 64 connections.

Run from the repository root:

    python -m benchmarks.load                       # the full run: 60 s after warm-up
    python -m benchmarks.load --duration 5 --warmup 2   # the short run CI does

The showcase app (every first-party plugin) is served by ``pegboard run --workers 2``
on 127.0.0.1. wrk sends a mix of its requests, valid and invalid (reads, a search,
a replace with the API key, writes without it, a malformed body, the OpenAPI
document, the event stream, a docs page), first for a warm-up, then for
``duration`` seconds. A Lua script counts the responses by status class.

The run passes if wrk saw no socket errors (connect, read, write, timeout), no
response was a 5xx, and the resident memory of the server (the supervisor and its
workers, summed from ``/proc``) after the run is within ``tolerance`` of what it
was after the warm-up. The figures are printed, and written as JSON with
``--json``. The exit status is 1 if a check failed.

No request adds to the store without bound (``PUT /books/1`` replaces; writes
without the key are refused), so memory growth would be the framework's, not the
data's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.server import Server, children, exit_on_sigterm, free_port
from benchmarks.wrk import wrk_path

__all__ = ["REQUESTS", "LoadResult", "Settings", "main", "run"]

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "examples" / "showcase" / "app.py"
KEY = ("X-API-Key", "dev-key")
JSON = ("Content-Type", "application/json")
BOOK = b'{"title": "The Dispossessed", "author": "Ursula K. Le Guin", "year": 1974}'


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    #: The status the showcase answers with (checked once before the load).
    status: int = 200


REQUESTS = (
    Request("GET", "/health"),
    Request("GET", "/books"),
    Request("GET", "/books?q=le&sort=year&limit=5"),
    Request("GET", "/books/1"),
    Request("GET", "/books/999", status=404),
    Request("GET", "/books/abc", status=422),
    Request("PUT", "/books/1", (KEY, JSON), BOOK),
    Request("POST", "/books", (JSON,), BOOK, status=401),
    Request("POST", "/books", (KEY, JSON), b'{"title": ""}', status=422),
    Request("GET", "/openapi.json"),
    Request("GET", "/events"),
    Request("GET", "/docs"),
)


@dataclass(frozen=True)
class Settings:
    duration: float = 60.0
    warmup: float = 5.0
    connections: int = 64
    threads: int = 2
    workers: int = 2
    tolerance_mib: float = 8.0  # summed over the supervisor and its workers
    server: str = "uvicorn"  # pegboard run --server


@dataclass(frozen=True)
class LoadResult:
    settings: Settings
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: dict[str, int]
    statuses: dict[str, int]  # "2xx" -> count
    processes: int
    rss_warm_mib: float
    rss_after_mib: float

    @property
    def rss_growth_mib(self) -> float:
        return self.rss_after_mib - self.rss_warm_mib

    @property
    def failures(self) -> list[str]:
        found = []
        if sum(self.socket_errors.values()):
            found.append(f"socket errors: {self.socket_errors}")
        if self.statuses.get("5xx", 0):
            found.append(f"{self.statuses['5xx']} responses were 5xx")
        if self.requests == 0:
            found.append("no requests completed")
        if self.rss_growth_mib > self.settings.tolerance_mib:
            found.append(
                f"RSS grew {self.rss_growth_mib:.1f} MiB (more than "
                f"{self.settings.tolerance_mib} MiB) after the warm-up"
            )
        return found

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["rss_growth_mib"] = self.rss_growth_mib
        data["failures"] = self.failures
        return data

    def summary(self) -> str:
        s = self.settings
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return "\n".join(
            [
                f"pegboard run --server {s.server} --workers {s.workers}, "
                f"wrk -t{s.threads} -c{s.connections} -d{s.duration:g}s "
                f"(after {s.warmup:g} s of warm-up), "
                f"{len(REQUESTS)} requests in turn",
                f"  requests     {self.requests} in {self.seconds:.1f} s = {self.rps:,.0f} req/s",
                f"  latency      p50 {self.p50_ms:.2f} ms, p99 {self.p99_ms:.2f} ms, "
                f"max {self.max_ms:.2f} ms",
                f"  statuses     {statuses}",
                f"  socket errs  {self.socket_errors}",
                f"  RSS          {self.rss_warm_mib:.1f} MiB after warm-up, "
                f"{self.rss_after_mib:.1f} MiB after the run "
                f"({self.rss_growth_mib:+.1f} MiB, {self.processes} processes)",
                "  verdict      " + ("; ".join(self.failures) or "pass"),
            ]
        )


# -- wrk ------------------------------------------------------------------------------------


def _lua_string(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    return (
        '"'
        + "".join(f"\\{b:03d}" if b in b'"\\' or not 32 <= b < 127 else chr(b) for b in data)
        + '"'
    )


def lua_script(requests: tuple[Request, ...]) -> str:
    """Send ``requests`` in turn; count responses by status class; print JSON at the end."""
    lines = ["local threads = {}", "function setup(thread) table.insert(threads, thread) end"]
    lines += ["local prepared = {}", "local next_index = 0", "function init(args)"]
    for i, r in enumerate(requests, 1):
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers)
        body = _lua_string(r.body) if r.body else "nil"
        lines.append(
            f"  prepared[{i}] = wrk.format({_lua_string(r.method)}, "
            f"{_lua_string(r.target)}, {{{headers}}}, {body})"
        )
    lines += [
        "  s1, s2, s3, s4, s5, other = 0, 0, 0, 0, 0, 0",
        "end",
        "function request()",
        "  next_index = next_index % #prepared + 1",
        "  return prepared[next_index]",
        "end",
        "function response(status, headers, body)",
        "  local c = math.floor(status / 100)",
        "  if c == 1 then s1 = s1 + 1 elseif c == 2 then s2 = s2 + 1",
        "  elseif c == 3 then s3 = s3 + 1 elseif c == 4 then s4 = s4 + 1",
        "  elseif c == 5 then s5 = s5 + 1 else other = other + 1 end",
        "end",
        "function done(summary, latency, requests)",
        "  local t = {s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, other = 0}",
        "  for _, thread in ipairs(threads) do",
        "    for name, _ in pairs(t) do t[name] = t[name] + thread:get(name) end",
        "  end",
        "  local e = summary.errors",
        '  io.write(string.format(\'\\nLOAD_JSON {"requests": %d, "duration_us": %d, \'',
        '    .. \'"connect": %d, "read": %d, "write": %d, "timeout": %d, \'',
        '    .. \'"p50": %d, "p99": %d, "max": %d, \'',
        '    .. \'"1xx": %d, "2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d, "other": %d}\\n\',',
        "    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,",
        "    latency:percentile(50), latency:percentile(99), latency.max,",
        "    t.s1, t.s2, t.s3, t.s4, t.s5, t.other))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_wrk(url: str, seconds: float, settings: Settings) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua_script(REQUESTS))
        script.flush()
        argv = [
            wrk_path(),
            f"-t{settings.threads}",
            f"-c{settings.connections}",
            f"-d{max(1, math.ceil(seconds))}s",
            "--timeout=10s",
            "-s",
            script.name,
            url,
        ]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("LOAD_JSON "):
            return dict(json.loads(line.removeprefix("LOAD_JSON ")))
    raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")


# -- the run ------------------------------------------------------------------------------


def check_answers(server: Server) -> None:
    """Each request gets the status the load counts on (a wrong app fails loudly here)."""
    import http.client

    for r in REQUESTS:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request(r.method, r.target, body=r.body or None, headers=dict(r.headers))
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        if response.status != r.status:
            raise RuntimeError(f"{r.method} {r.target}: {response.status}, expected {r.status}")


def wait_for_workers(server: Server, workers: int, timeout: float = 60.0) -> None:
    """Wait until ``workers`` worker processes answer (not only the shared socket)."""
    deadline = time.monotonic() + timeout
    while len(children(server.pid)) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{workers} workers did not start:\n{server.log_tail()}")
        time.sleep(0.1)
    time.sleep(1.0)  # their lifespans have run by the time they accept


def run(settings: Settings) -> LoadResult:
    port = free_port()
    argv = [
        str(Path(sys.executable).with_name("pegboard")),
        "run",
        str(APP),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(settings.workers),
        "--server",
        settings.server,
        "--log-level",
        "warning",
    ]
    with Server(argv, port, name="showcase", cwd=ROOT) as server:
        wait_for_workers(server, settings.workers)
        check_answers(server)
        url = server.url()
        if settings.warmup > 0:
            run_wrk(url, settings.warmup, settings)
        time.sleep(1.0)
        warm = server.memory().rss_kib
        data = run_wrk(url, settings.duration, settings)
        time.sleep(1.0)
        after = server.memory().rss_kib
        processes = 1 + len(children(server.pid))
        log = server.log_tail(200)
    if "Traceback" in log:
        raise RuntimeError(f"the server logged an error:\n{log}")
    seconds = data["duration_us"] / 1e6
    return LoadResult(
        settings=settings,
        requests=data["requests"],
        seconds=seconds,
        rps=data["requests"] / seconds if seconds else 0.0,
        p50_ms=data["p50"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        socket_errors={k: data[k] for k in ("connect", "read", "write", "timeout")},
        statuses={k: data[k] for k in ("1xx", "2xx", "3xx", "4xx", "5xx", "other") if data[k]},
        processes=processes,
        rss_warm_mib=warm / 1024,
        rss_after_mib=after / 1024,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("-d", "--duration", type=float, default=60.0, help="seconds of load (%(default)s)")
    add("--warmup", type=float, default=5.0, help="seconds of warm-up (%(default)s)")
    add("-c", "--connections", type=int, default=64, help="(%(default)s)")
    add("-t", "--threads", type=int, default=2, help="wrk threads (%(default)s)")
    add("-w", "--workers", type=int, default=2, help="server workers (%(default)s)")
    add("--tolerance", type=float, default=8.0, help="MiB of RSS growth allowed (%(default)s)")
    add("--server", choices=["uvicorn", "granian"], default="uvicorn", help="(%(default)s)")
    add("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    settings = Settings(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        tolerance_mib=args.tolerance,
        server=args.server,
    )
    result = run(settings)
    print(result.summary())
    if args.json is not None:
        args.json.write_text(json.dumps(result.as_dict(), indent=2) + "\n")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
