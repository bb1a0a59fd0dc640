"""The DI plugin's public query: what a dependency's or a route's graph contains."""

from typing import Annotated

from pegboard import App, CompiledRoute, PluginInfo, RouteInfo, hookimpl
from pegboard_di import (
    DependencyInfo,
    Depends,
    dependency_graph,
    di,
    overrides,
    route_dependencies,
)


def get_db() -> str:
    return "db"


def fake_db() -> str:
    return "fake"


def current_user(db: Annotated[str, Depends(get_db)]) -> str:
    return "user"


def audit() -> None:
    return None


def settings() -> str:
    return "settings"


def names(found: tuple[DependencyInfo, ...]) -> list[str]:
    return [getattr(d.call, "__name__", "?") for d in found]


def test_dependency_graph_lists_every_position_with_overrides_applied():
    app = App(plugins=[di()])
    graph = dependency_graph(app, current_user)
    assert names(graph) == ["current_user", "get_db"]
    assert [len(d.chain) for d in graph] == [1, 2]
    assert graph[1].dependency is get_db
    overrides(app)[get_db] = fake_db
    graph = dependency_graph(app, Depends(current_user))
    assert names(graph) == ["current_user", "fake_db"]
    assert graph[1].dependency is get_db  # as written
    assert [p.name for p in graph[0].parameters] == ["db"]


def test_route_dependencies_covers_parameters_and_route_dependencies():
    seen: dict[str, list[str]] = {}

    class Inspector:
        plugin_info = PluginInfo(name="inspector", requires=("di",))

        @hookimpl(trylast=True)
        def pegboard_route_compiled(
            self, app: App, route: RouteInfo, compiled: CompiledRoute
        ) -> None:
            seen[route.path] = names(route_dependencies(app, route))

    app = App(plugins=[di(), Inspector()])

    @app.get("/me", dependencies=[Depends(audit)])
    async def me(
        user: Annotated[str, Depends(current_user)],
        conf: Annotated[str, Depends(settings, scope="app")],
    ) -> str:
        return user

    @app.get("/plain")
    async def plain() -> str:
        return "plain"

    app.build()
    assert seen == {"/me": ["current_user", "get_db", "settings", "audit"], "/plain": []}
    assert names(route_dependencies(app, app.routes[0].info)) == seen["/me"]  # type: ignore[attr-defined]
