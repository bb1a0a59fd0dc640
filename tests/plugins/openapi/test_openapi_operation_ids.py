"""operationId: generated like FastAPI, explicit when given, always unique."""

from __future__ import annotations

from typing import Any

import pytest

from pegboard import App, RouteDefinitionError, RouteInfo, Router
from pegboard_openapi import OpenAPIWarning, default_operation_id, get_openapi, openapi


def _ids(app: App) -> dict[str, str]:
    return {
        f"{method.upper()} {path}": operation["operationId"]
        for path, item in get_openapi(app)["paths"].items()
        for method, operation in item.items()
    }


def _nothing() -> None:
    return None


def _users_and_orders(app: App) -> None:
    """Two routers whose handlers have the same names, as modules of one app do."""
    for prefix in ("/users", "/orders"):
        router = Router(prefix=prefix)
        router.get("/", name="list")(_nothing)
        router.get("/{id}", name="get")(lambda id: None)
        app.include_router(router)


def test_default_ids_match_fastapis() -> None:
    app = App(plugins=[openapi()])

    @app.get("/items/{item_id:int}")
    def read_item(item_id: int) -> None: ...

    @app.put("/items/{item_id}/tags-and-more")
    def update_item() -> None: ...

    assert _ids(app) == {
        "GET /items/{item_id}": "read_item_items__item_id__get",
        "PUT /items/{item_id}/tags-and-more": "update_item_items__item_id__tags_and_more_put",
    }


def test_default_ids_of_same_named_handlers_in_routers_differ_by_path() -> None:
    app = App(plugins=[openapi()])
    _users_and_orders(app)
    assert _ids(app) == {
        "GET /users/": "list_users__get",
        "GET /users/{id}": "get_users__id__get",
        "GET /orders/": "list_orders__get",
        "GET /orders/{id}": "get_orders__id__get",
    }


def test_colliding_generated_ids_get_numbered_in_route_order() -> None:
    def by_name(route: RouteInfo, method: str) -> str:
        return route.name

    app = App(plugins=[openapi(generate_operation_id=by_name)])
    _users_and_orders(app)
    with pytest.warns(OpenAPIWarning) as caught:
        ids = _ids(app)
    assert ids == {
        "GET /users/": "list",
        "GET /users/{id}": "get",
        "GET /orders/": "list_2",
        "GET /orders/{id}": "get_2",
    }
    assert "'list' of GET /orders/ is taken by another operation" in str(caught[0].message)
    # The same app built again gives the same ids: they are stable.
    app2 = App(plugins=[openapi(generate_operation_id=by_name)])
    _users_and_orders(app2)
    with pytest.warns(OpenAPIWarning):
        assert _ids(app2) == ids


def test_explicit_ids_win_over_generated_ones() -> None:
    def by_name(route: RouteInfo, method: str) -> str:
        return route.name

    app = App(plugins=[openapi(generate_operation_id=by_name)])

    @app.get("/a")
    def search() -> None: ...

    @app.get("/b", operation_id="search")
    def b() -> None: ...

    with pytest.warns(OpenAPIWarning, match="'search' of GET /a"):
        assert _ids(app) == {"GET /a": "search_2", "GET /b": "search"}


def test_explicit_ids_on_several_methods_are_told_apart_by_method() -> None:
    app = App(plugins=[openapi()])
    app.api_route("/x", methods=["GET", "POST"], operation_id="x")(lambda: None)
    assert _ids(app) == {"GET /x": "x_get", "POST /x": "x_post"}


def test_duplicate_explicit_ids_are_an_error_naming_both_routes() -> None:
    app = App(plugins=[openapi()])
    router = Router()
    router.get("/items", operation_id="list_items")(_nothing)
    app.include_router(router, prefix="/v1")
    app.include_router(router, prefix="/v2")
    with pytest.raises(
        RouteDefinitionError,
        match=r"GET /v2/items and GET /v1/items both have operation_id='list_items'",
    ):
        get_openapi(app)


def test_hidden_routes_take_no_id() -> None:
    app = App(plugins=[openapi()])
    app.get("/a", operation_id="same", include_in_schema=False)(lambda: None)
    app.get("/b", operation_id="same")(lambda: None)
    assert _ids(app) == {"GET /b": "same"}


def test_a_shadowed_route_is_left_out_with_a_warning() -> None:
    app = App(plugins=[openapi()])
    app.get("/items/{id:int}", name="by_number")(lambda id: None)
    app.get("/items/{id}", name="by_name")(lambda id: None)
    with pytest.warns(OpenAPIWarning, match=r"GET /items/\{id\} is not documented"):
        assert _ids(app) == {"GET /items/{id}": "by_number_items__id__get"}


def test_default_operation_id_is_public() -> None:
    info: Any = RouteInfo(path="/a/{b:int}", endpoint=lambda b: None, name="f")
    assert default_operation_id(info, "DELETE") == "f_a__b__delete"


def test_a_function_of_the_route_alone_names_operations_as_fastapis_does() -> None:
    # FastAPI's generate_unique_id_function takes the route only, and reads its tags.
    def tagged(route: RouteInfo) -> str:
        return f"{route.tags[0]}-{route.name}"

    app = App(plugins=[openapi(generate_operation_id=tagged)], tags=["shop"])
    router = Router(tags=["items"])
    router.post("/items")(_nothing)
    app.include_router(router)
    app.get("/health", name="health")(_nothing)
    assert _ids(app) == {"POST /items": "shop-_nothing", "GET /health": "shop-health"}
