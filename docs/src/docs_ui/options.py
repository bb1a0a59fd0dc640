from pegboard import App
from pegboard_docs import redoc, scalar, swagger_ui
from pegboard_openapi import openapi

app = App(
    plugins=[
        openapi(title="Shop", version="1.0", openapi_url="/api/openapi.json"),
        swagger_ui(
            url="/api/docs",
            title="Shop API",
            favicon_url="/static/shop.png",
            config={
                "deepLinking": False,
                "persistAuthorization": True,
                "syntaxHighlight": {"theme": "obsidian"},
                "docExpansion": "none",
                "tryItOutEnabled": True,
            },
            oauth2_redirect_url="/api/docs/oauth2-redirect",
            assets_url="/api/docs/assets",
        ),
        redoc(
            url="/api/redoc",
            config={"hideDownloadButton": True, "expandResponses": "200"},
            assets_url="/api/redoc/assets",
        ),
        scalar(
            url="/api/scalar",
            config={"theme": "purple", "hideModels": True, "layout": "classic"},
            assets_url="/api/scalar/assets",
        ),
    ]
)


@app.get("/items")
async def list_items() -> list[str]:
    return ["hammer", "nails"]
