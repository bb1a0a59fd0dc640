from pegboard import App, Router
from pegboard_openapi import openapi

app = App(plugins=[openapi(title="Shop", version="1.0")])
orders = Router(prefix="/orders", tags=["orders"], responses={401: {"description": "Log in"}})

NOT_FOUND = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


@orders.get(
    "/{order_id}",
    summary="Fetch an order",
    response_description="The order, with its lines",
    responses={404: {"description": "No such order", "model": NOT_FOUND}},
)
async def read_order(order_id: str) -> dict[str, str]:
    """Fetch one order.

    Orders older than a year are archived and answer 404.
    \f
    Everything after the form feed stays out of the document.
    """
    return {"id": order_id}


@orders.post("/", status_code=201, operation_id="placeOrder", deprecated=True)
async def place_order() -> dict[str, str]:
    return {"id": "o-1"}


@orders.post(
    "/{order_id}/subscribe",
    callbacks={
        "orderShipped": {
            "{$request.query.callback_url}": {
                "post": {"responses": {"200": {"description": "Thanks"}}}
            }
        }
    },
    openapi_extra={"x-internal": True},
)
async def subscribe(order_id: str) -> None:
    """Be told when the order ships."""


@orders.get("/export", include_in_schema=False)
async def export() -> list[str]:
    return []


app.include_router(orders)
