"""The OpenTelemetry page: every sample runs and does what docs/plugins/opentelemetry.md says.

The samples use the global tracer provider, which a process may set only once, so
each runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/opentelemetry.md"
SAMPLES = ROOT / "docs/src/opentelemetry"


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


def run(script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_enabling_it():
    done = run(
        """
        import json
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter,
        )
        from starlette.testclient import TestClient
        from tests.conftest import load_module

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        app = load_module("docs/src/opentelemetry/app.py").app
        client = TestClient(app)
        statuses = [client.get(p).status_code for p in ("/orders/7", "/orders/0", "/health")]
        spans = [
            {
                "name": s.name,
                "kind": s.kind.name,
                "parent": s.parent and f"{s.parent.span_id:x}",
                "id": f"{s.context.span_id:x}",
                "attributes": dict(s.attributes),
            }
            for s in exporter.get_finished_spans()
        ]
        print(json.dumps({"statuses": statuses, "spans": spans}))
        """
    )
    result = json.loads(done.stdout)
    assert result["statuses"] == [200, 404, 200]
    spans: list[dict[str, Any]] = result["spans"]
    names = [(s["name"], s["kind"]) for s in spans]
    assert names == [
        ("load order", "INTERNAL"),
        ("GET /orders/{order_id}", "SERVER"),
        ("load order", "INTERNAL"),
        ("GET /orders/{order_id}", "SERVER"),
    ]  # nothing for /health
    assert spans[0]["parent"] == spans[1]["id"]
    assert spans[0]["attributes"] == {"order.id": 7}
    assert spans[1]["attributes"]["http.response.status_code"] == 200
    assert spans[3]["attributes"]["http.response.status_code"] == 404
    assert spans[3]["attributes"]["http.route"] == "/orders/{order_id}"


def test_the_global_provider_sample():
    done = run(
        """
        from starlette.testclient import TestClient
        from tests.conftest import load_module

        sample = load_module("docs/src/opentelemetry/provider.py")
        response = TestClient(sample.app).get("/ping")
        print("HEADER", response.headers["traceparent"])
        sample.provider.shutdown()  # flushes the batch to the console exporter
        """
    )
    header_line, _, exported = done.stdout.partition("\n")
    traceparent = header_line.removeprefix("HEADER ")
    span = json.loads(exported)
    assert span["name"] == "GET /ping"
    assert span["resource"]["attributes"]["service.name"] == "orders"
    context = span["context"]
    assert traceparent.startswith(
        f"00-{context['trace_id'].removeprefix('0x')}-{context['span_id'].removeprefix('0x')}-"
    )


def test_the_testing_sample_passes(load_sample):  # type: ignore[no-untyped-def]
    sample = load_sample("docs/src/opentelemetry/test_traces.py")
    sample.test_the_server_span_continues_the_callers_trace()
