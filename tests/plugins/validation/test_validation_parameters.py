"""Path, query, header and cookie parameters: classification, conversion, errors."""

from __future__ import annotations

import datetime
import enum
import uuid
from decimal import Decimal
from typing import Annotated, Literal

import pytest
from pydantic import AliasChoices, AliasPath, BaseModel, Field
from starlette.websockets import WebSocketDisconnect

from pegboard import App, BackgroundTasks, Request, Response, WebSocket
from pegboard.testing import TestClient
from pegboard_validation import Body, Cookie, Header, Path, Query


class Color(enum.Enum):
    red = "red"
    green = "green"


class Level(enum.IntEnum):
    low = 1
    high = 2


def test_path_parameter_is_converted_and_validated(app: App) -> None:
    @app.get("/items/{item_id}")
    async def read(item_id: Annotated[int, Path(ge=1)]) -> dict[str, int]:
        return {"item_id": item_id}

    with TestClient(app) as client:
        assert client.get("/items/42").json() == {"item_id": 42}
        response = client.get("/items/0")
        assert response.status_code == 422
        assert response.json() == {
            "detail": [
                {
                    "type": "greater_than_equal",
                    "loc": ["path", "item_id"],
                    "msg": "Input should be greater than or equal to 1",
                    "input": "0",
                    "ctx": {"ge": 1},
                }
            ]
        }


