from __future__ import annotations

import asyncio
import dataclasses
import datetime
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import (
    App,
    BackgroundTasks,
    EventSourceResponse,
    HTMLResponse,
    HTTPConnection,
    PlainTextResponse,
    Request,
    Response,
    RouteDefinitionError,
    ServerSentEvent,
    WebSocket,
)


def client_for(app: App) -> TestClient:
    return TestClient(app)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_sync_handlers_run_in_a_worker_thread_and_async_ones_in_the_loop():
    app = App()

    @app.get("/sync")
    def in_thread() -> bool:
        return _in_event_loop()

    @app.get("/async")
    async def in_loop() -> bool:
        return _in_event_loop()

    client = client_for(app)
    assert client.get("/sync").json() is False
    assert client.get("/async").json() is True


def test_request_and_connection_parameters():
    app = App()

    @app.get("/r")
    async def handler(request: Request, conn: HTTPConnection) -> bool:
        return request is conn

    assert client_for(app).get("/r").json() is True


def test_websocket_parameter_on_http_route_is_an_error():
    app = App()

    @app.get("/r")
    async def handler(ws: WebSocket) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="'ws'"):
        app.build()


def test_response_parameter_sets_status_headers_and_cookies():
    app = App()

    @app.get("/r")
    async def handler(response: Response) -> dict[str, bool]:
        response.status_code = 201
        response.headers["x-extra"] = "yes"
        response.set_cookie("session", "abc", httponly=True)
        return {"ok": True}

    result = client_for(app).get("/r")
    assert result.status_code == 201
    assert result.headers["x-extra"] == "yes"
    assert result.json() == {"ok": True}
    assert "session=abc" in result.headers["set-cookie"]
    assert "HttpOnly" in result.headers["set-cookie"]


def test_response_parameter_keeps_route_status_when_unset():
    app = App()

    @app.post("/r", status_code=202)
    async def handler(response: Response) -> None:
        response.headers["x-a"] = "1"

    result = client_for(app).post("/r")
    assert result.status_code == 202
    assert result.headers["x-a"] == "1"


def test_background_tasks_run_after_the_response():
    app = App()
    done: list[str] = []

    def record(value: str) -> None:
        done.append(value)

    @app.post("/send")
    async def send(tasks: BackgroundTasks) -> str:
        tasks.add_task(record, "sent")
        assert done == []
        return "queued"

    assert client_for(app).post("/send").json() == "queued"
    assert done == ["sent"]


def test_background_tasks_join_a_returned_response():
    app = App()
    done: list[int] = []

    @app.get("/r")
    async def handler(tasks: BackgroundTasks) -> Response:
        tasks.add_task(done.append, 1)
        return PlainTextResponse("x")

    assert client_for(app).get("/r").text == "x"
    assert done == [1]


@dataclasses.dataclass
class Point:
    x: int
    y: int


@pytest.mark.parametrize(
    ("value", "body"),
    [
        ({"a": 1}, b'{"a":1}'),
        ([1, 2], b"[1,2]"),
        ("text", b'"text"'),
        (3, b"3"),
        (None, b"null"),
        (Point(1, 2), b'{"x":1,"y":2}'),
        ({"when": datetime.date(2024, 1, 2)}, b'{"when":"2024-01-02"}'),
        ({"id": uuid.UUID(int=1)}, b'{"id":"00000000-0000-0000-0000-000000000001"}'),
        ({"s": {7}}, b'{"s":[7]}'),
        ((1, "a"), b'[1,"a"]'),
    ],
)
def test_return_values_become_json(value: Any, body: bytes):
    app = App()

    @app.get("/v")
    async def handler() -> Any:
        return value

    response = client_for(app).get("/v")
    assert response.headers["content-type"] == "application/json"
    assert response.content == body


def test_returned_response_passes_through():
    app = App()

    @app.get("/html")
    async def html() -> HTMLResponse:
        return HTMLResponse("<b>hi</b>", status_code=203)

    response = client_for(app).get("/html")
    assert response.status_code == 203
    assert response.text == "<b>hi</b>"


def test_status_code_option_and_no_body_statuses():
    app = App()

    @app.post("/created", status_code=201)
    async def created() -> dict[str, int]:
        return {"id": 1}

    @app.delete("/gone", status_code=204)
    async def gone() -> None:
        return None

    client = client_for(app)
    assert client.post("/created").status_code == 201
    response = client.delete("/gone")
    assert response.status_code == 204
    assert response.content == b""


def test_response_class_option():
    app = App()

    @app.get("/page", response_class=HTMLResponse)
    async def page() -> str:
        return "<h1>title</h1>"

    response = client_for(app).get("/page")
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == "<h1>title</h1>"


def test_default_response_class_per_app():
    app = App(response_class=PlainTextResponse)

    @app.get("/t")
    async def text() -> str:
        return "hello"

    assert client_for(app).get("/t").text == "hello"


def test_async_generator_streams_json_lines():
    app = App()

    @app.get("/lines")
    async def lines() -> AsyncIterator[dict[str, int]]:
        for i in range(3):
            yield {"i": i}

    response = client_for(app).get("/lines")
    assert response.headers["content-type"] == "application/jsonl"
    assert response.text == '{"i":0}\n{"i":1}\n{"i":2}\n'


def test_sync_generator_streams_json_lines():
    app = App()

    @app.get("/lines")
    def lines() -> Iterator[int]:
        yield from (1, 2)

    assert client_for(app).get("/lines").text == "1\n2\n"


