from pegboard import App, Router
from pegboard_prometheus import prometheus

app = App(
    plugins=[prometheus(namespace="shop", buckets=[0.01, 0.05, 0.1, 0.5, 1, 5])],
    metrics=False,  # nothing is measured unless a router or route says so
)
api = Router(metrics=True)


@api.get("/orders/{order_id}")
async def read_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}


@app.get("/")
async def home() -> str:
    return "welcome"


app.include_router(api, prefix="/api")
