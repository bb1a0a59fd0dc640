"""DI with the validation plugin: dependencies read typed query, header and body values."""

from typing import Annotated

import pytest
from starlette.testclient import TestClient

from pegboard import App
from pegboard.descriptions import ParameterDescription
from pegboard_di import Depends, di

validation_plugin = pytest.importorskip("pegboard_validation")
Header, Query, validation = (
    validation_plugin.Header,
    validation_plugin.Query,
    validation_plugin.validation,
)


class Pagination:
    def __init__(self, limit: Annotated[int, Query(ge=1, le=100)] = 10, offset: int = 0) -> None:
        self.limit, self.offset = limit, offset


async def token(x_token: Annotated[str, Header()]) -> str:
    return x_token


async def user(tok: Annotated[str, Depends(token)], verbose: bool = False) -> dict[str, object]:
    return {"token": tok, "verbose": verbose}


def make_app() -> App:
    app = App(plugins=[validation(), di()])

    @app.get("/items")
    async def items(
        page: Annotated[Pagination, Depends()], who: Annotated[dict[str, object], Depends(user)]
    ) -> dict[str, object]:
        return {"limit": page.limit, "offset": page.offset, **who}

    return app


def test_typed_parameters_of_dependencies_are_parsed():
    with TestClient(make_app()) as client:
        response = client.get(
            "/items", params={"limit": "5", "verbose": "true"}, headers={"x-token": "t"}
        )
    assert response.json() == {"limit": 5, "offset": 0, "token": "t", "verbose": True}


def test_errors_from_every_dependency_are_gathered():
    with TestClient(make_app()) as client:
        response = client.get("/items", params={"limit": "0", "verbose": "maybe"})
    assert response.status_code == 422
    locs = sorted(tuple(e["loc"]) for e in response.json()["detail"])
    assert locs == [("header", "x-token"), ("query", "limit"), ("query", "verbose")]


def test_parameters_read_by_dependencies_are_described_on_the_route():
    app = make_app()
    app.build()
    compiled = app.routes[0].compiled
    assert compiled is not None
    params = {
        (d.name, d.location) for d in compiled.descriptions if isinstance(d, ParameterDescription)
    }
    assert params == {
        ("limit", "query"),
        ("offset", "query"),
        ("x-token", "header"),
        ("verbose", "query"),
    }


def test_passes_the_plugin_check_beside_validation():
    from pegboard.testing import check_plugin

    check_plugin(di, alongside=("validation",))
