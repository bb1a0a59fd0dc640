"""Compiled exception handling: which handler answers which error, decided once.

Starlette answers errors with two middleware around every request:
``ExceptionMiddleware`` (handlers by exception class and by status code) and, outermost,
``ServerErrorMiddleware`` (the 500 handler, or the traceback page with ``debug=True``).
pegboard keeps those semantics but sorts the app's ``exception_handlers`` once, when
the app is built (:meth:`ErrorHandling.from_handlers`), and each compiled route calls
:meth:`ErrorHandling.handled_response` only when something raised, so a request that
succeeds pays nothing for error handling.

The rules, as in Starlette:

* an :class:`~starlette.exceptions.HTTPException` is answered by the handler for its
  status code if there is one, else by class;
* any other exception by the handler of the nearest class in its MRO;
* an exception nobody handles, or one whose handler is keyed ``500`` or ``Exception``,
  is a server error: the 500 handler's response (or the debug traceback) is sent if
  no response has started, and the exception is raised again so servers log it.

A route with route middleware (and an app without middleware of its own) is wrapped
by :meth:`ErrorHandling.serving`, which must see every message sent to know whether
the response has started. Route middleware that knows that already (it sends the
response itself, or sees every message its inner app sends) can spare each request
that wrapper: see :class:`AnswersErrors`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException, WebSocketException
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, ExceptionHandler, Message, Receive, Scope, Send

from pegboard.requests import Request
from pegboard.resolvers import RequestContext, is_async_callable

__all__ = ["AnswerError", "AnswersErrors", "ErrorHandling"]

#: ``await answer(exc, scope, receive, send, started)``: what ``serving`` does with an
#: exception that escaped a route's middleware; ``started`` says whether the response
#: had begun (then nothing more is sent).
AnswerError = Callable[[Exception, Scope, Receive, Send, bool], Awaitable[None]]


@runtime_checkable
class AnswersErrors(Protocol):
    """Route middleware that answers the errors raised through it, without a send wrapper.

    When such middleware is the outermost of a route's, :meth:`ErrorHandling.serving`
    calls :meth:`answering_errors` once, at build time, and serves the route with
    what it returns instead of wrapping it. That app must catch every ``Exception``
    raised while it serves a request (its own and the inner app's) and await
    ``answer(exc, scope, receive, send, started)`` with the ``send`` it was given and
    whether a ``http.response.start`` message had been sent through it.
    """

    def answering_errors(self, answer: AnswerError) -> ASGIApp:
        """Build time: the app to serve the route with, answering errors with ``answer``."""
        ...  # pragma: no cover


async def _no_app(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover
    raise RuntimeError("ServerErrorMiddleware is used here only for its responses.")


class ErrorHandling:
    """An app's exception handlers, sorted by kind; built once per app."""

    __slots__ = ("_by_class", "_by_status", "_resolved", "_server", "debug", "server_handler")

    def __init__(
        self,
        by_class: Mapping[type[BaseException], ExceptionHandler],
        by_status: Mapping[int, ExceptionHandler],
        server_handler: ExceptionHandler | None,
        debug: bool,
    ) -> None:
        self._by_class = dict(by_class)
        self._by_status = dict(by_status)
        self.server_handler = server_handler
        self.debug = debug
        # Starlette's own rendering of the 500 page and of the debug traceback.
        self._server = ServerErrorMiddleware(_no_app, handler=server_handler, debug=debug)
        #: Exception class -> its handler (None: a server error), filled as errors occur.
        self._resolved: dict[type[BaseException], ExceptionHandler | None] = {}

    # -- build time ----------------------------------------------------------------

    @classmethod
    def from_handlers(cls, handlers: Mapping[Any, ExceptionHandler], debug: bool) -> ErrorHandling:
        """Sort ``app.exception_handlers`` as Starlette's middleware would."""
        by_class: dict[type[BaseException], ExceptionHandler] = {
            WebSocketException: _close_websocket
        }
        by_status: dict[int, ExceptionHandler] = {}
        server_handler: ExceptionHandler | None = None
        for key, handler in handlers.items():
            if key in (500, Exception):
                server_handler = handler
            elif isinstance(key, int):
                by_status[key] = handler
            else:
                by_class[key] = handler
        return cls(by_class, by_status, server_handler, debug)

    # -- per request, only once something raised -------------------------------------

    def handler_for(self, exc: BaseException) -> ExceptionHandler | None:
        """The handler for ``exc`` (None: nobody handles it, a server error)."""
        if isinstance(exc, HTTPException):
            handler = self._by_status.get(exc.status_code)
            if handler is not None:
                return handler
        kind = type(exc)
        try:
            return self._resolved[kind]
        except KeyError:
            found = next((self._by_class[c] for c in kind.__mro__ if c in self._by_class), None)
            self._resolved[kind] = found
            return found

    async def handled_response(
        self, exc: Exception, conn: HTTPConnection, *, started: bool
    ) -> Response | None:
        """The response of the handler for ``exc``; re-raises ``exc`` if it has none.

        ``started`` says whether the response has begun, in which case a handled
        error cannot be answered any more (as in Starlette, a RuntimeError).
        """
        handler = self.handler_for(exc)
        if handler is None:
            raise exc
        if started:
            raise RuntimeError("Caught handled exception, but response already started.") from exc
        call: Any = handler
        if is_async_callable(call):
            response: Response | None = await call(conn, exc)
        else:
            response = await run_in_threadpool(call, conn, exc)
        # Reused exception instances accumulate tracebacks across requests.
        exc.__traceback__ = None
        return response

    async def answer(
        self, exc: Exception, ctx: RequestContext, *, serve_errors: bool, started: bool = False
    ) -> None:
        """Send the response for ``exc``, which a route raised.

        A handled error is answered by its handler (unless a response has started).
        Any other is raised again, after the 500 response has been sent if
        ``serve_errors`` (no middleware of the app would do it) and none has started.
        """
        scope, receive, send = ctx.scope, ctx.receive, ctx.send
        try:
            response = await self.handled_response(exc, ctx.connection, started=started)
        except Exception as error:
            if serve_errors and not started:
                response = await self.server_error_response(error, ctx.connection)
                await response(scope, receive, send)
            raise
        if response is not None:
            await response(scope, receive, send)

    def serving(self, app: ASGIApp) -> ASGIApp:
        """Build time: wrap ``app`` (a route with route middleware) to answer its errors.

        What Starlette's two middleware do for an app with middleware of its own, for
        one route: errors escaping the route middleware go to their handler, else get
        the 500 response unless a response has started, and are raised again.
        Middleware that is :class:`AnswersErrors` does that itself, with
        :meth:`answer_raised`.
        """
        middleware: object = app  # an ASGI callable, and maybe more
        if isinstance(middleware, AnswersErrors):
            return middleware.answering_errors(self.answer_raised)

        async def serve(scope: Scope, receive: Receive, send: Send) -> None:
            started = False

            async def tracking_send(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            try:
                await app(scope, receive, tracking_send)
            except Exception as exc:
                await self.answer_raised(exc, scope, receive, send, started)

        return serve

    async def answer_raised(
        self, exc: Exception, scope: Scope, receive: Receive, send: Send, started: bool
    ) -> None:
        """Per request, once something raised: what ``serving`` does with ``exc``."""
        ctx = RequestContext.for_scope(scope, receive, send)
        await self.answer(exc, ctx, serve_errors=True, started=started)

    async def server_error_response(self, exc: Exception, conn: HTTPConnection) -> Response:
        """The 500 response for an unhandled ``exc``: the debug page or the 500 handler."""
        request = conn if isinstance(conn, Request) else Request(conn.scope)
        server = self._server
        if self.debug:
            return await run_in_threadpool(server.debug_response, request, exc)
        handler = self.server_handler
        if handler is None:
            return server.error_response(request, exc)
        call: Any = handler
        if is_async_callable(call):
            response: Response = await call(request, exc)
        else:
            response = await run_in_threadpool(call, request, exc)
        return response


async def _close_websocket(websocket: Any, exc: Exception) -> None:
    assert isinstance(exc, WebSocketException)
    await websocket.close(code=exc.code, reason=exc.reason)
