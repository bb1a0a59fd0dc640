"""The plugin object: enabling, metadata, descriptions of what dependencies read."""

from typing import Annotated

from starlette.testclient import TestClient

from pegboard import App, Request
from pegboard.descriptions import ParameterDescription
from pegboard.testing import check_plugin
from pegboard_di import Depends, DIPlugin, di


def test_enabled_by_name_and_declares_its_option():
    app = App(plugins=["di"])
    assert app.plugins == ["di"]
    info = DIPlugin.plugin_info
    assert info.name == "di"
    assert [o.name for o in info.route_options] == ["dependencies"]
    assert repr(di()) == "di()"


def test_passes_the_plugin_check():
    check_plugin(di, alongside=())


def test_one_plugin_object_serves_several_apps():
    plugin = di()
    counter = iter(range(10))

    async def number() -> int:
        return next(counter)

    apps = [App(plugins=[plugin]), App(plugins=[plugin])]
    for app in apps:

        @app.get("/")
        async def handler(value: int = Depends(number)) -> int:
            return value

    for app in apps:
        with TestClient(app) as client:
            assert isinstance(client.get("/").json(), int)


async def item_id(item_id: int) -> int:
    return item_id


async def owner(item_id: int, request: Request) -> str:
    return f"owner of {item_id}"


async def item(
    id_: Annotated[int, Depends(item_id)], owner: Annotated[str, Depends(owner)]
) -> dict[str, object]:
    return {"id": id_, "owner": owner}


def test_dependency_resolvers_describe_what_their_graph_reads_once():
    app = App(plugins=[di()])

    @app.get("/items/{item_id:int}")
    async def read(data: Annotated[dict[str, object], Depends(item)]) -> dict[str, object]:
        return data

    app.build()
    compiled = app.routes[0].compiled
    assert compiled is not None
    described = compiled.arguments["data"].describes
    assert [(d.name, d.location) for d in described if isinstance(d, ParameterDescription)] == [
        ("item_id", "path")
    ]
    with TestClient(app) as client:
        assert client.get("/items/3").json() == {"id": 3, "owner": "owner of 3"}
