"""Webhooks and callbacks declared as routes of a DocumentedRouter: documented, never served."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import App, RouteDefinitionError, Router
from pegboard_openapi import DocumentedRouter, openapi

pytest.importorskip("pydantic")
from pydantic import BaseModel

from pegboard_validation import validation


class Subscription(BaseModel):
    username: str
    monthly_fee: float


class Received(BaseModel):
    ok: bool


def _webhooks() -> DocumentedRouter:
    webhooks = DocumentedRouter(tags=["events"])

    @webhooks.post("new-subscription", summary="A subscription", response_model=Received)
    def new_subscription(body: Subscription) -> None:
        """Sent when someone subscribes."""

    return webhooks


def test_webhook_routes_are_documented_like_routes(document: Any) -> None:
    app = App(plugins=[validation(), openapi(webhooks=_webhooks())])
    doc = document(app)
    operation = doc["webhooks"]["new-subscription"]["post"]
    assert operation["tags"] == ["events"]
    assert operation["summary"] == "A subscription"
    assert operation["description"] == "Sent when someone subscribes."
    assert operation["operationId"] == "new_subscriptionnew_subscription_post"
    assert operation["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Subscription"}}},
        "required": True,
    }
    assert operation["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Received"}}
    }
    assert "422" in operation["responses"]
    assert {"Subscription", "Received"} <= set(doc["components"]["schemas"])
    assert doc["paths"] == {}


def test_webhooks_added_after_the_app_is_created_are_documented(document: Any) -> None:
    webhooks = DocumentedRouter()
    app = App(plugins=[validation(), openapi(webhooks=webhooks)])

    @webhooks.put("later")
    def later(body: Subscription) -> None: ...

    assert list(document(app)["webhooks"]["later"]) == ["put"]


def test_webhooks_are_never_served() -> None:
    app = App(plugins=[validation(), openapi(webhooks=_webhooks())])
    with TestClient(app) as client:
        assert client.post("/new-subscription", json={}).status_code == 404
        assert client.post("new-subscription", json={}).status_code == 404


def test_an_empty_router_writes_no_webhooks(document: Any) -> None:
    app = App(plugins=[openapi(webhooks=DocumentedRouter())])
    assert "webhooks" not in document(app)


def test_a_webhook_outside_the_schema_is_left_out(document: Any) -> None:
    webhooks = DocumentedRouter()
    webhooks.post("hidden", include_in_schema=False)(lambda: None)
    webhooks.post("shown")(lambda: None)
    app = App(plugins=[openapi(webhooks=webhooks)])
    assert list(document(app)["webhooks"]) == ["shown"]


def test_an_option_no_plugin_declares_fails_the_document() -> None:
    webhooks = DocumentedRouter()
    webhooks.post("x", response_model=Received)(lambda: None)
    app = App(plugins=[openapi(webhooks=webhooks)])  # no validation plugin
    with TestClient(app) as client, pytest.raises(RouteDefinitionError, match="response_model="):
        client.get("/openapi.json")


def test_webhooks_of_the_wrong_type_fail_at_once() -> None:
    with pytest.raises(RouteDefinitionError, match="DocumentedRouter"):
        openapi(webhooks=["new-subscription"])  # type: ignore[arg-type]


def test_websocket_webhooks_are_refused() -> None:
    with pytest.raises(RouteDefinitionError, match="cannot be a WebSocket route"):
        DocumentedRouter().websocket("events")(lambda: None)


def _callbacks() -> DocumentedRouter:
    callbacks = DocumentedRouter()

    @callbacks.post("{$callback_url}/invoices/{$request.body.id}", response_model=Received)
    def invoice_notification(body: Subscription) -> None: ...

    return callbacks


@pytest.mark.parametrize("given", ["router", "routes"])
def test_callbacks_from_a_router(document: Any, given: str) -> None:
    callbacks = _callbacks()
    app = App(plugins=[validation(), openapi()])
    value = callbacks if given == "router" else callbacks.routes
    app.post("/invoices/", callbacks=value)(lambda: {"msg": "ok"})
    operation = document(app)["paths"]["/invoices/"]["post"]
    path = "{$callback_url}/invoices/{$request.body.id}"
    assert list(operation["callbacks"]) == ["invoice_notification"]
    callback = operation["callbacks"]["invoice_notification"][path]["post"]
    assert callback["operationId"] == (
        "invoice_notification__callback_url__invoices___request_body_id__post"
    )
    assert callback["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Subscription"
    }
    assert callback["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Received"
    }
    with TestClient(app) as client:
        assert client.post("/invoices/").json() == {"msg": "ok"}


def test_callbacks_from_a_served_routers_routes(document: Any) -> None:
    router = Router()
    router.post("/hook", name="hook")(lambda: None)
    app = App(plugins=[openapi()])
    app.post("/start", callbacks=router.routes)(lambda: None)
    callbacks = document(app)["paths"]["/start"]["post"]["callbacks"]
    assert list(callbacks["hook"]["/hook"]) == ["post"]


def test_hand_written_callbacks_are_written_as_given(document: Any) -> None:
    written = {
        "done": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "OK"}}}}}
    }
    app = App(plugins=[openapi()])
    app.post("/start", callbacks=written)(lambda: None)
    assert document(app)["paths"]["/start"]["post"]["callbacks"] == written
