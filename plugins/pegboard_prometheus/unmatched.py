"""Counting the requests that no route answers (``prometheus(unmatched=True)``).

Route observers only see routes, so a 404 for an unknown path, a 405 for a method a
path does not serve, or a trailing-slash redirect would go uncounted. This app-wide
middleware counts those under ``route="<unmatched>"`` (not in the in-progress gauge:
whether a request matches is known only once it is answered). Any app middleware makes every
request pass Starlette's middleware stack, which is why it is off by default.
"""

from __future__ import annotations

import time

from starlette.routing import Route as StarletteRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard_prometheus.labels import UNMATCHED
from pegboard_prometheus.metrics import Metrics

__all__ = ["UnmatchedMiddleware"]


class UnmatchedMiddleware:
    """Counts the HTTP requests that reached no route, or none serving their method."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.recorder = metrics.recorder(UNMATCHED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        started = time.perf_counter()
        status: int | None = None

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        failed = False
        try:
            await self.app(scope, receive, watch)
        except BaseException:
            failed = True
            raise
        finally:
            # Starlette's router sets "route" on a full or a partial (wrong method) match.
            route = scope.get("route")
            if route is None or (
                isinstance(route, StarletteRoute)
                and route.methods is not None
                and method not in route.methods
            ):
                self.recorder.record(method, 500 if failed and status is None else status, started)
