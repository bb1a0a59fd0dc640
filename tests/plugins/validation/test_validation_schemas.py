"""What the plugin describes for documents: parameters, bodies, responses, schemas."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, computed_field, create_model

from pegboard import App, PluginInfo, RouteOption
from pegboard.descriptions import (
    BodyDescription,
    Description,
    ParameterDescription,
    ResponseDescription,
    Schema,
)
from pegboard_validation import Body, File, Form, Header, Query, UploadFile, validation
from pegboard_validation.schemas import REF_PREFIX


class Owner(BaseModel):
    name: str


class Item(BaseModel):
    name: str
    owner: Owner


class Priced(BaseModel):
    price: float
    quantity: int = 1

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> float:
        return self.price * self.quantity


class Filters(BaseModel):
    limit: int = 10
    order: str | None = None


ItemA = create_model("Thing", __module__="shop.a", a=(int, ...))
ItemB = create_model("Thing", __module__="shop.b", b=(str, ...))


def descriptions(app: App, index: int = 0) -> tuple[Description, ...]:
    app.build()
    compiled = app.routes[index].compiled
    assert compiled is not None
    return compiled.descriptions


def of_type(found: tuple[Description, ...], kind: type[Any]) -> list[Any]:
    return [d for d in found if isinstance(d, kind)]


def assert_refs_resolve(schema: Schema) -> None:
    """Every $ref points into components/schemas and is among the definitions."""
    built, definitions = schema.build()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None:
                assert ref.startswith(REF_PREFIX), ref
                assert ref[len(REF_PREFIX) :] in definitions, ref
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(built)
    walk(dict(definitions))


def test_parameters_are_described(app: App) -> None:
    @app.get("/items/{item_id}")
    async def read(
        item_id: int,
        q: Annotated[
            str | None,
            Query(
                description="Search text",
                examples=["abc"],
                openapi_examples={"short": {"value": "a"}},
                deprecated=True,
                max_length=5,
            ),
        ] = None,
        hidden: Annotated[int, Query(include_in_schema=False)] = 0,
        x_token: Annotated[str, Header(title="Token")] = "t",
    ) -> None:
        return None

    params = of_type(descriptions(app), ParameterDescription)
    by_name = {p.name: p for p in params}
    assert [(p.location, p.name, p.required) for p in params] == [
        ("path", "item_id", True),
        ("query", "q", False),
        ("query", "hidden", False),
        ("header", "x-token", False),
    ]
    assert by_name["item_id"].schema.build() == ({"type": "integer", "title": "Item Id"}, {})
    q = by_name["q"]
    assert q.description == "Search text"
    assert q.deprecated is True
    assert q.examples == {"short": {"value": "a"}}
    assert q.schema.schema == {
        "anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}],
        "title": "Q",
        # No "default": null; the description and deprecation repeated, as FastAPI does.
        "description": "Search text",
        "deprecated": True,
        "examples": ["abc"],
    }
    assert by_name["hidden"].include_in_schema is False
    assert by_name["x-token"].schema.schema["title"] == "Token"


def test_parameters_are_titled_by_the_name_the_client_sends(app: App) -> None:
    @app.get("/items")
    async def read(
        q: Annotated[str | None, Query(alias="item-query")] = None,
        user_agent: Annotated[str | None, Header()] = None,
        page: int = 1,
    ) -> None:
        return None

    schemas = {p.name: p.schema.schema for p in of_type(descriptions(app), ParameterDescription)}
    assert schemas["item-query"]["title"] == "Item-Query"
    assert schemas["user-agent"]["title"] == "User-Agent"
    assert "default" not in schemas["item-query"]  # None is no default worth stating
    assert schemas["page"]["default"] == 1


class Memo(BaseModel):
    name: str
    note: str | None = None
    size: int = 3


def test_an_optional_model_field_states_no_null_default(app: App) -> None:
    @app.post("/items")
    async def create(item: Memo) -> None:
        return None

    (body,) = of_type(descriptions(app), BodyDescription)
    schema, definitions = body.content["application/json"].build()
    properties = definitions[schema["$ref"].rsplit("/", 1)[1]]["properties"]
    assert "default" not in properties["note"]
    assert properties["size"]["default"] == 3


def test_a_query_model_is_described_field_by_field(app: App) -> None:
    @app.get("/items")
    async def items(filters: Annotated[Filters, Query()]) -> None:
        return None

    params = of_type(descriptions(app), ParameterDescription)
    assert [(p.name, p.required) for p in params] == [("limit", False), ("order", False)]
    assert params[0].schema.schema == {"default": 10, "title": "Limit", "type": "integer"}


def test_the_422_response_is_described_once_per_route_with_input(app: App) -> None:
    @app.get("/items/{item_id}")
    async def read(item_id: int, q: str = "") -> None:
        return None

    @app.get("/plain")
    async def plain() -> None:
        return None

    errors = [d for d in of_type(descriptions(app, 0), ResponseDescription) if d.status_code == 422]
    assert len(errors) == 1
    schema = errors[0].content["application/json"]
    assert schema.schema == {"$ref": REF_PREFIX + "HTTPValidationError"}
    assert set(schema.definitions) == {"HTTPValidationError", "ValidationError"}
    assert schema.definitions["ValidationError"]["required"] == ["loc", "msg", "type"]
    assert not [
        d for d in of_type(descriptions(app, 1), ResponseDescription) if d.status_code == 422
    ]


def test_bodies_and_responses_refer_to_shared_definitions(app: App) -> None:
    @app.post("/items", status_code=201)
    async def create(item: Item) -> Item:
        return item

    found = descriptions(app)
    [body] = of_type(found, BodyDescription)
    assert body.required is True
    schema = body.content["application/json"]
    assert schema.schema == {"$ref": REF_PREFIX + "Item"}
    assert set(schema.definitions) == {"Item", "Owner"}
    assert_refs_resolve(schema)
    [response] = [d for d in of_type(found, ResponseDescription) if d.status_code == 201]
    assert response.description == "Successful Response"
    assert response.content["application/json"].schema == {"$ref": REF_PREFIX + "Item"}


def test_embedded_bodies_get_a_body_model(app: App) -> None:
    @app.post("/items")
    async def create_item(item: Item, note: Annotated[str, Body(description="Why")] = "") -> None:
        return None

    [body] = of_type(descriptions(app), BodyDescription)
    schema = body.content["application/json"]
    assert schema.schema == {"$ref": REF_PREFIX + "Body_create_item_items_post"}
    model = schema.definitions["Body_create_item_items_post"]
    assert model["properties"]["note"] == {
        "default": "",
        "description": "Why",
        "title": "Note",
        "type": "string",
    }
    assert model["required"] == ["item"]
    assert_refs_resolve(schema)


def test_form_and_multipart_bodies(app: App) -> None:
    @app.post("/login")
    async def login(username: Annotated[str, Form()], password: Annotated[str, Form()]) -> None:
        return None

    @app.post("/upload")
    async def upload(
        doc: UploadFile, raw: Annotated[bytes, File()], files: list[UploadFile]
    ) -> None:
        return None

    [form] = of_type(descriptions(app, 0), BodyDescription)
    assert list(form.content) == ["application/x-www-form-urlencoded"]
    [multipart] = of_type(descriptions(app, 1), BodyDescription)
    schema = multipart.content["multipart/form-data"]
    properties = schema.definitions[schema.schema["$ref"].rsplit("/", 1)[1]]["properties"]
    assert properties["doc"] == {"format": "binary", "title": "Doc", "type": "string"}
    assert properties["raw"]["format"] == "binary"
    assert properties["files"]["items"] == {"format": "binary", "type": "string"}


def test_same_named_models_get_distinct_names(app: App) -> None:
    @app.post("/a")
    async def a(thing: ItemA) -> None:  # type: ignore[valid-type]
        return None

    @app.post("/b")
    async def b(thing: ItemB) -> None:  # type: ignore[valid-type]
        return None

    [body_a] = of_type(descriptions(app, 0), BodyDescription)
    [body_b] = of_type(descriptions(app, 1), BodyDescription)
    ref_a = body_a.content["application/json"].schema["$ref"]
    ref_b = body_b.content["application/json"].schema["$ref"]
    assert ref_a != ref_b
    assert ref_a.endswith("Thing")
    assert ref_b.endswith("Thing")


def test_input_and_output_schemas_are_separated_when_they_differ(app: App) -> None:
    @app.post("/priced")
    async def priced(item: Priced) -> Priced:
        return item

    found = descriptions(app)
    [body] = of_type(found, BodyDescription)
    [response] = [d for d in of_type(found, ResponseDescription) if d.status_code == 200]
    assert body.content["application/json"].schema == {"$ref": REF_PREFIX + "Priced-Input"}
    output = response.content["application/json"]
    assert output.schema == {"$ref": REF_PREFIX + "Priced-Output"}
    assert "total" in output.definitions["Priced-Output"]["properties"]


def test_one_schema_per_model_when_input_and_output_are_not_separated() -> None:
    app = App(plugins=[validation(separate_input_output_schemas=False)])

    @app.post("/priced")
    async def priced(item: Priced) -> Priced:
        return item

    found = descriptions(app)
    [body] = of_type(found, BodyDescription)
    [response] = [d for d in of_type(found, ResponseDescription) if d.status_code == 200]
    assert body.content["application/json"].schema == {"$ref": REF_PREFIX + "Priced"}
    assert response.content["application/json"].schema == {"$ref": REF_PREFIX + "Priced"}


def test_problem_details_describe_the_422_as_problem_json() -> None:
    app = App(plugins=[validation(problem_details=True)])

    @app.get("/n")
    async def n(n: int) -> None:
        return None

    [error] = [d for d in of_type(descriptions(app), ResponseDescription) if d.status_code == 422]
    schema = error.content["application/problem+json"]
    assert schema.schema == {"$ref": REF_PREFIX + "ValidationProblem"}
    assert "ValidationProblem" in schema.definitions


class Message(BaseModel):
    detail: str


class ResponsesOption:
    """Declares the OpenAPI plugin's responses= option, which this test does not enable."""

    plugin_info = PluginInfo(
        name="responses_option", route_options=(RouteOption("responses", "update"),)
    )


def test_models_named_for_documents_join_the_same_generation_pass() -> None:
    plugin = validation()
    app = App(plugins=[plugin, ResponsesOption()])

    @app.get("/items/{item_id}", responses={404: {"model": Message}, 500: {"description": "x"}})
    async def read(item_id: int) -> Item:
        raise AssertionError("not called")

    app.build()
    schema = plugin.pegboard_openapi_model_schema(app=app, model=Message)
    assert schema is not None
    assert schema.build() == (
        {"$ref": REF_PREFIX + "Message"},
        {"Message": schema.definitions["Message"]},
    )
    assert plugin.pegboard_openapi_model_schema(app=app, model=Item).schema == {
        "$ref": REF_PREFIX + "Item"
    }
    assert plugin.pegboard_openapi_model_schema(app=app, model={"type": "object"}) is None
    assert plugin.pegboard_openapi_model_schema(app=app, model=object()) is None
