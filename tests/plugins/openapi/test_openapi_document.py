"""The document as a whole: metadata, serving, caching, root paths and sub-apps."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from starlette.routing import Mount
from starlette.testclient import TestClient

from pegboard import App, PluginError, hookimpl
from pegboard.testing import check_plugin
from pegboard_openapi import (
    OpenAPISettings,
    build_document,
    get_openapi,
    openapi,
    openapi_url,
    render_document,
)


def _nothing() -> None:
    return None


def _app(**settings: Any) -> App:
    app = App(plugins=[openapi(**settings)])

    @app.get("/items")
    def read_items() -> list[str]:
        return []

    return app


def test_document_level_settings(document: Any) -> None:
    webhook = {
        "post": {
            "requestBody": {"content": {"application/json": {}}},
            "responses": {"200": {"description": "Received"}},
        }
    }
    app = _app(
        title="Shop",
        version="2.1",
        summary="Buy things.",
        description="The **shop** API.",
        terms_of_service="https://example.com/terms",
        contact={"name": "Team", "email": "team@example.com"},
        license_info={"name": "MIT", "identifier": "MIT"},
        servers=["https://api.example.com", {"url": "/", "description": "Here"}],
        tags=["items", {"name": "users", "description": "People"}],
        external_docs={"url": "https://example.com/docs"},
        webhooks={"newItem": webhook},
    )
    doc = document(app)
    assert list(doc) == [
        "openapi",
        "info",
        "servers",
        "paths",
        "webhooks",
        "tags",
        "externalDocs",
    ]
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {
        "title": "Shop",
        "summary": "Buy things.",
        "description": "The **shop** API.",
        "termsOfService": "https://example.com/terms",
        "contact": {"name": "Team", "email": "team@example.com"},
        "license": {"name": "MIT", "identifier": "MIT"},
        "version": "2.1",
    }
    assert doc["servers"] == [
        {"url": "https://api.example.com"},
        {"url": "/", "description": "Here"},
    ]
    assert doc["tags"] == [{"name": "items"}, {"name": "users", "description": "People"}]
    assert doc["externalDocs"] == {"url": "https://example.com/docs"}
    assert doc["webhooks"] == {"newItem": webhook}


def test_served_as_json_and_excluded_from_itself(document: Any) -> None:
    app = _app()
    with TestClient(app) as client:
        response = client.get("/openapi.json")
        head = client.head("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == document(app)
    assert list(response.json()["paths"]) == ["/items"]
    assert head.status_code == 200


def test_served_as_yaml_when_asked(document: Any) -> None:
    app = _app(yaml_url="/openapi.yaml")
    with TestClient(app) as client:
        response = client.get("/openapi.yaml")
    assert response.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(response.text) == document(app)
    assert "&id" not in response.text  # shared parts are repeated, not aliased


def test_urls_are_configurable_and_can_be_disabled() -> None:
    app = _app(openapi_url="/spec/v1.json")
    assert openapi_url(app) == "/spec/v1.json"
    with TestClient(app) as client:
        assert client.get("/spec/v1.json").status_code == 200
        assert client.get("/openapi.json").status_code == 404

    hidden = _app(openapi_url=None)
    assert openapi_url(hidden) is None
    with TestClient(hidden) as client:
        assert client.get("/openapi.json").status_code == 404
    assert "/items" in get_openapi(hidden)["paths"]


def test_a_url_must_start_with_a_slash() -> None:
    with pytest.raises(PluginError, match=r"must start with '/', got 'openapi.json'"):
        openapi(openapi_url="openapi.json")


def test_enabled_by_name(document: Any) -> None:
    app = App(plugins=["openapi"])
    app.get("/x")(lambda: None)
    assert document(app)["info"] == {"title": "pegboard", "version": "0.1.0"}


def test_built_once_and_cached() -> None:
    calls: list[str] = []

    class Counter:
        @hookimpl(optionalhook=True)
        def pegboard_openapi_document(self, document: dict[str, Any]) -> None:
            calls.append("document")

    app = App(plugins=[Counter(), openapi(yaml_url="/openapi.yaml")])
    app.get("/x")(lambda: None)
    with TestClient(app) as client:
        for _ in range(3):
            client.get("/openapi.json")
            client.get("/openapi.yaml")
    assert calls == ["document"]
    assert get_openapi(app) is get_openapi(app)
    assert render_document(app) is render_document(app)


def test_root_path_goes_into_servers(document: Any) -> None:
    app = _app(servers=["https://api.example.com"])
    with TestClient(app, root_path="/api/") as client:
        served = client.get("/openapi.json").json()
    assert served["servers"] == [{"url": "/api"}, {"url": "https://api.example.com"}]
    assert list(served) == ["openapi", "info", "servers", "paths"]
    validate(served)
    # The document without a root path is unchanged.
    assert document(app)["servers"] == [{"url": "https://api.example.com"}]
    assert document(app, root_path="/other")["servers"][0] == {"url": "/other"}


def test_root_path_already_listed_or_disabled() -> None:
    listed = _app(servers=["/api"])
    assert get_openapi(listed, root_path="/api")["servers"] == [{"url": "/api"}]
    disabled = _app(root_path_in_servers=False)
    assert "servers" not in get_openapi(disabled, root_path="/api")


def test_an_apps_own_root_path() -> None:
    app = App(plugins=[openapi()], root_path="/prefix")
    with TestClient(app) as client:
        assert client.get("/openapi.json").json()["servers"] == [{"url": "/prefix"}]


def test_a_mounted_sub_app_documents_itself_under_its_mount_path(document: Any) -> None:
    sub = App(plugins=[openapi(title="Admin")])
    sub.get("/users", name="list_users")(_nothing)
    parent = App(plugins=[openapi(title="Main")], routes=[Mount("/admin", app=sub)])
    parent.get("/items", name="list_items")(_nothing)
    with TestClient(parent) as client:
        main = client.get("/openapi.json").json()
        admin = client.get("/admin/openapi.json").json()
    assert list(main["paths"]) == ["/items"]
    assert "servers" not in main
    assert admin["info"]["title"] == "Admin"
    assert list(admin["paths"]) == ["/users"]
    assert admin["servers"] == [{"url": "/admin"}]
    validate(admin)


def test_build_document_is_fresh_and_can_take_some_routes() -> None:
    app = _app(title="Cached")
    app.get("/internal/stats", name="stats")(_nothing)
    app.build()
    public = [r for r in app.routes if getattr(r, "path", "").startswith("/items")]
    doc = build_document(app, OpenAPISettings(title="Public", version="1"), routes=public)
    validate(doc)
    assert doc["info"] == {"title": "Public", "version": "1"}
    assert list(doc["paths"]) == ["/items"]
    assert build_document(app) is not build_document(app)
    assert build_document(app)["info"]["title"] == "Cached"


def test_build_document_works_without_the_plugin() -> None:
    app = App()
    app.get("/x", name="x")(lambda: None)
    doc = build_document(app)
    validate(doc)
    assert list(doc["paths"]) == ["/x"]


def test_get_openapi_needs_the_plugin() -> None:
    for function in (get_openapi, render_document, openapi_url):
        with pytest.raises(PluginError, match=r"does not enable the OpenAPI plugin"):
            function(App())


def test_app_wide_options_do_not_apply_to_the_document_route(fake: Any) -> None:
    from .openapi_fakes import Auth

    app = App(
        plugins=[fake, openapi()],
        auth=[Auth("key", {"type": "apiKey", "in": "query", "name": "k"})],
    )
    app.get("/x", name="x")(lambda: None)
    doc = get_openapi(app)
    assert "/openapi.json" not in doc["paths"]
    assert doc["paths"]["/x"]["get"]["security"] == [{"key": []}]


def test_passes_the_plugin_check() -> None:
    check_plugin(openapi, alongside=())


def test_one_plugin_object_serves_several_apps() -> None:
    plugin = openapi(title="Shared")
    first, second = App(plugins=[plugin]), App(plugins=[plugin])
    first.get("/first", name="first")(_nothing)
    second.get("/second", name="second")(_nothing)
    assert list(get_openapi(first)["paths"]) == ["/first"]
    assert list(get_openapi(second)["paths"]) == ["/second"]
    assert repr(plugin) == "OpenAPIPlugin(title='Shared', url='/openapi.json')"
