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
import gc
import importlib
import json
import math
import platform
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# --- Registry ---------------------------------------------------------------
# name -> "module" or "module:attr". The module must expose the ASGI app
# (`app`, or `attr`) and may expose `build_many_routes(n)`; without it the
# many-routes endpoint is skipped for that framework. Add pegboard here.
FRAMEWORKS: dict[str, str] = {
    "raw_asgi": "benchmarks.apps.raw_asgi",
    "starlette": "benchmarks.apps.starlette_app",
    "fastapi": "benchmarks.apps.fastapi_app",
    "litestar": "benchmarks.apps.litestar_app",
}
# Ratios are computed against these (when present in the run).
BASELINES = ("starlette", "fastapi")
# Distributions whose versions are printed with the results.
VERSIONED = ("starlette", "fastapi", "litestar", "pydantic", "pydantic-core", "msgspec")

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


# --- Requests ---------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One request and what every framework must answer to it."""

    name: str
    method: str
    path: str
    status: int
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # Expected JSON body; None means "status (and expect_headers) only".
    expect: Any = None
    expect_headers: tuple[tuple[str, str], ...] = ()
    many_routes: bool = False  # served by build_many_routes(n) instead of app


ITEM = {
    "name": "widget",
    "price": 9.5,
    "tags": ["a", "b"],
    "owner": {"name": "bob", "email": "bob@example.com"},
    "internal_note": "from-client",  # accepted on input, must not be echoed
}
ITEM_OUT = {k: v for k, v in ITEM.items() if k != "internal_note"}
JSON_CT = (("content-type", "application/json"),)
BEARER = (("www-authenticate", "Bearer"),)


def get(name: str, path: str, status: int = 200, **kwargs: Any) -> Case:
    return Case(name, "GET", path, status, **kwargs)


def post_json(name: str, data: object, status: int, **kwargs: Any) -> Case:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return Case(name, "POST", "/items", status, body=body, headers=JSON_CT, **kwargs)


def auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", token),)


def bench_cases(n_routes: int) -> list[Case]:
    last = n_routes - 1  # worst case for routers that scan linearly
    return [
        get("plain", "/plain", expect={"message": "hello"}),
        get(
            "items_get",
            "/items/42",
            query="q=foo&limit=5",
            expect={"id": 42, "q": "foo", "limit": 5},
        ),
        post_json("items_post", ITEM, 201, expect=ITEM_OUT),
        get(
            "deps",
            "/deps",
            headers=(("x-a", "a"), ("x-b", "b")),
            expect={"a": "a", "b": "b", "combined": "a-b"},
        ),
        get("secure", "/secure", headers=auth("Bearer secret-token"), expect={"user": "alice"}),
        get(
            f"routes{n_routes}_last",
            f"/r{last}/42",
            many_routes=True,
            expect={"route": last, "id": 42},
        ),
    ]


def invalid_cases() -> list[Case]:
    no_owner = {k: v for k, v in ITEM.items() if k != "owner"}
    return [
        get("items_get id=0", "/items/0", 422),
        get("items_get id=abc", "/items/abc", 422),
        get("items_get limit=0", "/items/1", 422, query="limit=0"),
        get("items_get limit=101", "/items/1", 422, query="limit=101"),
        get("items_get limit=x", "/items/1", 422, query="limit=x"),
        get("items_get defaults", "/items/7", expect={"id": 7, "q": None, "limit": 10}),
        post_json("items_post long name", {**ITEM, "name": "x" * 51}, 422),
        post_json("items_post price=0", {**ITEM, "price": 0}, 422),
        post_json("items_post no owner", no_owner, 422),
        post_json("items_post email=3", {**ITEM, "owner": {"name": "b", "email": 3}}, 422),
        post_json("items_post malformed JSON", b"{not json", 422),
        get("deps missing x-b", "/deps", 422, headers=(("x-a", "a"),)),
        get("secure no header", "/secure", 401, expect_headers=BEARER),
        get("secure wrong token", "/secure", 401, headers=auth("Bearer no"), expect_headers=BEARER),
        get(
            "secure basic",
            "/secure",
            401,
            headers=auth("Basic secret-token"),
            expect_headers=BEARER,
        ),
    ]


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
def check_response(case: Case, ex: Exchange) -> str | None:
    """Return a description of the mismatch, or None if the response is right."""
    if ex.status != case.status:
        return f"status {ex.status} != {case.status}"
    for name, value in case.expect_headers:
        if ex.header(name) != value:
            return f"header {name}: {ex.header(name)!r} != {value!r}"
    if case.expect is None:
        return None
    if ex.header("content-type") != "application/json":
        return f"content-type {ex.header('content-type')!r}"
    try:
        body = json.loads(b"".join(ex.chunks))
    except ValueError:
        return f"body is not JSON: {b''.join(ex.chunks)[:80]!r}"
    if body != case.expect:
        return f"body {body!r} != {case.expect!r}"
    return None


async def check_all(
    frameworks: list[Framework], cases: list[Case], invalid: list[Case]
) -> set[tuple[str, str]]:
    """Print mismatches; return the (framework, case) pairs that failed."""
    failed: set[tuple[str, str]] = set()
    for case in cases + invalid:
        for fw in frameworks:
            target = fw.target(case)
            if target is None:
                continue
            problem = check_response(case, await call(*target, case))
            if problem:
                print(f"MISMATCH {fw.name:<12} {case.name:<28} {problem}", file=sys.stderr)
                failed.add((fw.name, case.name))
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


