"""Walking a dependency graph once: signatures, overrides, cycles, scopes, resolvers.

:class:`GraphBuilder` turns one ``Depends`` marker into a tree of :class:`Node`
objects, asking the plugins how to resolve every parameter that is not itself a
dependency. Every mistake is found here, at build time, and named with its chain
(``GET /me: me(user) -> current_user -> get_db``). The tree is then compiled into
per-request functions by :mod:`pegboard_di.steps`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from starlette.applications import Starlette

from pegboard import App, ParamInfo, Resolver, RouteDefinitionError, RouteInfo
from pegboard.params import describe_callable
from pegboard_di.app_scope import AppNode, AppScope
from pegboard_di.calls import CallKind, call_kind, invoker
from pegboard_di.markers import Depends, dependency_name
from pegboard_di.overrides import DependencyOverrides

if TYPE_CHECKING:
    from pegboard.descriptions import Description

__all__ = ["Argument", "GraphBuilder", "Node"]


@attrs.frozen(eq=False)
class Argument:
    """One parameter of a dependency: a sub-dependency, or ``func(ctx)`` from a resolver.

    App-scoped sub-dependencies are plain functions too: a lookup of the app's value.
    """

    name: str
    node: Node | None = None
    func: Callable[..., Any] | None = None
    is_async: bool = False


@attrs.frozen(eq=False)
class Node:
    """A request-scoped dependency: what to call, with what, and its cache key."""

    call: Callable[..., Any]
    kind: CallKind
    key: Hashable | None  # None: use_cache=False
    arguments: tuple[Argument, ...]
    scope: str = "request"  # or "function": teardown before the response is sent

    def keys(self) -> Iterator[Hashable]:
        """The cache keys of this node and all below it, once per position."""
        if self.key is not None:
            yield self.key
        for argument in self.arguments:
            if argument.node is not None:
                yield from argument.node.keys()


class GraphBuilder:
    """One walk over one graph. Collects descriptions and the app-scoped keys it needs."""

    def __init__(
        self,
        app: App,
        route: RouteInfo,
        origin: str,
        overrides: DependencyOverrides,
        app_scope: AppScope,
    ) -> None:
        self.app = app
        self.route = route
        self.origin = origin
        self.overrides = overrides
        self.app_scope = app_scope
        self.path: list[Callable[..., Any]] = []  # effective callables being planned
        self.descriptions: list[Description] = []
        self.app_keys: list[Hashable] = []
        #: Every callable met, as written and after overrides (what overrides affect).
        self.callables: list[Callable[..., Any]] = []
        hook = app.plugin_manager.hook
        self.resolve_hook = _implemented(hook.pegboard_di_resolve_parameter)
        self.describe_hook = _implemented(hook.pegboard_di_describe_dependency)
        self.cache_key_hook = _implemented(hook.pegboard_di_cache_key)

    def chain_text(self, calls: Sequence[Callable[..., Any]]) -> str:
        names = " -> ".join(dependency_name(c) for c in calls)
        return f"{self.route.label}: {self.origin} -> {names}"

    def root(self, marker: Depends) -> Node | Callable[..., Any]:
        """The tree for ``marker``, or the lookup function if it is app-scoped."""
        if marker.dependency is None:
            raise RouteDefinitionError(
                f"{marker!r} in {self.route.label} ({self.origin}) has nothing to call: "
                "without a parameter annotation to take it from, write Depends(some_function)."
            )
        return self.dependency(marker, (marker,))

    def dependency(self, marker: Depends, chain: tuple[Depends, ...]) -> Node | Callable[..., Any]:
        # Never None here: root() checks, and Depends.for_param fills nested ones.
        call = self.overrides.effective(marker.dependency)  # type: ignore[arg-type]
        self._met(marker.dependency)
        self._met(call)
        if call in self.path:
            raise RouteDefinitionError(
                f"Dependency cycle in {self.chain_text([*self.path, call])}. "
                "A dependency cannot depend on itself, directly or through others."
            )
        if marker.scope == "app":
            return self.app_dependency(call, chain)
        self.path.append(call)
        try:
            arguments = tuple(self.argument(p, chain) for p in self.parameters(call))
        finally:
            self.path.pop()
        if self.describe_hook is not None:
            for found in self.describe_hook(
                app=self.app, route=self.route, dependency=marker.dependency, chain=chain
            ):
                self.descriptions.extend(found or ())
        if marker.scope == "request":
            self._check_no_function_scope(call, arguments)
        key = self.cache_key(marker, call, chain) if marker.use_cache else None
        if key is not None and marker.scope == "function":
            key = (key, "scope=function")  # torn down earlier: not the request's value
        return Node(call, call_kind(call), key, arguments, marker.scope)

    def _met(self, call: Any) -> None:
        if not any(call is seen for seen in self.callables):
            self.callables.append(call)

    def _check_no_function_scope(
        self, call: Callable[..., Any], arguments: tuple[Argument, ...]
    ) -> None:
        for argument in arguments:
            sub = argument.node
            if sub is not None and sub.scope == "function":
                raise RouteDefinitionError(
                    f"Scope error in {self.chain_text([*self.path, call, sub.call])}: "
                    f"{dependency_name(call)} is request-scoped (torn down after the "
                    f"response) but depends on {dependency_name(sub.call)}, which is "
                    "function-scoped (torn down before the response), so it would outlive "
                    f"what it uses. Give {dependency_name(call)} scope='function' too, or "
                    f"make {dependency_name(sub.call)} request-scoped."
                )

    def parameters(self, call: Callable[..., Any]) -> list[ParamInfo]:
        params = []
        for param in ParamInfo.from_callable(call):
            if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue  # never filled: dependencies are called with named arguments
            if param.kind is inspect.Parameter.POSITIONAL_ONLY:
                raise RouteDefinitionError(
                    f"Parameter {param.name!r} of dependency {describe_callable(call)} is "
                    f"positional-only, but dependencies are called with keyword arguments "
                    f"({self.chain_text([*self.path, call])}). Remove the '/' from its "
                    "signature, or wrap it in a function."
                )
            params.append(param)
        return params

    def argument(self, param: ParamInfo, chain: tuple[Depends, ...]) -> Argument:
        marker = param.marker
        if isinstance(marker, Depends):
            marker = marker.for_param(param)
            found = self.dependency(marker, (*chain, marker))
            if isinstance(found, Node):
                return Argument(param.name, node=found)
            return Argument(param.name, func=found, is_async=inspect.iscoroutinefunction(found))
        resolver = self.parameter(param, chain)
        self.descriptions.extend(resolver.describes)
        return Argument(param.name, func=resolver.func, is_async=resolver.is_async)

    def parameter(self, param: ParamInfo, chain: tuple[Depends, ...]) -> Resolver:
        if self.resolve_hook is not None:
            resolver = self.resolve_hook(app=self.app, route=self.route, param=param, chain=chain)
            if resolver is not None:
                if not isinstance(resolver, Resolver):
                    raise RouteDefinitionError(
                        f"A plugin returned {resolver!r} for parameter {param.name!r} of "
                        f"{self.chain_text(self.path)}; pegboard_di_resolve_parameter must "
                        "return a Resolver or None."
                    )
                return resolver
        try:
            return self.app.resolve_parameter(self.route, param)
        except RouteDefinitionError as exc:
            raise RouteDefinitionError(
                f"{exc} Dependency chain: {self.chain_text(self.path)}."
            ) from exc

    def cache_key(
        self, marker: Depends, call: Callable[..., Any], chain: tuple[Depends, ...]
    ) -> Hashable:
        if self.cache_key_hook is None:
            return call
        extra = [
            part
            for part in self.cache_key_hook(
                app=self.app, route=self.route, dependency=marker.dependency, chain=chain
            )
            if part is not None
        ]
        return (call, *extra) if extra else call

    # -- app scope ---------------------------------------------------------------------

    def app_dependency(
        self, call: Callable[..., Any], chain: tuple[Depends, ...]
    ) -> Callable[..., Any]:
        self.path.append(call)
        try:
            if call not in self.app_scope.nodes:
                self.app_scope.register(self.app_node(call, chain))
            for key in self.app_scope.needed(call):
                if key not in self.app_keys:
                    self.app_keys.append(key)
        finally:
            self.path.pop()
        return self.app_scope.lookup(call, call)

    def app_node(self, call: Callable[..., Any], chain: tuple[Depends, ...]) -> AppNode:
        arguments: list[tuple[str, bool, Any]] = []
        for param in self.parameters(call):
            marker = param.marker
            if isinstance(marker, Depends):
                marker = marker.for_param(param)
                sub = self.overrides.effective(marker.dependency)  # type: ignore[arg-type]
                if marker.scope != "app":
                    raise RouteDefinitionError(
                        f"Scope error in {self.chain_text([*self.path, sub])}: "
                        f"{dependency_name(call)} is app-scoped (created once, at startup) but "
                        f"depends on {dependency_name(sub)}, which is request-scoped. Make it "
                        f"app-scoped too, Depends({dependency_name(sub)}, scope='app'), or make "
                        f"{dependency_name(call)} request-scoped."
                    )
                self.dependency(marker, (*chain, marker))
                arguments.append((param.name, True, sub))
            elif _is_app_type(param.type):
                arguments.append((param.name, False, self.app))
            elif not param.has_default:
                raise RouteDefinitionError(
                    f"Parameter {param.name!r} of app-scoped dependency "
                    f"{describe_callable(call)} ({self.chain_text(self.path)}) cannot be "
                    "filled: app-scoped dependencies are created at startup, outside any "
                    "request, so they can only take other app-scoped dependencies "
                    "(Depends(..., scope='app')), the App (annotate it `App`), or "
                    "parameters with defaults. Make it request-scoped to read the request."
                )
        return AppNode(call, call, invoker(call, call_kind(call)), tuple(arguments))


def _implemented(hook: Any) -> Any:
    return hook if hook.get_hookimpls() else None


def _is_app_type(annotation: Any) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, Starlette)
