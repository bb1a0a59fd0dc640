"""Operations: what each route and method becomes, from options and descriptions."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from pegboard import (
    App,
    EventSourceResponse,
    HTMLResponse,
    Request,
    RouteDefinitionError,
    Router,
    WebSocket,
)
from pegboard.descriptions import Schema
from pegboard_openapi import get_openapi, openapi

from .openapi_fakes import Auth, Body, Model, Param

ITEM = Model("Item", {"type": "object", "properties": {"name": {"type": "string"}}})
MESSAGE = Model("Message", {"type": "object", "properties": {"detail": {"type": "string"}}})
BEARER = Auth("bearer", {"type": "http", "scheme": "bearer"})


def test_a_plain_route(document: Any) -> None:
    app = App(plugins=[openapi()])

    @app.get("/items")
    async def read_items() -> list[str]:
        return []

    operation = document(app)["paths"]["/items"]["get"]
    assert operation == {
        "summary": "Read Items",
        "operationId": "read_items_items_get",
        "responses": {
            "200": {
                "description": "Successful Response",
                # No model: any value, written {} as FastAPI does.
                "content": {"application/json": {"schema": {}}},
            }
        },
    }


def test_text_without_a_model_is_documented_as_a_string(document: Any) -> None:
    app = App(plugins=[openapi()])

    @app.get("/page", response_class=HTMLResponse)
    async def page() -> str:
        return "<p>hi</p>"

    responses = document(app)["paths"]["/page"]["get"]["responses"]
    assert responses["200"]["content"] == {"text/html": {"schema": {"type": "string"}}}


def test_summary_and_description_from_name_and_docstring(document: Any) -> None:
    app = App(plugins=[openapi()])

    @app.get("/a")
    def list_all_things() -> None:
        """List the things.

        Every one of them.
        \f
        Internal notes the document leaves out.
        """

    @app.get("/b", summary="B things", description="Described here.")
    def b() -> None:
        """Not this."""

    paths = document(app)["paths"]
    assert paths["/a"]["get"]["summary"] == "List All Things"
    assert paths["/a"]["get"]["description"] == "List the things.\n\nEvery one of them."
    assert paths["/b"]["get"]["summary"] == "B things"
    assert paths["/b"]["get"]["description"] == "Described here."


def test_tags_add_up_from_app_router_and_route(document: Any) -> None:
    app = App(plugins=[openapi()], tags=["api"])
    router = Router(prefix="/users", tags=["users"])

    @router.get("/", tags=["listing"])
    def list_users() -> list[str]:
        return []

    app.include_router(router, tags=["v1"])
    assert document(app)["paths"]["/users/"]["get"]["tags"] == ["api", "v1", "users", "listing"]


def test_deprecated_and_hidden_routes(document: Any) -> None:
    app = App(plugins=[openapi()])
    old = Router(deprecated=True)

    @old.get("/old")
    def old_route() -> None: ...

    @old.get("/revived", deprecated=False)
    def revived() -> None: ...

    @app.get("/hidden", include_in_schema=False)
    def hidden() -> None: ...

    app.include_router(old)
    paths = document(app)["paths"]
    assert paths["/old"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/revived"]["get"]
    assert "/hidden" not in paths


def test_one_operation_per_method_and_no_implied_head(document: Any) -> None:
    app = App(plugins=[openapi()])

    @app.api_route("/things", methods=["POST", "GET", "PUT"])
    def things() -> None: ...

    @app.api_route("/heads", methods=["GET", "HEAD"])
    def heads() -> None: ...

    paths = document(app)["paths"]
    assert list(paths["/things"]) == ["get", "put", "post"]
    assert list(paths["/heads"]) == ["get", "head"]
    ids = [op["operationId"] for op in paths["/things"].values()]
    assert ids == ["things_things_get", "things_things_put", "things_things_post"]


def test_websocket_starlette_routes_and_mounts_are_skipped(document: Any) -> None:
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount
    from starlette.routing import Route as StarletteRoute

    async def raw(request: Request) -> PlainTextResponse:
        return PlainTextResponse("raw")

    app = App(
        plugins=[openapi()],
        routes=[StarletteRoute("/raw", raw), Mount("/static", app=PlainTextResponse("x"))],
    )

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None: ...

    @app.get("/kept")
    def kept() -> None: ...

    assert list(document(app)["paths"]) == ["/kept"]


def test_path_parameters_are_always_declared(document: Any) -> None:
    app = App(plugins=[openapi()])

    @app.get("/files/{name}/{version:int}/{rest:path}")
    def read_file(request: Request) -> None: ...

    parameters = document(app)["paths"]["/files/{name}/{version}/{rest}"]["get"]["parameters"]
    assert parameters == [
        {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
        {
            "name": "version",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        },
        {"name": "rest", "in": "path", "required": True, "schema": {"type": "string"}},
    ]


def test_descriptions_of_a_third_party_plugin(fake: Any, document: Any) -> None:
    app = App(plugins=[fake, openapi()])

    @app.post("/items/{item_id}", returns=ITEM, status_code=201, auth=[BEARER])
    def update_item(
        item_id: Annotated[str, Param("path", {"type": "string", "format": "uuid"}, required=True)],
        item: Annotated[Any, Body(ITEM, "application/json", "application/x-yaml")],
        q: Annotated[str, Param("query", {"type": "string"}, description="Search.")] = "",
        token: Annotated[str, Param("header", {"type": "string"}, alias="X-Token")] = "",
        session: Annotated[str, Param("cookie", {"type": "string"}, deprecated=True)] = "",
    ) -> Any:
        return item

    doc = document(app)
    operation = doc["paths"]["/items/{item_id}"]["post"]
    assert operation["parameters"] == [
        {
            "name": "item_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        },
        {
            "name": "q",
            "in": "query",
            "required": False,
            "description": "Search.",
            "schema": {"type": "string"},
        },
        {"name": "X-Token", "in": "header", "required": False, "schema": {"type": "string"}},
        {
            "name": "session",
            "in": "cookie",
            "required": False,
            "deprecated": True,
            "schema": {"type": "string"},
        },
    ]
    ref = {"schema": {"$ref": "#/components/schemas/Item"}}
    assert operation["requestBody"] == {
        "content": {"application/json": ref, "application/x-yaml": ref},
        "required": True,
    }
    assert operation["responses"] == {
        "201": {"description": "OK", "content": {"application/json": ref}},
        "401": {"description": "Not authenticated"},
    }
    assert operation["security"] == [{"bearer": []}]
    assert doc["components"] == {
        "schemas": {"Item": ITEM.schema},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    }


def test_repeated_parameters_are_documented_once(fake: Any, document: Any) -> None:
    app = App(plugins=[fake, openapi()])

    def dependency_reads(
        fmt: Annotated[str, Param("query", {"type": "string"})] = "",
        accept: Annotated[str, Param("header", {"type": "string"}, alias="x-format")] = "",
    ) -> None: ...

    @app.get("/report")
    def report(
        fmt: Annotated[str, Param("query", {"type": "string", "enum": ["a"]}, required=True)],
        accept: Annotated[str, Param("header", {"type": "string"}, alias="X-Format")] = "",
        other: Annotated[str, Param("query", {"type": "string"}, alias="fmt")] = "",
    ) -> None: ...

    parameters = document(app)["paths"]["/report"]["get"]["parameters"]
    assert parameters == [
        {
            "name": "fmt",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "enum": ["a"]},
        },
        {"name": "X-Format", "in": "header", "required": False, "schema": {"type": "string"}},
    ]


def test_a_later_required_description_makes_the_parameter_required(
    fake: Any, document: Any
) -> None:
    app = App(plugins=[fake, openapi()])

    @app.get("/r")
    def r(
        a: Annotated[str, Param("query", {"type": "string"}, alias="q")] = "",
        b: Annotated[str, Param("query", {"type": "integer"}, alias="q", required=True)] = "",
    ) -> None: ...

    (parameter,) = document(app)["paths"]["/r"]["get"]["parameters"]
    assert parameter == {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}


def test_security_requirements_combine_into_one(fake: Any, document: Any) -> None:
    oauth = {
        "type": "oauth2",
        "flows": {"password": {"tokenUrl": "/token", "scopes": {"read": "", "write": ""}}},
    }
    app = App(plugins=[fake, openapi()], auth=[Auth("oauth", oauth, ["read"])])

    @app.get("/me", auth=[Auth("oauth", oauth, ["write", "read"]), BEARER])
    def me() -> None: ...

    @app.get("/public", include_in_schema=True)
    def public() -> None: ...

    doc = document(app)
    assert doc["paths"]["/me"]["get"]["security"] == [{"oauth": ["read", "write"], "bearer": []}]
    assert doc["paths"]["/public"]["get"]["security"] == [{"oauth": ["read"]}]
    assert list(doc["components"]["securitySchemes"]) == ["oauth", "bearer"]


def test_responses_option_with_models_schemas_and_raw_objects(fake: Any, document: Any) -> None:
    app = App(plugins=[fake, openapi()])
    raw_schema = {"type": "object", "properties": {"code": {"type": "integer"}}}

    @app.get(
        "/items/{id}",
        returns=ITEM,
        response_description="The item",
        responses={
            404: {"model": MESSAGE, "description": "Not found"},
            409: {"model": raw_schema},
            "4xx": {"model": Schema.of({"type": "string"})},
            "default": {"description": "Anything else"},
            200: {"content": {"image/png": {}}, "headers": {"X-Rate": {"schema": {}}}},
        },
    )
    def read_item(id: str) -> Any: ...

    responses = document(app)["paths"]["/items/{id}"]["get"]["responses"]
    assert list(responses) == ["200", "404", "409", "4XX", "default"]
    assert responses["200"] == {
        "description": "The item",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}},
            "image/png": {},
        },
        "headers": {"X-Rate": {"schema": {}}},
    }
    assert responses["404"] == {
        "description": "Not found",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
    }
    assert responses["409"]["description"] == "Conflict"
    assert responses["409"]["content"]["application/json"]["schema"] == raw_schema
    assert responses["4XX"] == {
        "description": "Response",
        "content": {"application/json": {"schema": {"type": "string"}}},
    }
    assert responses["default"] == {"description": "Anything else"}
    assert fake.models_asked == [MESSAGE]


def test_responses_option_from_routers_adds_up(document: Any) -> None:
    app = App(plugins=[openapi()], responses={500: {"description": "Broken"}})
    router = Router(responses={404: {"description": "Missing"}})

    @router.get("/x", responses={404: {"description": "No x"}, 418: {}})
    def x() -> None: ...

    app.include_router(router)
    responses = document(app)["paths"]["/x"]["get"]["responses"]
    assert {k: v["description"] for k, v in responses.items()} == {
        "200": "Successful Response",
        "404": "No x",
        "418": "I'm a Teapot",
        "500": "Broken",
    }


def test_a_model_nobody_can_describe_is_an_error_naming_the_route() -> None:
    class Message:
        pass

    app = App(plugins=[openapi()])

    @app.get("/m", responses={404: {"model": Message}})
    def m() -> None: ...

    with pytest.raises(RouteDefinitionError, match=r"GET /m: responses= names the model Message"):
        get_openapi(app)


def test_openapi_extra_and_callbacks(document: Any) -> None:
    app = App(plugins=[openapi()])
    callbacks = {
        "onEvent": {
            "{$request.query.url}": {"post": {"responses": {"200": {"description": "Received"}}}}
        }
    }

    @app.post(
        "/subscribe",
        callbacks=callbacks,
        openapi_extra={"x-internal": True, "responses": {"200": {"description": "Subscribed"}}},
    )
    def subscribe() -> None: ...

    operation = document(app)["paths"]["/subscribe"]["post"]
    assert operation["callbacks"] == callbacks
    assert operation["x-internal"] is True
    assert operation["responses"]["200"] == {
        "description": "Subscribed",
        "content": {"application/json": {"schema": {}}},
    }


def test_streams_and_empty_responses_from_the_core_encoder(document: Any) -> None:
    app = App(plugins=[openapi()])

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> Any:
        yield {"n": 1}

    @app.delete("/items/{id}", status_code=204)
    def delete_item(id: str) -> None: ...

    paths = document(app)["paths"]
    assert paths["/events"]["get"]["responses"]["200"]["content"] == {
        "text/event-stream": {"schema": {}}
    }
    assert paths["/items/{id}"]["delete"]["responses"] == {
        "204": {"description": "Successful Response"}
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"summary": 3}, "summary= must be a string"),
        ({"operation_id": ["x"]}, "operation_id= must be a string"),
        ({"openapi_extra": "x"}, "openapi_extra= must be a dict"),
        ({"callbacks": "x"}, "callbacks= must be a DocumentedRouter"),
        ({"callbacks": [1]}, "callbacks= must be a DocumentedRouter"),
        ({"responses": [404]}, "responses= must map status codes"),
        ({"responses": {"nope": {}}}, "has the key 'nope', which is not a status code"),
        ({"responses": {600: {}}}, "has the key 600"),
        ({"responses": {404: "Not found"}}, r"responses\[404\] must be a dict"),
    ],
)
def test_bad_options_fail_when_the_route_is_added(options: dict[str, Any], message: str) -> None:
    app = App(plugins=[openapi()])
    with pytest.raises(RouteDefinitionError, match=message):
        app.get("/x", **options)(lambda: None)


def test_options_need_the_plugin() -> None:
    app = App()
    with pytest.raises(RouteDefinitionError, match=r"Enable the plugin that reads it: .*openapi"):
        app.get("/x", summary="X")(lambda: None)
