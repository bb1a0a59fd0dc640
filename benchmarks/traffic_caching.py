"""What a cache hit and compression cost, in process, side by side (issue 19).

Run from the repository root:  python -m benchmarks.traffic_caching --help
(``--wire`` adds the same comparison over HTTP: uvicorn and wrk, see
:mod:`benchmarks.wire_routes`.)

One app serves the same handlers several ways: plain, cached (a warm memory store;
a Redis store too when ``redis-server`` is installed, started here on a free port
and stopped by PID), and compressed. Per repeat every variant runs N sequential
requests, in rotated order, and the report gives the median req/s and the median of
same-repeat ratios to the plain route. The issue's target: a cache hit (memory
store) costs at most 15% over the same route without the option (ratio >= 0.87).

Two handlers: ``tiny`` returns ``{"message": "hello"}`` (the worst case for a cache,
whose hit then saves nothing), ``page`` builds a 4 KB JSON list (a handler with some
work, and a body worth compressing).
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
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from benchmarks.environment import versions_line
from benchmarks.inprocess import Exchange, lifespan
from benchmarks.server import redis_server
from pegboard import App
from pegboard_caching import caching
from pegboard_compression import compression
from pegboard_stores import RedisStore, Store

RESULTS = Path(__file__).parent / "results"

#: The target of issue 19: a cache hit adds at most 15% over the plain route.
TARGET_RATIO = 1 / 1.15

Variant = tuple[str, str, list[tuple[bytes, bytes]]]  # name, path, request headers


def build(store: Store | None) -> App:
    """The app: every handler plain, cached, and compressed (build time)."""
    app = App(plugins=[caching(store=store), compression()], compress=False)

    async def tiny() -> dict[str, str]:
        return {"message": "hello"}

    async def page() -> dict[str, Any]:
        return {"rows": [{"id": n, "name": f"row {n}", "tags": ["a", "b"]} for n in range(100)]}

    for name, handler in (("tiny", tiny), ("page", page)):
        app.add_api_route(f"/{name}/plain", handler, name=f"{name}_plain")
        app.add_api_route(f"/{name}/cached", handler, name=f"{name}_cached", cache=3600)
        app.add_api_route(f"/{name}/gzip", handler, name=f"{name}_gzip", compress=True)
        app.add_api_route(
            f"/{name}/cached-gzip", handler, name=f"{name}_cg", cache=3600, compress=True
        )
    return app


def variants(handler: str, redis: bool) -> list[Variant]:
    gzip_only = [(b"accept-encoding", b"gzip")]
    found: list[Variant] = [
        ("plain", f"/{handler}/plain", []),
        ("cache hit (memory)", f"/{handler}/cached", []),
        ("compressed (gzip)", f"/{handler}/gzip", gzip_only),
        ("cache hit, gzip (memory)", f"/{handler}/cached-gzip", gzip_only),
    ]
    if redis:
        found.append(("cache hit (redis)", f"/{handler}/cached", []))
    return found


def scope_for(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }


async def run_batch(
    app: Any, state: dict[str, Any], variant: Variant, n: int
) -> tuple[float, float]:
    """Time ``n`` sequential requests: (wall seconds, CPU seconds of this process)."""
    template = scope_for(variant[1], variant[2])
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        scope = template.copy()
        scope["state"] = state.copy()
        exchange = Exchange(b"")
        await app(scope, exchange.receive, exchange.send)
        if exchange.status != 200:
            raise RuntimeError(f"{variant[1]}: got {exchange.status}")
    return time.perf_counter() - start, time.process_time() - cpu


async def check(app: Any, state: dict[str, Any], variant: Variant) -> str:
    """One request after warming: what it answered, to show the variant is what it says."""
    exchange = Exchange(b"")
    scope = scope_for(variant[1], variant[2])
    scope["state"] = dict(state)
    await app(scope, exchange.receive, exchange.send)
    parts = [f"{len(b''.join(exchange.chunks))} B"]
    if exchange.header("age") is not None:
        parts.append("from cache")
    if exchange.header("content-encoding"):
        parts.append(str(exchange.header("content-encoding")))
    return ", ".join(parts)


@contextlib.asynccontextmanager
async def started(app: App) -> AsyncIterator[dict[str, Any]]:
    state: dict[str, Any] = {}
    async with lifespan(app, state):
        yield state


async def measure(requests: int, repeats: int, warmup: int) -> dict[str, Any]:
    with redis_server() as redis_url:
        memory_app = build(None)
        redis_app = build(RedisStore(redis_url)) if redis_url else None
        results: dict[str, Any] = {}
        async with started(memory_app) as state, contextlib.AsyncExitStack() as stack:
            redis_state = await stack.enter_async_context(started(redis_app)) if redis_app else {}

            def target(name: str) -> tuple[Any, dict[str, Any]]:
                if name.endswith("(redis)"):
                    return redis_app, redis_state
                return memory_app, state

            for handler in ("tiny", "page"):
                chosen = variants(handler, redis_app is not None)
                answers = {}
                for variant in chosen:
                    app, st = target(variant[0])
                    await run_batch(app, st, variant, warmup)  # fills the caches too
                    answers[variant[0]] = await check(app, st, variant)
                runs: dict[str, list[float]] = {v[0]: [] for v in chosen}
                cpu_runs: dict[str, list[float]] = {v[0]: [] for v in chosen}
                for rep in range(repeats):
                    shift = rep % len(chosen)
                    for variant in chosen[shift:] + chosen[:shift]:
                        gc.collect()
                        wall, cpu = await run_batch(*target(variant[0]), variant, requests)
                        runs[variant[0]].append(requests / wall)
                        cpu_runs[variant[0]].append(requests / cpu)
                    print(f"{handler}: repeat {rep + 1}/{repeats} done", file=sys.stderr)
                plain, plain_cpu = runs["plain"], cpu_runs["plain"]
                results[handler] = {
                    name: {
                        "rps": statistics.median(values),
                        "us_per_request": 1e6 / statistics.median(values),
                        "cpu_us_per_request": 1e6 / statistics.median(cpu_runs[name]),
                        "vs_plain": statistics.median(
                            v / p for v, p in zip(values, plain, strict=True)
                        ),
                        "cpu_vs_plain": statistics.median(
                            v / p for v, p in zip(cpu_runs[name], plain_cpu, strict=True)
                        ),
                        "answer": answers[name],
                        "runs": values,
                        "cpu_runs": cpu_runs[name],
                    }
                    for name, values in runs.items()
                }
    return {
        "settings": {"requests": requests, "repeats": repeats, "warmup": warmup},
        "redis": redis_url is not None,
        "versions": versions_line(),
        "results": results,
    }


def report(measured: dict[str, Any]) -> str:
    lines = [
        "# Caching and compression, in process",
        "",
        f"{measured['versions']}. {measured['settings']['repeats']} repeats of "
        f"{measured['settings']['requests']} requests per variant; ratio = median of "
        "same-repeat ratios of throughput to the plain route's (> 1 is faster), by wall "
        "time and by this process's CPU time. The machine is shared: compare ratios, not "
        "req/s; the target is judged on CPU time, which other jobs disturb least (a "
        "Redis hit waits for the network: read its wall ratio).",
        "",
    ]
    for handler, rows in measured["results"].items():
        lines += [
            f"## `{handler}`",
            "",
            "| variant | req/s | µs/request | CPU µs/request | vs plain | vs plain (CPU) "
            "| answer |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, row in rows.items():
            lines.append(
                f"| {name} | {row['rps']:,.0f} | {row['us_per_request']:.1f} | "
                f"{row['cpu_us_per_request']:.1f} | {row['vs_plain']:.2f} | "
                f"{row['cpu_vs_plain']:.2f} | {row['answer']} |"
            )
        hit = rows["cache hit (memory)"]["cpu_vs_plain"]
        verdict = "met" if hit >= TARGET_RATIO else "MISSED"
        lines += [
            "",
            f"Target (cache hit >= {TARGET_RATIO:.2f}x plain, CPU): {hit:.2f}, {verdict}.",
            "",
        ]
    if not measured["redis"]:
        lines.append("redis-server is not installed here: no Redis figures.")
    return "\n".join(lines)


def measure_wire(duration: float, repeats: int) -> dict[str, Any]:
    """The cached routes against the plain ones, on one uvicorn server (memory store)."""
    from benchmarks.wire_routes import measure_routes

    return measure_routes(
        "benchmarks.apps.pegboard_caching",
        {
            "tiny": ("/tiny/plain", ()),
            "tiny_cached": ("/tiny/cached", ()),
            "page": ("/page/plain", ()),
            "page_cached": ("/page/cached", ()),
        },
        {"tiny_cached": "tiny", "page_cached": "page"},
        duration=duration,
        repeats=repeats,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="per timed batch")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="a short run (a smoke test)")
    parser.add_argument(
        "--save",
        action="store_true",
        help="write results/traffic-caching.{md,json} (the published figures)",
    )
    parser.add_argument("--wire", action="store_true", help="also over HTTP: uvicorn + wrk")
    parser.add_argument("--wire-duration", type=float, default=2.0, help="seconds of wrk per turn")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.repeats, args.warmup = 200, 2, 20
    measured = asyncio.run(measure(args.requests, args.repeats, args.warmup))
    text = report(measured)
    if args.wire:
        from benchmarks.wire_routes import table

        measured["wire"] = measure_wire(args.wire_duration, max(3, args.repeats // 2))
        text += (
            "\n\n## Over the wire\n\nuvicorn, one worker, wrk on each route in turn; "
            "ratios of time per request (from req/s) and of the server's CPU time per "
            "request to the uncached route (< 1: the cached route is cheaper).\n\n"
            + table(measured["wire"])
        )
    print(text)
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "traffic-caching.md").write_text(text + "\n")
        (RESULTS / "traffic-caching.json").write_text(json.dumps(measured, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
