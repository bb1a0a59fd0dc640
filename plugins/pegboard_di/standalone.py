"""Resolving a dependency outside an HTTP handler: background jobs, CLI commands, tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from pegboard import App, HTTPConnection, Request, RequestContext
from pegboard_di.markers import Depends
from pegboard_di.plugin import _state

__all__ = ["resolve"]


@asynccontextmanager
async def resolve(
    app: App,
    dependency: Callable[..., Any] | Depends,
    *,
    connection: HTTPConnection | None = None,
) -> AsyncIterator[Any]:
    """Resolve ``dependency`` with its whole graph, as a request would, for one block.

    ``async with resolve(app, get_db) as db:`` plans the graph (overrides apply),
    calls every dependency once, and on leaving the block tears generator
    dependencies down in reverse order, throwing in the exception that left the block,
    if any (it is re-raised even if a dependency swallows it).

    Dependencies that read the request get ``connection`` if given, else an empty
    GET request to ``/`` with no headers, so a required header or query parameter
    fails with :class:`~pegboard.RequestValidationError`. App-scoped dependencies
    need the app's lifespan to be running (``async with
    app.router.lifespan_context(app):``); values are shared with the running app.
    """
    state = _state(app)
    marker = dependency if isinstance(dependency, Depends) else Depends(dependency)
    root = state.planner.detached(marker, "resolve()")
    for key in root.app_keys:
        await state.app_scope.ensure(key)
    ctx = RequestContext(connection if connection is not None else _blank_request(app))
    try:
        value = await root.resolve(ctx)
        await ctx.close_function_scope()
        yield value
    except BaseException as exc:
        await ctx.unwind(exc)
        raise
    await ctx.close()


def _blank_request(app: App) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": None,
        "server": None,
        "path_params": {},
        "app": app,
        "state": {},
    }
    return Request(scope)
