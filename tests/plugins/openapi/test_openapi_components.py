"""Components: schemas and security schemes from many describers, merged by name."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from pegboard import App
from pegboard.descriptions import Schema
from pegboard_openapi import Components, OpenAPIWarning, openapi

from .openapi_fakes import Auth, Body, Model

REF = "#/components/schemas/"
ADDRESS = {"type": "object", "properties": {"city": {"type": "string"}}}


def _user(address: dict[str, Any] = ADDRESS) -> Schema:
    user = {"type": "object", "properties": {"address": {"$ref": REF + "Address"}}}
    return Schema.of({"$ref": REF + "User"}, {"User": user, "Address": address})


def test_identical_definitions_are_kept_once() -> None:
    components = Components()
    assert components.schema(_user()) == {"$ref": REF + "User"}
    assert components.schema(_user()) == {"$ref": REF + "User"}
    assert list(components.schemas) == ["User", "Address"]


def test_a_schema_is_built_once_and_copied_for_each_use() -> None:
    calls = []

    def build() -> Any:
        calls.append(1)
        return {"type": "array", "items": {"$ref": REF + "Address"}}, {"Address": ADDRESS}

    components = Components()
    schema = Schema.lazy(build)
    first, second = components.schema(schema), components.schema(schema)
    assert first == second
    assert first is not second
    first["items"]["$ref"] = "edited"
    assert components.schema(schema)["items"] == {"$ref": REF + "Address"}
    assert calls == [1]


def test_a_conflicting_definition_is_renamed_and_its_refs_follow() -> None:
    components = Components()
    other_address = {"type": "object", "properties": {"street": {"type": "string"}}}
    components.schema(_user())
    with pytest.warns(OpenAPIWarning) as caught:
        second = components.schema(_user(other_address), owner="GET /b")
    # Address differs, so it becomes Address2; User refers to it, so it differs too.
    assert second == {"$ref": REF + "User2"}
    assert components.schemas["Address2"] == other_address
    assert components.schemas["User2"]["properties"]["address"] == {"$ref": REF + "Address2"}
    assert components.schemas["User"]["properties"]["address"] == {"$ref": REF + "Address"}
    assert [str(w.message).split(";")[0] for w in caught] == [
        "Two different schemas are named 'User'",
        "Two different schemas are named 'Address'",
    ]
    assert "this one (from GET /b) is published as 'User2'" in str(caught[0].message)


def test_a_recursive_definition_that_conflicts_refers_to_its_new_name() -> None:
    components = Components()
    node = {"type": "object", "properties": {"children": {"items": {"$ref": REF + "Node"}}}}
    other = {"type": "object", "properties": {"next": {"$ref": REF + "Node"}}}
    components.schema(Schema.of({"$ref": REF + "Node"}, {"Node": node}))
    with pytest.warns(OpenAPIWarning):
        assert components.schema(Schema.of({"$ref": REF + "Node"}, {"Node": other})) == {
            "$ref": REF + "Node2"
        }
    assert components.schemas["Node2"]["properties"]["next"] == {"$ref": REF + "Node2"}
    assert components.schemas["Node"] == node


def test_a_definition_matching_an_earlier_renamed_one_reuses_it() -> None:
    components = Components()
    components.add_schema("B", {"type": "string"})
    with pytest.warns(OpenAPIWarning):
        components.add_schema("B", {"type": "integer"})
    a_to_b2 = {"type": "object", "properties": {"b": {"$ref": REF + "B2"}}}
    components.add_schema("A", a_to_b2)
    # A refers to B, whose content is B2's: once B is placed as B2, A matches A.
    a_to_b = {"type": "object", "properties": {"b": {"$ref": REF + "B"}}}
    renames = components.add_schemas({"A": a_to_b, "B": {"type": "integer"}})
    assert renames == {"B": "B2"}
    assert sorted(components.schemas) == ["A", "B", "B2"]


def test_renaming_is_deterministic_and_skips_taken_names() -> None:
    components = Components()
    components.add_schema("Item", {"type": "string"})
    components.add_schema("Item2", {"type": "integer"})
    components.add_schema("V1", {"type": "string"})
    with pytest.warns(OpenAPIWarning):
        item = components.add_schema("Item", {"type": "boolean"})
    with pytest.warns(OpenAPIWarning):
        v1 = components.add_schema("V1", {"type": "boolean"})
    assert (item, v1) == ("Item3", "V1_2")
    assert components.add_schema("Item", {"type": "string"}) == "Item"


def test_names_openapi_does_not_allow_are_made_valid() -> None:
    components = Components()
    schema = Schema.of({"$ref": REF + "list[Item]"}, {"list[Item]": {"type": "array"}})
    assert components.schema(schema) == {"$ref": REF + "list_Item_"}
    assert components.schemas == {"list_Item_": {"type": "array"}}


def test_security_schemes_follow_the_same_rules() -> None:
    components = Components()
    bearer = {"type": "http", "scheme": "bearer"}
    assert components.add_security_scheme("token", bearer) == "token"
    assert components.add_security_scheme("token", dict(bearer)) == "token"
    with pytest.warns(OpenAPIWarning, match="securitySchemes are named 'token'"):
        assert components.add_security_scheme("token", {"type": "http", "scheme": "basic"}) == (
            "token2"
        )
    assert components.to_dict() == {
        "securitySchemes": {"token": bearer, "token2": {"type": "http", "scheme": "basic"}}
    }


shop_item = Model("Item", {"type": "object", "properties": {"sku": {"type": "string"}}})
blog_item = Model("Item", {"type": "object", "properties": {"slug": {"type": "string"}}})


def test_same_named_models_of_two_plugins_in_one_document(fake: Any, document: Any) -> None:
    app = App(plugins=[fake, openapi()])

    @app.post("/shop", name="shop")
    def shop(item: Annotated[Any, Body(shop_item)]) -> None: ...

    @app.post("/blog", returns=blog_item)
    def blog(item: Annotated[Any, Body(blog_item)]) -> None: ...

    with pytest.warns(
        OpenAPIWarning, match=r"this one \(from POST /blog\) is published as 'Item2'"
    ):
        doc = document(app)
    blog_operation = doc["paths"]["/blog"]["post"]
    body = blog_operation["requestBody"]["content"]["application/json"]["schema"]
    response = blog_operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == response == {"$ref": REF + "Item2"}
    assert doc["components"]["schemas"] == {"Item": shop_item.schema, "Item2": blog_item.schema}


def test_conflicting_security_schemes_in_a_document(fake: Any, document: Any) -> None:
    app = App(plugins=[fake, openapi()])
    app.get("/a", auth=[Auth("key", {"type": "apiKey", "in": "header", "name": "A"})])(lambda: None)
    app.get("/b", auth=[Auth("key", {"type": "apiKey", "in": "header", "name": "B"})])(lambda: None)
    with pytest.warns(OpenAPIWarning, match=r"from GET /b"):
        doc = document(app)
    assert doc["paths"]["/b"]["get"]["security"] == [{"key2": []}]
    assert doc["components"]["securitySchemes"]["key2"]["name"] == "B"
