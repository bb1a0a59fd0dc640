"""Python calls per request: a cProfile of each endpoint, in process.

    python -m benchmarks.profile [-n 500] [-f pegboard_core,pegboard_all,raw_asgi]

Each app's lifespan starts, every endpoint gets a warm-up, then ``n`` requests run
under :mod:`cProfile` and the profile's call count (Python functions and builtins) is
divided by ``n``. The harness's own ``receive``/``send`` are counted too, as they
would be under a server; raw ASGI is the floor to read the others against. The
count is deterministic, so unlike req/s it compares across runs and machines: it is
how a change to the request path shows up before it shows up in the timings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import pstats
import sys
from dataclasses import dataclass
from typing import Any

from benchmarks.cases import Case, bench_cases
from benchmarks.inprocess import FRAMEWORKS, Exchange, lifespan, load, make_scope


@dataclass(frozen=True)
class Settings:
    requests: int = 500
    routes: int = 100
    frameworks: tuple[str, ...] = ("raw_asgi", "pegboard_core", "pegboard_all")


async def _requests(app: Any, state: dict[str, Any], case: Case, n: int) -> None:
    template = make_scope(case)
    for _ in range(n):
        scope = template.copy()
        scope["state"] = state.copy()
        exchange = Exchange(case.body)
        await app(scope, exchange.receive, exchange.send)
        if exchange.status != case.status:
            raise RuntimeError(f"{case.name}: got {exchange.status}, expected {case.status}")


async def _count(app: Any, state: dict[str, Any], case: Case, n: int) -> float:
    await _requests(app, state, case, 20)  # warm-up: caches and lazy builds
    profiler = cProfile.Profile()
    profiler.enable()
    await _requests(app, state, case, n)
    profiler.disable()
    stats = pstats.Stats(profiler)
    return stats.total_calls / n  # type: ignore[attr-defined]


async def measure_async(settings: Settings) -> dict[str, Any]:
    frameworks = [load(name, FRAMEWORKS[name], settings.routes) for name in settings.frameworks]
    cases = bench_cases(settings.routes)
    calls: dict[str, dict[str, float]] = {case.name: {} for case in cases}
    async with contextlib.AsyncExitStack() as stack:
        for fw in frameworks:
            await stack.enter_async_context(lifespan(fw.app, fw.state))
            if fw.routes_app is not None:
                await stack.enter_async_context(lifespan(fw.routes_app, fw.routes_state))
        for case in cases:
            for fw in frameworks:
                target = fw.target(case)
                if target is not None:
                    calls[case.name][fw.name] = await _count(*target, case, settings.requests)
    return {
        "settings": dataclasses.asdict(settings),
        "frameworks": list(settings.frameworks),
        "calls_per_request": calls,
    }


def measure(settings: Settings) -> dict[str, Any]:
    return asyncio.run(measure_async(settings))


def main(argv: list[str] | None = None) -> int:
    from benchmarks.report import profile_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--requests", type=int, default=500, help="(%(default)s)")
    parser.add_argument("-f", "--frameworks", help="comma list (default: raw ASGI and pegboard)")
    args = parser.parse_args(argv)
    settings = Settings(requests=args.requests)
    if args.frameworks:
        settings = dataclasses.replace(settings, frameworks=tuple(args.frameworks.split(",")))
    print(profile_table(measure(settings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
