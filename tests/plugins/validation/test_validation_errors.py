"""The error format: FastAPI's 422 by default, replaceable, or RFC 9457 problem+json."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel

from pegboard import App, HTTPException, Request, RequestValidationError, Response
from pegboard.responses import JSONResponse
from pegboard.testing import TestClient
from pegboard_validation import (
    Body,
    Query,
    problem_details_handler,
    request_validation_exception_handler,
    validation,
)


class Item(BaseModel):
    name: str
    price: float


def add_routes(app: App) -> None:
    @app.post("/items/{item_id}")
    async def create(item_id: int, item: Item, limit: Annotated[int, Query(le=10)] = 1) -> None:
        return None

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "No such thing")


def test_default_422_body_is_fastapi_shaped(app: App) -> None:
    add_routes(app)
    with TestClient(app) as client:
        response = client.post("/items/x?limit=11", json={"name": "a", "price": "p"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["path", "item_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "x",
            },
            {
                "type": "float_parsing",
                "loc": ["body", "price"],
                "msg": "Input should be a valid number, unable to parse string as a number",
                "input": "p",
            },
            {
                "type": "less_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 10",
                "input": "11",
                "ctx": {"le": 10},
            },
        ]
    }


def test_a_custom_handler_can_reshape_and_delegate(app: App) -> None:
    add_routes(app)
    seen: list[int] = []

    @app.exception_handler(RequestValidationError)
    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        seen.append(len(exc.errors()))
        if request.url.path.endswith("/1"):
            return await request_validation_exception_handler(request, exc)
        return JSONResponse({"problems": [e["loc"] for e in exc.errors()]}, status_code=400)

    with TestClient(app) as client:
        reshaped = client.post("/items/x", json={})
        delegated = client.post("/items/1", json={})
    assert reshaped.status_code == 400
    assert reshaped.json() == {
        "problems": [["path", "item_id"], ["body", "name"], ["body", "price"]]
    }
    assert delegated.status_code == 422
    assert "detail" in delegated.json()
    assert seen == [3, 2]


def check_problem_responses(client: TestClient) -> None:
    response = client.post("/items/x?limit=11", json={"name": "a", "price": "p"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "The request has 3 invalid value(s).",
        "instance": "/items/x",
        "errors": [
            {
                "code": "int_parsing",
                "detail": "Input should be a valid integer, unable to parse string as an integer",
                "in": "path",
                "parameter": "item_id",
            },
            {
                "code": "float_parsing",
                "detail": "Input should be a valid number, unable to parse string as a number",
                "pointer": "#/price",
            },
            {
                "code": "less_than_equal",
                "detail": "Input should be less than or equal to 10",
                "in": "query",
                "parameter": "limit",
            },
        ],
    }
    malformed = client.post("/items/1", content=b"{", headers={"content-type": "application/json"})
    assert malformed.json()["errors"] == [
        {"code": "json_invalid", "detail": "JSON decode error", "position": 1}
    ]
    not_found = client.get("/missing")
    assert not_found.status_code == 404
    assert not_found.headers["content-type"] == "application/problem+json"
    assert not_found.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No such thing",
        "instance": "/missing",
    }
    unsupported = client.post("/items/1", content=b"{}", headers={"content-type": "text/plain"})
    assert unsupported.status_code == 415
    assert unsupported.json()["title"] == "Unsupported Media Type"


def test_problem_details_option() -> None:
    app = App(plugins=[validation(problem_details=True)])
    add_routes(app)
    with TestClient(app) as client:
        check_problem_responses(client)
        assert client.get("/nowhere").json()["status"] == 404


def test_problem_details_handler_installed_by_hand(app: App) -> None:
    add_routes(app)
    app.add_exception_handler(RequestValidationError, problem_details_handler)
    app.add_exception_handler(HTTPException, problem_details_handler)
    with TestClient(app) as client:
        check_problem_responses(client)


def test_problem_details_option_keeps_handlers_the_app_chose() -> None:
    async def mine(request: Request, exc: Exception) -> Response:
        return JSONResponse({"mine": True}, status_code=422)

    app = App(
        plugins=[validation(problem_details=True)],
        exception_handlers={RequestValidationError: mine},
    )
    add_routes(app)
    with TestClient(app) as client:
        assert client.post("/items/x", json={}).json() == {"mine": True}
        assert client.get("/missing").headers["content-type"] == "application/problem+json"


def test_problem_details_for_structured_detail_and_empty_statuses() -> None:
    app = App(plugins=[validation(problem_details=True)])

    @app.get("/conflict")
    async def conflict() -> None:
        raise HTTPException(409, {"reason": "taken"}, headers={"x-why": "dup"})

    @app.get("/unchanged")
    async def unchanged() -> None:
        raise HTTPException(304)

    with TestClient(app) as client:
        response = client.get("/conflict")
        assert response.json() == {
            "type": "about:blank",
            "title": "Conflict",
            "status": 409,
            "errors": {"reason": "taken"},
            "instance": "/conflict",
        }
        assert response.headers["x-why"] == "dup"
        unchanged_response = client.get("/unchanged")
    assert unchanged_response.status_code == 304
    assert unchanged_response.content == b""


def test_error_inputs_echo_offending_values_not_whole_bodies(app: App, serve: Any) -> None:
    @app.post("/items")
    async def create(a: Item, b: Item) -> None:
        return None

    client = serve(app)
    response = client.post("/items", json={"a": {"name": "x", "price": 1}})
    assert response.json()["detail"] == [
        {"type": "missing", "loc": ["body", "b"], "msg": "Field required", "input": None}
    ]


def test_json_bodies_of_the_wrong_shape_are_worded_as_fastapi_words_them(app: App) -> None:
    # Bodies are validated straight from JSON, where pydantic speaks of "arrays" and
    # "objects"; FastAPI validates Python values, and clients match its messages.
    @app.post("/numbers")
    async def numbers(values: list[int]) -> None: ...

    @app.post("/mapping")
    async def mapping(values: dict[str, int]) -> None: ...

    @app.post("/item")
    async def item(item: Item) -> None: ...

    @app.post("/several")
    async def several(
        item: Item, note: Annotated[str, Body()], count: Annotated[int, Body()] = 0
    ) -> None: ...

    with TestClient(app) as client:
        errors = [
            client.post(path, json=body).json()["detail"]
            for path, body in (("/numbers", {"a": 1}), ("/mapping", [1]), ("/item", [1]))
        ]
        several = client.post("/several", json=[]).json()["detail"]
    assert [(e[0]["type"], e[0]["msg"]) for e in errors] == [
        ("list_type", "Input should be a valid list"),
        ("dict_type", "Input should be a valid dictionary"),
        (
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        ),
    ]
    assert "ctx" not in errors[2][0]
    # Several body parameters read keys of one object: a body that is no object has
    # none of them, and each required one is missing.
    assert several == [
        {"type": "missing", "loc": ["body", "item"], "msg": "Field required", "input": None},
        {"type": "missing", "loc": ["body", "note"], "msg": "Field required", "input": None},
    ]
