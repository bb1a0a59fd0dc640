"""JSON bodies: what is a body, embedding, content types, bad input."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

import attrs
import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from pegboard import App, Request, RequestValidationError, RouteDefinitionError, WebSocket
from pegboard.responses import JSONResponse
from pegboard.testing import TestClient
from pegboard_validation import Body, Form, validation


class Owner(BaseModel):
    name: str
    email: str


class Item(BaseModel):
    name: str = Field(max_length=50)
    price: float = Field(gt=0)
    tags: list[str] = []
    owner: Owner | None = None


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


class Movie(TypedDict):
    title: str
    year: int


@attrs.define
class Book:
    title: str = attrs.field(validator=attrs.validators.min_len(1))
    pages: int = 1
    authors: list[str] = attrs.Factory(list)


@attrs.frozen
class Shelf:
    label: str
    books: list[Book]


ITEM = {"name": "widget", "price": 9.5, "tags": ["a"], "owner": {"name": "b", "email": "b@x"}}


def post(client: TestClient, path: str, data: Any, **kwargs: Any) -> Any:
    return client.post(
        path, content=json.dumps(data), headers={"content-type": "application/json"}, **kwargs
    )


def test_a_model_parameter_is_the_body(app: App) -> None:
    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    with TestClient(app) as client:
        assert client.post("/items", json=ITEM).json() == ITEM
        response = client.post("/items", json={"name": "x" * 51, "price": 0})
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["body", "name"], "string_too_long"),
        (["body", "price"], "greater_than"),
    ]


def test_json_with_the_wrong_shape_is_422(app: App) -> None:
    @app.post("/items")
    async def create(item: Item) -> None:
        raise AssertionError("not called")

    with TestClient(app) as client:
        for data, loc, kind in [
            ([1, 2], ["body"], "model_attributes_type"),
            ("text", ["body"], "model_attributes_type"),
            ({"name": "a", "price": "x"}, ["body", "price"], "float_parsing"),
            (
                {"name": "a", "price": 1, "owner": {"name": "b"}},
                ["body", "owner", "email"],
                "missing",
            ),
        ]:
            response = post(client, "/items", data)
            assert response.status_code == 422, data
            error = response.json()["detail"][0]
            assert (error["loc"], error["type"]) == (loc, kind) or error["loc"] == loc


def test_missing_body_and_optional_body(app: App) -> None:
    @app.post("/required")
    async def required(item: Item) -> None:
        raise AssertionError("not called")

    @app.post("/optional")
    async def optional(item: Item | None = None) -> dict[str, object]:
        return {"item": item}

    with TestClient(app) as client:
        response = client.post("/required")
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
        ]
        assert client.post("/optional").json() == {"item": None}
        assert client.post("/optional", json=ITEM).json() == {"item": ITEM}


def test_body_types_dataclass_typeddict_attrs_lists_dicts(app: App) -> None:
    @app.post("/point")
    async def point(p: Point) -> dict[str, int]:
        assert isinstance(p, Point)
        return {"x": p.x, "y": p.y}

    @app.post("/movie")
    async def movie(m: Movie) -> Movie:
        return m

    @app.post("/book")
    async def book(b: Book) -> dict[str, object]:
        assert isinstance(b, Book)
        return attrs.asdict(b)

    @app.post("/shelf")
    async def shelf(s: Shelf) -> Shelf:
        assert isinstance(s.books[0], Book)
        return s

    @app.post("/items")
    async def items(items: list[Item]) -> dict[str, int]:
        return {"count": len(items)}

    @app.post("/weights")
    async def weights(w: dict[str, float]) -> dict[str, float]:
        return {"total": sum(w.values())}

    with TestClient(app) as client:
        assert client.post("/point", json={"x": 1}).json() == {"x": 1, "y": 0}
        assert client.post("/movie", json={"title": "M", "year": 1999}).json() == {
            "title": "M",
            "year": 1999,
        }
        assert client.post("/movie", json={"title": "M"}).json()["detail"][0]["loc"] == [
            "body",
            "year",
        ]
        assert client.post("/book", json={"title": "T", "authors": ["a"]}).json() == {
            "title": "T",
            "pages": 1,
            "authors": ["a"],
        }
        error = client.post("/book", json={"title": ""}).json()["detail"][0]
        assert error["type"] == "value_error"
        assert error["loc"] == ["body"]
        assert client.post("/book", json={"pages": "x"}).json()["detail"][0]["loc"] == [
            "body",
            "title",
        ]
        shelf_data = {"label": "L", "books": [{"title": "A", "pages": 2, "authors": []}]}
        assert client.post("/shelf", json=shelf_data).json() == shelf_data
        assert client.post("/items", json=[ITEM, ITEM]).json() == {"count": 2}
        assert client.post("/items", json=[ITEM, {}]).json()["detail"][0]["loc"][:2] == ["body", 1]
        assert client.post("/weights", json={"a": 1, "b": 2.5}).json() == {"total": 3.5}


def test_several_body_parameters_are_embedded(app: App) -> None:
    @app.put("/items/{item_id}")
    async def update(
        item_id: int, item: Item, owner: Owner, importance: Annotated[int, Body(gt=0)]
    ) -> dict[str, object]:
        return {"item_id": item_id, "item": item, "owner": owner, "importance": importance}

    payload = {"item": ITEM, "owner": {"name": "o", "email": "o@x"}, "importance": 3}
    with TestClient(app) as client:
        assert client.put("/items/1", json=payload).json() == {"item_id": 1, **payload}
        response = client.put("/items/1", json={"item": {"price": 1}, "importance": 0})
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["body", "item", "name"], "missing"),
        (["body", "owner"], "missing"),
        (["body", "importance"], "greater_than"),
    ]


def test_embed_a_single_body_parameter_and_aliases(app: App) -> None:
    @app.post("/embed")
    async def embed(item: Annotated[Item, Body(embed=True)]) -> Item:
        return item

    @app.post("/alias")
    async def alias(
        user_id: Annotated[int, Body(alias="userId")], note: Annotated[str, Body()] = "none"
    ) -> dict[str, object]:
        return {"user_id": user_id, "note": note}

    with TestClient(app) as client:
        assert client.post("/embed", json={"item": ITEM}).json() == ITEM
        assert client.post("/embed", json=ITEM).json()["detail"][0]["loc"] == ["body", "item"]
        assert client.post("/alias", json={"userId": 4}).json() == {"user_id": 4, "note": "none"}
        assert client.post("/alias", json={"user_id": 4}).json()["detail"][0]["loc"] == [
            "body",
            "userId",
        ]


def test_a_single_scalar_body(app: App) -> None:
    @app.post("/count")
    async def count(n: Annotated[int, Body(ge=0)]) -> dict[str, int]:
        return {"n": n}

    with TestClient(app) as client:
        assert post(client, "/count", 5).json() == {"n": 5}
        assert post(client, "/count", -1).json()["detail"][0]["loc"] == ["body"]


def test_a_list_without_marker_is_a_body_like_fastapi(app: App) -> None:
    @app.post("/ids")
    async def ids(ids: list[int]) -> dict[str, list[int]]:
        return {"ids": ids}

    with TestClient(app) as client:
        assert client.post("/ids", json=[1, 2]).json() == {"ids": [1, 2]}


def test_malformed_json_is_422_with_the_position(app: App) -> None:
    @app.post("/items")
    async def create(item: Item) -> None:
        raise AssertionError("not called")

    with TestClient(app) as client:
        response = client.post(
            "/items",
            content=b'{"name": "a",\n "price": }',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 24],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "expected value"},
            }
        ]
    }


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 10_000 + b"]" * 10_000, id="deeply nested array"),
        pytest.param(b'{"name": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_001, id="deep object"),
        pytest.param(b'{"name": "\xff\xfe", "price": 1}', id="invalid UTF-8"),
        pytest.param(b'{"name": "a", "price": ' + b"9" * 5000 + b"}", id="huge number"),
        pytest.param(b"", id="empty"),
        pytest.param(b"nul", id="truncated literal"),
    ],
)
def test_hostile_json_is_422_never_500(app: App, serve: Any, body: bytes) -> None:
    @app.post("/items")
    async def create(item: Item) -> None:
        raise AssertionError("not called")

    client = serve(app)
    response = client.post("/items", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_nan_and_infinity_do_not_break_the_response(app: App, serve: Any) -> None:
    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    client = serve(app)
    for literal in (b"NaN", b"Infinity", b"1e400"):
        body = b'{"name": "a", "price": ' + literal + b"}"
        response = client.post("/items", content=body, headers={"content-type": "application/json"})
        assert response.status_code in (200, 422), literal
        if response.status_code == 200:
            assert response.json()["price"] is None  # JSON has no NaN: sent as null


def test_body_over_the_size_limit_is_413() -> None:
    app = App(plugins=[validation()], max_body_size=100)

    @app.post("/items")
    async def create(item: Item) -> None:
        raise AssertionError("not called")

    with TestClient(app) as client:
        response = client.post("/items", json={**ITEM, "tags": ["x" * 200]})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "APPLICATION/JSON",
    ],
)
def test_json_media_types_are_accepted(app: App, content_type: str) -> None:
    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    with TestClient(app) as client:
        response = client.post(
            "/items", content=json.dumps(ITEM), headers={"content-type": content_type}
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None]
)
def test_unknown_content_type_is_415(app: App, content_type: str | None) -> None:
    @app.post("/items")
    async def create(item: Item) -> None:
        raise AssertionError("not called")

    headers = {"content-type": content_type} if content_type else {}
    with TestClient(app) as client:
        response = client.post("/items", content=json.dumps(ITEM), headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_lenient_content_type_reads_a_body_without_one() -> None:
    app = App(plugins=[validation(strict_content_type=False)])

    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    with TestClient(app) as client:
        assert client.post("/items", content=json.dumps(ITEM)).json() == ITEM
        wrong = client.post(
            "/items", content=json.dumps(ITEM), headers={"content-type": "text/plain"}
        )
    assert wrong.status_code == 415


@pytest.mark.parametrize("content_type", ["text/plain", "application/geo+json-seq", None])
def test_a_wrong_content_type_can_be_validated_as_text_into_a_422(
    content_type: str | None,
) -> None:
    app = App(plugins=[validation(wrong_content_type="validate")])

    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    @app.post("/several")
    async def several(item: Item, note: str) -> None:
        raise AssertionError("not called")

    @app.post("/text")
    async def text(note: Annotated[str, Body()]) -> str:
        return note

    headers = {"content-type": content_type} if content_type else {}
    body = json.dumps(ITEM)
    with TestClient(app) as client:
        response = client.post("/items", content=body, headers=headers)
        several_response = client.post("/several", content=body, headers=headers)
        # The text is what is validated: a str body takes it as it is.
        assert client.post("/text", content="hi", headers=headers).json() == "hi"
        assert client.post("/items", json=ITEM).json() == ITEM  # JSON is still read as JSON
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "model_attributes_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary or object to extract fields from",
            "input": body,
        }
    ]
    assert several_response.status_code == 422


def test_the_body_is_kept_on_the_error_for_custom_handlers(app: App) -> None:
    @app.exception_handler(RequestValidationError)
    async def echo(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"errors": len(exc.errors()), "body": exc.body}, status_code=400)

    @app.post("/items")
    async def create(item: Item, q: int) -> None:
        raise AssertionError("not called")

    with TestClient(app) as client:
        response = client.post("/items?q=x", json={"name": "a", "price": -1})
    assert response.status_code == 400
    assert response.json() == {"errors": 2, "body": {"name": "a", "price": -1}}


def test_a_websocket_route_cannot_read_a_body(app: App) -> None:
    async def chat(websocket: WebSocket, item: Item) -> None:
        raise AssertionError("not called")

    app.add_api_websocket_route("/ws", chat)
    with pytest.raises(RouteDefinitionError, match="WebSocket routes do not have"):
        app.build()


def test_a_body_and_a_form_cannot_be_mixed(app: App) -> None:
    @app.post("/mixed")
    async def mixed(item: Item, note: Annotated[str, Form()]) -> None:
        raise AssertionError("not called")

    with pytest.raises(RouteDefinitionError, match="a request has only one body"):
        app.build()


class Opaque:
    pass


def test_unvalidatable_annotation_fails_at_build_naming_the_parameter(app: App) -> None:
    async def handler(thing: Opaque) -> None:
        raise AssertionError("not called")

    app.add_api_route("/opaque", handler, methods=["POST"])
    with pytest.raises(
        RouteDefinitionError, match=r"parameter 'thing' of .*pydantic cannot validate"
    ):
        app.build()
