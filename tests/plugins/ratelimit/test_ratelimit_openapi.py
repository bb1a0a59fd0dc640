"""With the OpenAPI plugin: limited routes document their 429 and the RateLimit fields."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from pegboard import App
from pegboard_openapi import get_openapi, openapi
from pegboard_ratelimit import ratelimit


def document(**plugin_options: Any) -> dict[str, Any]:
    app = App(plugins=[ratelimit(**plugin_options), openapi(title="Shop", version="1")])

    @app.get("/items", rate_limit=["10/second", "100/hour"])
    async def items() -> list[str]:
        return []

    @app.post("/items", rate_limit="5/minute", status_code=201)
    async def create() -> dict[str, str]:
        return {}

    @app.get("/health")
    async def health() -> str:
        return "ok"

    result = get_openapi(app)
    validate(result)
    return result


def test_limited_routes_show_the_429() -> None:
    paths = document()["paths"]
    listed = paths["/items"]["get"]["responses"]
    too_many = listed["429"]
    assert too_many["description"] == "Too many requests (limit: 10 per second and 100 per hour)."
    assert too_many["content"]["application/json"]["schema"]["required"] == ["detail"]
    assert set(too_many["headers"]) == {
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "RateLimit-Policy",
    }
    # The successful answer carries the fields too, on the route's own status.
    assert "RateLimit-Remaining" in listed["200"]["headers"]
    created = paths["/items"]["post"]["responses"]
    assert "RateLimit-Remaining" in created["201"]["headers"]
    assert "200" not in created
    assert "503" not in listed  # fail open: an outage is not the client's to handle
    assert "429" not in paths["/health"]["get"]["responses"]


def test_fail_closed_shows_the_503_and_no_fields_without_headers() -> None:
    responses = document(on_store_error="closed", headers=False)["paths"]["/items"]["get"][
        "responses"
    ]
    assert responses["503"]["description"] == "Rate limiting is unavailable."
    assert set(responses["429"]["headers"]) == {"Retry-After"}
    assert "headers" not in responses["200"]
