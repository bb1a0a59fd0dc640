"""The opentelemetry plugin alone: one server span per request, named by route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import context, propagate, trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import TextMapPropagator, default_getter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, StatusCode, TraceFlags
from starlette.testclient import TestClient

from pegboard import App, HTTPException, PluginError, RouteDefinitionError, Router
from pegboard_opentelemetry import tracing

PARENT_TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT_SPAN = "b7ad6b7169203331"


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


def make_app(provider: TracerProvider, **options: Any) -> App:
    app = App(plugins=[tracing(tracer_provider=provider, **options)])
    child_tracer = provider.get_tracer("handler")

    @app.get("/items/{item_id:int}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.post("/items", status_code=201)
    def create() -> str:  # sync: runs in the thread pool
        with child_tracer.start_as_current_span("insert"):
            return "made"

    @app.get("/nested")
    async def nested() -> dict[str, str]:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)  # what an instrumented HTTP client sends on
        with child_tracer.start_as_current_span("query"):
            pass
        return carrier

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no such item")

    @app.get("/crash")
    async def crash() -> None:
        raise ValueError("boom")

    @app.get("/health", tracing=False)
    async def health() -> str:
        return "ok"

    return app


def only(exporter: InMemorySpanExporter, kind: SpanKind = SpanKind.SERVER) -> Any:
    spans = [s for s in exporter.get_finished_spans() if s.kind == kind]
    assert len(spans) == 1, spans
    return spans[0]


def test_a_server_span_named_by_method_and_route_template(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    client = TestClient(make_app(provider), base_url="http://api.example:8080")
    assert client.get("/items/42", headers={"user-agent": "probe/1"}).json() == {"id": 42}
    span = only(exporter)
    assert span.name == "GET /items/{item_id}"
    assert span.parent is None
    assert span.status.status_code is StatusCode.UNSET
    assert dict(span.attributes) == {
        "http.request.method": "GET",
        "url.path": "/items/42",
        "url.scheme": "http",
        "http.route": "/items/{item_id}",
        "network.protocol.version": "1.1",
        "client.address": "testclient",
        "client.port": 50000,
        "server.address": "api.example",
        "server.port": 8080,
        "user_agent.original": "probe/1",
        "http.response.status_code": 200,
    }


def test_an_incoming_traceparent_becomes_the_parent(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    client = TestClient(make_app(provider))
    traceparent = f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"
    client.get("/items/1", headers={"traceparent": traceparent})
    span = only(exporter)
    assert format(span.context.trace_id, "032x") == PARENT_TRACE
    assert span.parent is not None
    assert format(span.parent.span_id, "016x") == PARENT_SPAN
    assert span.parent.is_remote


def test_repeated_propagation_headers_are_all_read(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    client = TestClient(make_app(provider))
    traceparent = f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"
    headers = [("traceparent", traceparent), ("tracestate", "a=1"), ("tracestate", "b=2")]
    client.get("/items/1", headers=headers)
    assert dict(only(exporter).context.trace_state) == {"a": "1", "b": "2"}


def test_the_span_is_current_in_the_handler_and_propagates_out(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    client = TestClient(make_app(provider))
    sent = client.get("/nested").json()
    server = only(exporter)
    child = only(exporter, SpanKind.INTERNAL)
    assert child.parent.span_id == server.context.span_id
    ids = f"{server.context.trace_id:032x}-{server.context.span_id:016x}"
    version, _, flags = sent["traceparent"].partition(f"-{ids}-")
    assert (version, int(flags, 16) & 1) == ("00", 1)  # this span, sampled
    assert trace.get_current_span() is trace.INVALID_SPAN  # detached afterwards


class _OuterContext:
    """ASGI middleware making ``make()``'s context current around the app, as an outer
    instrumentation (or the app's own middleware) may."""

    def __init__(self, app: Any, make: Any) -> None:
        self.app = app
        self.make = make

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        token = context.attach(self.make())
        try:
            await self.app(scope, receive, send)
        finally:
            context.detach(token)


def test_without_a_traceparent_the_current_context_is_the_parent(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    app = make_app(provider)
    outer = provider.get_tracer("middleware").start_span("outer")
    app.add_middleware(_OuterContext, make=lambda: trace.set_span_in_context(outer))
    client = TestClient(app)
    client.get("/items/1")
    span = only(exporter)
    assert span.parent.span_id == outer.get_span_context().span_id
    assert span.context.trace_id == outer.get_span_context().trace_id
    exporter.clear()
    # A caller's traceparent still decides: the request continues the caller's trace.
    client.get("/items/1", headers={"traceparent": f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"})
    assert f"{only(exporter).parent.span_id:016x}" == PARENT_SPAN


def test_sync_handlers_see_the_span_in_the_thread_pool(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    assert TestClient(make_app(provider)).post("/items").status_code == 201
    server = only(exporter)
    assert server.name == "POST /items"
    assert server.attributes["http.response.status_code"] == 201
    assert only(exporter, SpanKind.INTERNAL).parent.span_id == server.context.span_id


def test_statuses_and_exceptions(provider: TracerProvider, exporter: InMemorySpanExporter):
    client = TestClient(make_app(provider), raise_server_exceptions=False)
    assert client.get("/missing").status_code == 404
    missing = only(exporter)
    assert missing.attributes["http.response.status_code"] == 404
    assert missing.status.status_code is StatusCode.UNSET  # a client error, not the server's
    exporter.clear()
    assert client.get("/crash").status_code == 500
    crash = only(exporter)
    assert crash.attributes["http.response.status_code"] == 500
    assert crash.attributes["error.type"] == "ValueError"
    assert crash.status.status_code is StatusCode.ERROR
    (event,) = crash.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "ValueError"
    assert event.attributes["exception.message"] == "boom"


def test_a_500_answered_by_a_handler_is_an_error_too(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    app = make_app(provider)

    @app.exception_handler(ValueError)
    async def unavailable(request: Any, exc: Exception) -> Any:
        from pegboard import PlainTextResponse

        return PlainTextResponse("later", status_code=503)

    assert TestClient(app).get("/crash").status_code == 503
    span = only(exporter)
    assert span.attributes["error.type"] == "503"
    assert span.status.status_code is StatusCode.ERROR


def test_opted_out_routes_pay_nothing(provider: TracerProvider, exporter: InMemorySpanExporter):
    app = make_app(provider)
    assert TestClient(app).get("/health").text == '"ok"'
    assert exporter.get_finished_spans() == ()
    routes = {r.path: r for r in app.routes}
    assert routes["/health"].compiled.observers == ()  # type: ignore[attr-defined]
    assert routes["/items/{item_id:int}"].compiled.observers != ()  # type: ignore[attr-defined]


def test_routers_and_the_app_can_opt_out(provider: TracerProvider, exporter: InMemorySpanExporter):
    app = App(plugins=[tracing(tracer_provider=provider)], tracing=False)
    internal = Router(tracing=True)
    internal.add_api_route("/traced", lambda: "yes")
    app.include_router(internal)
    app.add_api_route("/quiet", lambda: "no")
    client = TestClient(app)
    client.get("/quiet")
    client.get("/traced")
    assert [s.name for s in exporter.get_finished_spans()] == ["GET /traced"]


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",  # all-zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",  # no flags
        "zz-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-" + "a" * 5000,
    ],
)
def test_a_malformed_traceparent_starts_a_new_trace(
    provider: TracerProvider, exporter: InMemorySpanExporter, header: str
):
    client = TestClient(make_app(provider))
    response = client.get("/items/1", headers={"traceparent": header, "tracestate": "=,=,"})
    assert response.status_code == 200
    span = only(exporter)
    assert span.parent is None


def test_the_traceparent_response_header_is_optional(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    assert "traceparent" not in TestClient(make_app(provider)).get("/items/1").headers
    app = make_app(provider, response_traceparent=True)
    client = TestClient(app, raise_server_exceptions=False)
    incoming = {"traceparent": f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"}
    for path in ("/items/1", "/crash"):  # the 500 of an unhandled error carries it too
        exporter.clear()
        sent = client.get(path, headers=incoming).headers["traceparent"]
        span = only(exporter)
        assert sent.startswith(f"00-{PARENT_TRACE}-{span.context.span_id:016x}-")


def test_other_methods_are_reported_as_other(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    app = App(plugins=[tracing(tracer_provider=provider)])
    app.add_api_route("/purge", lambda: "gone", methods=["PURGE"])
    assert TestClient(app).request("PURGE", "/purge").status_code == 200
    span = only(exporter)
    assert span.name == "HTTP /purge"
    assert span.attributes["http.request.method"] == "_OTHER"
    assert span.attributes["http.request.method_original"] == "PURGE"


def test_a_bad_option_is_a_startup_error_naming_the_route(provider: TracerProvider):
    app = App(plugins=[tracing(tracer_provider=provider)])
    with pytest.raises(RouteDefinitionError, match=r"GET /x: tracing= takes True or False"):
        app.add_api_route("/x", lambda: 1, tracing="no")


def test_bad_factory_arguments_are_errors():
    with pytest.raises(PluginError, match="not an OpenTelemetry TracerProvider"):
        tracing(tracer_provider="jaeger")  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="response_traceparent"):
        tracing(response_traceparent="yes")  # type: ignore[arg-type]


def test_enabled_by_name():
    app = App(plugins=["opentelemetry"])
    assert "opentelemetry" in app.plugins


class _HeaderPropagator(TextMapPropagator):
    """Reads ``x-parent: <trace id>-<span id>``, as a vendor propagator might."""

    def extract(self, carrier: Any, context: Any = None, getter: Any = default_getter) -> Any:
        values = getter.get(carrier, "x-parent")
        if not values:
            return context if context is not None else Context()
        trace_id, span_id = (int(part, 16) for part in values[0].split("-"))
        parent = SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(1))
        return trace.set_span_in_context(NonRecordingSpan(parent), context)

    def inject(self, carrier: Any, context: Any = None, setter: Any = None) -> None:
        return None

    @property
    def fields(self) -> set[str]:
        return {"X-Parent"}


def test_the_global_propagator_decides_which_headers_carry_the_parent(
    provider: TracerProvider, exporter: InMemorySpanExporter
):
    client = TestClient(make_app(provider))
    client.get("/items/1")  # the default propagator, seen first
    previous = propagate.get_global_textmap()
    propagate.set_global_textmap(_HeaderPropagator())
    try:
        exporter.clear()
        client.get("/items/1", headers={"x-parent": f"{PARENT_TRACE}-{PARENT_SPAN}"})
        span = only(exporter)
        assert f"{span.parent.span_id:016x}" == PARENT_SPAN
        exporter.clear()
        # traceparent means nothing to this propagator: a new trace.
        client.get("/items/1", headers={"traceparent": f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"})
        assert only(exporter).parent is None
    finally:
        propagate.set_global_textmap(previous)


def test_without_an_sdk_the_callers_trace_still_goes_on():
    # No-op spans record nothing (their attributes are not even read), but the
    # caller's trace context is current in the handler, for outgoing calls.
    app = App(plugins=[tracing(tracer_provider=trace.NoOpTracerProvider())])

    @app.get("/call-on")
    async def call_on() -> dict[str, str]:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        return carrier

    traceparent = f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"
    response = TestClient(app).get("/call-on", headers={"traceparent": traceparent})
    assert response.status_code == 200
    assert response.json()["traceparent"] == traceparent
    assert TestClient(app).get("/call-on").json() == {}


def test_without_an_sdk_or_a_traceparent_the_current_context_stays():
    # Nothing is attached: what an outer middleware made current reaches the handler.
    app = App(plugins=[tracing(tracer_provider=trace.NoOpTracerProvider())])
    outer = SpanContext(int(PARENT_TRACE, 16), int(PARENT_SPAN, 16), is_remote=True)

    @app.get("/call-on")
    async def call_on() -> dict[str, str]:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        return carrier

    app.add_middleware(
        _OuterContext, make=lambda: trace.set_span_in_context(NonRecordingSpan(outer))
    )
    sent = TestClient(app).get("/call-on").json()
    assert sent["traceparent"] == f"00-{PARENT_TRACE}-{PARENT_SPAN}-00"


def test_unsampled_requests_record_nothing_but_their_context_goes_on(
    exporter: InMemorySpanExporter,
):
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    client = TestClient(make_app(provider), raise_server_exceptions=False)
    sent = client.get("/nested").json()["traceparent"]
    version, trace_id, _, flags = sent.split("-")
    assert (version, int(flags, 16) & 1) == ("00", 0)  # a trace, not sampled
    assert int(trace_id, 16) != 0
    assert client.get("/crash").status_code == 500
    assert client.get("/missing").status_code == 404
    assert exporter.get_finished_spans() == ()
