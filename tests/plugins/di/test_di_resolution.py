"""Resolving Depends parameters in handlers: kinds of callables, nesting, caching."""

import threading
from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import App, HTTPException, Request, RequestValidationError, WebSocket
from pegboard_di import Depends, di


def test_default_value_and_annotated_styles():
    async def get_name() -> str:
        return "ada"

    app = App(plugins=[di()])

    @app.get("/default")
    async def default(name: str = Depends(get_name)) -> str:
        return name

    @app.get("/annotated")
    async def annotated(name: Annotated[str, Depends(get_name)]) -> str:
        return name

    with TestClient(app) as client:
        assert client.get("/default").json() == "ada"
        assert client.get("/annotated").json() == "ada"


def test_sub_dependencies_to_any_depth_with_request_and_path_params():
    async def item_id(request: Request) -> int:
        return int(request.path_params["item"])

    def doubled(value: Annotated[int, Depends(item_id)]) -> int:
        return value * 2

    async def summary(
        item: int, value: Annotated[int, Depends(doubled)], request: Request
    ) -> dict[str, Any]:
        return {"item": item, "doubled": value, "path": request.url.path}

    app = App(plugins=[di()])

    @app.get("/items/{item:int}")
    async def read(data: Annotated[dict[str, Any], Depends(summary)]) -> dict[str, Any]:
        return data

    with TestClient(app) as client:
        # `item` is the path parameter, resolved by the core inside a dependency
        response = client.get("/items/21")
    assert response.json() == {"item": 21, "doubled": 42, "path": "/items/21"}


def test_item_id_reads_path_params_by_name():
    async def item(item_id: int) -> int:
        return item_id

    app = App(plugins=[di()])

    @app.get("/items/{item_id:int}")
    async def read(value: int = Depends(item)) -> int:
        return value

    with TestClient(app) as client:
        assert client.get("/items/7").json() == 7


def test_sync_dependencies_run_in_the_thread_pool():
    loop_thread: list[int] = []

    def sync_dep() -> int:
        return threading.get_ident()

    async def async_dep() -> int:
        loop_thread.append(threading.get_ident())
        return threading.get_ident()

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(
        sync_thread: int = Depends(sync_dep), async_thread: int = Depends(async_dep)
    ) -> bool:
        return sync_thread != async_thread

    with TestClient(app) as client:
        assert client.get("/").json() is True
    assert loop_thread


def test_a_dependency_named_parameter_func_is_passed_to_sync_dependencies():
    def source() -> str:
        return "f"

    def sync_dep(func: str = Depends(source)) -> str:
        return func * 2

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(value: str = Depends(sync_dep)) -> str:
        return value

    with TestClient(app) as client:
        assert client.get("/").json() == "ff"


def test_classes_and_callable_instances_as_dependencies():
    class Pagination:
        def __init__(self, request: Request) -> None:
            self.limit = int(request.headers.get("x-limit", "10"))

    class Prefix:
        def __init__(self, prefix: str) -> None:
            self.prefix = prefix

        async def __call__(self, request: Request) -> str:
            return self.prefix + request.url.path

    app = App(plugins=[di()])

    @app.get("/page")
    async def page(
        pagination: Annotated[Pagination, Depends()],
        label: Annotated[str, Depends(Prefix("at:"))],
    ) -> dict[str, Any]:
        return {"limit": pagination.limit, "label": label}

    with TestClient(app) as client:
        assert client.get("/page", headers={"x-limit": "3"}).json() == {
            "limit": 3,
            "label": "at:/page",
        }


def test_same_dependency_is_called_once_per_request():
    calls: list[str] = []

    async def get_db() -> str:
        calls.append("db")
        return f"db{len(calls)}"

    async def repo(db: str = Depends(get_db)) -> str:
        return f"repo({db})"

    app = App(plugins=[di()], dependencies=[Depends(get_db)])

    @app.get("/")
    async def handler(db: str = Depends(get_db), r: str = Depends(repo)) -> list[str]:
        return [db, r]

    with TestClient(app) as client:
        assert client.get("/").json() == ["db1", "repo(db1)"]
        assert client.get("/").json() == ["db2", "repo(db2)"]
    assert calls == ["db", "db"]


def test_use_cache_false_gives_a_position_its_own_call():
    counter = iter(range(100))

    async def number() -> int:
        return next(counter)

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(
        a: int = Depends(number),
        b: int = Depends(number),
        c: int = Depends(number, use_cache=False),
    ) -> list[int]:
        return [a, b, c]

    with TestClient(app) as client:
        assert client.get("/").json() == [0, 0, 1]