def test_generator_with_event_source_response_streams_events():
    app = App()

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterator[Any]:
        yield {"n": 1}
        yield ServerSentEvent(data="two", event="update", id="2", retry=1000)
        yield ServerSentEvent(raw_data="line1\nline2", comment="keepalive")

    response = client_for(app).get("/events")
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.text == (
        'data: {"n":1}\n\n'
        'event: update\nid: 2\nretry: 1000\ndata: "two"\n\n'
        ": keepalive\ndata: line1\ndata: line2\n\n"
    )


def test_body_size_limit_refuses_declared_oversized_bodies():
    app = App(max_body_size=10)

    @app.post("/upload")
    async def upload(request: Request) -> int:
        return len(await request.body())

    client = client_for(app)
    assert client.post("/upload", content=b"x" * 10).json() == 10
    response = client.post("/upload", content=b"x" * 11)
    assert response.status_code == 413
    assert "limit of 10 bytes" in response.json()["detail"]


def test_body_size_limit_counts_streamed_chunks():
    app = App(max_body_size=10)
    chunks_read: list[int] = []

    @app.post("/upload")
    async def upload(request: Request) -> int:
        async for chunk in request.stream():
            chunks_read.append(len(chunk))
        return sum(chunks_read)

    def body() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 4

    response = client_for(app).post("/upload", content=body())
    assert response.status_code == 413
    assert sum(chunks_read) <= 10  # never read far past the limit


def test_body_size_limit_per_route_override_and_none():
    app = App(max_body_size=10)

    @app.post("/big", max_body_size=100)
    async def big(request: Request) -> int:
        return len(await request.body())

    @app.post("/unlimited", max_body_size=None)
    async def unlimited(request: Request) -> int:
        return len(await request.body())

    client = client_for(app)
    assert client.post("/big", content=b"x" * 50).json() == 50
    assert client.post("/big", content=b"x" * 101).status_code == 413
    assert client.post("/unlimited", content=b"x" * 5000).json() == 5000


def test_default_body_limit_is_one_mebibyte():
    app = App()

    @app.post("/upload")
    async def upload(request: Request) -> int:
        return len(await request.body())

    client = client_for(app)
    assert client.post("/upload", content=b"x" * (1024 * 1024)).status_code == 200
    assert client.post("/upload", content=b"x" * (1024 * 1024 + 1)).status_code == 413


def test_var_args_and_positional_only_are_refused():
    app = App()

    @app.get("/a")
    async def var_kw(**kwargs: Any) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match=r"\*args or \*\*kwargs"):
        app.build()

    app = App()

    @app.get("/b/{x}")
    async def positional(x: str, /) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="positional-only"):
        app.build()


def test_unresolvable_parameter_names_the_validation_plugin():
    app = App()

    @app.get("/items")
    async def items(limit: int = 10) -> None:
        return None

    with pytest.raises(RouteDefinitionError) as info:
        app.build()
    message = str(info.value)
    assert "Parameter 'limit'" in message
    assert "GET /items" in message
    assert "is not a path parameter" in message
    assert "App(plugins=[validation()])" in message


def test_path_parameter_type_mismatch_suggests_a_convertor():
    app = App()

    @app.get("/items/{item_id}")
    async def items(item_id: int) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match=r"'\{item_id:int\}'"):
        app.build()


def test_build_errors_surface_on_first_request_too():
    app = App()

    @app.get("/x")
    async def x(q: int) -> None:
        return None

    with pytest.raises(RouteDefinitionError):
        TestClient(app).get("/x")


def test_unannotated_path_parameter_is_a_string():
    app = App()

    @app.get("/hello/{name}")
    async def hello(name) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {"hello": name}

    assert client_for(app).get("/hello/ann").json() == {"hello": "ann"}


def test_a_path_parameter_describes_itself_with_a_title():
    from pegboard.descriptions import ParameterDescription

    app = App()

    @app.get("/items/{item_id:int}")
    async def read(item_id: int) -> int:
        return item_id

    app.build()
    compiled = app.routes[0].compiled
    assert compiled is not None
    (described,) = [d for d in compiled.descriptions if isinstance(d, ParameterDescription)]
    assert described.schema is not None
    assert described.schema.schema == {"type": "integer", "minimum": 0, "title": "Item Id"}


def test_websocket_route_with_path_parameter():
    app = App()

    @app.websocket("/ws/{room}")
    async def chat(websocket: WebSocket, room: str) -> None:
        await websocket.accept()
        message = await websocket.receive_text()
        await websocket.send_json({"room": room, "echo": message})
        await websocket.close()

    with client_for(app).websocket_connect("/ws/lobby") as ws:
        ws.send_text("hi")
        assert ws.receive_json() == {"room": "lobby", "echo": "hi"}


def test_sync_websocket_handler_is_refused():
    app = App()

    @app.websocket("/ws")
    def chat(websocket: WebSocket) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="must be 'async def'"):
        app.build()


def test_callable_object_and_partial_handlers():
    import functools

    class Greeter:
        async def __call__(self, name: str) -> str:
            return f"hi {name}"

    async def greet(greeting: str, name: str) -> str:
        return f"{greeting} {name}"

    app = App()
    app.add_api_route("/a/{name}", Greeter())
    app.add_api_route("/b/{name}", functools.partial(greet, "yo"))
    client = client_for(app)
    assert client.get("/a/x").json() == "hi x"
    assert client.get("/b/x").json() == "yo x"
