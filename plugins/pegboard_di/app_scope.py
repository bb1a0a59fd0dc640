"""App-scoped dependencies: created once while the app runs, closed when it stops."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from contextlib import AsyncExitStack
from typing import Any

import anyio
import attrs

from pegboard_di.calls import Invoke
from pegboard_di.markers import dependency_name

__all__ = ["AppNode", "AppScope", "AppScopeNotRunning"]


class AppScopeNotRunning(RuntimeError):
    """An app-scoped dependency was needed while the app's lifespan was not running."""


@attrs.frozen
class AppNode:
    """How to create one app-scoped value.

    ``arguments`` maps parameter names to ``(is_dependency, value)``: the key of
    another app-scoped node, or a constant (the app itself).
    """

    key: Hashable
    call: Callable[..., Any]
    invoke: Invoke
    arguments: tuple[tuple[str, bool, Any], ...]


class AppScope:
    """The values of an app's app-scoped dependencies, and the stack that closes them.

    Values are created when the app starts (``pegboard_startup``), dependencies
    first, each exactly once per lifespan, and closed in reverse order when it stops.
    A value first needed later in the lifespan (after an override changed the graph,
    or through :func:`pegboard_di.resolve`) is created then and closed at the same stop.
    """

    def __init__(self) -> None:
        self.nodes: dict[Hashable, AppNode] = {}
        self.values: dict[Hashable, Any] = {}
        self.running = False
        self._stack: AsyncExitStack | None = None
        self._locks: dict[Hashable, anyio.Lock] = {}

    @property
    def exit_stack(self) -> AsyncExitStack:
        """Where app-scoped generator dependencies are entered (see ``invoker``)."""
        if self._stack is None:  # pragma: no cover - only used while running
            raise self.not_running(None)
        return self._stack

    def register(self, node: AppNode) -> None:
        self.nodes.setdefault(node.key, node)

    async def start(self, keys: Iterable[Hashable]) -> None:
        """Create the values for ``keys`` (and what they need); undo all on failure."""
        self._stack = AsyncExitStack()
        self.running = True
        try:
            for key in keys:
                await self.ensure(key)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Close every value, newest first; the scope can be started again later."""
        self.running = False
        stack, self._stack = self._stack, None
        try:
            if stack is not None:
                await stack.aclose()
        finally:
            self.values.clear()
            self._locks.clear()

    async def ensure(self, key: Hashable) -> Any:
        """The value for ``key``, created now if this lifespan has not created it yet."""
        try:
            return self.values[key]
        except KeyError:
            pass
        node = self.nodes[key]
        if not self.running:
            raise self.not_running(node.call)
        lock = self._locks.setdefault(key, anyio.Lock())
        async with lock:
            if key in self.values:
                return self.values[key]
            kwargs = {}
            for name, is_dependency, value in node.arguments:
                kwargs[name] = await self.ensure(value) if is_dependency else value
            created = await node.invoke(self, kwargs)
            self.values[key] = created
            return created

    def needed(self, key: Hashable) -> list[Hashable]:
        """``key`` and every app-scoped key it needs, dependencies first."""
        found: list[Hashable] = []
        for _, is_dependency, value in self.nodes[key].arguments:
            if is_dependency:
                found.extend(k for k in self.needed(value) if k not in found)
        found.append(key)
        return found

    def lookup(self, key: Hashable, call: Callable[..., Any]) -> Callable[..., Any]:
        """A per-request ``func(ctx)`` returning the value for ``key`` (a dict lookup).

        Planned while the scope runs (an override changed the graph) and the value does
        not exist yet, it is an async function that creates the value on first use.
        """
        values = self.values
        if self.running and key not in values:

            async def new_app_value(ctx: Any) -> Any:
                return await self.ensure(key)

            return new_app_value

        def app_value(ctx: Any) -> Any:
            try:
                return values[key]
            except KeyError:
                raise self.not_running(call) from None

        return app_value

    def not_running(self, call: Callable[..., Any] | None) -> AppScopeNotRunning:
        what = f"app-scoped dependency {dependency_name(call)}" if call else "the app scope"
        return AppScopeNotRunning(
            f"The {what} is not available: the app's lifespan is not running, and "
            "app-scoped dependencies are created when it starts. Serve the app with a "
            "server that runs the lifespan; in tests, use `with TestClient(app) as client:`; "
            "in scripts, `async with app.router.lifespan_context(app):`."
        )
