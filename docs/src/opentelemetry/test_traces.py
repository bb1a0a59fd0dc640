from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.testclient import TestClient

from pegboard import App
from pegboard_opentelemetry import tracing


def test_the_server_span_continues_the_callers_trace():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = App(plugins=[tracing(tracer_provider=provider)])
    app.add_api_route("/users/{name}", lambda name: {"name": name})

    caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    TestClient(app).get("/users/ada", headers={"traceparent": caller})

    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /users/{name}"
    assert span.attributes["http.route"] == "/users/{name}"
    assert span.attributes["http.response.status_code"] == 200
    assert f"{span.context.trace_id:032x}" == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert f"{span.parent.span_id:016x}" == "00f067aa0ba902b7"
