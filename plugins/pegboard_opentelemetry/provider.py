"""A tracer provider from the ``OTEL_*`` variables, for apps that installed none.

The plugin records into whatever provider the app (or ``opentelemetry-instrument``)
installed. Only when none is installed and ``OTEL_TRACES_EXPORTER`` names exporters
does it install the SDK's own, exporting through a batch processor to exporters
found, as the SDK's auto-configuration finds them, in the entry-point group
``opentelemetry_traces_exporter`` (``console`` ships with the SDK; ``otlp`` comes
with ``opentelemetry-exporter-otlp``). Sampler and resource (``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER``) are read by the SDK itself.
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from pegboard import PluginError

__all__ = ["EXPORTER_GROUP", "provider_from_environment"]

EXPORTER_GROUP = "opentelemetry_traces_exporter"


def provider_from_environment() -> TracerProvider | None:
    """Install and return an SDK provider if none is installed and exporters are named.

    Returns None (and changes nothing) when a provider is already installed, when
    ``OTEL_SDK_DISABLED`` is true, or when ``OTEL_TRACES_EXPORTER`` is unset or
    ``none``. An exporter name no installed package provides is a startup error.
    """
    if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        return None
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    names = [n.strip() for n in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",")]
    names = [n for n in names if n and n != "none"]
    if not names:
        return None
    found = {ep.name: ep for ep in entry_points(group=EXPORTER_GROUP)}
    provider = TracerProvider()
    for name in names:
        if name not in found:
            known = ", ".join(sorted(found)) or "none"
            raise PluginError(
                f"OTEL_TRACES_EXPORTER names {name!r}, which no installed package provides "
                f"(installed: {known}). Install its exporter, such as "
                f"opentelemetry-exporter-{name.replace('_', '-')}, or change OTEL_TRACES_EXPORTER."
            )
        provider.add_span_processor(BatchSpanProcessor(found[name].load()()))
    trace.set_tracer_provider(provider)
    return provider
