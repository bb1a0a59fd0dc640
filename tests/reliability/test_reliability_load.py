"""The short load run CI does: ``python -m benchmarks.load --duration 5 --warmup 2``,
under uvicorn and under granian (``--server granian``).

The full run (60 s, the figures in the report of issue 10) is the manual command
``python -m benchmarks.load``. Both serve the showcase with ``pegboard run
--workers 2`` and load it with wrk at 64 connections; the run fails on any socket
error, any 5xx, or resident memory growing past the tolerance after the warm-up.
"""

from __future__ import annotations

import os
import shutil

import pytest

from benchmarks import load

from .report import record_count

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def needs_wrk() -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("CI"):
            pytest.fail("wrk is not installed (.ci/run installs it)")
        pytest.skip("wrk is not installed")


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_the_showcase_keeps_serving_under_load(server: str):
    pytest.importorskip(server)
    result = load.run(load.Settings(duration=5, warmup=2, server=server))
    print(result.summary())
    label = f"load, {server}, 5 s"
    record_count(f"{label}: requests", result.requests)
    record_count(f"{label}: req/s", round(result.rps))
    record_count(f"{label}: p99 (us)", round(result.p99_ms * 1000))
    record_count(f"{label}: RSS growth after warm-up (KiB)", round(result.rss_growth_mib * 1024))
    assert result.failures == []
    assert sum(result.socket_errors.values()) == 0
    assert result.statuses.get("5xx", 0) == 0
    # Every third request of the mix is refused (401, 404, 422 twice): the mix was sent.
    assert result.statuses["4xx"] == pytest.approx(result.requests / 3, rel=0.05)
    assert result.processes >= 3  # the supervisor and two workers
