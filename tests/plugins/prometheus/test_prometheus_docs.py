"""The Prometheus page: every sample runs and does what docs/plugins/prometheus.md says."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from prometheus_client import CollectorRegistry
from starlette.testclient import TestClient

from benchmarks.server import free_port

from .scraping import matching, parse, value

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/prometheus.md"
SAMPLES = ROOT / "docs/src/prometheus"

Load = Callable[[str], ModuleType]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> CollectorRegistry:
    """A fresh default registry for the samples, which use prometheus_client's."""
    fresh = CollectorRegistry()
    monkeypatch.setattr("pegboard_prometheus.plugin.REGISTRY", fresh)
    return fresh


def included() -> list[str]:
    return re.findall(r'--8<-- "([^"]+)"', PAGE.read_text())


def test_page_and_samples_stay_in_step():
    samples = included()
    this_file = Path(__file__).read_text()
    for sample in samples:
        assert (ROOT / sample).is_file(), sample
    for path in sorted(SAMPLES.glob("*.py")):
        relative = str(path.relative_to(ROOT))
        assert relative in samples, f"{relative} is on no page"
        assert relative in this_file, f"{relative} is not exercised here"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", PAGE.read_text(), flags=re.S):
        assert block.strip().startswith("--8<--"), f"inline Python {block[:60]!r}"


def test_enabling_it(load_sample: Load, registry: CollectorRegistry):
    mod = load_sample("docs/src/prometheus/app.py")
    with TestClient(mod.app) as client:
        for target in ["/items/1", "/items/2", "/items/0", "/health"]:
            client.get(target)
        text = client.get("/metrics").text
    # The page's excerpt, line by line, except the timings.
    block = PAGE.read_text().split("```text\n", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        assert line in text.splitlines(), line
    samples = parse(text)
    assert matching(samples, "pegboard_requests_total", route="/health") == {}
    assert sum(matching(samples, "pegboard_requests_total").values()) == 3.0


def test_default_registry_serves_process_metrics_too(load_sample: Load):
    # Without the fixture: prometheus_client's REGISTRY and its default collectors.
    mod = load_sample("docs/src/prometheus/app.py")
    with TestClient(mod.app) as client:
        samples = parse(client.get("/metrics").text)
    assert matching(samples, "process_cpu_seconds_total")
    assert matching(samples, "python_gc_objects_collected_total")


def test_opting_out_and_options(load_sample: Load, registry: CollectorRegistry):
    mod = load_sample("docs/src/prometheus/options.py")
    with TestClient(mod.app) as client:
        client.get("/api/orders/7")
        client.get("/")
        samples = parse(client.get("/metrics").text)
    assert matching(samples, "shop_requests_total") == {
        (
            "shop_requests_total",
            (("method", "GET"), ("route", "/api/orders/{order_id}"), ("status", "200")),
        ): 1.0
    }
    bounds = {
        dict(key[1])["le"] for key in matching(samples, "shop_request_duration_seconds_bucket")
    }
    assert bounds == {"0.01", "0.05", "0.1", "0.5", "1.0", "5.0", "+Inf"}


def test_a_bad_metrics_value_is_the_error_the_page_shows(registry: CollectorRegistry):
    from pegboard import App, RouteDefinitionError
    from pegboard_prometheus import prometheus

    app = App(plugins=[prometheus()])
    shown = "Route GET /x: metrics= must be True or False, got 'yes'."
    assert shown in PAGE.read_text().replace("\n", " ")
    with pytest.raises(RouteDefinitionError, match=re.escape(shown)):

        @app.get("/x", metrics="yes")
        async def x() -> str:
            return "x"


def test_guarded(load_sample: Load, registry: CollectorRegistry, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SCRAPE_TOKEN", "t0ken")
    mod = load_sample("docs/src/prometheus/guarded.py")
    with TestClient(mod.app) as client:
        client.get("/")
        assert client.get("/metrics").status_code == 404
        refused = client.get("/internal/metrics")
        wrong = client.get("/internal/metrics", headers={"authorization": "Bearer nope"})
        allowed = client.get("/internal/metrics", headers={"authorization": "Bearer t0ken"})
    assert (refused.status_code, refused.headers["www-authenticate"]) == (401, "Bearer")
    assert wrong.status_code == 401
    assert allowed.status_code == 200
    labels = {"method": "GET", "route": "/", "status": "200"}
    assert value(parse(allowed.text), "pegboard_requests_total", **labels) == 1.0


def test_separate_port(load_sample: Load, registry: CollectorRegistry, monkeypatch):  # type: ignore[no-untyped-def]
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    mod = load_sample("docs/src/prometheus/port.py")
    with TestClient(mod.app) as client:
        client.get("/")
        assert client.get("/metrics").status_code == 404
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            samples = parse(answer.read().decode())
    labels = {"method": "GET", "route": "/", "status": "200"}
    assert value(samples, "pegboard_requests_total", **labels) == 1.0


def test_unmatched(load_sample: Load, registry: CollectorRegistry):
    mod = load_sample("docs/src/prometheus/unmatched.py")
    with TestClient(mod.app) as client:
        assert client.get("/nowhere").status_code == 404
        assert client.delete("/items/1").status_code == 405
        assert client.get("/items/1").status_code == 200
        samples = parse(client.get("/metrics").text)
    total = "pegboard_requests_total"
    assert value(samples, total, method="GET", route="<unmatched>", status="404") == 1.0
    assert value(samples, total, method="DELETE", route="<unmatched>", status="405") == 1.0
    assert value(samples, total, method="GET", route="/items/{item_id}", status="200") == 1.0
    assert sum(matching(samples, total).values()) == 3.0