def test_non_integer_path_id_is_422(app: App) -> None:
    @app.get("/items/{item_id}")
    async def read(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    with TestClient(app) as client:
        response = client.get("/items/abc")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "int_parsing"
    assert error["loc"] == ["path", "item_id"]
    assert error["input"] == "abc"


def test_path_parameter_without_annotation_stays_a_string(app: App) -> None:
    @app.get("/files/{name}")
    async def read(name) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {"name": name}

    with TestClient(app) as client:
        assert client.get("/files/a.txt").json() == {"name": "a.txt"}


def test_path_convertor_and_annotation_agree(app: App) -> None:
    @app.get("/items/{item_id:int}")
    async def read(item_id: Annotated[int, Path(le=10)]) -> dict[str, int]:
        return {"item_id": item_id}

    with TestClient(app) as client:
        assert client.get("/items/7").json() == {"item_id": 7}
        assert client.get("/items/11").status_code == 422


def test_query_scalars_defaults_and_required(app: App) -> None:
    @app.get("/search")
    async def search(
        q: str,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
        exact: bool = False,
        price: Decimal | None = None,
    ) -> dict[str, object]:
        return {"q": q, "limit": limit, "exact": exact, "price": str(price)}

    with TestClient(app) as client:
        assert client.get("/search?q=x").json() == {
            "q": "x",
            "limit": 10,
            "exact": False,
            "price": "None",
        }
        assert client.get("/search?q=x&limit=5&exact=yes&price=1.50").json() == {
            "q": "x",
            "limit": 5,
            "exact": True,
            "price": "1.50",
        }
        missing = client.get("/search")
        assert missing.status_code == 422
        assert missing.json()["detail"] == [
            {"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}
        ]


def test_out_of_range_query_is_422(app: App) -> None:
    @app.get("/search")
    async def search(limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, int]:
        return {"limit": limit}

    with TestClient(app) as client:
        response = client.get("/search?limit=101")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "less_than_equal"
    assert error["loc"] == ["query", "limit"]
    assert error["ctx"] == {"le": 100}


def test_errors_of_all_parameters_are_reported_together(app: App) -> None:
    @app.get("/items/{item_id}")
    async def read(item_id: int, limit: int, x_token: Annotated[str, Header()]) -> None:
        raise AssertionError("not called")

    with TestClient(app) as client:
        response = client.get("/items/x?limit=y")
    locs = [e["loc"] for e in response.json()["detail"]]
    assert locs == [["path", "item_id"], ["query", "limit"], ["header", "x-token"]]


def test_query_types_enums_literals_dates_uuids(app: App) -> None:
    @app.get("/types")
    async def types(
        color: Color,
        level: Level,
        mode: Literal["fast", "slow"],
        day: datetime.date,
        ident: uuid.UUID,
    ) -> dict[str, object]:
        return {
            "color": color.value,
            "level": int(level),
            "mode": mode,
            "day": day.isoformat(),
            "ident": ident.hex,
        }

    ident = uuid.UUID(int=7)
    params = {
        "color": "red",
        "level": "2",
        "mode": "fast",
        "day": "2024-02-29",
        "ident": str(ident),
    }
    with TestClient(app) as client:
        assert client.get("/types", params=params).json() == {
            "color": "red",
            "level": 2,
            "mode": "fast",
            "day": "2024-02-29",
            "ident": ident.hex,
        }
        bad = {"color": "blue", "level": "3", "mode": "x", "day": "2024-02-30", "ident": "z"}
        response = client.get("/types", params=bad)
    assert response.status_code == 422
    types_ = [(e["loc"][1], e["type"]) for e in response.json()["detail"]]
    assert types_ == [
        ("color", "enum"),
        ("level", "enum"),
        ("mode", "literal_error"),
        ("day", "date_from_datetime_parsing"),
        ("ident", "uuid_parsing"),
    ]


def test_query_lists_read_repeated_keys(app: App) -> None:
    @app.get("/tags")
    async def tags(
        tag: Annotated[list[int], Query()],
        other: Annotated[list[str] | None, Query()] = None,
    ) -> dict[str, object]:
        return {"tag": tag, "other": other}

    with TestClient(app) as client:
        assert client.get("/tags?tag=1&tag=2").json() == {"tag": [1, 2], "other": None}
        assert client.get("/tags?tag=1&other=a&other=b").json()["other"] == ["a", "b"]
        assert client.get("/tags").json()["detail"][0]["loc"] == ["query", "tag"]
        bad = client.get("/tags?tag=1&tag=x").json()["detail"]
    assert bad[0]["loc"] == ["query", "tag", 1]


def test_query_alias_pattern_and_default_factory(app: App) -> None:
    @app.get("/alias")
    async def aliased(
        item_query: Annotated[str, Query(alias="item-query", pattern="^[a-z]+$")],
        seen: Annotated[list[str], Query(default_factory=list)],
    ) -> dict[str, object]:
        return {"item_query": item_query, "seen": seen}

    with TestClient(app) as client:
        assert client.get("/alias?item-query=abc").json() == {"item_query": "abc", "seen": []}
        error = client.get("/alias?item-query=ABC").json()["detail"][0]
    assert error["loc"] == ["query", "item-query"]
    assert error["type"] == "string_pattern_mismatch"


def test_marker_as_default_value_in_fastapi_style(app: App) -> None:
    @app.get("/old")
    async def old_style(
        q: str = Query("x", max_length=3), required: int = Query(...)
    ) -> dict[str, object]:
        return {"q": q, "required": required}

    with TestClient(app) as client:
        assert client.get("/old?required=1").json() == {"q": "x", "required": 1}
        assert client.get("/old?required=1&q=long").status_code == 422
        assert client.get("/old").json()["detail"][0]["loc"] == ["query", "required"]


def test_plain_annotated_constraints(app: App) -> None:
    @app.get("/plain")
    async def plain(n: Annotated[int, Field(gt=0)]) -> dict[str, int]:
        return {"n": n}

    with TestClient(app) as client:
        assert client.get("/plain?n=3").json() == {"n": 3}
        assert client.get("/plain?n=0").json()["detail"][0]["type"] == "greater_than"


def test_optional_without_default_is_required(app: App) -> None:
    @app.get("/opt")
    async def opt(q: str | None) -> dict[str, object]:
        return {"q": q}

    with TestClient(app) as client:
        assert client.get("/opt").status_code == 422
        assert client.get("/opt?q=a").json() == {"q": "a"}


def test_huge_integer_in_query_is_422(app: App) -> None:
    @app.get("/n")
    async def n(n: int) -> dict[str, int]:
        return {"n": n}

    with TestClient(app) as client:
        response = client.get("/n", params={"n": "9" * 5000})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "int_parsing_size"


def test_headers_convert_underscores_and_repeat(app: App) -> None:
    @app.get("/headers")
    async def headers(
        x_token: Annotated[str, Header()],
        user_agent: Annotated[str | None, Header()] = None,
        x_tag: Annotated[list[str], Header()] = [],  # noqa: B006
        raw_name: Annotated[str | None, Header(convert_underscores=False)] = None,
    ) -> dict[str, object]:
        return {"x_token": x_token, "ua": user_agent, "tags": x_tag, "raw": raw_name}

    with TestClient(app) as client:
        response = client.get(
            "/headers",
            headers=[("X-Token", "t"), ("x-tag", "a"), ("x-tag", "b"), ("raw_name", "r")],
        )
        assert response.json() == {
            "x_token": "t",
            "ua": "testclient",
            "tags": ["a", "b"],
            "raw": "r",
        }
        missing = client.get("/headers")
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {"type": "missing", "loc": ["header", "x-token"], "msg": "Field required", "input": None}
    ]


def test_cookies(app: App) -> None:
    @app.get("/cookies")
    async def cookies(
        session: Annotated[str, Cookie()], visits: Annotated[int, Cookie()] = 0
    ) -> dict[str, object]:
        return {"session": session, "visits": visits}

    with TestClient(app) as client:
        client.cookies.set("session", "abc")
        client.cookies.set("visits", "3")
        assert client.get("/cookies").json() == {"session": "abc", "visits": 3}
        client.cookies.set("visits", "many")
        assert client.get("/cookies").json()["detail"][0]["loc"] == ["cookie", "visits"]


class Filters(BaseModel):
    limit: int = Field(10, le=100)
    tags: list[str] = []
    order: Literal["asc", "desc"] = "asc"


class StrictFilters(BaseModel):
    model_config = {"extra": "forbid"}
    limit: int = 10


class CommonHeaders(BaseModel):
    x_token: str
    x_trace: list[str] = []


class Session(BaseModel):
    session_id: str
    theme: str = "light"


def test_model_as_query_parameters(app: App) -> None:
    @app.get("/items")
    async def items(filters: Annotated[Filters, Query()]) -> Filters:
        return filters

    with TestClient(app) as client:
        assert client.get("/items?limit=5&tags=a&tags=b&order=desc").json() == {
            "limit": 5,
            "tags": ["a", "b"],
            "order": "desc",
        }
        assert client.get("/items").json() == {"limit": 10, "tags": [], "order": "asc"}
        error = client.get("/items?limit=500").json()["detail"][0]
    assert error["loc"] == ["query", "limit"]


def test_query_model_with_extra_forbid_refuses_unknown_keys(app: App) -> None:
    @app.get("/strict")
    async def strict(filters: Annotated[StrictFilters, Query()]) -> StrictFilters:
        return filters

    with TestClient(app) as client:
        assert client.get("/strict?limit=1").json() == {"limit": 1}
        error = client.get("/strict?limit=1&other=x").json()["detail"][0]
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ["query", "other"]


def test_model_as_headers_and_cookies(app: App) -> None:
    @app.get("/both")
    async def both(
        headers: Annotated[CommonHeaders, Header()], session: Annotated[Session, Cookie()]
    ) -> dict[str, object]:
        return {"headers": headers.model_dump(), "session": session.model_dump()}

    with TestClient(app) as client:
        client.cookies.set("session_id", "s1")
        response = client.get(
            "/both", headers=[("x-token", "t"), ("x-trace", "1"), ("x-trace", "2")]
        )
        assert response.json() == {
            "headers": {"x_token": "t", "x_trace": ["1", "2"]},
            "session": {"session_id": "s1", "theme": "light"},
        }
        client.cookies.clear()
        errors = client.get("/both").json()["detail"]
    assert [e["loc"] for e in errors] == [["header", "x-token"], ["cookie", "session_id"]]


class StrictHeaders(BaseModel):
    model_config = {"extra": "forbid"}
    host: str
    x_token: str


def test_header_models_see_every_header_as_fastapis_do(app: App) -> None:
    @app.get("/strict")
    async def strict(headers: Annotated[StrictHeaders, Header()]) -> StrictHeaders:
        return headers

    @app.get("/lenient")
    async def lenient(headers: Annotated[CommonHeaders, Header()]) -> CommonHeaders:
        return headers

    with TestClient(app) as client:
        client.headers.clear()
        assert client.get("/strict", headers={"x-token": "t"}).json() == {
            "host": "testserver",
            "x_token": "t",
        }
        extra = client.get("/strict", headers={"x-token": "t", "tool": "plumbus"}).json()
        missing = client.get("/lenient", headers={"tool": "plumbus"}).json()
    assert extra["detail"] == [
        {
            "type": "extra_forbidden",
            "loc": ["header", "tool"],
            "msg": "Extra inputs are not permitted",
            "input": "plumbus",
        }
    ]
    # The error's input is what the model was given: every header of the request.
    assert missing["detail"][0]["loc"] == ["header", "x-token"]
    assert missing["detail"][0]["input"] == {"host": "testserver", "tool": "plumbus"}


def test_an_optional_model_group_is_its_default_when_none_of_its_fields_is_sent(
    app: App,
) -> None:
    @app.get("/session")
    async def read(
        session: Annotated[Session | None, Cookie()] = None,
        headers: Annotated[CommonHeaders | None, Header()] = None,
    ) -> dict[str, object]:
        return {
            "session": session and session.model_dump(),
            "headers": headers and headers.model_dump(),
        }

    with TestClient(app) as client:
        assert client.get("/session").json() == {"session": None, "headers": None}
        client.cookies.set("session_id", "s1")
        both = client.get("/session", headers={"x-token": "t"}).json()
        assert both == {
            "session": {"session_id": "s1", "theme": "light"},
            "headers": {"x_token": "t", "x_trace": []},
        }
        client.cookies.clear()
        # Some of a group's fields but not all: the missing ones are errors.
        error = client.get("/session", headers={"x-trace": "1"}).json()["detail"][0]
    assert error["loc"] == ["header", "x-token"]


def test_framework_types_are_left_to_the_core(app: App) -> None:
    @app.get("/mixed/{name}")
    async def mixed(
        name: str, request: Request, response: Response, tasks: BackgroundTasks, n: int = 1
    ) -> dict[str, object]:
        response.headers["x-seen"] = request.url.path
        return {"name": name, "n": n}

    with TestClient(app) as client:
        response = client.get("/mixed/a?n=2")
    assert response.json() == {"name": "a", "n": 2}
    assert response.headers["x-seen"] == "/mixed/a"


def test_sync_handler_parameters(app: App) -> None:
    @app.get("/sync/{n}")
    def sync(n: int, q: str = "d") -> dict[str, object]:
        return {"n": n, "q": q}

    with TestClient(app) as client:
        assert client.get("/sync/3").json() == {"n": 3, "q": "d"}


def test_websocket_parameters(app: App) -> None:
    @app.websocket("/ws/{room}")
    async def chat(
        websocket: WebSocket,
        room: int,
        name: str,
        x_client: Annotated[str, Header()],
        session: Annotated[str | None, Cookie()] = None,
    ) -> None:
        await websocket.accept()
        await websocket.send_json(
            {"room": room, "name": name, "client": x_client, "session": session}
        )
        await websocket.close()

    with TestClient(app) as client:
        client.cookies.set("session", "s")
        with client.websocket_connect("/ws/3?name=ann", headers={"x-client": "c"}) as ws:
            assert ws.receive_json() == {"room": 3, "name": "ann", "client": "c", "session": "s"}


def test_websocket_invalid_parameters_close_with_1008(app: App) -> None:
    @app.websocket("/ws/{room}")
    async def chat(websocket: WebSocket, room: int) -> None:
        await websocket.accept()

    with (
        TestClient(app) as client,
        pytest.raises(WebSocketDisconnect) as info,
        client.websocket_connect("/ws/abc"),
    ):
        pass  # pragma: no cover
    assert info.value.code == 1008
    assert "path" in info.value.reason


class Paging(BaseModel):
    limit: int = Field(10, validation_alias=AliasChoices("limit", "page_size"))


def test_validation_alias_and_alias_choices_name_what_a_parameter_reads(app: App) -> None:
    @app.get("/items")
    async def items(
        q: Annotated[str | None, Query(validation_alias=AliasChoices("q", "search"))] = None,
        n: Annotated[int, Query(validation_alias="num")] = 1,
        token: Annotated[str, Header(validation_alias=AliasChoices("x-token", "x-key"))] = "",
    ) -> dict[str, object]:
        return {"q": q, "n": n, "token": token}

    @app.get("/paged")
    async def paged(paging: Annotated[Paging, Query()]) -> Paging:
        return paging

    @app.post("/sum")
    async def add(
        a: Annotated[int, Body(validation_alias=AliasChoices("a", "alpha"))],
        b: Annotated[int, Body()],
    ) -> int:
        return a + b

    with TestClient(app) as client:
        assert client.get("/items?search=x&num=3", headers={"x-key": "k"}).json() == {
            "q": "x",
            "n": 3,
            "token": "k",
        }
        # The first of the choices the request has is read.
        assert client.get("/items?q=first&search=second").json()["q"] == "first"
        bad = client.get("/items?num=z").json()["detail"][0]
        assert client.get("/paged?page_size=5").json() == {"limit": 5}
        assert client.get("/paged?limit=7").json() == {"limit": 7}
        bad_model = client.get("/paged?page_size=x").json()["detail"][0]
        assert client.post("/sum", json={"alpha": 1, "b": 2}).json() == 3
    assert bad["loc"] == ["query", "num"]
    assert bad_model["loc"] == ["query", "page_size"]


def test_alias_choices_of_paths_are_refused() -> None:
    with pytest.raises(TypeError, match="names, not"):
        Query(validation_alias=AliasChoices("a", AliasPath("b", 0)))
