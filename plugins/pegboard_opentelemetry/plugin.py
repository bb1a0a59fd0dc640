"""The plugin object: a span around every exchange of the routes it traces.

Everything is decided per route while the app is built (the template, the span names,
whether the route is traced at all); per request the observer extracts the parent
context, starts the span, makes it current for the route, and ends it with the status
the client was sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry import context, propagate, trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE
from opentelemetry.semconv.attributes.http_attributes import HTTP_RESPONSE_STATUS_CODE
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from pegboard import (
    App,
    Exchange,
    PluginError,
    PluginInfo,
    Request,
    RouteDefinitionError,
    RouteInfo,
    RouteObserver,
    RouteOption,
    hookimpl,
)
from pegboard_opentelemetry.attributes import KNOWN_METHODS, request_attributes, route_template
from pegboard_opentelemetry.provider import provider_from_environment

__all__ = ["OpenTelemetryPlugin", "tracing"]

OPTION = "tracing"
_VERSION = "1.0"
_TRACEPARENT = TraceContextTextMapPropagator()


_RawHeaders = list[tuple[bytes, bytes]]


class _ScopeGetter(Getter[_RawHeaders]):
    """Reads propagation headers (``traceparent``, ...) from an ASGI scope's list."""

    def get(self, carrier: _RawHeaders, key: str) -> list[str] | None:
        name = key.lower().encode("latin-1")
        values = [value.decode("latin-1") for field, value in carrier if field == name]
        return values or None

    def keys(self, carrier: _RawHeaders) -> list[str]:
        return [field.decode("latin-1") for field, _ in carrier]


class _Parents:
    """The parent context of a request: extracted only if a propagation header came.

    Most of a request's cost of extraction is the propagators' own machinery, so it is
    skipped for requests carrying none of the headers the global propagator reads
    (its ``fields``, looked up again whenever another propagator is installed).
    """

    __slots__ = ("fields", "textmap")

    def __init__(self) -> None:
        self.textmap: object = None
        self.fields: frozenset[bytes] = frozenset()

    def __call__(self, headers: _RawHeaders) -> Context:
        textmap = propagate.get_global_textmap()
        if textmap is not self.textmap:
            self.fields = frozenset(f.lower().encode("latin-1") for f in textmap.fields)
            self.textmap = textmap
        fields = self.fields
        for field, _ in headers:
            if field in fields:
                return textmap.extract(headers, getter=_GETTER)
        return Context()


_GETTER = _ScopeGetter()

#: The API's providers when no SDK is installed: their spans record nothing.
_NO_SDK = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)


def _records() -> bool:
    """Whether the global provider may record spans (an SDK, or another vendor's)."""
    return not isinstance(trace.get_tracer_provider(), _NO_SDK)


def _error_type(exc: BaseException) -> str:
    kind = type(exc)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


