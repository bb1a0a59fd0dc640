"""Planning an app's dependency graphs while its routes are compiled.

For each ``Depends`` a route uses (as a parameter, in ``dependencies=[...]``, or
through :func:`pegboard_di.dependency_resolver`), the :class:`Planner` walks the graph
once when the route is compiled (:mod:`pegboard_di.graph`) and compiles it
(:mod:`pegboard_di.steps`). The graphs of one route are compiled together, so that
only dependencies occurring more than once in the route go through the request's
cache. A request then runs those functions and nothing else.

Each resolver lists the callables of its graph in ``Resolver.depends_on``; when an
override changes, the plugin asks the core to compile the routes using it again
(:meth:`pegboard.App.recompile`), which plans their graphs afresh.
"""

from __future__ import annotations

import contextlib
import inspect
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from pegboard import App, RequestContext, RequestValidationError, Resolver, RouteInfo, StashKey
from pegboard_di.app_scope import AppScope
from pegboard_di.graph import GraphBuilder, Node
from pegboard_di.markers import Depends, dependency_name
from pegboard_di.overrides import DependencyOverrides
from pegboard_di.steps import FAILED, MISSING, Cache, compile_node

if TYPE_CHECKING:
    from pegboard.descriptions import Description

__all__ = ["CACHE_KEY", "Planner", "changed_key"]

#: Per-request values of shared dependencies, in ``ctx.stash``: cache key -> value.
CACHE_KEY: StashKey[Cache] = StashKey("di.cache")


class _Changed:
    """The ``Resolver.depends_on`` key of one dependency: equal only for the same object."""

    __slots__ = ("dependency",)

    def __init__(self, dependency: Any) -> None:
        self.dependency = dependency

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Changed) and other.dependency is self.dependency

    def __hash__(self) -> int:
        return id(self.dependency)

    def __repr__(self) -> str:
        return f"<dependency {dependency_name(self.dependency)}>"


def changed_key(dependency: Any) -> Hashable:
    """The key :meth:`App.recompile <pegboard.App.recompile>` takes for ``dependency``."""
    return _Changed(dependency)


class Planner:
    """Plans and compiles the dependency graphs of one app (kept in the app's stash)."""

    def __init__(self, app: App, overrides: DependencyOverrides, app_scope: AppScope) -> None:
        self.app = app
        self.overrides = overrides
        self.app_scope = app_scope
        self._compiling: dict[RouteInfo, _RoutePlan] = {}  # routes being compiled
        self._compiled: dict[RouteInfo, _RoutePlan] = {}
        self._detached: dict[Depends, _RoutePlan] = {}

    def resolver(self, route: RouteInfo, marker: Depends, origin: str) -> Resolver:
        """Plan ``marker`` for ``route`` and return the resolver that runs it per request.

        ``origin`` names where the marker was found (a handler parameter,
        ``dependencies=[...]``) in error messages.
        """
        plan = self._compiling.get(route)
        if plan is None:
            plan = self._compiling[route] = _RoutePlan(self)
        root = plan.add(route, marker, origin)
        describes = root.describes or ()
        depends_on = tuple(changed_key(call) for call in root.callables)
        return Resolver(
            root.resolve,
            is_async=True,
            describes=describes,
            label=repr(marker),
            depends_on=depends_on,
        )

    def finish(self, route: RouteInfo) -> None:
        """The route is compiled: its next compilation plans its graphs afresh."""
        plan = self._compiling.pop(route, None)
        if plan is not None:
            self._compiled[route] = plan
        else:
            self._compiled.pop(route, None)

    def markers(self, route: RouteInfo) -> list[Depends]:
        """The top-level markers planned for ``route`` (being compiled, or compiled)."""
        plan = self._compiling.get(route) or self._compiled.get(route)
        return [] if plan is None else [root.marker for root in plan.roots]

    def abandon(self) -> None:
        """Forget the plans of compilations that failed half-way."""
        self._compiling.clear()

    def detached(self, marker: Depends, origin: str) -> _Root:
        """The plan of ``marker`` for use outside routes (see :func:`pegboard_di.resolve`).

        Planned for a stand-in GET route, once per marker and overrides version.
        """
        plan = None
        with contextlib.suppress(TypeError):  # an unhashable callable: plan it each time
            plan = self._detached.get(marker)
        if plan is None:
            name = dependency_name(marker.dependency)
            route = RouteInfo(
                path=f"<resolve {name}>",
                endpoint=marker.dependency,  # type: ignore[arg-type]
                methods=frozenset({"GET"}),
                name=name,
            )
            plan = _RoutePlan(self)
            plan.add(route, marker, origin)
            with contextlib.suppress(TypeError):
                self._detached[marker] = plan
        if plan.version != self.overrides.version:
            plan.replan()
        return plan.roots[0]

    async def start(self) -> None:
        """Create the app-scoped values the current graphs need (``pegboard_startup``)."""
        keys: list[Hashable] = []
        for plan in self._compiled.values():
            for root in plan.roots:
                keys.extend(k for k in root.app_keys if k not in keys)
        await self.app_scope.start(keys)


