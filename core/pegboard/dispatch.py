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

Anything else goes to Starlette's stack: lifespan and WebSocket scopes, paths that no
pegboard route matches in full (404, 405, ``redirect_slashes``), mounts and raw
Starlette routes. Those behave exactly as in Starlette, and their errors are JSON
through the same exception handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from pegboard.routing import Route, _route_path, _RouteIndex

if TYPE_CHECKING:
    from pegboard.routing import Router

__all__ = ["Dispatcher"]


class Dispatcher:
    """The front of an app without middleware: compiled routes, else Starlette's stack."""

    __slots__ = ("_index", "fallback", "router")

    def __init__(self, router: Router, fallback: ASGIApp) -> None:
        """Build time: index the router's routes; ``fallback`` serves everything else."""
        self.router = router
        self.fallback = fallback
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
            for route in index.candidates(route_path):
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
        await self.fallback(scope, receive, send)