class OpenTelemetryPlugin:
    """Traces HTTP routes; create it with :func:`tracing`.

    One object may be enabled in several apps: it keeps no per-app state beyond the
    provider it may have installed from the environment (shut down with the app).
    """

    def __init__(
        self, tracer_provider: trace.TracerProvider | None, response_traceparent: bool
    ) -> None:
        self.tracer_provider = tracer_provider
        self.response_traceparent = response_traceparent
        # A ProxyTracer without a provider: it follows the global provider once set.
        self.tracer = trace.get_tracer(
            "pegboard_opentelemetry", _VERSION, tracer_provider=tracer_provider
        )
        self._installed: trace.TracerProvider | None = None
        self.plugin_info = PluginInfo(
            name="opentelemetry",
            version=_VERSION,
            route_options=(
                RouteOption(OPTION, "replace", "False: no span for these routes (default True)."),
            ),
            description="OpenTelemetry server spans per route, W3C traceparent in and out.",
        )

    def __repr__(self) -> str:
        return (
            f"OpenTelemetryPlugin(tracer_provider={self.tracer_provider!r}, "
            f"response_traceparent={self.response_traceparent!r})"
        )

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        value = route.option(OPTION, True)
        if not isinstance(value, bool):
            raise RouteDefinitionError(
                f"Route {route.label}: {OPTION}= takes True or False; got {value!r}."
            )

    @hookimpl
    def pegboard_startup(self, app: App) -> None:
        if self.tracer_provider is None and self._installed is None:
            self._installed = provider_from_environment()

    @hookimpl
    def pegboard_shutdown(self, app: App) -> None:
        shutdown = getattr(self._installed, "shutdown", None)
        if shutdown is not None:
            shutdown()  # flushes the batch processor

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver | None:
        if not route.option(OPTION, True):
            return None  # opted out: compiled as if the plugin were not enabled
        return self._observer(route)

    def _observer(self, route: RouteInfo) -> RouteObserver:
        template = route_template(route.path)
        names = {m: f"{m} {template}" for m in KNOWN_METHODS}
        other = f"HTTP {template}"
        tracer = self.tracer
        parent_of = _Parents()
        provider = self.tracer_provider
        # An explicit provider decides once; the global one may be installed later.
        fixed = None if provider is None else not isinstance(provider, _NO_SDK)

        def started(request: Request) -> tuple[trace.Span, object]:
            scope = request.scope
            parent = parent_of(scope["headers"])
            recorded = _records() if fixed is None else fixed
            span = tracer.start_span(
                names.get(scope["method"], other),
                context=parent,
                kind=SpanKind.SERVER,
                # The API's no-op spans drop attributes: not read for them.
                attributes=request_attributes(scope, template) if recorded else None,
            )
            # Current even when not recorded: the caller's trace goes on in outgoing calls.
            return span, context.attach(trace.set_span_in_context(span, parent))

        def finished(exchange: Exchange) -> None:
            span, token = exchange.state
            status = exchange.status_code
            if status is not None:
                span.set_attribute(HTTP_RESPONSE_STATUS_CODE, status)
            exc = exchange.exception
            if exc is not None:
                span.record_exception(exc)
                span.set_attribute(ERROR_TYPE, _error_type(exc))
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            elif status is not None and status >= 500:
                span.set_attribute(ERROR_TYPE, str(status))
                span.set_status(Status(StatusCode.ERROR))
            span.end()
            context.detach(token)

        def traceparent(state: tuple[trace.Span, object]) -> Iterable[tuple[bytes, bytes]]:
            carrier: dict[str, str] = {}
            _TRACEPARENT.inject(carrier, trace.set_span_in_context(state[0]))
            value = carrier.get("traceparent")
            return [(b"traceparent", value.encode("latin-1"))] if value else []

        headers = traceparent if self.response_traceparent else None
        return RouteObserver(finished, started=started, response_headers=headers)


def tracing(
    *, tracer_provider: trace.TracerProvider | None = None, response_traceparent: bool = False
) -> OpenTelemetryPlugin:
    """The plugin, for ``App(plugins=[tracing()])``.

    :param tracer_provider: Where spans go. None: the global provider (set by the app,
        by ``opentelemetry-instrument``, or else from ``OTEL_TRACES_EXPORTER`` at
        startup; see :mod:`pegboard_opentelemetry.provider`).
    :param response_traceparent: Also send the server span's context back in a
        ``traceparent`` response header (off: it tells clients your trace ids).
    """
    if tracer_provider is not None and not isinstance(tracer_provider, trace.TracerProvider):
        raise PluginError(
            f"tracing(tracer_provider={tracer_provider!r}): not an OpenTelemetry "
            "TracerProvider. Pass opentelemetry.sdk.trace.TracerProvider(...) or None."
        )
    if not isinstance(response_traceparent, bool):
        raise PluginError(
            f"tracing(response_traceparent={response_traceparent!r}): takes True or False."
        )
    return OpenTelemetryPlugin(tracer_provider, response_traceparent)
