"""The traffic plugins' cost, in process: the same route with and without the option.

Run from the repository root:  python -m benchmarks.traffic_ratelimit --help

Each variant is a pegboard app serving ``GET /plain`` (``{"message": "hello"}``);
they differ only in what the issue-19 plugins add. Per repeat every variant runs
N sequential requests, in rotated order, and the ratio to ``core`` (the app
without the plugin) is taken within the repeat; the median ratio is reported, so
a slow spell on a shared machine hits both sides of a ratio alike.

* ``core``: no plugin, the baseline.
* ``ratelimit_off``: the ratelimit plugin enabled, the route without the option
  (what every other route pays: nothing, the target is 1.00x).
* ``ratelimit_memory``: ``rate_limit="1000000000/minute"`` on a memory store
  (target: at most 1.15x the time of ``core``).
* ``page_core`` and ``page_ratelimit_memory``: the same pair with a handler that
  returns about 4 KB of JSON (some work per request), each against ``page_core``.
* ``ratelimit_redis``: the same on a RedisStore, when ``redis-server`` is installed
  (a local server started for the run; reported, no target: it is a network hop,
  so read its wall-time ratio: CPU time leaves out the wait for Redis).

Both clocks are reported: wall time, and the CPU time of this (single-threaded)
process, which a machine shared with other jobs distorts much less. The targets
are judged on CPU time.

``--wire`` measures the same over HTTP: one uvicorn process serving
``benchmarks/apps/pegboard_ratelimit.py`` (``/plain`` and ``/limited``, the same
handler; ``/page`` and ``/page-limited``, the 4 KB handler), loaded by wrk in turns
(:mod:`benchmarks.wire_routes`); the ratios are of time per request (from req/s) and
of the server's CPU time per request, medians of same-repeat ratios. That is the cost
a client sees, server and HTTP parsing included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks.cases import get
from benchmarks.inprocess import ASGIApp, Exchange, lifespan, make_scope
from benchmarks.server import exit_on_sigterm, redis_server

#: The most the option may cost, as time per request relative to ``core``. (The
#: ``ratelimit_off`` row is compiled exactly like ``core``: its ratio is the noise.)
TARGETS = {"ratelimit_memory": 1.15, "page_ratelimit_memory": 1.15}

CASE = get("plain", "/plain")
LIMITED = ("ratelimit_memory", "ratelimit_redis", "page_ratelimit_memory")
HUGE = "1000000000/minute"  # never refuses: the benchmark times allowed requests
#: Each variant's baseline: the same handler in an app without the plugin.
BASELINE = {"page_core": "page_core", "page_ratelimit_memory": "page_core"}
#: What ``page`` returns: about 4 KB of JSON, a handler with some work in it.
PAGE = [{"id": i, "name": f"item {i}", "price": i * 1.5, "tags": ["a", "b"]} for i in range(80)]


def _app(plugins: list[Any], page: bool = False, **options: Any) -> ASGIApp:
    from pegboard import App

    app = App(plugins=plugins)
    if page:

        @app.get("/plain", **options)
        async def listing() -> list[dict[str, Any]]:
            return [dict(item) for item in PAGE]

    else:

        @app.get("/plain", **options)
        async def plain() -> dict[str, str]:
            return {"message": "hello"}

    return app


def build_variants(redis_url: str | None) -> dict[str, ASGIApp]:
    """The apps to time: ``core`` and ``page_core`` are the baselines."""
    from pegboard_ratelimit import ratelimit

    variants = {
        "core": _app([]),
        "ratelimit_off": _app([ratelimit()]),
        "ratelimit_memory": _app([ratelimit()], rate_limit=HUGE),
        "page_core": _app([], page=True),
        "page_ratelimit_memory": _app([ratelimit()], page=True, rate_limit=HUGE),
    }
    if redis_url is not None:
        from pegboard_stores import RedisStore

        variants["ratelimit_redis"] = _app([ratelimit(RedisStore(redis_url))], rate_limit=HUGE)
    return variants


async def _batch(app: ASGIApp, state: dict[str, Any], n: int) -> tuple[float, float]:
    """Run n requests; return (wall seconds, CPU seconds of this process)."""
    template = make_scope(CASE)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        scope = template.copy()
        scope["state"] = state.copy()
        exchange = Exchange(b"")
        await app(scope, exchange.receive, exchange.send)
        if exchange.status != 200:
            raise RuntimeError(f"got {exchange.status}: {b''.join(exchange.chunks)!r}")
    return time.perf_counter() - start, time.process_time() - cpu


@dataclass(frozen=True)
class Settings:
    requests: int = 3000
    repeats: int = 9
    warmup: int = 300
    redis: bool = True


async def measure(settings: Settings) -> dict[str, Any]:
    """Time every variant; return req/s and the median same-repeat ratio to ``core``."""
    with redis_server() if settings.redis else contextlib.nullcontext() as url:
        variants = build_variants(url)
        states = {name: {} for name in variants}
        async with contextlib.AsyncExitStack() as stack:
            for name, app in variants.items():
                await stack.enter_async_context(lifespan(app, states[name]))
            # Each answers right (and carries the RateLimit fields when limited).
            for name, app in variants.items():
                exchange = Exchange(b"")
                await app({**make_scope(CASE), "state": {}}, exchange.receive, exchange.send)
                limited = exchange.header("ratelimit-limit") is not None
                if exchange.status != 200 or limited != (name in LIMITED):
                    raise RuntimeError(f"{name}: {exchange.status} {exchange.headers}")
                await _batch(app, states[name], settings.warmup)
            seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
            order = list(variants)
            for rep in range(settings.repeats):
                shift = rep % len(order)
                for name in order[shift:] + order[:shift]:
                    gc.collect()
                    seconds[name].append(
                        await _batch(variants[name], states[name], settings.requests)
                    )
    rows = {}
    for name, times in seconds.items():
        base = seconds[BASELINE.get(name, "core")]
        wall = [t[0] / b[0] for t, b in zip(times, base, strict=True)]
        cpu = [t[1] / b[1] for t, b in zip(times, base, strict=True)]
        rows[name] = {
            "rps": settings.requests / statistics.median(t[0] for t in times),
            "us_cpu": 1e6 * statistics.median(t[1] for t in times) / settings.requests,
            "wall_ratio": statistics.median(wall),
            "cpu_ratio": statistics.median(cpu),
            "wall_ratios": wall,
            "cpu_ratios": cpu,
        }
    return {
        "settings": asdict(settings),
        "variants": rows,
        "redis": url is not None,
        "targets": targets(rows),
    }


def targets(rows: dict[str, Any]) -> list[dict[str, Any]]:
    # Judged on CPU time: these variants wait for nothing, and CPU time is what a
    # machine shared with other jobs distorts least (wall ratios are reported too).
    return [
        {
            "check": f"traffic: {name} CPU time vs {BASELINE.get(name, 'core')}",
            "value": rows[name]["cpu_ratio"],
            "target": f"<= {limit:.2f}x",
            "met": rows[name]["cpu_ratio"] <= limit,
        }
        for name, limit in TARGETS.items()
        if name in rows
    ]


def run(settings: Settings) -> dict[str, Any]:
    return asyncio.run(measure(settings))


def measure_wire(duration: float = 2.0, repeats: int = 5) -> dict[str, Any]:
    """``/limited`` against ``/plain`` and the 4 KB page pair, on one uvicorn server."""
    from benchmarks.wire_routes import measure_routes

    return measure_routes(
        "benchmarks.apps.pegboard_ratelimit",
        {
            "plain": ("/plain", ()),
            "limited": ("/limited", ()),
            "page": ("/page", ()),
            "page_limited": ("/page-limited", ()),
        },
        {"limited": "plain", "page_limited": "page"},
        duration=duration,
        repeats=repeats,
    )


def table(result: dict[str, Any]) -> str:
    # Ratios: time per request over the baseline's (core, or page_core for page_*).
    head = "| variant | req/s (wall) | CPU µs/request | CPU ratio | wall ratio |"
    lines = [head, "|---|---|---|---|---|"]
    for name, row in result["variants"].items():
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['us_cpu']:.2f} | {row['cpu_ratio']:.3f}x | "
            f"{row['wall_ratio']:.3f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("-n", "--requests", type=int, default=3000, help="requests per timed batch (%(default)s)")
    add("-r", "--repeats", type=int, default=9, help="timed repeats, median kept (%(default)s)")
    add("-w", "--warmup", type=int, default=300, help="warm-up requests per app (%(default)s)")
    add("--no-redis", action="store_true", help="skip the Redis variant")
    add("--json", action="store_true", help="print the results as JSON")
    add("--wire", action="store_true", help="also over HTTP: uvicorn + wrk (needs wrk)")
    add("--wire-duration", type=float, default=2.0, help="seconds of wrk per turn (%(default)s)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    result = run(Settings(args.requests, args.repeats, args.warmup, not args.no_redis))
    if args.wire:
        result["wire"] = measure_wire(args.wire_duration, max(3, args.repeats // 2))
    print(json.dumps(result, indent=2) if args.json else table(result))
    if "wire" in result and not args.json:
        from benchmarks.wire_routes import table as wire_table

        print("\nOver the wire (uvicorn, one worker; wrk in turns):\n")
        print(wire_table(result["wire"]))
    missed = [t for t in result["targets"] if not t["met"]]
    for t in result["targets"]:
        print(
            f"{t['check']}: {t['value']:.3f}x (target {t['target']}) "
            f"{'met' if t['met'] else 'MISSED'}",
            file=sys.stderr,
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
