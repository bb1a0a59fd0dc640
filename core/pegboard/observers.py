"""Observing what a route's clients actually receive, on the routes that ask for it.

A plugin returns a :class:`RouteObserver` from ``pegboard_route_observer`` for the
routes it wants to watch (a metrics plugin, say, for routes with ``metrics=True``).
Only those routes change, and ``finished`` sees the status and headers the client is
sent, also for a 422 from validation or a 404 from a raised ``HTTPException``, because
the app's exception handlers answer inside. Routes nobody observes are compiled
exactly as before.

``started`` and ``finished`` run in the request's own context, around everything
else of the route: a context variable set in ``started`` (a request id, the current
span) is seen by the handler, its dependencies, the exception handlers and any log
call they make, and ``finished`` can reset it. An observer may also add headers to
the response (``response_headers``), such as a request id echoed back.

Two ways, chosen at build time:

* A compiled route with no route middleware or wrappers calls its observers itself
  (:func:`start_observing`, :func:`finish_observing` in
  :mod:`pegboard.compiler`): they get the same ``Request`` as the handler, its
  dependencies and exception handlers; their headers go out through the context's
  ``response_headers``, and the route notes the response start it sends in the
  context, so nothing wraps ``send``.
* Behind route middleware (which could change ``receive`` or the scope, and send
  what it likes) :func:`observe` wraps the whole route and watches ``send``; the
  observers of such a route share one ``Request``, handed down under
  :data:`SHARED_CONTEXT` in the scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from starlette._exception_handler import wrap_app_handling_exceptions
from starlette.datastructures import Headers
from starlette.types import ASGIApp, ExceptionHandler, Message, Receive, Scope, Send

from pegboard.requests import Request
from pegboard.resolvers import RequestContext
from pegboard.stash import StashKey

__all__ = [
    "ACCESS_LOG",
    "SHARED_CONTEXT",
    "Exchange",
    "RouteObserver",
    "exchange_of",
    "finish_observing",
    "observe",
    "start_observing",
]

#: Set by a plugin that writes its own access log (``app.stash[ACCESS_LOG] = "name"``
#: in ``pegboard_configure``): ``pegboard run`` then turns the server's access log off.
ACCESS_LOG: StashKey[str] = StashKey("access_log")

_HANDLERS_KEY = "starlette.exception_handlers"
#: The scope key under which the observers of a request, and its route when compiled
#: to look there, find the request's context.
SHARED_CONTEXT = "pegboard.observed_context"


# Not frozen, unlike the framework's other data: one is made per observed request,
# and a frozen attrs class sets each field through object.__setattr__ (measured: 0.7
# against 0.3 µs). Observers treat it as read-only.
@attrs.define(eq=False)
class Exchange:
    """One request as a :class:`RouteObserver` sees it once the route is done with it.

    An exception that no exception handler answers is reported in ``exception`` with
    ``status_code`` 500, which is what Starlette's ``ServerErrorMiddleware`` then sends.

    :ivar request: The request.
    :ivar state: What the observer's ``started`` returned for this request.
    :ivar status_code: The status of the response start sent to the client; None only
        if nothing was sent and nothing failed (the client left while its body was
        read).
    :ivar raw_headers: The headers sent with it, as raw ``(name, value)`` byte pairs.
    :ivar exception: The exception no handler answered, or None.
    """

    request: Request
    state: Any
    status_code: int | None
    raw_headers: Sequence[tuple[bytes, bytes]] = ()
    exception: BaseException | None = None

    @property
    def headers(self) -> Headers:
        """The headers sent (made on each use: most observers need only the status)."""
        raw = self.raw_headers
        return Headers(raw=raw if isinstance(raw, list) else list(raw))


@attrs.frozen(eq=False)
class RouteObserver:
    """Callbacks run around every request of one route (see ``pegboard_route_observer``).

    ``started(request)`` runs before anything else of the route and returns a value
    (a start time, a span) that is handed back as :attr:`Exchange.state`; it may be
    omitted. ``finished(exchange)`` runs once the route has sent its response (or
    failed). Both are plain synchronous functions and run per request: keep them fast,
    and let no exception escape them.

    Both run in the request's context (the task serving it), so a context variable
    set in ``started`` is seen by everything the route runs, also in the thread pool,
    and can be reset in ``finished`` with the token that ``started`` kept in its
    state. With several observers on a route, ``started`` runs in the order the
    plugins answered and ``finished`` in the reverse order, as nested ``with``
    blocks would.

    ``response_headers(state)``, if given, runs right after ``started`` and returns
    raw ``(name, value)`` byte pairs appended to the headers of whatever response the
    request gets; the :attr:`Exchange.headers` include them. Unless the app has
    middleware of its own (whose ``ServerErrorMiddleware`` then answers), the 500
    response to an unhandled exception is sent inside the observer too, so it carries
    these headers.

    :ivar finished: ``finished(exchange)``, given an :class:`Exchange`.
    :ivar started: ``started(request)``, whose result becomes ``exchange.state``; or
        None.
    :ivar response_headers: ``response_headers(state)``, the headers to add to the
        response; or None.
    """

    finished: Callable[[Exchange], None]
    started: Callable[[Request], Any] | None = None
    response_headers: Callable[[Any], Iterable[tuple[bytes, bytes]]] | None = None


def exception_handlers(
    handlers: Mapping[Any, ExceptionHandler],
) -> tuple[dict[Any, ExceptionHandler], dict[int, ExceptionHandler]]:
    """Split an app's handlers as Starlette's ``ExceptionMiddleware`` does.

    500 and ``Exception`` belong to ``ServerErrorMiddleware``, so they are left out.
    """
    by_class: dict[Any, ExceptionHandler] = {}
    by_status: dict[int, ExceptionHandler] = {}
    for key, handler in handlers.items():
        if isinstance(key, int):
            if key != 500:
                by_status[key] = handler
        elif key not in (500, Exception):
            by_class[key] = handler
    return by_class, by_status


def observe(
    app: ASGIApp,
    observers: Sequence[RouteObserver],
    handlers: tuple[dict[Any, ExceptionHandler], dict[int, ExceptionHandler]] | None = None,
    *,
    limit: int | None = None,
) -> ASGIApp:
    """Wrap ``app`` (route middleware around a compiled route) so each of
    ``observers`` sees every exchange, watching ``send`` (build time).

    A compiled route with nothing in between calls its observers itself
    (:func:`start_observing`, :func:`finish_observing`) and needs no wrapper.

    ``app`` answers its own handled errors (a compiled route does). ``handlers`` are
    given when something inside ``app`` may still raise one (route middleware while
    Starlette's ``ExceptionMiddleware`` is outside): they then answer it here, so the
    observers see the response, as they do the rest of the time.

    ``limit`` is the route's ``max_body_size``, for the request's context that the
    observers share (under :data:`SHARED_CONTEXT` in the scope).
    """
    watchers = tuple(observers)
    if handlers is not None:
        app = _answering(app, handlers)
    # Nested as ``with`` blocks would be: the first observer outermost, so ``started``
    # runs in order and ``finished`` in reverse, unwinding context variables in order.
    for watcher in reversed(watchers):
        app = _observe_one(app, watcher, limit)
    return app


def start_observing(
    observers: Sequence[RouteObserver], request: Request, ctx: RequestContext
) -> list[Any]:
    """Per request, before a compiled route calling its observers itself runs: their
    ``started``, in order; their headers go to ``ctx.response_headers``."""
    states = []
    for observer in observers:
        state = observer.started(request) if observer.started is not None else None
        if observer.response_headers is not None:
            ctx.response_headers.extend(observer.response_headers(state))
        states.append(state)
    return states


def finish_observing(
    observers: Sequence[RouteObserver],
    request: Request,
    states: list[Any],
    ctx: RequestContext,
    failure: BaseException | None,
) -> None:
    """Per request, once that route is done: ``finished``, in reverse order, with the
    response start the route noted in ``ctx``."""
    for observer, state in zip(reversed(observers), reversed(states), strict=True):
        observer.finished(exchange_of(request, state, ctx, failure))


def exchange_of(
    request: Request, state: Any, ctx: RequestContext, failure: BaseException | None
) -> Exchange:
    """The exchange as the route noted it in ``ctx``."""
    return _exchange(request, state, ctx._sent, failure)


def _exchange(
    request: Request, state: Any, start: Message | None, failure: BaseException | None
) -> Exchange:
    """The exchange whose response started with ``start`` (None: nothing was sent)."""
    if start is not None:
        return Exchange(request, state, start["status"], start.get("headers", ()), failure)
    return Exchange(request, state, None if failure is None else 500, (), failure)


def _observe_one(app: ASGIApp, observer: RouteObserver, limit: int | None) -> ASGIApp:
    """``app`` wrapped so that ``observer`` sees every exchange, watching ``send``."""
    started, finished, add = observer.started, observer.finished, observer.response_headers

    async def observed(scope: Scope, receive: Receive, send: Send) -> None:
        ctx: RequestContext | None = scope.get(SHARED_CONTEXT)
        outermost = ctx is None
        if ctx is None:
            ctx = scope[SHARED_CONTEXT] = RequestContext.for_scope(scope, receive, send, limit)
        request = ctx.request
        state = started(request) if started is not None else None
        extra = list(add(state)) if add is not None else None
        start: Message | None = None

        async def watch(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if extra:
                    message = {**message, "headers": [*message.get("headers", ()), *extra]}
                start = message
            await send(message)

        failure: BaseException | None = None
        try:
            await app(scope, receive, watch)
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if outermost:
                del scope[SHARED_CONTEXT]
            finished(_exchange(request, state, start, failure))

    return observed


def _answering(
    app: ASGIApp, handlers: tuple[dict[Any, ExceptionHandler], dict[int, ExceptionHandler]]
) -> ASGIApp:
    """``app`` with the app's exception handlers answering what it raises."""

    async def answering(scope: Scope, receive: Receive, send: Send) -> None:
        if _HANDLERS_KEY not in scope:
            scope[_HANDLERS_KEY] = handlers
        await wrap_app_handling_exceptions(app, Request(scope, receive, send))(scope, receive, send)

    return answering
