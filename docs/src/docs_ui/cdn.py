from pegboard import App
from pegboard_docs import redoc, scalar, swagger_ui
from pegboard_openapi import openapi

app = App(
    plugins=[
        openapi(title="Shop", version="1.0"),
        # Browsers load the files from jsDelivr; the app serves none.
        swagger_ui(cdn=True),
        redoc(cdn=True),
        # cdn_url pins an exact version, or names another CDN.
        scalar(
            cdn=True,
            cdn_url="https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.46.4/dist/browser",
        ),
    ]
)
