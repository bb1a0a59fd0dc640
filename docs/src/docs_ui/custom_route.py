import secrets
from typing import Any

from pegboard import App, HTTPException, Request, Response
from pegboard_docs import swagger_ui, swagger_ui_html
from pegboard_openapi import get_openapi, openapi

DOCS_TOKEN = "change-me"  # from your settings, in a real app

app = App(
    plugins=[
        openapi(title="Internal", version="1.0", openapi_url=None),
        # No page: the plugin serves only the files (/docs/assets/...) and the
        # OAuth2 redirect page. The two routes below serve the document and the page.
        swagger_ui(url=None, openapi_url="/internal/openapi.json"),
    ]
)


def check_token(request: Request) -> None:
    # The browser sends the cookie with the page and with Swagger UI's fetch of the document.
    given = request.cookies.get("docs_token", "")
    if not secrets.compare_digest(given, DOCS_TOKEN):
        raise HTTPException(401, "Log in to read the docs.")


@app.get("/internal/openapi.json", include_in_schema=False)
async def document(request: Request) -> dict[str, Any]:
    check_token(request)
    return get_openapi(app)


@app.get("/internal/docs", include_in_schema=False)
async def docs(request: Request) -> Response:
    check_token(request)
    return swagger_ui_html(
        openapi_url="/internal/openapi.json",
        assets_url="/docs/assets",
        title="Internal API",
    )


@app.get("/orders")
async def list_orders() -> list[str]:
    return []
