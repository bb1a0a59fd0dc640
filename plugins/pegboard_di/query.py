"""Asking the DI plugin what a graph contains, for plugins that act on dependencies.

A metrics plugin labelling routes by the database they use, or the security plugin
finding the schemes a route requires, asks here instead of walking signatures and
overrides itself: :func:`dependency_graph` for the graph below one dependency,
:func:`route_dependencies` for everything a compiled route's graphs contain. Both
apply the app's current overrides and are meant for build time (hooks), not requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from pegboard import App, ParamInfo, RouteInfo
from pegboard_di.markers import Depends

if TYPE_CHECKING:
    from pegboard_di.overrides import DependencyOverrides

__all__ = ["DependencyInfo", "dependency_graph", "route_dependencies"]


@attrs.frozen
class DependencyInfo:
    """One position of a dependency in a graph.

    :ivar marker: The ``Depends`` (or subclass, such as ``Security``) as written, with
        ``dependency`` filled in from the annotation for ``Depends()``.
    :ivar call: What is actually called there: ``marker.dependency``, or its override.
    :ivar parameters: The parameters of ``call``, dependencies included.
    :ivar chain: The markers from the root down to this one (``chain[-1] is marker``).
    """

    marker: Depends
    call: Callable[..., Any]
    parameters: tuple[ParamInfo, ...]
    chain: tuple[Depends, ...]

    @property
    def dependency(self) -> Callable[..., Any]:
        """The callable as written in the marker, before overrides."""
        return self.marker.dependency  # type: ignore[return-value]


def dependency_graph(
    app: App, dependency: Callable[..., Any] | Depends
) -> tuple[DependencyInfo, ...]:
    """Every dependency in the graph of ``dependency``, itself first, depth first.

    Overrides of ``app`` are applied, so the graph is the one a request would run
    now. A dependency used at several positions appears once per position, with its
    chain. App-scoped dependencies are included (``marker.scope == "app"``). A cycle
    is not followed (the DI plugin reports it when the route is compiled).
    """
    from pegboard_di.plugin import overrides  # the plugin module imports this one

    marker = dependency if isinstance(dependency, Depends) else Depends(dependency)
    return tuple(_walk(marker, (marker,), overrides(app), set()))


def route_dependencies(app: App, route: RouteInfo) -> tuple[DependencyInfo, ...]:
    """Every dependency in the graphs of ``route``, in the order the route plans them.

    Covers the handler's ``Depends`` parameters, ``dependencies=[...]`` and what other
    plugins planned through :func:`~pegboard_di.dependency_resolver` (the security
    plugin's ``security=[...]``). Call it from ``pegboard_route_compiled`` or later;
    a route the DI plugin has not planned (no dependencies) gives an empty tuple.
    """
    from pegboard_di.plugin import _state

    found: list[DependencyInfo] = []
    for marker in _state(app).planner.markers(route):
        found.extend(dependency_graph(app, marker))
    return tuple(found)


def _walk(
    marker: Depends,
    chain: tuple[Depends, ...],
    replaced: DependencyOverrides,
    path: set[int],
) -> Iterator[DependencyInfo]:
    call = replaced.effective(marker.dependency)  # type: ignore[arg-type]
    if id(call) in path:
        return
    params = tuple(ParamInfo.from_callable(call))
    yield DependencyInfo(marker, call, params, chain)
    path.add(id(call))
    try:
        for param in params:
            sub = param.marker
            if isinstance(sub, Depends):
                with contextlib.suppress(Exception):  # reported when the route compiles
                    sub = sub.for_param(param)
                if sub.dependency is not None:
                    yield from _walk(sub, (*chain, sub), replaced, path)
    finally:
        path.discard(id(call))
