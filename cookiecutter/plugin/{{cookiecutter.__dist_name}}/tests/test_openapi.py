{%- set opt = cookiecutter.__option -%}
{%- set header = cookiecutter.__header -%}
from collections.abc import Callable

import pytest
from pegboard import App
from pegboard.testing import TestClient

from {{ cookiecutter.__package_name }} import {{ cookiecutter.__factory }}

openapi = pytest.importorskip("pegboard_openapi").openapi


def test_the_header_is_documented(make_app: Callable[..., App]) -> None:
    app = make_app({{ cookiecutter.__factory }}(), openapi())

    @app.get("/tagged", {{ opt }}="route")
    async def tagged() -> str:
        return "tagged"

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    with TestClient(app) as client:
        paths = client.get("/openapi.json").json()["paths"]
    tagged_headers = paths["/tagged"]["get"]["responses"]["200"]["headers"]
    assert tagged_headers["{{ header }}"]["schema"] == {"type": "string", "enum": ["route"]}
    assert "headers" not in paths["/plain"]["get"]["responses"]["200"]
