"""Over-the-wire benchmark: each app under uvicorn or granian, loaded by wrk on 127.0.0.1.

Run from the repository root:  python -m benchmarks.wire --help

1. Every app's server starts at once (uvicorn with uvloop + httptools, or granian,
   one worker each, plus one for its many-routes app), on free ports; idle servers cost
   next to nothing, and having them all up lets the frameworks take turns.
2. Equality check over HTTP: the same requests and expectations as in-process.
   A (framework, endpoint) pair that answers wrongly is left out of the timings.
3. Fixed load: each main server gets the same mixed load (every benchmarked
   request in turn, a fixed number of responses), which is also the warm-up.
   Its resident memory (VmRSS) and high-water mark (VmHWM) are read from /proc
   right after.
4. Timing: per repeat, per endpoint, each framework's server gets wrk for
   ``duration`` seconds (in rotated order). Reported: median req/s, paired
   ratios to the baselines, and wrk's p50/p99 latency (median over repeats).
5. The servers are stopped by PID, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.cases import Case, bench_cases, check_response, invalid_cases
from benchmarks.inprocess import FRAMEWORKS
from benchmarks.serve import SERVERS, command
from benchmarks.server import HOST, Server, exit_on_sigterm, free_port, pinned_cpus
from benchmarks.stats import Runs, summarize
from benchmarks.wrk import WrkResult, run_wrk, wrk_path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    duration: float = 2.0  # seconds of wrk per (repeat, endpoint, framework)
    repeats: int = 3
    connections: int = 64
    threads: int = 1
    fixed_load: int = 20_000  # responses per main server before timing (and memory)
    routes: int = 100
    frameworks: tuple[str, ...] = tuple(FRAMEWORKS)
    endpoints: tuple[str, ...] = ()  # empty: all
    server: str = "uvicorn"  # or "granian"


def server_env() -> dict[str, str]:
    """The servers' environment: this one, with the repository importable."""
    env = dict(os.environ)
    paths = [str(ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


#: (server CPUs, wrk CPUs) for the side-by-side runs: see ``pinned_cpus``.
PINNED = pinned_cpus()
SERVER_CPUS, LOAD_CPUS = PINNED if PINNED is not None else (None, None)


def app_server(
    name: str,
    many_routes: int | None = None,
    server: str = "uvicorn",
    cpus: set[int] | None = None,
) -> Server:
    port = free_port()
    module = FRAMEWORKS[name].partition(":")[0]
    label = name if many_routes is None else f"{name} ({many_routes} routes)"
    argv = command(module, port, many_routes, server)
    name = f"{label} [{server}]"
    return Server(argv, port, name=name, cwd=ROOT, env=server_env(), cpus=cpus)


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    """Start every server in parallel; stop them all, whatever happens."""
    with contextlib.ExitStack() as stack:
        for server in servers:
            stack.callback(server.stop)
            server.launch()
        for server in servers:
            server.wait_ready()
        yield servers


def fetch(server: Server, case: Case) -> tuple[int, dict[str, str], bytes]:
    """Send one request with http.client; return status, headers (lower-case), body."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        headers = dict(case.headers)
        connection.request(case.method, case.target, body=case.body or None, headers=headers)
        response = connection.getresponse()
        body = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        return response.status, found, body
    finally:
        connection.close()


def check_over_http(
    servers: dict[str, dict[bool, Server]], cases: list[Case]
) -> dict[tuple[str, str], str]:
    failed: dict[tuple[str, str], str] = {}
    for case in cases:
        for name, by_kind in servers.items():
            server = by_kind.get(case.many_routes)
            if server is None:
                continue
            status, headers, body = fetch(server, case)
            problem = check_response(case, status, headers.get, body)
            if problem:
                print(f"MISMATCH (wire) {name:<14} {case.name:<28} {problem}", file=sys.stderr)
                failed[name, case.name] = problem
    return failed


def _mib(kib: int) -> float:
    return kib / 1024


def measure(settings: Settings) -> dict[str, Any]:
    """Run the whole over-the-wire benchmark; return its figures (see the module doc)."""
    wrk_path()  # fail early, with the install hint, if wrk is missing
    names = list(settings.frameworks)
    cases = bench_cases(settings.routes)
    if settings.endpoints:
        cases = [c for c in cases if c.name in settings.endpoints]
    main_cases = [c for c in cases if not c.many_routes]
    want_routes = any(c.many_routes for c in cases)

    servers: dict[str, dict[bool, Server]] = {}
    for name in names:
        servers[name] = {False: app_server(name, server=settings.server, cpus=SERVER_CPUS)}
        if want_routes:
            servers[name][True] = app_server(
                name, settings.routes, settings.server, cpus=SERVER_CPUS
            )
    every = [s for by_kind in servers.values() for s in by_kind.values()]
    started = time.perf_counter()
    with running(every):
        print(
            f"wire ({settings.server}): {len(every)} servers up in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        idle = {name: by_kind[False].memory() for name, by_kind in servers.items()}
        failed = check_over_http(servers, cases + invalid_cases())
        names_in_run = {c.name for c in cases}
        excluded = {(f, c) for f, c in failed if c in names_in_run}

        memory: dict[str, Any] = {}
        for name, by_kind in servers.items():
            valid = [c for c in main_cases if (name, c.name) not in excluded]
            load = _fixed_load(by_kind[False], valid, settings)
            after = by_kind[False].memory()
            memory[name] = {
                "idle_mib": _mib(idle[name].rss_kib),
                "after_load_mib": _mib(after.rss_kib),
                "peak_mib": _mib(after.peak_kib),
                "requests": load.requests if load else 0,
                "load_rps": load.rps if load else 0.0,
            }
            if True in by_kind:  # warm the many-routes server up too
                routes_case = [c for c in cases if c.many_routes]
                run_wrk(
                    by_kind[True].url(),
                    routes_case,
                    duration=30,
                    total=max(1000, settings.fixed_load // 10),
                    connections=settings.connections,
                    threads=settings.threads,
                    cpus=LOAD_CPUS,
                )
        print("wire: fixed load done", file=sys.stderr)

        runs: Runs = {c.name: {} for c in cases}
        latency: dict[str, dict[str, list[WrkResult]]] = {c.name: {} for c in cases}
        for rep in range(settings.repeats):
            for case in cases:
                order = [n for n in names if (n, case.name) not in excluded]
                shift = rep % len(order) if order else 0
                for name in order[shift:] + order[:shift]:
                    server = servers[name][case.many_routes]
                    result = run_wrk(
                        server.url(case.target),
                        [case],
                        duration=settings.duration,
                        connections=settings.connections,
                        threads=settings.threads,
                        cpus=LOAD_CPUS,
                    )
                    runs[case.name].setdefault(name, []).append(result.rps)
                    latency[case.name].setdefault(name, []).append(result)
            print(f"wire: repeat {rep + 1}/{settings.repeats} done", file=sys.stderr)
        for name, by_kind in servers.items():
            memory[name]["peak_after_timing_mib"] = _mib(by_kind[False].memory().peak_kib)

    summary = summarize(runs, names)
    for endpoint, rows in summary["endpoints"].items():
        for name, row in rows.items():
            results = latency[endpoint][name]
            row["p50_ms"] = statistics.median(r.p50_ms for r in results)
            row["p99_ms"] = statistics.median(r.p99_ms for r in results)
            row["socket_errors"] = sum(r.socket_errors for r in results)
            row["status_errors"] = sum(r.status_errors for r in results)
    return {
        "settings": dataclasses.asdict(settings),
        "pinned": None if PINNED is None else [sorted(c) for c in PINNED],
        "frameworks": names,
        "mismatches": [
            {"framework": f, "request": c, "problem": p} for (f, c), p in failed.items()
        ],
        "excluded": sorted(f"{f}/{c}" for f, c in excluded),
        "memory": memory,
        **summary,
    }


def _fixed_load(server: Server, cases: list[Case], settings: Settings) -> WrkResult | None:
    if not cases or settings.fixed_load <= 0:
        return None
    return run_wrk(
        server.url(),
        cases,
        duration=120,  # an upper bound: wrk stops after fixed_load responses
        total=settings.fixed_load,
        connections=settings.connections,
        threads=settings.threads,
        cpus=LOAD_CPUS,
    )


def main(argv: list[str] | None = None) -> int:
    from benchmarks.report import memory_table, wire_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("-d", "--duration", type=float, default=2.0, help="seconds per run (%(default)s)")
    add("-r", "--repeats", type=int, default=3, help="(%(default)s)")
    add("-c", "--connections", type=int, default=64, help="(%(default)s)")
    add("-t", "--threads", type=int, default=1, help="wrk threads (%(default)s)")
    add("--fixed-load", type=int, default=20_000, help="warm-up responses (%(default)s)")
    add("--routes", type=int, default=100, help="routes in the many-routes app (%(default)s)")
    add("-f", "--frameworks", help=f"comma list (default: {','.join(FRAMEWORKS)})")
    add("-e", "--endpoints", help="comma list of endpoint names (default: all)")
    add("--server", choices=SERVERS, default="uvicorn", help="(%(default)s)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    settings = Settings(
        duration=args.duration,
        repeats=args.repeats,
        connections=args.connections,
        threads=args.threads,
        fixed_load=args.fixed_load,
        routes=args.routes,
        frameworks=tuple(args.frameworks.split(",")) if args.frameworks else tuple(FRAMEWORKS),
        endpoints=tuple(args.endpoints.split(",")) if args.endpoints else (),
        server=args.server,
    )
    result = measure(settings)
    print(wire_table(result))
    print()
    print(memory_table(result))
    return 1 if result["excluded"] else 0


if __name__ == "__main__":
    sys.exit(main())
