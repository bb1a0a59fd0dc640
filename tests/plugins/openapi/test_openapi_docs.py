"""docs/plugins/openapi.md: every sample runs, validates, and does what the page says."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from pegboard_openapi import get_openapi, hookspecs

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/openapi.md"
SAMPLES = ROOT / "docs/src/openapi"
SNIPPET = re.compile(r'--8<-- "([^"]+)"')

Load = Callable[[str], ModuleType]


@pytest.fixture
def samples_on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``import pegboard_apikey`` and ``import pegboard_throttle`` find the samples."""
    monkeypatch.syspath_prepend(str(SAMPLES))
    names = ("pegboard_apikey", "pegboard_throttle")
    for name in names:
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield
    for name in names:
        sys.modules.pop(name, None)


def _document(app: Any, **kwargs: Any) -> dict[str, Any]:
    document = get_openapi(app, **kwargs)
    validate(document)
    return document


def test_the_page_includes_every_sample_and_every_include_exists() -> None:
    included = SNIPPET.findall(PAGE.read_text())
    assert sorted(included) == sorted(set(included))
    on_disk = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py"))
    assert sorted(included) == on_disk


def test_the_page_documents_every_hook_with_its_arguments() -> None:
    text = PAGE.read_text()
    for name in (n for n in dir(hookspecs) if n.startswith("pegboard_openapi_")):
        assert f"`{name}" in text, name
    assert "::: pegboard_openapi.hookspecs" in text


def test_enable(load_sample: Load) -> None:
    mod = load_sample("docs/src/openapi/enable.py")
    with TestClient(mod.app) as client:
        served = client.get("/openapi.json").json()
    validate(served)
    assert served["info"]["title"] == "Shop"
    assert served["info"]["license"] == {"name": "MIT", "identifier": "MIT"}
    assert [t["name"] for t in served["tags"]] == ["items", "orders"]
    operation = served["paths"]["/items/{item_id}"]["get"]
    assert operation["description"] == "Read one item by its number."
    assert operation["operationId"] == "read_item_items__item_id__get"
    assert operation["parameters"][0]["schema"] == {
        "type": "integer",
        "minimum": 0,
        "title": "Item Id",
    }


def test_operations(load_sample: Load) -> None:
    paths = _document(load_sample("docs/src/openapi/operations.py").app)["paths"]
    assert list(paths) == ["/orders/{order_id}", "/orders/", "/orders/{order_id}/subscribe"]
    read = paths["/orders/{order_id}"]["get"]
    assert read["summary"] == "Fetch an order"
    assert read["description"] == (
        "Fetch one order.\n\nOrders older than a year are archived and answer 404."
    )
    assert {k: v["description"] for k, v in read["responses"].items()} == {
        "200": "The order, with its lines",
        "401": "Log in",
        "404": "No such order",
    }
    assert read["responses"]["404"]["content"]["application/json"]["schema"]["required"] == [
        "detail"
    ]
    place = paths["/orders/"]["post"]
    assert place["operationId"] == "placeOrder"
    assert place["deprecated"] is True
    assert list(place["responses"]) == ["201", "401"]
    subscribe = paths["/orders/{order_id}/subscribe"]["post"]
    assert subscribe["x-internal"] is True
    assert list(subscribe["callbacks"]) == ["orderShipped"]


def test_operation_ids(load_sample: Load) -> None:
    paths = _document(load_sample("docs/src/openapi/operation_ids.py").app)["paths"]
    assert [op["operationId"] for item in paths.values() for op in item.values()] == [
        "users-list_all",
        "teams-list_all_teams",
        "getTeam",
    ]


def test_get_document(load_sample: Load) -> None:
    mod = load_sample("docs/src/openapi/get_document.py")
    with TestClient(mod.app, root_path="/svc") as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/internal/openapi.json").status_code == 403
        response = client.get("/internal/openapi.json", headers={"x-staff-token": "let-me-in"})
    served = response.json()
    validate(served)
    assert served["servers"] == [{"url": "/svc"}]
    assert list(served["paths"]) == ["/status"]
    public = mod.public_document()
    validate(public)
    assert public["info"] == {"title": "Public", "version": "2.0"}
    assert public is not mod.public_document()


def test_mounted(load_sample: Load) -> None:
    mod = load_sample("docs/src/openapi/mounted.py")
    with TestClient(mod.app) as client:
        main = client.get("/openapi.json").json()
        main_yaml = yaml.safe_load(client.get("/openapi.yaml").text)
        admin = client.get("/admin/openapi.json").json()
    validate(main)
    validate(admin)
    assert main == main_yaml
    assert list(main["paths"]) == ["/items"]
    assert admin["servers"] == [{"url": "/admin"}]
    assert list(admin["paths"]) == ["/users"]


