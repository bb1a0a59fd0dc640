from opentelemetry import trace

from pegboard import App, HTTPException
from pegboard_opentelemetry import tracing

app = App(plugins=[tracing()])
tracer = trace.get_tracer(__name__)


@app.get("/orders/{order_id:int}")
async def read_order(order_id: int) -> dict[str, int]:
    # A child of the request's server span, which is current here.
    with tracer.start_as_current_span("load order") as span:
        span.set_attribute("order.id", order_id)
        if order_id == 0:
            raise HTTPException(404, "No such order")
    return {"id": order_id}


@app.get("/health", tracing=False)  # the load balancer's probe: no span
async def health() -> str:
    return "ok"
