"""Route wrappers: code around one route's handling, with its request and response.

``route_wrappers=[wrap, ...]`` (on a route, a ``Router`` or the ``App``) wraps how a
route turns a request into a response. Each wrapper is called once, when the app is
built, with the route's handler (``async (request) -> Response``) and the route's
:class:`~pegboard.RouteInfo`, and returns the handler to use instead. A wrapper can
hand the route a request of its own class (which every parameter then reads: a
decompressing ``body()``, say), catch what the route raises (validation errors
included), and change the response before it is sent. Errors it lets through are
answered by the app's exception handlers, as the route's own would be.

Middleware sees bytes and ASGI messages; a wrapper sees the route's objects, after
routing, for the routes it is given to. FastAPI's ``APIRoute`` subclasses (and
``route_class=``) do the same job; :class:`RouteWrapper` keeps their shape.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.responses import Response

from pegboard.requests import Request

if TYPE_CHECKING:
    from pegboard.routing import RouteInfo

__all__ = ["RouteHandler", "RouteWrapper", "RouteWrapperFunction"]

#: What a wrapper receives and returns: the route's handling of one request.
RouteHandler = Callable[[Request], Awaitable[Response]]
#: A wrapper: called once per route, when the app is built.
RouteWrapperFunction = Callable[[RouteHandler, "RouteInfo"], RouteHandler]


class RouteWrapper:
    """A route wrapper written as a class, in the shape of FastAPI's ``APIRoute``.

    Subclass it and override :meth:`get_route_handler`: call
    ``super().get_route_handler()`` for the route's own handler and return an async
    function of the request that calls it. Give the class itself in
    ``route_wrappers=[...]``; it is instantiated once per route, when the app is built.
    ``path``, ``name`` and ``methods`` are the route's.
    """

    def __init__(self, handler: RouteHandler, route: RouteInfo) -> None:
        self.route = route
        self.path = route.path
        self.name = route.name
        self.methods = set(route.methods)
        self._handler = handler
        self._serve = self.get_route_handler()

    def get_route_handler(self) -> RouteHandler:
        """The handling this wrapper uses: the route's own, unless overridden."""
        return self._handler

    def __call__(self, request: Request) -> Awaitable[Response]:
        return self._serve(request)
