"""With the OpenAPI plugin, checked routes document their 403; safe routes do not."""

from __future__ import annotations

from openapi_spec_validator import validate
from starlette.testclient import TestClient

from pegboard import App
from pegboard_csrf import csrf
from pegboard_openapi import openapi
from pegboard_sessions import Session, sessions


def test_checked_routes_document_the_403() -> None:
    app = App(plugins=[sessions(secret_key="k" * 48), csrf(), openapi(title="t")])

    @app.get("/page")
    async def page(session: Session) -> str:
        return "page"

    @app.post("/save")
    async def save(session: Session) -> str:
        return "saved"

    @app.post("/hook", csrf=False)
    async def hook() -> str:
        return "hook"

    document = TestClient(app).get("/openapi.json").json()
    validate(document)
    paths = document["paths"]
    assert "403" in paths["/save"]["post"]["responses"]
    assert "403" not in paths["/page"]["get"]["responses"]
    assert "403" not in paths["/hook"]["post"]["responses"]
