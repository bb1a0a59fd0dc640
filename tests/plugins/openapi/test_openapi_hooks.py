"""The hooks the plugin adds, as other plugins implement them."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route as StarletteRoute

from pegboard import App, PluginError, PluginInfo, Request, RouteInfo, RouteOption, hookimpl
from pegboard.descriptions import Schema
from pegboard_openapi import Components, get_openapi, hookspecs, openapi

REF = "#/components/schemas/"


class RateLimit:
    """A third-party plugin with its own route option, documented through the hooks."""

    plugin_info = PluginInfo(name="ratelimit", route_options=(RouteOption("rate"),))

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, list[str]]] = []

    @hookimpl(optionalhook=True)
    def pegboard_openapi_operation(
        self, route: RouteInfo, method: str, operation: dict[str, Any], components: Components
    ) -> None:
        self.seen.append((method, route.path, sorted(operation)))
        rate = route.option("rate")
        if rate is None:
            return
        operation["x-rate-limit"] = rate
        schema = Schema.of({"$ref": REF + "TooMany"}, {"TooMany": {"type": "object"}})
        operation["responses"]["429"] = {
            "description": "Too many requests",
            "content": {"application/json": {"schema": components.schema(schema)}},
        }

    @hookimpl(optionalhook=True)
    def pegboard_openapi_document(self, app: App, document: dict[str, Any]) -> None:
        document["info"]["x-rate-limited"] = True


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


class Health:
    """Serves a raw Starlette route and documents it with pegboard_openapi_paths."""

    plugin_info = PluginInfo(name="health")

    def __init__(self, path: str = "/health") -> None:
        self.path = path

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        app.router.routes.append(StarletteRoute(self.path, health))

    @hookimpl(optionalhook=True)
    def pegboard_openapi_paths(
        self, app: App, components: Components
    ) -> Mapping[str, Mapping[str, Any]]:
        name = components.add_schema("Health", {"type": "string"})
        ok = {"text/plain": {"schema": {"$ref": REF + name}}}
        return {
            self.path: {
                "get": {
                    "operationId": "health",
                    "responses": {"200": {"description": "OK", "content": ok}},
                }
            }
        }


def test_a_plugin_edits_operations_and_the_document(document: Any) -> None:
    limits = RateLimit()
    app = App(plugins=[limits, openapi()])

    @app.get("/search", rate="10/minute", openapi_extra={"x-rate-limit": "overridden"})
    def search() -> None: ...

    @app.post("/items")
    def create() -> None: ...

    doc = document(app)
    search_op = doc["paths"]["/search"]["get"]
    assert search_op["responses"]["429"]["description"] == "Too many requests"
    # openapi_extra comes after the hook: the route's author has the last word.
    assert search_op["x-rate-limit"] == "overridden"
    assert "x-rate-limit" not in doc["paths"]["/items"]["post"]
    assert doc["components"]["schemas"] == {"TooMany": {"type": "object"}}
    assert doc["info"]["x-rate-limited"] is True
    assert limits.seen == [
        ("GET", "/search", ["operationId", "responses", "summary"]),
        ("POST", "/items", ["operationId", "responses", "summary"]),
    ]


def test_a_plugin_documents_routes_outside_pegboard_routing(document: Any) -> None:
    app = App(plugins=[Health(), openapi()])
    app.get("/items", name="items")(lambda: None)
    doc = document(app)
    assert list(doc["paths"]) == ["/items", "/health"]
    assert doc["paths"]["/health"]["get"]["operationId"] == "health"
    assert doc["components"]["schemas"] == {"Health": {"type": "string"}}


def test_contributed_paths_join_documented_ones_but_never_replace_them(document: Any) -> None:
    app = App(plugins=[Health("/items"), openapi()])
    app.post("/items", name="create")(lambda: None)
    assert list(document(app)["paths"]["/items"]) == ["post", "get"]

    clash = App(plugins=[Health("/items"), openapi()])
    clash.get("/items", name="read")(lambda: None)
    with pytest.raises(PluginError, match=r"returned 'get' for /items, which the document"):
        get_openapi(clash)


def test_hook_implementations_load_in_apps_without_the_plugin() -> None:
    app = App(plugins=[RateLimit(), Health()])
    app.get("/x", name="x", rate="1/second")(lambda: None)
    assert "ratelimit" in app.plugins


def test_a_misspelt_openapi_hook_is_reported_when_the_plugin_is_enabled() -> None:
    class Typo:
        plugin_info = PluginInfo(name="typo")

        @hookimpl(optionalhook=True)
        def pegboard_openapi_operations(self, operation: dict[str, Any]) -> None: ...

    # Optional hooks cannot be checked without their spec; the spec's arguments can.
    class WrongArgs:
        plugin_info = PluginInfo(name="wrong")

        @hookimpl(optionalhook=True)
        def pegboard_openapi_operation(self, op: dict[str, Any]) -> None: ...

    App(plugins=[Typo(), openapi()])
    with pytest.raises(PluginError, match=r"'op'.* against pegboard_openapi.hookspecs"):
        App(plugins=[WrongArgs(), openapi()])


def test_model_schema_hook_first_answer_wins(fake: Any, document: Any) -> None:
    class Other:
        plugin_info = PluginInfo(name="other")

        @hookimpl(optionalhook=True, tryfirst=True)
        def pegboard_openapi_model_schema(self, model: Any) -> Schema | None:
            return Schema.of({"type": "integer"}) if model is int else None

    from .openapi_fakes import Model

    message = Model("Message", {"type": "object"})
    app = App(plugins=[fake, Other(), openapi()])
    app.get("/a", name="a", responses={400: {"model": int}, 404: {"model": message}})(lambda: None)
    responses = document(app)["paths"]["/a"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {"type": "integer"}
    assert responses["404"]["content"]["application/json"]["schema"] == {"$ref": REF + "Message"}
    assert fake.models_asked == [message]


def test_every_hookspec_has_the_documented_anatomy() -> None:
    names = [n for n in dir(hookspecs) if n.startswith("pegboard_openapi_")]
    assert names == sorted(
        [
            "pegboard_openapi_document",
            "pegboard_openapi_model_schema",
            "pegboard_openapi_operation",
            "pegboard_openapi_paths",
        ]
    )
    for name in names:
        spec = getattr(hookspecs, name)
        doc = inspect.getdoc(spec) or ""
        for param in inspect.signature(spec).parameters:
            assert f":param {param}:" in doc, (name, param)
        assert ":returns:" in doc, name
        assert "Implementing this hook" in doc, name
