"""Response models: from the option or the annotation, filtering, streams, failures."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pydantic import BaseModel, Field

from pegboard import (
    App,
    EventSourceResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    RouteDefinitionError,
    ServerSentEvent,
)
from pegboard.testing import TestClient
from pegboard_validation import ResponseValidationError


class UserIn(BaseModel):
    username: str
    password: str
    email: str | None = None


class UserOut(BaseModel):
    username: str
    email: str | None = None


class Item(BaseModel):
    name: str
    description: str | None = None
    price: float
    tax: float = 10.5
    tags: list[str] = []


class Aliased(BaseModel):
    full_name: str = Field(alias="fullName")


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Opaque:
    pass


def test_response_model_option_filters_the_returned_value(app: App) -> None:
    @app.post("/users", response_model=UserOut, status_code=201)
    async def create(user: UserIn) -> UserIn:
        return user

    with TestClient(app) as client:
        response = client.post("/users", json={"username": "a", "password": "secret"})
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"username": "a", "email": None}


def test_return_annotation_is_the_response_model(app: App) -> None:
    @app.get("/user")
    async def user() -> UserOut:
        return UserIn(username="a", password="secret")  # type: ignore[return-value]

    @app.get("/dict")
    async def as_dict() -> UserOut:
        return {"username": "b", "password": "x"}  # type: ignore[return-value]

    @app.get("/list")
    async def as_list() -> list[UserOut]:
        return [UserIn(username="c", password="x")]  # type: ignore[list-item]

    @app.get("/point")
    async def point() -> Point:
        return Point(1, 2)

    with TestClient(app) as client:
        assert client.get("/user").json() == {"username": "a", "email": None}
        assert client.get("/dict").json() == {"username": "b", "email": None}
        assert client.get("/list").json() == [{"username": "c", "email": None}]
        assert client.get("/point").json() == {"x": 1, "y": 2}


def test_response_model_none_turns_it_off(app: App) -> None:
    @app.get("/raw", response_model=None)
    async def raw() -> UserOut:
        return {"username": "a", "password": "kept"}  # type: ignore[return-value]

    with TestClient(app) as client:
        assert client.get("/raw").json() == {"username": "a", "password": "kept"}


def test_response_annotations_and_returned_responses_pass_through(app: App) -> None:
    @app.get("/response")
    async def response() -> Response:
        return PlainTextResponse("plain")

    @app.get("/returned")
    async def returned() -> UserOut:
        return JSONResponse({"anything": True})  # type: ignore[return-value]

    with TestClient(app) as client:
        assert client.get("/response").text == "plain"
        assert client.get("/returned").json() == {"anything": True}


def test_aliases_are_used_by_default(app: App) -> None:
    @app.get("/alias")
    async def alias() -> Aliased:
        return Aliased(fullName="A B")

    @app.get("/names", response_model_by_alias=False)
    async def names() -> Aliased:
        return Aliased(fullName="A B")

    with TestClient(app) as client:
        assert client.get("/alias").json() == {"fullName": "A B"}
        assert client.get("/names").json() == {"full_name": "A B"}


def test_exclude_unset_defaults_none_include_exclude(app: App) -> None:
    item = Item(name="a", price=1.0, tax=10.5)

    @app.get("/unset", response_model=Item, response_model_exclude_unset=True)
    async def unset() -> Any:
        return Item(name="a", price=1.0)

    @app.get("/unset-dict", response_model=Item, response_model_exclude_unset=True)
    async def unset_dict() -> Any:
        return {"name": "a", "price": 1.0}

    @app.get("/defaults", response_model=Item, response_model_exclude_defaults=True)
    async def defaults() -> Any:
        return item

    @app.get("/none", response_model=Item, response_model_exclude_none=True)
    async def none() -> Any:
        return item

    @app.get("/include", response_model=Item, response_model_include={"name", "price"})
    async def include() -> Any:
        return item

    @app.get("/exclude", response_model=Item, response_model_exclude={"tax", "tags"})
    async def exclude() -> Any:
        return item

    with TestClient(app) as client:
        assert client.get("/unset").json() == {"name": "a", "price": 1.0}
        assert client.get("/unset-dict").json() == {"name": "a", "price": 1.0}
        assert client.get("/defaults").json() == {"name": "a", "price": 1.0}
        assert client.get("/none").json() == {"name": "a", "price": 1.0, "tax": 10.5, "tags": []}
        assert client.get("/include").json() == {"name": "a", "price": 1.0}
        assert client.get("/exclude").json() == {"name": "a", "description": None, "price": 1.0}


def test_a_value_that_does_not_fit_is_a_logged_500(
    app: App, serve: Any, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/broken")
    async def broken() -> UserOut:
        return {"email": "no username"}  # type: ignore[return-value]

    client = serve(app)
    with caplog.at_level(logging.ERROR, logger="pegboard_validation"):
        response = client.get("/broken")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    [record] = [r for r in caplog.records if r.name == "pegboard_validation"]
    assert "GET /broken" in record.getMessage()
    assert "UserOut" in record.getMessage()
    assert "username" in record.getMessage()


def test_response_validation_error_carries_errors_and_body(app: App) -> None:
    @app.get("/broken")
    async def broken() -> UserOut:
        return {"email": 3}  # type: ignore[return-value]

    with TestClient(app) as client, pytest.raises(ResponseValidationError) as info:
        client.get("/broken")
    assert info.value.body == {"email": 3}
    assert [e["loc"] for e in info.value.errors()] == [
        ("response", "username"),
        ("response", "email"),
    ]
    assert "response -> username" in str(info.value)


def test_other_response_classes_get_validated_data(app: App) -> None:
    @app.get("/html", response_class=HTMLResponse)
    async def html() -> str:
        return "<p>hi</p>"

    @app.get("/text", response_class=PlainTextResponse)
    async def text() -> str:
        return 42  # type: ignore[return-value]  # not a str: a 500, not "42"

    with TestClient(app) as client:
        html_response = client.get("/html")
        assert html_response.text == "<p>hi</p>"
        assert html_response.headers["content-type"].startswith("text/html")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/text").status_code == 500


def test_no_content_status_sends_no_body(app: App) -> None:
    @app.delete("/items/{item_id}", status_code=204)
    async def delete(item_id: int) -> None:
        return None

    @app.delete("/typed/{item_id}", status_code=204, response_model=UserOut)
    async def typed(item_id: int) -> None:
        return None

    with TestClient(app) as client:
        assert client.delete("/items/1").status_code == 204
        response = client.delete("/typed/1")
    assert response.status_code == 204
    assert response.content == b""


def test_a_return_annotation_pydantic_cannot_use_is_a_build_error(app: App) -> None:
    @app.get("/opaque")
    async def opaque() -> Opaque:
        return Opaque()

    with pytest.raises(RouteDefinitionError, match="response_model=None"):
        app.build()


def test_stream_items_are_validated_and_serialized(app: App) -> None:
    @app.get("/lines")
    async def lines() -> AsyncIterator[UserOut]:
        yield UserIn(username="a", password="x")  # type: ignore[misc]
        yield {"username": "b", "email": "b@x"}  # type: ignore[misc]

    @app.get("/sync-lines", response_model=UserOut)
    def sync_lines() -> Iterator[dict[str, str]]:
        yield {"username": "c", "password": "x"}

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterator[UserOut]:
        yield {"username": "d", "password": "x"}  # type: ignore[misc]
        yield ServerSentEvent(comment="ping")  # type: ignore[misc]

    with TestClient(app) as client:
        response = client.get("/lines")
        assert response.headers["content-type"] == "application/jsonl"
        assert response.text == '{"username":"a","email":null}\n{"username":"b","email":"b@x"}\n'
        assert client.get("/sync-lines").text == '{"username":"c","email":null}\n'
        events_response = client.get("/events")
    assert events_response.headers["content-type"].startswith("text/event-stream")
    assert events_response.text == 'data: {"username":"d","email":null}\n\n: ping\n\n'


def test_untyped_streams_are_left_to_the_core(app: App) -> None:
    @app.get("/lines")
    async def lines() -> AsyncIterator[dict[str, int]]:
        yield {"n": 1}

    @app.get("/plain")
    async def plain():  # type: ignore[no-untyped-def]
        yield {"n": 2}

    with TestClient(app) as client:
        assert client.get("/lines").text == '{"n":1}\n'
        assert client.get("/plain").text == '{"n":2}\n'


class AliasedIn(BaseModel):
    full_name: str = Field(alias="fullName")
    secret: str = "s"


def test_a_returned_model_fits_an_output_model_with_the_same_aliases(app: App) -> None:
    @app.post("/people")
    async def create(person: AliasedIn) -> Aliased:
        return person  # type: ignore[return-value]

    @app.get("/by-name")
    async def by_name() -> Aliased:
        return {"full_name": "By Name"}  # type: ignore[return-value]

    with TestClient(app) as client:
        assert client.post("/people", json={"fullName": "A B"}).json() == {"fullName": "A B"}
        assert client.get("/by-name").json() == {"fullName": "By Name"}