class _RoutePlan:
    """The graphs of one route, compiled together so they share one cache plan."""

    __slots__ = ("planner", "roots", "version")

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.roots: list[_Root] = []
        self.version = planner.overrides.version

    def add(self, route: RouteInfo, marker: Depends, origin: str) -> _Root:
        root = _Root(self, route, marker, origin)
        root.plan()
        self.roots.append(root)
        self.compile()
        return root

    def replan(self) -> None:
        version = self.planner.overrides.version
        for root in self.roots:
            root.plan()
        self.compile()
        self.version = version

    def compile(self) -> None:
        counts = Counter(key for root in self.roots for key in root.keys)
        shared = frozenset(key for key, count in counts.items() if count > 1)
        for root in self.roots:
            root.compile(shared)


class _Root:
    """The resolver of one top-level ``Depends`` in a route."""

    __slots__ = (
        "app_keys",
        "callables",
        "describes",
        "found",
        "func",
        "is_async",
        "key",
        "keys",
        "marker",
        "origin",
        "plan_of",
        "route",
        "uses_cache",
    )

    def __init__(self, plan: _RoutePlan, route: RouteInfo, marker: Depends, origin: str) -> None:
        self.plan_of = plan
        self.route = route
        self.marker = marker
        self.origin = origin
        self.describes: tuple[Description, ...] | None = None
        self.app_keys: tuple[Hashable, ...] = ()
        self.keys: tuple[Hashable, ...] = ()
        self.callables: tuple[Callable[..., Any], ...] = ()

    def plan(self) -> None:
        planner = self.plan_of.planner
        graph = GraphBuilder(
            planner.app, self.route, self.origin, planner.overrides, planner.app_scope
        )
        self.found: Node | Callable[..., Any] = graph.root(self.marker)
        self.keys = tuple(self.found.keys()) if isinstance(self.found, Node) else ()
        self.app_keys = tuple(graph.app_keys)
        self.callables = tuple(graph.callables)
        if self.describes is None:  # documents describe the graph as first planned
            self.describes = _deduplicated(graph.descriptions)

    def compile(self, shared: frozenset[Hashable]) -> None:
        found = self.found
        if isinstance(found, Node):
            self.func = compile_node(found, shared)
            self.is_async = True
            self.key = found.key if found.key in shared else None
            self.uses_cache = any(key in shared for key in self.keys)
        else:  # an app-scoped value
            self.func = _app_value(found)
            self.is_async = inspect.iscoroutinefunction(found)
            self.key = None
            self.uses_cache = False

    async def resolve(self, ctx: RequestContext) -> Any:
        if not self.uses_cache:
            value = self.func(ctx, None)
            return await value if self.is_async else value
        cache = ctx.stash.setdefault(CACHE_KEY, {})
        key = self.key
        if key is not None:
            value = cache.get(key, MISSING)
            if value is not MISSING:
                if value is FAILED:
                    raise RequestValidationError([])
                return value
        try:
            value = self.func(ctx, cache)
            if self.is_async:
                value = await value
        except RequestValidationError:
            if key is not None:
                cache[key] = FAILED
            raise
        if key is not None:
            cache[key] = value
        return value


def _app_value(lookup: Callable[[RequestContext], Any]) -> Callable[[RequestContext, Any], Any]:
    def app_value(ctx: RequestContext, cache: Any) -> Any:
        return lookup(ctx)

    return app_value


def _deduplicated(descriptions: list[Description]) -> tuple[Description, ...]:
    """Drop repeated descriptions; parameters are the same when name and location are."""
    kept: list[Description] = []
    seen_parameters: set[tuple[str, str]] = set()
    for description in descriptions:
        location = getattr(description, "location", None)
        if location is not None:
            ident = (description.name, location)  # type: ignore[union-attr]
            if ident in seen_parameters:
                continue
            seen_parameters.add(ident)
        elif any(description is k or description == k for k in kept):
            continue
        kept.append(description)
    return tuple(kept)