def test_third_party_descriptions(samples_on_path: None, load_sample: Load) -> None:
    mod = load_sample("docs/src/openapi/apikey_app.py")
    doc = _document(mod.app)
    operation = doc["paths"]["/reports"]["get"]
    assert operation["parameters"] == [
        {
            "name": "X-Tenant",
            "in": "header",
            "required": False,
            "description": "The tenant to act for.",
            "schema": {"type": "string", "pattern": "^[a-z]+$", "default": "public"},
        }
    ]
    assert operation["security"] == [{"apiKey": []}]
    assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiKeyError"
    }
    assert doc["components"]["securitySchemes"] == {
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    }
    assert list(doc["components"]["schemas"]) == ["ApiKeyError"]
    with TestClient(mod.app) as client:
        assert client.get("/reports").status_code == 401
        ok = client.get("/reports", headers={"X-API-Key": "k-123", "X-Tenant": "acme"})
    assert ok.json() == {"tenant": "acme"}


def test_third_party_hooks(samples_on_path: None, load_sample: Load) -> None:
    mod = load_sample("docs/src/openapi/throttle_app.py")
    operation = _document(mod.app)["paths"]["/search"]["get"]
    assert operation["x-rate-limit"] == "2/minute"
    assert operation["responses"]["429"] == {
        "description": "Too many requests",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
    with TestClient(mod.app) as client:
        codes = [client.get("/search").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_third_party_plugin_without_the_openapi_plugin(samples_on_path: None) -> None:
    from pegboard_throttle import throttle

    from pegboard import App, RouteDefinitionError

    app = App(plugins=[throttle()])
    app.get("/x", name="x", rate="1/hour")(lambda: None)
    with TestClient(app) as client:
        assert [client.get("/x").status_code for _ in range(2)] == [200, 429]
    bad = App(plugins=[throttle()])
    bad.get("/y", name="y", rate="often")(lambda: None)
    with pytest.raises(RouteDefinitionError, match=r"rate='often' is not a rate"):
        bad.build()


def test_customize(load_sample: Load) -> None:
    doc = _document(load_sample("docs/src/openapi/customize.py").app)
    assert doc["info"]["x-logo"] == {"url": "https://shop.example.com/logo.png"}
    payment = doc["paths"]["/balance"]["get"]["responses"]["402"]
    assert payment["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Money"
    }
    assert doc["components"]["schemas"]["Money"]["examples"] == ["9.50 EUR"]


def test_fastapi_compatible(load_sample: Load) -> None:
    pytest.importorskip("pegboard_security")
    mod = load_sample("docs/src/openapi/fastapi_compatible.py")
    with TestClient(mod.app) as client:
        served = client.get("/openapi.json").json()
    validate(served)
    read_user = served["paths"]["/users/{user_id}"]["get"]
    assert read_user["parameters"][0]["schema"] == {"title": "User Id"}
    assert set(read_user["responses"]) == {"200", "422"}  # no 401; a 422 for the input
    upload = served["components"]["schemas"]["Body_upload_files_post"]
    assert upload["properties"]["file"] == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "title": "File",
    }


def test_webhooks_and_callbacks(load_sample: Load) -> None:
    pytest.importorskip("pydantic")
    mod = load_sample("docs/src/openapi/webhooks_callbacks.py")
    with TestClient(mod.app) as client:
        document = client.get("/openapi.json").json()
        assert client.post("/new-subscription", json={}).status_code == 404  # never served
        created = client.post("/invoices/", json={"id": "7", "total": 3.5})
        assert created.json() == {"msg": "Invoice received"}
    validate(document)
    webhook = document["webhooks"]["new-subscription"]["post"]
    assert webhook["tags"] == ["events"]
    assert webhook["summary"] == "New Subscription"
    assert webhook["description"].startswith("Sent to the URL registered")
    assert webhook["operationId"] == "new_subscriptionnew_subscription_post"
    assert webhook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Invoice"
    }
    callbacks = document["paths"]["/invoices/"]["post"]["callbacks"]
    path = "{$request.query.callback_url}/invoices/{$request.body#/id}"
    paid = callbacks["invoice_paid"][path]["post"]
    assert paid["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InvoicePaid"
    }
    assert paid["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Received"
    }
    assert set(paid["responses"]) == {"200", "422"}
