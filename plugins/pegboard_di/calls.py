"""How a dependency is called: awaited, in the thread pool, or entered as a generator.

The kind is decided once, when the graph is planned. Generator dependencies become
context managers entered on an exit stack (the request's, or the app's for app
scope), so their teardown runs when that stack closes, in reverse order of setup,
with the exception that ended the request thrown in.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, AsyncExitStack, asynccontextmanager, contextmanager
from types import TracebackType
from typing import Any, Literal, Protocol

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from starlette.concurrency import run_in_threadpool

from pegboard.resolvers import is_async_callable

__all__ = ["CallKind", "HasExitStack", "Invoke", "call_kind", "invoker"]

CallKind = Literal["async", "sync", "async_generator", "sync_generator"]

# One per event loop, like anyio's default thread limiter.
_teardown_limiter: RunVar[anyio.CapacityLimiter] = RunVar("pegboard_di_teardown_limiter")


def _unwrapped(call: Any) -> Any:
    while isinstance(call, functools.partial):
        call = call.func
    return inspect.unwrap(call) if inspect.isfunction(call) or inspect.ismethod(call) else call


def call_kind(call: Callable[..., Any]) -> CallKind:
    """How ``call`` must be called; classes are plain synchronous calls."""
    if inspect.isclass(call):
        return "sync"
    target = _unwrapped(call)
    method = None if inspect.isroutine(target) else getattr(type(target), "__call__", None)  # noqa: B004
    if inspect.isasyncgenfunction(target) or inspect.isasyncgenfunction(method):
        return "async_generator"
    if inspect.isgeneratorfunction(target) or inspect.isgeneratorfunction(method):
        return "sync_generator"
    if is_async_callable(call):
        return "async"
    return "sync"


class _ThreadedContext:
    """A synchronous context manager whose enter and exit run in the thread pool."""

    __slots__ = ("_manager",)

    def __init__(self, manager: AbstractContextManager[Any]) -> None:
        self._manager = manager

    async def __aenter__(self) -> Any:
        return await run_in_threadpool(self._manager.__enter__)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        # Teardowns get their own thread limiter: when every pool thread is blocked in
        # a setup waiting for a resource that only a teardown frees, sharing the
        # default limiter would deadlock.
        try:
            limiter = _teardown_limiter.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(40)
            _teardown_limiter.set(limiter)
        return await anyio.to_thread.run_sync(
            self._manager.__exit__, exc_type, exc, traceback, limiter=limiter
        )


class HasExitStack(Protocol):
    """A request context or the app scope: where generator dependencies are entered."""

    @property
    def exit_stack(self) -> AsyncExitStack: ...


Invoke = Callable[[HasExitStack, dict[str, Any]], Awaitable[Any]]


def invoker(call: Callable[..., Any], kind: CallKind, *, function_scope: bool = False) -> Invoke:
    """A function ``invoke(owner, kwargs)`` that returns an awaitable of the value.

    Generator dependencies are entered on ``owner.exit_stack`` (on
    ``owner.function_exit_stack`` with ``function_scope``: a request context's stack
    closed before the response is sent); other kinds never touch it, so a request
    without generator dependencies never creates a stack.
    """
    if kind == "async":

        def invoke_async(owner: HasExitStack, kwargs: dict[str, Any]) -> Any:
            return call(**kwargs)

        return invoke_async
    if kind == "sync":

        def invoke_sync(owner: HasExitStack, kwargs: dict[str, Any]) -> Any:
            # partial: a dependency may well have a parameter named `func`
            return run_in_threadpool(functools.partial(call, **kwargs))

        return invoke_sync
    if kind == "async_generator":
        async_manager = asynccontextmanager(call)
        if function_scope:

            def invoke_agen_function(owner: Any, kwargs: dict[str, Any]) -> Any:
                stack = owner.function_exit_stack
                return stack.enter_async_context(async_manager(**kwargs))

            return invoke_agen_function

        def invoke_agen(owner: HasExitStack, kwargs: dict[str, Any]) -> Any:
            return owner.exit_stack.enter_async_context(async_manager(**kwargs))

        return invoke_agen
    sync_manager = contextmanager(call)
    if function_scope:

        def invoke_gen_function(owner: Any, kwargs: dict[str, Any]) -> Any:
            stack = owner.function_exit_stack
            return stack.enter_async_context(_ThreadedContext(sync_manager(**kwargs)))

        return invoke_gen_function

    def invoke_gen(owner: HasExitStack, kwargs: dict[str, Any]) -> Any:
        return owner.exit_stack.enter_async_context(_ThreadedContext(sync_manager(**kwargs)))

    return invoke_gen
