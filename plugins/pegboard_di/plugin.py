"""The DI plugin object, its per-app state, and the functions other code reaches it by."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any

import attrs

from pegboard import (
    App,
    CompiledRoute,
    ParamInfo,
    PluginError,
    PluginInfo,
    PluginManager,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    Stash,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard_di import hookspecs
from pegboard_di.app_scope import AppScope
from pegboard_di.markers import Depends, dependency_name
from pegboard_di.overrides import DependencyOverrides
from pegboard_di.planner import Planner, changed_key

__all__ = ["DIPlugin", "DIState", "dependency_resolver", "di", "overrides"]


@attrs.frozen
class DIState:
    """What the DI plugin keeps per app, in ``app.stash[STATE_KEY]``."""

    overrides: DependencyOverrides
    app_scope: AppScope
    planner: Planner


STATE_KEY: StashKey[DIState] = StashKey("di")


def _state(app: Any) -> DIState:
    stash = getattr(app, "stash", None)
    if not isinstance(stash, Stash) or STATE_KEY not in stash:
        raise PluginError(
            "The DI plugin is not enabled on this app. Enable it: App(plugins=[di()])."
        )
    return stash[STATE_KEY]


def overrides(app: App) -> DependencyOverrides:
    """The dependency overrides of ``app``: ``overrides(app)[get_db] = fake_db``.

    See :class:`~pegboard_di.DependencyOverrides` for the context managers that
    restore the previous state. Raises :class:`~pegboard.PluginError` if the app
    does not enable the DI plugin.
    """
    return _state(app).overrides


def dependency_resolver(
    app: App, route: RouteInfo, marker: Depends, *, origin: str = "route"
) -> Resolver:
    """Plan ``marker`` for ``route`` and return a :class:`~pegboard.Resolver` for it.

    For plugins that turn their own route options or markers into dependencies, as
    the DI plugin does for ``dependencies=[...]`` and the security plugin for
    ``security=[...]``: call it while the route is compiled (from
    ``pegboard_route_guards`` or ``pegboard_resolve_parameter``). The resolver
    shares the request's dependency cache with the route's other dependencies,
    follows overrides, and describes everything its graph reads. ``origin`` names
    where the marker came from in error messages (``"security=[...]"``).

    Raises :class:`~pegboard.RouteDefinitionError` for cycles, scope errors and
    parameters no plugin resolves, and :class:`~pegboard.PluginError` if the app
    does not enable the DI plugin.
    """
    if not isinstance(marker, Depends):
        raise TypeError(f"dependency_resolver() takes a Depends marker, got {marker!r}.")
    return _state(app).planner.resolver(route, marker, origin)


class DIPlugin:
    """Dependency injection: ``Depends(...)`` parameters and ``dependencies=[...]``.

    Create it with :func:`di`. Graphs are planned when the app is built; app-scoped
    dependencies are created at startup and closed at shutdown.
    """

    plugin_info = PluginInfo(
        name="di",
        version=__version__,
        route_options=(
            RouteOption(
                "dependencies",
                "extend",
                "Depends(...) markers run before the handler, their values dropped.",
            ),
        ),
        description="Dependency injection: Depends(), generator teardown, app scope, overrides.",
    )

    def __repr__(self) -> str:
        return "di()"

    @hookimpl
    def pegboard_add_hookspecs(self, pluginmanager: PluginManager) -> None:
        pluginmanager.add_hookspecs(hookspecs)

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        def recompile(original: Any) -> None:
            try:
                app.recompile(changed_key(original))
            except BaseException:
                planner.abandon()
                raise

        overrides = DependencyOverrides(on_change=recompile)
        app_scope = AppScope()
        planner = Planner(app, overrides, app_scope)
        app.stash[STATE_KEY] = DIState(overrides, app_scope, planner)
        # Code ported from FastAPI writes app.dependency_overrides[f] = g; same mapping.
        if not hasattr(app, "dependency_overrides"):
            vars(app)["dependency_overrides"] = overrides

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        dependencies = route.option("dependencies", ())
        if isinstance(dependencies, Depends) or not isinstance(dependencies, Sequence):
            raise RouteDefinitionError(
                f"Route {route.label} has dependencies={dependencies!r}; it takes a list: "
                "dependencies=[Depends(check)]."
            )
        for item in dependencies:
            if not isinstance(item, Depends):
                name = dependency_name(item) if callable(item) else repr(item)
                raise RouteDefinitionError(
                    f"Route {route.label} lists {item!r} in dependencies=[...], which takes "
                    f"Depends markers. Write dependencies=[Depends({name})]."
                )
            if item.dependency is None:
                raise RouteDefinitionError(
                    f"Route {route.label} lists {item!r} in dependencies=[...], which needs a "
                    "callable there (there is no annotation to take it from): "
                    "dependencies=[Depends(check)]."
                )

    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        marker = param.marker
        if not isinstance(marker, Depends):
            return None
        origin = f"{dependency_name(route.endpoint)}({param.name})"
        return _state(app).planner.resolver(route, marker.for_param(param), origin)

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver]:
        planner = _state(app).planner
        return [
            planner.resolver(route, marker, "dependencies=[...]")
            for marker in route.option("dependencies", ())
        ]

    @hookimpl
    def pegboard_route_compiled(self, app: App, route: RouteInfo, compiled: CompiledRoute) -> None:
        _state(app).planner.finish(route)

    @hookimpl
    def pegboard_startup(self, app: App) -> Awaitable[None]:
        return _state(app).planner.start()

    @hookimpl
    def pegboard_shutdown(self, app: App) -> Awaitable[None]:
        return _state(app).app_scope.stop()


def di() -> DIPlugin:
    """The DI plugin, to enable on an app: ``App(plugins=[di()])``."""
    return DIPlugin()
