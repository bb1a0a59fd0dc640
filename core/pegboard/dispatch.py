"""One request, from ``App.__call__`` to the compiled route and back.

**At build time** (the first call, or the lifespan's start-up) the app compiles every
route (:mod:`pegboard.compiler`: resolvers, encoder, error handling and route
middleware composed into one ASGI callable per route), sorts its exception handlers
(:mod:`pegboard.error_handling`) and builds Starlette's middleware stack. If the app
has no middleware of its own, it also builds a :class:`Dispatcher`; otherwise
Starlette's stack serves every request, unchanged.

**Per request**, the dispatcher of an app without middleware:

1. finds the candidate routes for the path in the router's segment index;
2. takes the first whose path matches in full: for a pegboard route that is a method
   check, then a string comparison or one regex match
   (:meth:`~pegboard.routing.Route.match_path`);
3. sets the scope keys Starlette's router would (``router``, ``route``,
   ``endpoint``, ``path_params``) and awaits the route's compiled callable, which
   resolves the arguments, calls the handler, encodes and sends the response, and
   answers errors itself.

When no route matches in full, the dispatcher answers the 405 (a pegboard route has
the path, not the method) or the 404 itself, as Starlette's router would: the same
``HTTPException``, answered by the app's exception handlers
(:mod:`pegboard.error_handling`). It leaves the request to Starlette's stack whenever
Starlette would do something else: a raw route or mount matching the path, a
``redirect_slashes`` redirect, a router with a ``default`` app of its own.

Anything else goes to Starlette's stack too: lifespan and WebSocket scopes, mounts
and raw Starlette routes. Those behave exactly as in Starlette, and their errors are
JSON through the same exception handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from pegboard.nosniff import sending
from pegboard.resolvers import RequestContext
from pegboard.routing import Route, _route_path, _RouteIndex

if TYPE_CHECKING:
    from pegboard.error_handling import ErrorHandling
    from pegboard.routing import Router

__all__ = ["Dispatcher"]


class Dispatcher:
    """The front of an app without middleware: compiled routes, else Starlette's stack."""

    __slots__ = ("_index", "errors", "fallback", "nosniff", "router")

    def __init__(
        self,
        router: Router,
        fallback: ASGIApp,
        errors: ErrorHandling | None = None,
        nosniff: bool = False,
    ) -> None:
        """Build time: index the router's routes; ``fallback`` serves everything else.

        ``errors`` answers the 404s and 405s (without it, Starlette's stack does);
        ``nosniff`` adds ``X-Content-Type-Options`` to those answers.
        """
        self.router = router
        self.fallback = fallback
        self.errors = errors
        self.nosniff = nosniff
        self._index = _RouteIndex(router.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Per request: serve ``scope`` with the first route matching it in full."""
        if scope["type"] == "http":
            index = self._index
            routes = self.router.routes
            if index.size != len(routes):  # routes added by hand after the start
                index = self._index = _RouteIndex(routes)
            # Below the root path, as Starlette's routes match; most apps have none.
            route_path = _route_path(scope) if scope.get("root_path") else scope["path"]
            method = scope["method"]
            candidates = index.candidates(route_path)
            for route in candidates:
                if type(route) is Route:
                    # The method first: a set lookup, where the path may need a regex.
                    if method not in route.allowed_methods:
                        continue  # at most a partial match: keep looking
                    params = route.match_path(route_path)
                    if params is None:
                        continue
                    # Under a mount. (No scope.get: one call fewer on every request.)
                    if "path_params" in scope and scope["path_params"]:  # noqa: RUF019
                        params = {**scope["path_params"], **params}
                    if "router" not in scope:
                        scope["router"] = self.router
                    scope["route"] = route
                    scope["endpoint"] = route.endpoint
                    scope["path_params"] = params
                    await route.app(scope, receive, send)
                    return
                if route.matches(scope)[0] is Match.FULL:
                    break  # a raw Starlette route or a mount: Starlette serves it
            else:
                if self.errors is not None and await self._unmatched(
                    scope, receive, send, route_path, candidates
                ):
                    return
        await self.fallback(scope, receive, send)

    async def _unmatched(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route_path: str,
        candidates: Sequence[BaseRoute],
    ) -> bool:
        """Answer the 405 or 404 of a request no route matches in full (per request).

        Returns False, having sent nothing, when Starlette's router would not simply
        raise one of those: then its stack serves the request.
        """
        router = self.router
        error: HTTPException | None = None
        for route in candidates:
            if type(route) is not Route:
                if route.matches(scope)[0] is not Match.NONE:
                    return False  # a raw route's 405 is Starlette's
                continue
            params = route.match_path(route_path)
            if params is not None:  # the path, not the method: the route's 405
                if "path_params" in scope and scope["path_params"]:  # noqa: RUF019
                    params = {**scope["path_params"], **params}
                scope["route"] = route
                scope["endpoint"] = route.endpoint
                scope["path_params"] = params
                allow = ", ".join(route.methods or ())  # as Starlette's Route.handle
                error = HTTPException(405, headers={"Allow": allow})
                break
        if error is None:
            if router.default != router.not_found or self._redirects(route_path):
                return False
            error = HTTPException(404)
        if "router" not in scope:
            scope["router"] = router
        ctx = RequestContext.for_scope(scope, receive, sending(send) if self.nosniff else send)
        assert self.errors is not None
        await self.errors.answer(error, ctx, serve_errors=True)
        return True

    def _redirects(self, route_path: str) -> bool:
        """Whether Starlette's ``redirect_slashes`` would redirect ``route_path``."""
        if not self.router.redirect_slashes or route_path == "/":
            return False
        other = route_path.rstrip("/") if route_path.endswith("/") else route_path + "/"
        if not other.startswith("/"):
            return True  # only slashes: left to Starlette
        return any(
            type(route) is not Route or route.match_path(other) is not None
            for route in self._index.candidates(other)
        )
