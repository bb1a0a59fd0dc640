"""The plugin as a whole: its public names, how it is enabled, build-time errors."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel

import pegboard
import pegboard_validation
from pegboard import App, Marker, PluginError, RouteDefinitionError
from pegboard.exception_handlers import request_validation_exception_handler
from pegboard.testing import TestClient, check_plugin
from pegboard_validation import Path, Query, ValidationPlugin, validation


class Item(BaseModel):
    name: str


class Unknown(Marker):
    """A marker from some plugin that is not enabled."""


def test_public_names() -> None:
    from pegboard_validation import (  # noqa: F401 - the FastAPI-style import line works
        Body,
        Cookie,
        File,
        Form,
        Header,
        Path,
        Query,
        RequestValidationError,
        ResponseValidationError,
        UploadFile,
        validation,
    )

    assert set(pegboard_validation.__all__) == {
        "Body",
        "Cookie",
        "File",
        "Form",
        "Header",
        "Param",
        "Path",
        "Query",
        "RequestValidationError",
        "ResponseValidationError",
        "UploadFile",
        "ValidationOptions",
        "ValidationPlugin",
        "problem_details_handler",
        "request_validation_exception_handler",
        "validation",
    }
    assert pegboard_validation.RequestValidationError is pegboard.RequestValidationError
    assert (
        pegboard_validation.request_validation_exception_handler
        is request_validation_exception_handler
    )
    for name in ("Body", "Cookie", "File", "Form", "Header", "Path", "Query"):
        assert issubclass(getattr(pegboard_validation, name), Marker)


def test_plugin_info_declares_the_response_model_options() -> None:
    info = validation().plugin_info
    assert info.name == "validation"
    assert {o.name for o in info.route_options} == {
        "response_model",
        "response_model_include",
        "response_model_exclude",
        "response_model_by_alias",
        "response_model_exclude_unset",
        "response_model_exclude_defaults",
        "response_model_exclude_none",
    }


def test_enabled_by_name() -> None:
    app = App(plugins=["validation"])
    assert app.plugins == ["validation"]

    @app.get("/n")
    async def n(n: int) -> dict[str, int]:
        return {"n": n}

    with TestClient(app) as client:
        assert client.get("/n?n=2").json() == {"n": 2}


def test_check_plugin_helper_accepts_it() -> None:
    check_plugin(validation, alongside=())


def test_the_class_itself_is_not_a_plugin() -> None:
    with pytest.raises(PluginError, match=r"validation\(\)"):
        App(plugins=[validation])


def test_without_the_plugin_response_model_names_it() -> None:
    app = App()
    with pytest.raises(RouteDefinitionError, match=r"App\(plugins=\[validation\(\)\]\)"):

        @app.get("/", response_model=Item)
        async def index() -> None:
            return None


def test_one_plugin_object_serves_two_apps() -> None:
    plugin = validation()
    first, second = App(plugins=[plugin]), App(plugins=[plugin])

    @first.post("/a")
    async def a(item: Item) -> Item:
        return item

    @second.post("/b")
    async def b(item: Item, other: Item) -> dict[str, str]:
        return {"names": item.name + other.name}

    with TestClient(first) as one, TestClient(second) as two:
        assert one.post("/a", json={"name": "x"}).json() == {"name": "x"}
        assert two.post("/b", json={"item": {"name": "x"}, "other": {"name": "y"}}).json() == {
            "names": "xy"
        }
    assert isinstance(plugin, ValidationPlugin)


def test_markers_of_other_plugins_are_declined(app: App) -> None:
    @app.get("/")
    async def index(thing: Annotated[str, Unknown()]) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="uses Unknown"):
        app.build()


def test_a_default_inside_annotated_is_refused(app: App) -> None:
    @app.get("/")
    async def index(q: Annotated[int, Query(3)]) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="Give it with '=' instead"):
        app.build()


def test_path_marker_needs_the_name_in_the_path(app: App) -> None:
    @app.get("/items")
    async def index(item_id: Annotated[int, Path()]) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match=r"has no '\{item_id\}' in its path"):
        app.build()


def test_path_parameters_cannot_have_defaults(app: App) -> None:
    @app.get("/items/{item_id}")
    async def index(item_id: int = 3) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="always required"):
        app.build()


def test_a_path_name_marked_as_query_is_refused(app: App) -> None:
    @app.get("/items/{item_id}")
    async def index(item_id: Annotated[int, Query()]) -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="mark it Path"):
        app.build()


def test_default_and_default_factory_together_are_refused() -> None:
    with pytest.raises(TypeError, match="default or a default_factory"):
        Query(1, default_factory=list)


def test_marker_repr() -> None:
    assert repr(Query(3, alias="q", ge=1)) == "Query(3, alias='q', ge=1)"
    assert repr(Path()) == "Path()"