def test_validation_errors_of_all_dependencies_are_gathered():
    def header(name: str) -> Any:
        async def read(request: Request) -> str:
            value = request.headers.get(name)
            if value is None:
                raise RequestValidationError(
                    [{"type": "missing", "loc": ("header", name), "msg": "Field required"}]
                )
            return value

        return read

    read_a, read_b = header("x-a"), header("x-b")

    async def both(a: str = Depends(read_a), b: str = Depends(read_b)) -> str:
        return a + b

    async def again(a: str = Depends(read_a)) -> str:
        return a

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(value: str = Depends(both), a: str = Depends(again)) -> str:
        return value

    with TestClient(app) as client:
        assert client.get("/", headers={"x-a": "1", "x-b": "2"}).json() == "12"
        response = client.get("/")
    assert response.status_code == 422
    # read_a failed once; the second position reuses the failure without repeating it
    assert [e["loc"] for e in response.json()["detail"]] == [["header", "x-a"], ["header", "x-b"]]


def test_a_failed_dependency_shared_between_route_dependencies_and_params_reports_once():
    async def read_key(request: Request) -> str:
        if "x-key" not in request.headers:
            raise RequestValidationError(
                [{"type": "missing", "loc": ("header", "x-key"), "msg": "Field required"}]
            )
        return request.headers["x-key"]

    app = App(plugins=[di()], dependencies=[Depends(read_key)])

    @app.get("/")
    async def handler(key: str = Depends(read_key)) -> str:
        return key

    with TestClient(app) as client:
        assert client.get("/", headers={"x-key": "k"}).json() == "k"
        response = client.get("/")
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["header", "x-key"]]


def test_http_exceptions_from_dependencies_become_responses():
    async def forbid() -> None:
        raise HTTPException(403, "nope", headers={"x-why": "test"})

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(_: None = Depends(forbid)) -> str:
        return "unreachable"

    with TestClient(app) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (403, {"detail": "nope"})
    assert response.headers["x-why"] == "test"


def test_dependencies_can_set_headers_on_the_response_stub():
    from pegboard import Response

    async def tag(response: Response) -> None:
        response.headers["x-tag"] = "on"

    app = App(plugins=[di()])

    @app.get("/", dependencies=[Depends(tag)])
    async def handler() -> str:
        return "ok"

    with TestClient(app) as client:
        assert client.get("/").headers["x-tag"] == "on"


def test_websocket_handlers_get_dependencies():
    async def who(websocket: WebSocket) -> str:
        return websocket.query_params.get("name", "anon")

    app = App(plugins=[di()])

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, name: str = Depends(who)) -> None:
        await websocket.accept()
        await websocket.send_text(f"hi {name}")
        await websocket.close()

    with TestClient(app) as client, client.websocket_connect("/ws?name=ada") as conn:
        assert conn.receive_text() == "hi ada"


def test_signatures_are_read_at_build_not_per_request(monkeypatch: pytest.MonkeyPatch):
    from pegboard_di import graph as planner

    reads: list[str] = []
    original = planner.ParamInfo.from_callable

    def counting(func: Any) -> Any:
        reads.append(func.__name__)
        return original(func)

    monkeypatch.setattr(planner.ParamInfo, "from_callable", counting)

    async def leaf(request: Request) -> int:
        return 1

    async def dep(value: int = Depends(leaf)) -> int:
        return value + 1

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(value: int = Depends(dep)) -> int:
        return value

    app.build()
    compiled = app.routes[0].compiled
    assert compiled is not None
    assert compiled.arguments["value"].label == "Depends(dep)"
    assert reads == ["handler", "dep", "leaf"]
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/").json() == 2
    assert reads == ["handler", "dep", "leaf"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_var_args_of_dependencies_are_left_alone(kind: str):
    def sync_dep(*args: Any, **kwargs: Any) -> str:
        return "ok"

    async def async_dep(*args: Any, **kwargs: Any) -> str:
        return "ok"

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(value: str = Depends(sync_dep if kind == "sync" else async_dep)) -> str:
        return value

    with TestClient(app) as client:
        assert client.get("/").json() == "ok"


def test_partials_of_async_and_sync_functions():
    import functools

    async def scaled(factor: int, request: Request) -> int:
        return factor * len(request.url.path)

    def label(prefix: str, request: Request) -> str:
        return prefix + request.url.path

    app = App(plugins=[di()])

    @app.get("/abc")
    async def handler(
        n: int = Depends(functools.partial(scaled, 10)),
        text: str = Depends(functools.partial(label, "at ")),
    ) -> list[object]:
        return [n, text]

    with TestClient(app) as client:
        assert client.get("/abc").json() == [40, "at /abc"]
