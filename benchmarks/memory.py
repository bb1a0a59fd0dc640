"""Memory growth under a long run: does a server's RSS keep rising while it serves?

Run from the repository root:  python -m benchmarks.memory --help

One app (pegboard with every plugin, by default) is served by uvicorn and warmed
up with a fixed mixed load. Its resident memory after the warm-up is the
baseline. Then wrk sends the mixed load, with the invalid requests too (422s,
401s: error paths are where references leak), for ``duration`` seconds while
VmRSS is sampled from ``/proc/<pid>/status``. The verdict compares the RSS after
the run with the baseline: growth within ``tolerance_mib`` is noise (pymalloc
arenas and allocator caches move by a few hundred KiB either way).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from dataclasses import dataclass
from typing import Any

from benchmarks.cases import bench_cases, invalid_cases
from benchmarks.server import exit_on_sigterm
from benchmarks.wire import app_server
from benchmarks.wrk import WrkRun, run_wrk


@dataclass(frozen=True)
class Settings:
    framework: str = "pegboard_all"
    warmup: int = 20_000  # responses before the baseline is read
    duration: float = 60.0  # seconds of load after it
    interval: float = 5.0  # seconds between RSS samples
    connections: int = 64
    threads: int = 1
    tolerance_mib: float = 2.0


def measure(settings: Settings) -> dict[str, Any]:
    mixed = [c for c in bench_cases(2) if not c.many_routes] + invalid_cases()
    with app_server(settings.framework) as server:
        url = server.url()
        common = {"connections": settings.connections, "threads": settings.threads}
        run_wrk(url, mixed, duration=120, total=settings.warmup, **common)
        time.sleep(0.5)
        baseline = server.memory().rss_kib
        samples: list[tuple[float, int]] = [(0.0, baseline)]
        started = time.monotonic()
        load = WrkRun(url, mixed, duration=settings.duration, **common)
        next_sample = settings.interval
        while load.running():
            time.sleep(0.1)
            elapsed = time.monotonic() - started
            if elapsed >= next_sample and load.running():
                samples.append((elapsed, server.memory().rss_kib))
                next_sample += settings.interval
        result = load.wait()
        time.sleep(0.5)
        final = server.memory()
    samples.append((time.monotonic() - started, final.rss_kib))
    growth = (final.rss_kib - baseline) / 1024
    return {
        "settings": dataclasses.asdict(settings),
        "requests": result.requests,
        "rps": result.rps,
        "socket_errors": result.socket_errors,
        "baseline_mib": baseline / 1024,
        "final_mib": final.rss_kib / 1024,
        "peak_mib": final.peak_kib / 1024,
        "growth_mib": growth,
        "samples": [[round(t, 1), kib / 1024] for t, kib in samples],
        "stable": growth <= settings.tolerance_mib,
    }


def main(argv: list[str] | None = None) -> int:
    from benchmarks.report import growth_section

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("-f", "--framework", default="pegboard_all", help="(%(default)s)")
    add("-d", "--duration", type=float, default=60.0, help="seconds of load (%(default)s)")
    add("--warmup", type=int, default=20_000, help="warm-up responses (%(default)s)")
    add("--interval", type=float, default=5.0, help="seconds between samples (%(default)s)")
    add("-c", "--connections", type=int, default=64, help="(%(default)s)")
    add("--tolerance", type=float, default=2.0, help="MiB of growth that is noise (%(default)s)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    result = measure(
        Settings(
            framework=args.framework,
            warmup=args.warmup,
            duration=args.duration,
            interval=args.interval,
            connections=args.connections,
            tolerance_mib=args.tolerance,
        )
    )
    print(growth_section(result))
    return 0 if result["stable"] else 1


if __name__ == "__main__":
    sys.exit(main())
