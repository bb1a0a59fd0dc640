from pegboard import App, Request

# Served as https://example.com/shop/... by a proxy that strips "/shop".
app = App(root_path="/shop")


@app.get("/items", name="items")
async def items(request: Request) -> dict[str, str]:
    return {"self": str(request.url_for("items"))}
