from typing import Any

from pegboard import App, HTTPException, Request, Response
from pegboard_openapi import OpenAPISettings, build_document, openapi, render_document

# openapi_url=None: the plugin serves nothing; this app serves the document itself.
app = App(plugins=[openapi(title="Internal", version="2.0", openapi_url=None)])


@app.get("/status")
async def status() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/internal/openapi.json", include_in_schema=False)
async def protected_document(request: Request) -> Response:
    if request.headers.get("x-staff-token") != "let-me-in":
        raise HTTPException(403, "Staff only")
    # Built and serialized once, on the first call, then cached for the app's lifetime;
    # get_openapi(app) gives the same document as a dict.
    root_path = request.scope.get("root_path", "")
    return Response(render_document(app, root_path=root_path), media_type="application/json")


def public_document() -> dict[str, Any]:
    """A separate document of some routes, with settings of its own; not cached."""
    public = [route for route in app.routes if getattr(route, "path", "") == "/status"]
    return build_document(app, OpenAPISettings(title="Public", version="2.0"), routes=public)