Results = dict[str, dict[str, list[float]]]  # case -> framework -> req/s per repeat


async def bench(
    frameworks: list[Framework],
    cases: list[Case],
    skip: set[tuple[str, str]],
    requests: int,
    repeats: int,
    warmup: int,
) -> Results:
    def targets(case: Case) -> Iterable[tuple[Framework, ASGIApp, dict[str, Any]]]:
        for fw in frameworks:
            target = fw.target(case)
            if target is not None and (fw.name, case.name) not in skip:
                yield fw, *target

    for case in cases:
        for _, app, state in targets(case):
            await run_batch(app, state, case, warmup)

    results: Results = {case.name: {} for case in cases}
    for rep in range(repeats):
        for case in cases:
            order = list(targets(case))
            # Rotate so no framework is always first (or last) after a GC.
            shift = rep % len(order) if order else 0
            for fw, app, state in order[shift:] + order[:shift]:
                gc.collect()  # don't bill the previous batch's garbage to this one
                seconds = await run_batch(app, state, case, requests)
                results[case.name].setdefault(fw.name, []).append(requests / seconds)
        print(f"repeat {rep + 1}/{repeats} done", file=sys.stderr)
    return results


# --- Report -----------------------------------------------------------------
def paired_ratio(runs: list[float], base_runs: list[float]) -> float:
    """Median over repeats of the same-repeat ratio.

    Both batches of a repeat ran back to back, so a slow spell on the machine
    mostly cancels out; the ratio is steadier than a ratio of medians.
    """
    return statistics.median(r / b for r, b in zip(runs, base_runs, strict=True))


def geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(v) for v in values))


def render(results: Results, names: list[str]) -> str:
    bases = [b for b in BASELINES if b in names]
    head = ["endpoint", "framework", "req/s (median)", "µs/req"]
    head += [f"vs {b}" for b in bases] + ["spread"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios: dict[tuple[str, str], list[float]] = {(n, b): [] for n in names for b in bases}
    for case, by_fw in results.items():
        for fw in (n for n in names if n in by_fw):
            runs = by_fw[fw]
            rps = statistics.median(runs)
            row = [case, fw, f"{rps:,.0f}", f"{1e6 / rps:.1f}"]
            for b in bases:
                if b not in by_fw:
                    row.append("-")
                    continue
                r = paired_ratio(runs, by_fw[b])
                ratios[fw, b].append(r)
                row.append(f"{r:.2f}x")
            row.append(f"{(max(runs) - min(runs)) / rps:.0%}")
            lines.append("| " + " | ".join(row) + " |")

    # One number per framework: geometric mean of its per-endpoint ratios.
    if bases:
        lines += ["", "| framework | " + " | ".join(f"geomean vs {b}" for b in bases) + " |"]
        lines.append("|" + "---|" * (len(bases) + 1))
        for fw in names:
            cells = [f"{geomean(ratios[fw, b]):.2f}x" if ratios[fw, b] else "-" for b in bases]
            lines.append(f"| {fw} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def versions() -> str:
    found = []
    for dist in VERSIONED:
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{dist} {version(dist)}")
    return f"Python {platform.python_version()}; " + ", ".join(found)


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


async def amain(args: argparse.Namespace) -> int:
    names = args.frameworks.split(",") if args.frameworks else list(FRAMEWORKS)
    unknown = [n for n in names if n not in FRAMEWORKS]
    if unknown:
        print(f"unknown frameworks: {unknown}; known: {list(FRAMEWORKS)}", file=sys.stderr)
        return 2
    frameworks = [load(n, FRAMEWORKS[n], args.routes) for n in names]
    cases = bench_cases(args.routes)
    if args.endpoints:
        wanted = set(args.endpoints.split(","))
        cases = [c for c in cases if c.name in wanted]

    async with contextlib.AsyncExitStack() as stack:
        for fw in frameworks:
            await stack.enter_async_context(lifespan(fw.app, fw.state))
            if fw.routes_app is not None:
                await stack.enter_async_context(lifespan(fw.routes_app, fw.routes_state))

        invalid = invalid_cases()
        failed = await check_all(frameworks, cases, invalid)
        print(
            f"equality check: {len(failed)} mismatching (framework, request) pairs", file=sys.stderr
        )
        bench_names = {c.name for c in cases}
        excluded = {(f, c) for f, c in failed if c in bench_names}
        if args.check_only:
            return 1 if excluded else 0
        results = await bench(frameworks, cases, excluded, args.requests, args.repeats, args.warmup)

    runs = f"{args.requests} requests x {args.repeats} repeats (median)"
    print(f"\n{versions()}; loop={args.loop}; {runs}\n")
    print(render(results, names))
    if excluded:
        print("\nExcluded (wrong response): " + ", ".join(f"{f}/{c}" for f, c in sorted(excluded)))
    if warned := sorted(failed - excluded):
        print("\nWrong status on invalid input: " + ", ".join(f"{f}/{c}" for f, c in warned))
    return 1 if excluded else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.loop == "uvloop":
        import uvloop

        return uvloop.run(amain(args))
    return asyncio.run(amain(args))


if __name__ == "__main__":
    sys.exit(main())
