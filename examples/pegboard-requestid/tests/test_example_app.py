"""The example app in ``example/``, which enables the installed plugin by name."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from pegboard.testing import TestClient

EXAMPLE = Path(__file__).resolve().parents[1] / "example" / "app.py"


@pytest.fixture
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("requestid_example_app", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_handlers_receive_the_id_they_send_back(example: ModuleType) -> None:
    with TestClient(example.app) as client:
        response = client.get("/orders/7", headers={"X-Request-ID": "abc-1"})
    assert response.json() == {"order": 7, "request_id": "abc-1"}
    assert response.headers["X-Request-ID"] == "abc-1"


def test_internal_routes_require_an_id(example: ModuleType) -> None:
    with TestClient(example.app) as client:
        assert client.post("/internal/sync").status_code == 422
        synced = client.post("/internal/sync", headers={"X-Request-ID": "abc-2"})
    assert synced.json() == {"synced": True}


def test_the_document_shows_the_required_header(example: ModuleType) -> None:
    with TestClient(example.app) as client:
        document = client.get("/openapi.json").json()
    parameters = document["paths"]["/internal/sync"]["post"]["parameters"]
    assert [p["name"] for p in parameters] == ["X-Request-ID"]
