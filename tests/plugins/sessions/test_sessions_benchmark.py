"""benchmarks/traffic_sessions.py runs: every variant answers 200 as measured."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks import traffic_sessions


@pytest.mark.slow
def test_the_benchmark_runs_every_variant() -> None:
    results = asyncio.run(traffic_sessions.measure(requests=20, repeats=1, warmup=5))
    names = {v[0] for v in traffic_sessions.variants(redis=False)}
    assert names <= set(results)
    assert results["GET plain"]["vs_plain"] == 1.0
    text = traffic_sessions.report(results, 20, 1)
    assert "| POST csrf-checked (memory) |" in text


def test_the_benchmarked_routes_do_what_they_say() -> None:
    async def run() -> tuple[int, int]:
        app = traffic_sessions.build(None, "absolute")
        async with traffic_sessions.started(app) as target:
            await target.batch("POST", "/post/csrf", 1)  # with the cookie and token: 200
            target.headers = [h for h in target.headers if h[0] != b"x-csrf-token"]
            try:
                await target.batch("POST", "/post/csrf", 1)
            except RuntimeError as exc:
                return 200, int(str(exc).rpartition(" ")[2])
        return 200, 200

    assert asyncio.run(run()) == (200, 403)
