"""Without a tracer provider, the OTEL_* variables choose one (in a fresh process each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

APP = textwrap.dedent(
    """
    from starlette.testclient import TestClient
    from pegboard import App
    from pegboard_opentelemetry import tracing

    app = App(plugins=[tracing()])
    app.add_api_route("/users/{name}", lambda name: name)
    try:
        with TestClient(app) as client:
            print("status", client.get("/users/ada").status_code, flush=True)
    except Exception as exc:
        print("failed", type(exc).__name__, exc)
    """
)


def run(script: str = APP, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_otel_traces_exporter_installs_the_sdk_provider():
    done = run(OTEL_TRACES_EXPORTER="console", OTEL_SERVICE_NAME="shop")
    assert done.returncode == 0, done.stderr
    head, _, exported = done.stdout.partition("\n")
    assert head == "status 200"
    span = json.loads(exported)  # the console exporter, flushed at shutdown
    assert span["name"] == "GET /users/{name}"
    assert span["kind"] == "SpanKind.SERVER"
    assert span["resource"]["attributes"]["service.name"] == "shop"


def test_without_exporters_nothing_is_installed_or_printed():
    done = run()
    assert done.returncode == 0, done.stderr
    assert done.stdout == "status 200\n"
    assert run(OTEL_TRACES_EXPORTER="console", OTEL_SDK_DISABLED="true").stdout == "status 200\n"


def test_an_unknown_exporter_is_a_startup_error_saying_what_to_install():
    done = run(OTEL_TRACES_EXPORTER="zipkin_json")
    assert "failed StartupError" in done.stdout
    assert "opentelemetry-exporter-zipkin-json" in done.stdout


LATE_PROVIDER = textwrap.dedent(
    """
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from starlette.testclient import TestClient
    from pegboard import App
    from pegboard_opentelemetry import plugin, tracing

    clock = [100.0]
    plugin.monotonic = lambda: clock[0]
    app = App(plugins=[tracing()])
    app.add_api_route("/x", lambda: "x")
    client = TestClient(app)
    client.get("/x")  # no provider anywhere: nothing to record into
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    seen = []
    for step in (0.5, 0.6, 0.1):
        clock[0] += step
        client.get("/x")
        seen.append(len(exporter.get_finished_spans()))
    print(seen)
    """
)


def test_a_provider_installed_while_serving_is_found_within_a_second():
    # Without a provider the plugin looks for one at most once a second (the API's
    # lookup costs more than the rest of an untraced request), then on every request.
    done = run(LATE_PROVIDER)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[0, 1, 2]\n"
