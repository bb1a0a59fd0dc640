"""Compiling planned graphs into the functions a request runs.

A :class:`~pegboard_di.graph.Node` becomes ``step(ctx, cache)``, which returns an
awaitable of the dependency's value. The variants below are chosen once, when the
graph is compiled, so that the common shapes run with as few Python frames as
possible: a dependency whose arguments are all synchronous does not get a coroutine
of its own; it returns the dependency's own awaitable for its caller to await.

``cache`` is the request's dict of cached values. Only keys that occur more than once
in a route's graphs (``shared``) are read and written; a dependency that appears once
per route is never looked up.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any, cast

from pegboard import RequestContext, RequestValidationError
from pegboard_di.calls import invoker
from pegboard_di.graph import Node

__all__ = ["FAILED", "MISSING", "Cache", "Step", "compile_node"]

Cache = dict[Hashable, Any]
# The cache is None for graphs whose route shares no dependency.
Step = Callable[[RequestContext, Any], Any]

# (name, function, returns an awaitable, is a step taking the cache, cache key or None)
_Entry = tuple[str, Callable[..., Any], bool, bool, Hashable | None]

MISSING: Any = object()
#: Cached in place of a value when a dependency failed validation: later positions
#: fail too, without repeating the errors the first one already reported.
FAILED: Any = object()


def compile_node(node: Node, shared: Collection[Hashable]) -> Step:
    """Compose ``step(ctx, cache)`` -> awaitable of ``node``'s value."""
    call = node.call
    plan: tuple[_Entry, ...] = tuple(
        (a.name, compile_node(a.node, shared), True, True, _cached(a.node, shared))
        if a.node is not None
        else (a.name, cast("Callable[..., Any]", a.func), a.is_async, False, None)
        for a in node.arguments
    )
    invoke = (
        None
        if node.kind == "async"
        else invoker(call, node.kind, function_scope=node.scope == "function")
    )
    if any(is_async or key is not None for _, _, is_async, _, key in plan):
        return _async_step(call, invoke, plan)
    if invoke is None and len(plan) == 1 and not plan[0][3]:
        # The common leaf, such as `async def token(request: Request)`.
        name, func = plan[0][0], plan[0][1]

        def leaf(ctx: RequestContext, cache: Cache) -> Any:
            return call(**{name: func(ctx)})

        return leaf
    bind = _sync_binder(tuple((name, func, is_step) for name, func, _, is_step, _ in plan))
    if invoke is None:

        def call_async(ctx: RequestContext, cache: Cache) -> Any:
            return call(**bind(ctx, cache))

        return call_async

    def call_other(ctx: RequestContext, cache: Cache) -> Any:
        return invoke(ctx, bind(ctx, cache))

    return call_other


def _cached(node: Node, shared: Collection[Hashable]) -> Hashable | None:
    return node.key if node.key is not None and node.key in shared else None


def _sync_binder(
    plan: tuple[tuple[str, Callable[..., Any], bool], ...],
) -> Callable[[RequestContext, Cache], dict[str, Any]]:
    def bind(ctx: RequestContext, cache: Cache) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        errors: list[Any] | None = None
        for name, func, is_step in plan:
            try:
                kwargs[name] = func(ctx, cache) if is_step else func(ctx)
            except RequestValidationError as exc:
                errors = [*errors, *exc.errors()] if errors else list(exc.errors())
        if errors is not None:
            raise RequestValidationError(errors)
        return kwargs

    return bind


def _async_step(
    call: Callable[..., Any],
    invoke: Callable[..., Any] | None,
    plan: tuple[_Entry, ...],
) -> Step:
    """A coroutine resolving the arguments (shared ones once), then calling ``call``.

    ``invoke`` is None for plain async callables, which are awaited directly.
    """

    async def step(ctx: RequestContext, cache: Cache) -> Any:
        kwargs: dict[str, Any] = {}
        errors: list[Any] | None = None
        for name, func, is_async, is_step, key in plan:
            if key is not None:
                value = cache.get(key, MISSING)
                if value is FAILED:
                    errors = errors or []
                    continue
                if value is not MISSING:
                    kwargs[name] = value
                    continue
            try:
                value = func(ctx, cache) if is_step else func(ctx)
                if is_async:
                    value = await value
            except RequestValidationError as exc:
                if key is not None:
                    cache[key] = FAILED
                errors = [*errors, *exc.errors()] if errors else list(exc.errors())
                continue
            if key is not None:
                cache[key] = value
            kwargs[name] = value
        if errors is not None:
            raise RequestValidationError(errors)
        if invoke is None:
            return await call(**kwargs)
        return await invoke(ctx, kwargs)

    return step
