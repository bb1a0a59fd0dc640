from collections.abc import Callable

import pytest
from pegboard import App
from pegboard.testing import TestClient

from pegboard_requestid import requestid

openapi = pytest.importorskip("pegboard_openapi").openapi


def test_the_header_and_the_required_id_are_documented(make_app: Callable[..., App]) -> None:
    app = make_app(requestid(), openapi())

    @app.post("/strict", require_request_id=True)
    async def strict() -> str:
        return "ok"

    with TestClient(app) as client:
        operation = client.get("/openapi.json").json()["paths"]["/strict"]["post"]
    assert "X-Request-ID" in operation["responses"]["200"]["headers"]
    (parameter,) = operation["parameters"]
    assert (parameter["name"], parameter["in"], parameter["required"]) == (
        "X-Request-ID",
        "header",
        True,
    )
