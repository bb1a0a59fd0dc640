import os

from pegboard import App
from pegboard_docs import redoc, scalar, swagger_ui
from pegboard_openapi import openapi

# Filled once, where npm reaches its registry, with:
#   pegboard docs-assets docs-assets
# then shipped with the app.
ASSETS = os.environ.get("DOCS_ASSETS", "docs-assets")

app = App(
    plugins=[
        openapi(title="Shop", version="1.0"),
        swagger_ui(assets_dir=ASSETS),  # serves ASSETS/swagger-ui/*
        redoc(assets_dir=ASSETS),  # serves ASSETS/redoc/*
        scalar(assets_dir=ASSETS),  # serves ASSETS/scalar/*
    ]
)
