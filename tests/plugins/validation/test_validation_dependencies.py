"""Parameters of dependencies: resolved through the same hook, sharing the route's body.

A stand-in for the DI plugin (``Needs(func)``) resolves a dependency's parameters
with ``app.resolve_parameter(route, param)``, as the real one does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from pegboard import (
    App,
    Marker,
    ParamInfo,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    hookimpl,
)
from pegboard.descriptions import BodyDescription, ParameterDescription
from pegboard.resolvers import bind_arguments
from pegboard.testing import TestClient
from pegboard_validation import Body, File, Header, UploadFile, validation


class Needs(Marker):
    __slots__ = ("func",)

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func


def _dependency(app: App, route: RouteInfo, func: Callable[..., Any]) -> Resolver:
    resolvers = {p.name: app.resolve_parameter(route, p) for p in ParamInfo.from_callable(func)}
    bind, is_async = bind_arguments(resolvers)

    async def resolve(ctx: RequestContext) -> Any:
        kwargs = await bind(ctx) if is_async else bind(ctx)
        return func(**kwargs)

    describes = [d for r in resolvers.values() for d in r.describes]
    return Resolver(resolve, is_async=True, describes=describes, label="needs")


class MiniDI:
    plugin_info = PluginInfo(name="mini_di", route_options=(RouteOption("needs", "extend"),))

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        if isinstance(param.marker, Needs):
            return _dependency(app, route, param.marker.func)
        return None

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver]:
        return [_dependency(app, route, func) for func in route.option("needs", [])]


@pytest.fixture
def app() -> App:
    return App(plugins=[validation(), MiniDI()])


class Item(BaseModel):
    name: str
    price: float


class User(BaseModel):
    username: str


def current_user(user: User, x_role: Annotated[str, Header()] = "guest") -> dict[str, str]:
    return {"username": user.username, "role": x_role}


def paging(item_id: int, limit: int = 10) -> dict[str, int]:
    return {"item_id": item_id, "limit": limit}


CALLS: list[str] = []


def audit(note: Annotated[str, Body()]) -> str:
    CALLS.append(note)
    return note


def owner_of(item: Item) -> str:
    return item.name.upper()


def other(item: User) -> str:
    return item.username


def upload(doc: Annotated[UploadFile, File()]) -> str:
    return doc.filename or ""


def test_dependency_path_query_and_header_parameters(app: App) -> None:
    @app.get("/items/{item_id}")
    async def read(page: Annotated[dict[str, int], Needs(paging)]) -> dict[str, int]:
        return page

    with TestClient(app) as client:
        assert client.get("/items/3?limit=2").json() == {"item_id": 3, "limit": 2}
        response = client.get("/items/x?limit=y")
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["path", "item_id"],
        ["query", "limit"],
    ]


def test_a_dependency_body_alone_is_the_whole_body(app: App) -> None:
    @app.post("/me")
    async def me(user: Annotated[dict[str, str], Needs(current_user)]) -> dict[str, str]:
        return user

    with TestClient(app) as client:
        response = client.post("/me", json={"username": "ann"}, headers={"x-role": "admin"})
    assert response.json() == {"username": "ann", "role": "admin"}


def test_handler_and_dependency_bodies_merge_into_one_embedded_body(app: App) -> None:
    @app.post("/items")
    async def create(
        item: Item, user: Annotated[dict[str, str], Needs(current_user)]
    ) -> dict[str, object]:
        return {"item": item, "user": user}

    payload = {"item": {"name": "a", "price": 1.0}, "user": {"username": "ann"}}
    with TestClient(app) as client:
        assert client.post("/items", json=payload).json() == {
            "item": payload["item"],
            "user": {"username": "ann", "role": "guest"},
        }
        response = client.post("/items", json={"item": {"name": "a"}, "user": {}})
    assert response.status_code == 422
    # Each error once, though two resolvers read the failed body.
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "item", "price"],
        ["body", "user", "username"],
    ]


def test_a_dependency_is_not_called_when_the_shared_body_failed(app: App) -> None:
    CALLS.clear()

    @app.post("/audit")
    async def create(item: Item, note: Annotated[str, Needs(audit)]) -> dict[str, str]:
        return {"note": note}

    with TestClient(app) as client:
        assert client.post(
            "/audit", json={"item": {"name": "a", "price": 1}, "note": "n"}
        ).json() == {"note": "n"}
        response = client.post("/audit", json={"item": {"name": "a"}, "note": "n"})
    assert response.status_code == 422
    assert CALLS == ["n"]


def test_route_level_dependencies_share_the_body(app: App) -> None:
    def check(token: Annotated[str, Body()]) -> None:
        if token != "t":
            raise AssertionError("bad token")

    @app.post("/guarded", needs=[check])
    async def guarded(item: Item) -> Item:
        return item

    with TestClient(app) as client:
        response = client.post("/guarded", json={"item": {"name": "a", "price": 1}, "token": "t"})
    assert response.json() == {"name": "a", "price": 1.0}


def test_the_same_body_key_in_handler_and_dependency_is_read_once(app: App) -> None:
    @app.post("/shared")
    async def shared(item: Item, owner: Annotated[str, Needs(owner_of)]) -> dict[str, str]:
        return {"name": item.name, "owner": owner}

    with TestClient(app) as client:
        # One body parameter after de-duplication: the body is the item itself.
        assert client.post("/shared", json={"name": "a", "price": 1}).json() == {
            "name": "a",
            "owner": "A",
        }


def test_the_same_body_key_with_another_type_is_an_error(app: App) -> None:
    @app.post("/clash")
    async def clash(item: Item, who: Annotated[str, Needs(other)]) -> None:
        raise AssertionError("not called")

    with pytest.raises(RouteDefinitionError, match="both read the body key 'item'"):
        app.build()


def test_a_dependency_file_makes_the_route_multipart(app: App) -> None:
    @app.post("/upload")
    async def create(name: Annotated[str, Needs(upload)]) -> dict[str, str]:
        return {"name": name}

    with TestClient(app) as client:
        assert client.post("/upload", files={"doc": ("a.txt", b"x")}).json() == {"name": "a.txt"}
    route = app.routes[0]
    assert route.compiled is not None
    [body] = [d for d in route.compiled.descriptions if isinstance(d, BodyDescription)]
    assert list(body.content) == ["multipart/form-data"]


def test_dependency_parameters_are_described(app: App) -> None:
    @app.post("/items/{item_id}")
    async def create(
        item: Item,
        page: Annotated[dict[str, int], Needs(paging)],
        user: Annotated[dict[str, str], Needs(current_user)],
    ) -> None:
        return None

    app.build()
    compiled = app.routes[0].compiled
    assert compiled is not None
    params = [
        (d.location, d.name) for d in compiled.descriptions if isinstance(d, ParameterDescription)
    ]
    assert params == [("path", "item_id"), ("query", "limit"), ("header", "x-role")]
    [body] = [d for d in compiled.descriptions if isinstance(d, BodyDescription)]
    schema, definitions = body.content["application/json"].build()  # type: ignore[union-attr]
    name = schema["$ref"].rsplit("/", 1)[1]
    assert list(definitions[name]["properties"]) == ["item", "user"]
    assert body.required is True
