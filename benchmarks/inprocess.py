"""In-process ASGI benchmark: call each app directly, no sockets, no HTTP client.

Run from the repository root:  python -m benchmarks.inprocess --help

1. Equality check: every app must give the same status, content-type and
   parsed JSON body for each benchmarked request, and the same status (plus
   required headers) for a set of invalid requests. A (framework, endpoint)
   pair that fails is reported and left out of the timings; a failed invalid
   request is only reported (its error body is not compared anyway).
2. Timing: per repeat, per endpoint, each framework runs N sequential requests
   (after a one-off warm-up). Frameworks are interleaved inside every repeat,
   in rotated order, so machine noise hits all of them alike. Reported:
   the MEDIAN requests/second over the repeats; ratios to the baselines as
   the median of same-repeat ratios; "spread" = (max - min) / median req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import importlib
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.cases import Case, bench_cases, check_response, invalid_cases
from benchmarks.environment import versions_line
from benchmarks.stats import Runs, summarize

# --- Registry ---------------------------------------------------------------
# name -> "module" or "module:attr". The module must expose the ASGI app
# (`app`, or `attr`) and may expose `build_many_routes(n)`; without it the
# many-routes endpoint is skipped for that framework.
FRAMEWORKS: dict[str, str] = {
    "raw_asgi": "benchmarks.apps.raw_asgi",
    "starlette": "benchmarks.apps.starlette_app",
    "fastapi": "benchmarks.apps.fastapi_app",
    "litestar": "benchmarks.apps.litestar_app",
    "blacksheep": "benchmarks.apps.blacksheep_app",
    "falcon": "benchmarks.apps.falcon_app",
    "falcon_pydantic": "benchmarks.apps.falcon_pydantic_app",
    "pegboard_core": "benchmarks.apps.pegboard_core",
    "pegboard_all": "benchmarks.apps.pegboard_all",
}

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


# --- Requests ---------------------------------------------------------------
def make_scope(case: Case) -> Scope:
    headers = [(b"host", b"bench")]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in case.headers]
    if case.body:
        headers.append((b"content-length", str(len(case.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": "http",
        "path": case.path,
        "raw_path": case.path.encode(),
        "root_path": "",
        "query_string": case.query.encode(),
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }


class Exchange:
    """receive/send pair for one request; records the response."""

    __slots__ = ("_body", "_sent", "chunks", "headers", "status")

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._sent = False
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def receive(self) -> Message:
        if self._sent:
            # The request is fully read; like uvicorn after the response.
            return {"type": "http.disconnect"}
        self._sent = True
        return {"type": "http.request", "body": self._body, "more_body": False}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    def header(self, name: str) -> str | None:
        key = name.encode("latin-1")
        for k, v in self.headers:
            if k.lower() == key:
                return v.decode("latin-1")
        return None


# --- Apps -------------------------------------------------------------------
@dataclass
class Framework:
    name: str
    app: ASGIApp
    routes_app: ASGIApp | None
    # Lifespan state, copied into each request scope (as uvicorn does).
    state: dict[str, Any] = field(default_factory=dict)
    routes_state: dict[str, Any] = field(default_factory=dict)

    def target(self, case: Case) -> tuple[ASGIApp, dict[str, Any]] | None:
        if case.many_routes:
            return None if self.routes_app is None else (self.routes_app, self.routes_state)
        return self.app, self.state


def load(name: str, target: str, n_routes: int) -> Framework:
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    builder = getattr(module, "build_many_routes", None)
    return Framework(
        name=name,
        app=getattr(module, attr or "app"),
        routes_app=builder(n_routes) if builder else None,
    )


@contextlib.asynccontextmanager
async def lifespan(app: ASGIApp, state: dict[str, Any]) -> AsyncIterator[None]:
    """Run the ASGI lifespan protocol around the benchmark (startup hooks)."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}
    task = asyncio.ensure_future(app(scope, to_app.get, from_app.put))
    await to_app.put({"type": "lifespan.startup"})
    reply = asyncio.ensure_future(from_app.get())
    await asyncio.wait({task, reply}, return_when=asyncio.FIRST_COMPLETED)
    if not reply.done():
        # The app returned or raised without answering: lifespan unsupported,
        # which the ASGI spec allows. Carry on without it.
        reply.cancel()
        with contextlib.suppress(Exception):
            task.result()
        yield
        return
    if reply.result()["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"lifespan startup failed: {reply.result()}")
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        await from_app.get()
        await task


async def call(app: ASGIApp, state: dict[str, Any], case: Case) -> Exchange:
    scope = make_scope(case)
    scope["state"] = state.copy()
    exchange = Exchange(case.body)
    await app(scope, exchange.receive, exchange.send)
    return exchange


# --- Equality check -----------------------------------------------------------
async def check_all(
    frameworks: list[Framework], cases: list[Case], invalid: list[Case]
) -> dict[tuple[str, str], str]:
    """Print mismatches; return the problem of each (framework, case) pair that failed."""
    failed: dict[tuple[str, str], str] = {}
    for case in cases + invalid:
        for fw in frameworks:
            target = fw.target(case)
            if target is None:
                continue
            ex = await call(*target, case)
            problem = check_response(case, ex.status, ex.header, b"".join(ex.chunks))
            if problem:
                print(f"MISMATCH {fw.name:<14} {case.name:<28} {problem}", file=sys.stderr)
                failed[fw.name, case.name] = problem
    return failed


# --- Timing -----------------------------------------------------------------
async def run_batch(app: ASGIApp, state: dict[str, Any], case: Case, n: int) -> float:
    """Time n sequential requests; return seconds."""
    template = make_scope(case)
    body, expected = case.body, case.status
    start = time.perf_counter()
    for _ in range(n):
        # Fresh scope/state per request: frameworks write into both.
        scope = template.copy()
        scope["state"] = state.copy()
        exchange = Exchange(body)
        await app(scope, exchange.receive, exchange.send)
        if exchange.status != expected:
            raise RuntimeError(f"{case.name}: got {exchange.status}, expected {expected}")
    return time.perf_counter() - start


async def bench(
    frameworks: list[Framework],
    cases: list[Case],
    skip: set[tuple[str, str]],
    requests: int,
    repeats: int,
    warmup: int,
) -> Runs:
    def targets(case: Case) -> Iterable[tuple[Framework, ASGIApp, dict[str, Any]]]:
        for fw in frameworks:
            target = fw.target(case)
            if target is not None and (fw.name, case.name) not in skip:
                yield fw, *target

    for case in cases:
        for _, app, state in targets(case):
            await run_batch(app, state, case, warmup)

    results: Runs = {case.name: {} for case in cases}
    for rep in range(repeats):
        for case in cases:
            order = list(targets(case))
            # Rotate so no framework is always first (or last) after a GC.
            shift = rep % len(order) if order else 0
            for fw, app, state in order[shift:] + order[:shift]:
                gc.collect()  # don't bill the previous batch's garbage to this one
                seconds = await run_batch(app, state, case, requests)
                results[case.name].setdefault(fw.name, []).append(requests / seconds)
        print(f"in-process: repeat {rep + 1}/{repeats} done", file=sys.stderr)
    return results


# --- Running ------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    requests: int = 3000  # per timed batch
    repeats: int = 7
    warmup: int = 300
    routes: int = 100  # routes in the many-routes app
    frameworks: tuple[str, ...] = tuple(FRAMEWORKS)
    endpoints: tuple[str, ...] = ()  # empty: all
    loop: str = "asyncio"


async def measure(settings: Settings, check_only: bool = False) -> dict[str, Any]:
    """Check every app's responses, then (unless ``check_only``) time them.

    Returns the settings, the mismatches, the (framework, endpoint) pairs left out
    of the timings for a wrong response, and :func:`benchmarks.stats.summarize`'s
    figures.
    """
    names = list(settings.frameworks)
    unknown = [n for n in names if n not in FRAMEWORKS]
    if unknown:
        raise SystemExit(f"unknown frameworks: {unknown}; known: {list(FRAMEWORKS)}")
    frameworks = [load(n, FRAMEWORKS[n], settings.routes) for n in names]
    cases = bench_cases(settings.routes)
    if settings.endpoints:
        cases = [c for c in cases if c.name in settings.endpoints]

    async with contextlib.AsyncExitStack() as stack:
        for fw in frameworks:
            await stack.enter_async_context(lifespan(fw.app, fw.state))
            if fw.routes_app is not None:
                await stack.enter_async_context(lifespan(fw.routes_app, fw.routes_state))
        failed = await check_all(frameworks, cases, invalid_cases())
        print(
            f"in-process equality check: {len(failed)} mismatching (framework, request) pairs",
            file=sys.stderr,
        )
        bench_names = {c.name for c in cases}
        excluded = {(f, c) for f, c in failed if c in bench_names}
        result: dict[str, Any] = {
            "settings": dataclasses.asdict(settings),
            "frameworks": names,
            "mismatches": [
                {"framework": f, "request": c, "problem": p} for (f, c), p in failed.items()
            ],
            "excluded": sorted(f"{f}/{c}" for f, c in excluded),
            "wrong_on_invalid": sorted(f"{f}/{c}" for f, c in failed.keys() - excluded),
        }
        if check_only:
            return result
        runs = await bench(
            frameworks, cases, excluded, settings.requests, settings.repeats, settings.warmup
        )
    return {**result, **summarize(runs, names)}


def run(settings: Settings, check_only: bool = False) -> dict[str, Any]:
    """:func:`measure` on a fresh event loop of the kind the settings ask for."""
    if settings.loop == "uvloop":
        import uvloop

        return uvloop.run(measure(settings, check_only))
    return asyncio.run(measure(settings, check_only))


# --- CLI --------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("-n", "--requests", type=int, default=3000, help="requests per timed batch (%(default)s)")
    add("-r", "--repeats", type=int, default=7, help="timed repeats, median kept (%(default)s)")
    add("-w", "--warmup", type=int, default=300, help="warm-up requests per app (%(default)s)")
    add("--routes", type=int, default=100, help="routes in the many-routes app (%(default)s)")
    add("-f", "--frameworks", help=f"comma list (default: {','.join(FRAMEWORKS)})")
    add("-e", "--endpoints", help="comma list of endpoint names (default: all)")
    add("--loop", choices=["asyncio", "uvloop"], default="asyncio", help="(%(default)s)")
    add("--check-only", action="store_true", help="run the equality check only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.report import inprocess_table

    args = parse_args(argv)
    settings = Settings(
        requests=args.requests,
        repeats=args.repeats,
        warmup=args.warmup,
        routes=args.routes,
        frameworks=tuple(args.frameworks.split(",")) if args.frameworks else tuple(FRAMEWORKS),
        endpoints=tuple(args.endpoints.split(",")) if args.endpoints else (),
        loop=args.loop,
    )
    result = run(settings, check_only=args.check_only)
    if not args.check_only:
        runs = f"{args.requests} requests x {args.repeats} repeats (median)"
        print(f"\n{versions_line()}; loop={args.loop}; {runs}\n")
        print(inprocess_table(result))
    if result["excluded"]:
        print("\nExcluded (wrong response): " + ", ".join(result["excluded"]))
    if result["wrong_on_invalid"]:
        print("\nWrong status on invalid input: " + ", ".join(result["wrong_on_invalid"]))
    return 1 if result["excluded"] else 0


if __name__ == "__main__":
    sys.exit(main())
