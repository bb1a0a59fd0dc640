from pegboard import App
from pegboard_openapi import openapi

app = App(
    plugins=[
        openapi(
            title="Shop",
            version="1.4.0",
            summary="Things for sale.",
            description="Everything the **shop** sells, and the orders for it.",
            contact={"name": "Shop team", "email": "shop@example.com"},
            license_info={"name": "MIT", "identifier": "MIT"},
            servers=["https://shop.example.com"],
            tags=[
                {"name": "items", "description": "What is for sale."},
                {"name": "orders", "description": "What was bought."},
            ],
            external_docs={"url": "https://shop.example.com/guide"},
        )
    ]
)


@app.get("/items/{item_id:int}", tags=["items"])
async def read_item(item_id: int) -> dict[str, int]:
    """Read one item by its number."""
    return {"id": item_id}
