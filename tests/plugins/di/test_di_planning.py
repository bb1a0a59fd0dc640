"""Mistakes found while the graph is planned: each a startup error that names the chain."""

from typing import Any

import pytest

from pegboard import App, RouteDefinitionError
from pegboard_di import Depends, di


def build_error(handler: Any, **options: Any) -> str:
    app = App(plugins=[di()])
    app.add_api_route("/x", handler, **options)
    with pytest.raises(RouteDefinitionError) as info:
        app.build()
    return str(info.value)


def cycle_a(b: str = Depends(lambda: None)) -> str:  # replaced below to close the cycle
    return b


def cycle_b(a: Any = Depends(cycle_a)) -> str:
    return a


cycle_a.__defaults__ = (Depends(cycle_b),)


def test_a_cycle_is_a_startup_error_naming_it():
    async def handler(value: str = Depends(cycle_a)) -> str:
        return value

    message = build_error(handler)
    assert "Dependency cycle in GET /x: handler(value) -> cycle_a -> cycle_b -> cycle_a" in message


def test_a_dependency_on_itself_is_a_cycle():
    def itself(value: Any = None) -> Any:
        return value

    itself.__defaults__ = (Depends(itself),)

    async def handler(value: Any = Depends(itself)) -> Any:
        return value

    assert "handler(value) -> itself -> itself" in build_error(handler)


def test_a_typed_query_parameter_without_validation_names_the_dependency_chain():
    def paginate(limit: int) -> int:
        return limit

    def listing(page: int = Depends(paginate)) -> int:
        return page

    async def handler(items: int = Depends(listing)) -> int:
        return items

    message = build_error(handler)
    assert "Parameter 'limit' of" in message
    assert "paginate" in message
    assert "App(plugins=[validation()])" in message
    assert "Dependency chain: GET /x: handler(items) -> listing -> paginate." in message


def test_unresolvable_parameters_in_route_dependencies_name_their_origin():
    def audit(user: str) -> None: ...

    async def handler() -> None: ...

    message = build_error(handler, dependencies=[Depends(audit)])
    assert "GET /x: dependencies=[...] -> audit" in message


def test_positional_only_parameters_are_refused():
    def positional(value: Any = Depends(lambda: 1), /) -> Any:
        return value

    async def handler(value: Any = Depends(positional)) -> Any:
        return value

    assert "positional-only" in build_error(handler)


def test_dependencies_option_takes_markers():
    def audit() -> None: ...

    app = App(plugins=[di()])
    with pytest.raises(RouteDefinitionError, match=r"dependencies=\[Depends\(audit\)\]"):
        app.add_api_route("/x", lambda: None, dependencies=[audit])
    with pytest.raises(RouteDefinitionError, match="takes a list"):
        app.add_api_route("/y", lambda: None, dependencies=Depends(audit))
    with pytest.raises(RouteDefinitionError, match="needs a callable"):
        app.add_api_route("/z", lambda: None, dependencies=[Depends()])


def test_without_the_plugin_depends_names_it():
    async def handler(value: int = Depends(lambda: 1)) -> int:
        return value

    app = App()
    app.add_api_route("/x", handler)
    with pytest.raises(RouteDefinitionError, match=r"plugin 'di'.*App\(plugins=\[di\(\)\]\)"):
        app.build()
