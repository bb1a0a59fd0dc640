import logging

from pegboard import App
from pegboard_logging import request_logging

app = App(plugins=[request_logging()])
log = logging.getLogger("orders")


@app.get("/orders/{order_id:int}")
async def read_order(order_id: int) -> dict[str, int]:
    log.info("loading order %s", order_id)  # carries the request id too
    return {"id": order_id}


@app.post("/orders")
async def place_order() -> None:
    raise RuntimeError("payment service down")  # logged once, with its traceback


@app.get("/health", access_log=False)  # the load balancer's probe: not logged
async def health() -> str:
    return "ok"
