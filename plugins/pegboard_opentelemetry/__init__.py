"""pegboard_opentelemetry: one OpenTelemetry server span per request, named by route.

``App(plugins=[tracing()])`` (or the name ``"opentelemetry"``) traces every HTTP route:
a ``SERVER`` span named ``GET /items/{id}`` with the HTTP semantic-convention
attributes and the status the client was sent, the parent taken from an incoming W3C
``traceparent``, and the span current while the handler runs so that outgoing
instrumented calls and the handler's own spans join the trace. ``tracing=False`` on a
route, router or app leaves those routes untouched. Exporters are the OpenTelemetry
SDK's business: set a tracer provider, or the standard ``OTEL_*`` variables.
"""

from pegboard_opentelemetry.plugin import OpenTelemetryPlugin, tracing

__all__ = ["OpenTelemetryPlugin", "tracing"]
