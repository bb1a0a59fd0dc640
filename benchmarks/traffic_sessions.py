"""What a session and a CSRF check cost, in process, side by side (issue 19).

Run from the repository root:  python -m benchmarks.traffic_sessions --help

One app serves the same tiny handler plain and with a ``Session`` parameter (an
existing session: the cookie is verified and the data read from the store), with
sliding and absolute expiry (within a tenth of max_age of the last write both only
read; sliding renews later), on a
memory store, and on Redis too when ``redis-server`` is installed (started here on a
free port, stopped by PID). A POST route is measured plain and CSRF-checked (token
in the header). Per repeat every variant runs N sequential requests in rotated
order; the report gives the median req/s and the median of same-repeat ratios to the
plain route of the same method. Nothing is asserted: sessions do I/O by nature.
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
from typing import Any, Literal

from benchmarks.environment import versions_line
from benchmarks.inprocess import Exchange, lifespan
from benchmarks.server import redis_server
from pegboard import App
from pegboard_csrf import csrf, csrf_token
from pegboard_sessions import Session, sessions
from pegboard_stores import RedisStore, Store

KEY = "benchmark-only-secret-key-" + "x" * 32

# name, app key, method, path, whether the request carries the session cookie and token
Variant = tuple[str, str, str, str, bool]


def build(store: Store | None, expiry: Literal["sliding", "absolute"]) -> App:
    """The app: one handler plain and with a session, a POST plain and CSRF-checked."""
    app = App(plugins=[sessions(KEY, store=store, expiry=expiry), csrf()])

    async def plain() -> dict[str, str]:
        return {"message": "hello"}

    async def with_session(session: Session) -> dict[str, str]:
        return {"message": str(session.get("user", ""))}

    async def login(session: Session) -> dict[str, str]:
        session["user"] = "ada"
        return {"token": csrf_token(session)}

    app.add_api_route("/plain", plain)
    app.add_api_route("/session", with_session)
    app.add_api_route("/login", login)
    app.add_api_route("/post/plain", plain, methods=["POST"], csrf=False)
    app.add_api_route("/post/csrf", plain, methods=["POST"])
    return app


def scope_for(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 443),
    }


class Target:
    """An app, its lifespan state, and the cookie and token of one logged-in client."""

    def __init__(self, app: App, state: dict[str, Any]) -> None:
        self.app, self.state = app, state
        self.headers: list[tuple[bytes, bytes]] = []

    async def login(self) -> None:
        exchange = Exchange(b"")
        await self.app(scope_for("GET", "/login", []), exchange.receive, exchange.send)
        cookie = (exchange.header("set-cookie") or "").partition(";")[0]
        token = json.loads(b"".join(exchange.chunks))["token"]
        self.headers = [(b"cookie", cookie.encode()), (b"x-csrf-token", token.encode())]

    async def batch(self, method: str, path: str, n: int) -> float:
        template = scope_for(method, path, self.headers)
        start = time.perf_counter()
        for _ in range(n):
            scope = template.copy()
            scope["state"] = self.state.copy()
            exchange = Exchange(b"")
            await self.app(scope, exchange.receive, exchange.send)
            if exchange.status != 200:
                raise RuntimeError(f"{method} {path}: got {exchange.status}")
        return time.perf_counter() - start


@contextlib.asynccontextmanager
async def started(app: App) -> AsyncIterator[Target]:
    state: dict[str, Any] = {}
    async with lifespan(app, state):
        target = Target(app, state)
        await target.login()
        yield target


def variants(redis: bool) -> list[Variant]:
    found: list[Variant] = [
        ("GET plain", "sliding", "GET", "/plain", False),
        ("GET session, sliding (memory)", "sliding", "GET", "/session", True),
        ("GET session, absolute (memory)", "absolute", "GET", "/session", True),
        ("POST plain", "sliding", "POST", "/post/plain", False),
        ("POST csrf-checked (memory)", "absolute", "POST", "/post/csrf", True),
    ]
    if redis:
        found += [
            ("GET session, sliding (redis)", "redis-sliding", "GET", "/session", True),
            ("GET session, absolute (redis)", "redis-absolute", "GET", "/session", True),
        ]
    return found


async def measure(requests: int, repeats: int, warmup: int) -> dict[str, Any]:
    with redis_server() as redis_url:
        apps = {"sliding": build(None, "sliding"), "absolute": build(None, "absolute")}
        if redis_url:
            apps["redis-sliding"] = build(RedisStore(redis_url), "sliding")
            apps["redis-absolute"] = build(RedisStore(redis_url, prefix="b:"), "absolute")
        async with contextlib.AsyncExitStack() as stack:
            targets = {k: await stack.enter_async_context(started(a)) for k, a in apps.items()}
            chosen = variants(redis_url is not None)
            for _, key, method, path, _ in chosen:
                await targets[key].batch(method, path, warmup)
            runs: dict[str, list[float]] = {v[0]: [] for v in chosen}
            for rep in range(repeats):
                shift = rep % len(chosen)
                for name, key, method, path, _ in chosen[shift:] + chosen[:shift]:
                    gc.collect()
                    runs[name].append(requests / await targets[key].batch(method, path, requests))
                print(f"repeat {rep + 1}/{repeats} done", file=sys.stderr)
    results: dict[str, Any] = {}
    for name, _, method, _, _ in chosen:
        base = runs[f"{method} plain"]
        values = runs[name]
        results[name] = {
            "rps": statistics.median(values),
            "us_per_request": 1e6 / statistics.median(values),
            "vs_plain": statistics.median(v / p for v, p in zip(values, base, strict=True)),
        }
    return results


def report(results: dict[str, Any], requests: int, repeats: int) -> str:
    lines = [
        "# Sessions and CSRF, in process",
        "",
        versions_line(),
        f"{requests} sequential requests x {repeats} repeats per variant; medians.",
        "",
        "| variant | req/s | us/request | vs plain (same method) |",
        "|---|---:|---:|---:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['rps']:,.0f} | {row['us_per_request']:.1f} | {row['vs_plain']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.traffic_sessions")
    parser.add_argument("--requests", type=int, default=2000, help="per variant and repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = asyncio.run(measure(args.requests, args.repeats, args.warmup))
    print(
        json.dumps(results, indent=2) if args.json else report(results, args.requests, args.repeats)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
