from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

from pegboard import App
from pegboard_opentelemetry import tracing

# Set up once at startup, before requests arrive; in production the exporter is
# usually OTLPSpanExporter from opentelemetry-exporter-otlp.
provider = TracerProvider(resource=Resource.create({"service.name": "orders"}))
provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
trace.set_tracer_provider(provider)

app = App(plugins=[tracing(response_traceparent=True)])


@app.get("/ping")
async def ping() -> str:
    return "pong"
