"""`pegboard run --workers 2` with PROMETHEUS_MULTIPROC_DIR: one set of metrics for both workers."""

from __future__ import annotations

import http.client
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from benchmarks.server import Server, children, free_port

from .scraping import matching, parse, value

pytestmark = pytest.mark.slow

PEGBOARD = str(Path(sys.executable).with_name("pegboard"))

APP = textwrap.dedent(
    """
    import os

    from pegboard import App
    from pegboard_prometheus import prometheus

    app = App(plugins=[prometheus()])


    @app.get("/pid/{n}")
    async def pid(n: str):
        return {"pid": os.getpid()}
    """
)


def get(port: int, path: str) -> tuple[int, bytes]:
    # A new connection each time, so the kernel hands requests to either worker.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"connection": "close"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("server_name", ["uvicorn", "granian"])
def test_counts_from_both_workers_add_up(tmp_path: Path, server_name: str):
    pytest.importorskip(server_name)
    (tmp_path / "main.py").write_text(APP)
    directory = tmp_path / "metrics"
    directory.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONUNBUFFERED": "1"}
    port = free_port()
    argv = [PEGBOARD, "run", "main.py", "--workers", "2", "--port", str(port)]
    argv += ["--server", server_name]
    with Server(argv, port, name="pegboard run --workers 2", cwd=tmp_path, env=env) as server:
        deadline = time.monotonic() + 60
        while len(children(server.pid)) < 2:
            assert time.monotonic() < deadline, server.log_tail()
            time.sleep(0.2)
        per_worker: dict[int, int] = {}
        sent = 0
        while len(per_worker) < 2 or sent < 40:
            assert time.monotonic() < deadline, f"one worker answered everything: {per_worker}"
            status, body = get(port, f"/pid/{sent}")
            assert status == 200
            pid = int(body.split(b'"pid":')[1].rstrip(b"}"))
            per_worker[pid] = per_worker.get(pid, 0) + 1
            sent += 1
        assert set(per_worker) <= set(children(server.pid))
        labels = {"method": "GET", "route": "/pid/{n}", "status": "200"}

        def scrape() -> dict[str, float | None]:
            status, text = get(port, "/metrics")
            assert status == 200
            samples = parse(text.decode())
            return {
                "count": value(samples, "pegboard_requests_total", **labels),
                "timed": value(samples, "pegboard_request_duration_seconds_count", **labels),
            }

        # A worker counts a request just after sending its response: wait for the last.
        while scrape() != {"count": sent, "timed": sent}:
            assert time.monotonic() < deadline, scrape()
            time.sleep(0.1)
        # The sum of both workers' requests, whichever worker answers each scrape.
        for _ in range(10):
            assert scrape() == {"count": sent, "timed": sent}
        status, text = get(port, "/metrics")
        samples = parse(text.decode())
        gauges = matching(samples, "pegboard_requests_in_progress", route="/pid/{n}")
        assert set(gauges.values()) == {0.0}
        workers = set(children(server.pid))
        live = {p.name for p in directory.glob("gauge_livesum_*.db")}
        assert {f"gauge_livesum_{pid}.db" for pid in per_worker} <= live
        assert server.stop() == 0
    # Each worker marked itself dead on the way out: its in-progress gauge file is gone.
    left = {p.name for p in directory.glob("gauge_livesum_*.db")}
    assert not {f"gauge_livesum_{pid}.db" for pid in workers} & left, left
