"""The plugin object: a span around every exchange of the routes it traces.

Everything is decided per route while the app is built (the template, the span names,
whether the route is traced at all, the tracer of a provider given to it); per request
the observer reads the request's attributes and looks for propagation headers in one
pass, takes the caller's context as the parent if one came (else the current one),
starts the span, makes it current for the route, and ends it with the status the
client was sent. Without an SDK it only carries a caller's context, if any, to the
route.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import Token
from time import monotonic

from opentelemetry import context, propagate, trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter, TextMapPropagator
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE
from opentelemetry.semconv.attributes.http_attributes import HTTP_RESPONSE_STATUS_CODE
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

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
from pegboard_opentelemetry.attributes import KNOWN_METHODS, read_request, route_template
from pegboard_opentelemetry.provider import provider_from_environment

__all__ = ["OpenTelemetryPlugin", "tracing"]

OPTION = "tracing"
_VERSION = "1.0"
_TRACEPARENT = TraceContextTextMapPropagator()


_RawHeaders = list[tuple[bytes, bytes]]


class _ScopeGetter(Getter[_RawHeaders]):
    """Reads propagation headers (``traceparent``, ...) from an ASGI scope's list."""

    def __init__(self) -> None:
        self._names: dict[str, bytes] = {}  # the propagators' few keys, encoded once

    def get(self, carrier: _RawHeaders, key: str) -> list[str] | None:
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = key.lower().encode("latin-1")
        values = None
        for field, value in carrier:  # a loop, not a comprehension: called 3 times a request
            if field == name:
                if values is None:
                    values = [value.decode("latin-1")]
                else:
                    values.append(value.decode("latin-1"))
        return values

    def keys(self, carrier: _RawHeaders) -> list[str]:
        return [field.decode("latin-1") for field, _ in carrier]


class _Propagation:
    """The global propagator and the request headers it reads (its ``fields``).

    Extracting a parent is most of the cost of reading one, so it is done only for
    requests that carry one of these headers. The fields are looked up again only when
    another propagator is installed.
    """

    __slots__ = ("fields", "textmap")

    def __init__(self) -> None:
        self.textmap: TextMapPropagator | None = None
        self.fields: frozenset[bytes] = frozenset()

    def follow(self, textmap: TextMapPropagator) -> None:
        """Read the fields of ``textmap``, the global propagator since the last request."""
        self.fields = frozenset(f.lower().encode("latin-1") for f in textmap.fields)
        self.textmap = textmap


class _GlobalTracer:
    """The plugin's tracer from the global provider; None while that records nothing.

    Looked up per request, since an app may install its provider after startup. While
    none is installed the lookup is repeated at most once every :data:`_LOOK_AGAIN`
    seconds: the API's answer then costs more than the rest of the plugin's request
    (it reads ``os.environ`` each time), and providers are installed once, up front.
    """

    __slots__ = ("next_look", "provider", "tracer")

    def __init__(self) -> None:
        self.provider: trace.TracerProvider | None = None
        self.tracer: trace.Tracer | None = None
        self.next_look = 0.0

    def __call__(self) -> trace.Tracer | None:
        if self.tracer is None:
            now = monotonic()
            if now < self.next_look:
                return None
            self.next_look = now + _LOOK_AGAIN
        provider = trace.get_tracer_provider()
        if provider is not self.provider:
            self.tracer = None if isinstance(provider, _NO_SDK) else _tracer(provider)
            self.provider = provider
        return self.tracer


#: Seconds between two looks for a global provider while none is installed.
_LOOK_AGAIN = 1.0


_GETTER = _ScopeGetter()

#: The API's providers when no SDK is installed: their spans record nothing.
_NO_SDK = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)
_ERROR = Status(StatusCode.ERROR)


def _tracer(provider: trace.TracerProvider) -> trace.Tracer:
    return provider.get_tracer("pegboard_opentelemetry", _VERSION)


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
        # Decided once for a provider given here; the global one is looked up per request.
        self._global = _GlobalTracer()
        self._propagation = _Propagation()
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
        """The route's observer (build time): span names and the tracer decided here."""
        template = route_template(route.path)
        names = {m: f"{m} {template}" for m in KNOWN_METHODS}
        other = f"HTTP {template}"
        propagation = self._propagation
        provider = self.tracer_provider
        follow = provider is None or isinstance(provider, trace.ProxyTracerProvider)
        global_tracer = self._global
        fixed = None
        if provider is not None and not isinstance(provider, _NO_SDK):
            fixed = _tracer(provider)

        def started(request: Request) -> _State | None:
            """Per request: the span started and made current (or only the caller's context)."""
            scope = request.scope
            tracer = global_tracer() if follow else fixed
            textmap = propagate.get_global_textmap()
            if textmap is not propagation.textmap:
                propagation.follow(textmap)
            if tracer is None:
                # No SDK: nothing is recorded, but a caller's context goes on to the
                # handler's outgoing calls. Without one, the current context stays.
                if not _carries(scope["headers"], propagation.fields):
                    return None
                parent = textmap.extract(scope["headers"], getter=_GETTER)
                return trace.get_current_span(parent), context.attach(parent)
            attributes, carried = read_request(scope, template, propagation.fields)
            if carried:
                parent = textmap.extract(scope["headers"], getter=_GETTER)
            else:
                parent = context.get_current()
            span = tracer.start_span(
                names.get(scope["method"], other),
                context=parent,
                kind=SpanKind.SERVER,
                attributes=attributes,  # given at the start, so that samplers see them
            )
            return span, context.attach(trace.set_span_in_context(span, parent))

        def traceparent(state: _State | None) -> Iterable[tuple[bytes, bytes]]:
            if state is None:
                return ()
            carrier: dict[str, str] = {}
            _TRACEPARENT.inject(carrier, trace.set_span_in_context(state[0]))
            value = carrier.get("traceparent")
            return [(b"traceparent", value.encode("latin-1"))] if value else ()

        headers = traceparent if self.response_traceparent else None
        return RouteObserver(_finished, started=started, response_headers=headers)


#: A request's span (or, without an SDK, the caller's) and the token that detaches it.
_State = tuple[trace.Span, Token[Context]]


def _carries(headers: _RawHeaders, fields: frozenset[bytes]) -> bool:
    """Whether any of ``headers`` is one of the propagator's ``fields`` (per request)."""
    for name, _ in headers:  # noqa: SIM110 (any() over a generator costs more)
        if name in fields:
            return True
    return False


def _finished(exchange: Exchange) -> None:
    """Per request: the status the client was sent on the span, which ends."""
    state: _State | None = exchange.state
    if state is None:
        return
    span, token = state
    status = exchange.status_code
    exc = exchange.exception
    if exc is None and status is not None and status < 500:
        span.set_attribute(HTTP_RESPONSE_STATUS_CODE, status)  # a no-op if not recording
    elif span.is_recording():  # the rest is work only a recorded span needs
        if exc is not None:
            span.record_exception(exc)
            outcome: dict[str, AttributeValue] = {ERROR_TYPE: _error_type(exc)}
            if status is not None:
                outcome[HTTP_RESPONSE_STATUS_CODE] = status
            span.set_attributes(outcome)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        elif status is not None:  # a 5xx the app answered
            span.set_attributes({HTTP_RESPONSE_STATUS_CODE: status, ERROR_TYPE: str(status)})
            span.set_status(_ERROR)
        # else: the client left before a response started
    span.end()
    context.detach(token)


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
