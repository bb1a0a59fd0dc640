"""Overrides: replacing dependencies anywhere in the graph, before or after the build."""

from collections.abc import AsyncIterator
from typing import Annotated

import pytest
from starlette.testclient import TestClient

from pegboard import App, PluginError, Request, RouteDefinitionError
from pegboard_di import DependencyOverrides, Depends, di, overrides


async def get_db() -> str:
    return "real db"


async def get_user(request: Request, db: Annotated[str, Depends(get_db)]) -> str:
    return f"{request.headers.get('x-user', 'anon')} via {db}"


def build() -> App:
    app = App(plugins=[di()], dependencies=[Depends(get_db)])

    @app.get("/user")
    async def user(value: Annotated[str, Depends(get_user)]) -> str:
        return value

    @app.get("/db")
    async def db(value: Annotated[str, Depends(get_db)]) -> str:
        return value

    return app


def test_overrides_apply_in_nested_positions_and_take_effect_between_requests():
    app = build()
    with TestClient(app) as client:
        assert client.get("/user").json() == "anon via real db"
        overrides(app)[get_db] = lambda: "fake db"
        assert client.get("/user").json() == "anon via fake db"
        assert client.get("/db").json() == "fake db"
        del overrides(app)[get_db]
        assert client.get("/user").json() == "anon via real db"


def test_overrides_set_before_the_build_are_planned_in():
    app = build()
    overrides(app)[get_user] = lambda: "stub user"
    with TestClient(app) as client:
        assert client.get("/user").json() == "stub user"


def test_replacements_have_their_own_parameters_resolved():
    app = build()

    async def fake_db(request: Request) -> AsyncIterator[str]:
        yield f"fake db for {request.url.path}"

    with overrides(app).override(get_db, fake_db), TestClient(app) as client:
        assert client.get("/user", headers={"x-user": "ada"}).json() == "ada via fake db for /user"


def test_context_managers_restore_the_previous_state():
    app = build()
    deps = overrides(app)

    def first() -> str:
        return "first"

    def second() -> str:
        return "second"

    deps[get_db] = first
    with TestClient(app) as client:
        with deps.override(get_db, second):
            assert client.get("/db").json() == "second"
        assert client.get("/db").json() == "first"
        with deps.replaced({get_db: second, get_user: first}):
            assert client.get("/db").json() == "second"
            assert client.get("/user").json() == "first"
        assert dict(deps) == {get_db: first}
        deps.clear()
        assert client.get("/db").json() == "real db"


def test_every_change_bumps_the_version():
    deps = DependencyOverrides()
    assert deps.version == 0
    deps[get_db] = get_user
    deps[get_db] = get_user
    del deps[get_db]
    assert deps.version == 3
    assert len(deps) == 0
    assert deps.effective(get_db) is get_db
    deps[get_db] = get_user
    assert repr(deps).startswith("DependencyOverrides({<function get_db")


def test_overrides_only_take_callables():
    deps = DependencyOverrides()
    with pytest.raises(TypeError, match="callables"):
        deps[get_db] = "fake"  # type: ignore[assignment]


def test_a_bad_replacement_fails_when_set_and_is_undone():
    """The routes are compiled again when the override is set, so the planning
    error surfaces there, and the app keeps serving as before."""
    app = build()

    def needs_query(q: int) -> str:
        return "x"

    with TestClient(app) as client:
        with pytest.raises(RouteDefinitionError, match="needs_query"):
            overrides(app)[get_db] = needs_query
        assert get_db not in overrides(app)
        assert client.get("/db").json() == "real db"


def test_a_bad_replacement_set_before_the_app_is_built_fails_the_build():
    app = build()

    def needs_query(q: int) -> str:
        return "x"

    overrides(app)[get_db] = needs_query
    with pytest.raises(RouteDefinitionError, match="needs_query"), TestClient(app):
        pass


def test_overrides_need_the_plugin():
    with pytest.raises(PluginError, match=r"App\(plugins=\[di\(\)\]\)"):
        overrides(App())


def test_app_dependency_overrides_is_the_same_mapping_for_code_ported_from_fastapi():
    app = build()
    assert app.dependency_overrides is overrides(app)  # type: ignore[attr-defined]
    app.dependency_overrides[get_db] = lambda: "fake db"  # type: ignore[attr-defined]
    with TestClient(app) as client:
        assert client.get("/user").json() == "anon via fake db"
        app.dependency_overrides.clear()  # type: ignore[attr-defined]
        assert client.get("/user").json() == "anon via real db"


def test_an_app_attribute_of_that_name_is_left_alone():
    class MyApp(App):
        dependency_overrides = "mine"

    app = MyApp(plugins=[di()])
    assert app.dependency_overrides == "mine"
    assert isinstance(overrides(app), DependencyOverrides)
