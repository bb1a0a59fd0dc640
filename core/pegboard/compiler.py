"""Route compilation: hooks in, one plain ASGI callable per route out.

**At build time**, :func:`compile_route` asks the plugins (through hooks) for a
resolver per handler parameter, the route's guards, its encoder and its middleware,
then composes a single async function for the route: the resolvers bound into one
``bind(ctx)``, the header list of raw responses fixed, the error answers chosen.

**Per request** that function only (no hook calls, no signature inspection, no
plugin lookups): make the :class:`~pegboard.resolvers.RequestContext` (which reads
the parts of the request the resolvers ask for, the body within ``max_body_size``,
and makes a ``Request`` only if something asks), ``bind`` the arguments, call the
handler, and send the encoder's bytes as two raw ASGI messages, or the ``Response``
the handler returned; an exception is answered by the app's exception handlers.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard.body_limit import LimitedReceive
from pegboard.descriptions import Description
from pegboard.exceptions import (
    RequestValidationError,
    RouteDefinitionError,
    WebSocketException,
)
from pegboard.nosniff import NOSNIFF, add_to, has_header, sending
from pegboard.observers import (
    RouteObserver,
    exception_handlers,
    exchange_of,
    finish_observing,
    observe,
    start_observing,
)
from pegboard.params import ParamInfo, describe_callable
from pegboard.requests import Request
from pegboard.resolvers import Encoder, RequestContext, Resolver, bind_arguments, is_async_callable
from pegboard.route_wrappers import RouteHandler

if TYPE_CHECKING:
    from pegboard.applications import App
    from pegboard.routing import RouteInfo

__all__ = ["CompiledRoute", "compile_route"]

logger = logging.getLogger("pegboard")


@attrs.frozen(eq=False)
class CompiledRoute:
    """A route after compilation: what each parameter resolves from, and the callable.

    Made by the core for every route when the app is built (and again by
    :meth:`App.recompile <pegboard.App.recompile>`), then kept on the Starlette route
    as ``route.compiled``. Plugins receive it in ``pegboard_route_compiled``.

    :ivar info: The route as defined, options merged.
    :ivar arguments: The resolver of each handler parameter, by parameter name.
    :ivar guards: The resolvers of ``pegboard_route_guards``, run before the handler.
    :ivar encoder: What turns the handler's return value into a response (None for
        WebSocket routes).
    :ivar app: The ASGI callable that serves the route: all a request runs.
    :ivar extra_descriptions: Descriptions plugins gave for the route as a whole
        (``pegboard_route_compiled``).
    :ivar observers: The ``pegboard_route_observer`` results wrapped around ``app``;
        empty for routes nobody observes.
    :ivar depends_on: The union of the resolvers' ``depends_on`` keys: what makes
        ``App.recompile`` compile this route again.
    """

    info: RouteInfo
    arguments: Mapping[str, Resolver]
    guards: tuple[Resolver, ...]
    encoder: Encoder | None
    app: ASGIApp
    extra_descriptions: tuple[Description, ...] = ()
    observers: tuple[RouteObserver, ...] = ()
    depends_on: frozenset[Hashable] = frozenset()

    @property
    def descriptions(self) -> tuple[Description, ...]:
        """Everything the route's resolvers, encoder and plugins say about it."""
        parts = [*self.guards, *self.arguments.values()]
        found = [d for part in parts for d in part.describes]
        if self.encoder is not None:
            found.extend(self.encoder.describes)
        found.extend(self.extra_descriptions)
        return tuple(found)


def compile_route(app: App, info: RouteInfo) -> CompiledRoute:
    """Ask the plugins how to serve ``info`` and compose its ASGI callable."""
    hook = app.plugin_manager.hook
    arguments = {}
    for param in ParamInfo.from_callable(info.endpoint):
        _check_kind(info, param)
        arguments[param.name] = app.resolve_parameter(info, param)
    guards = tuple(
        r for group in hook.pegboard_route_guards(app=app, route=info) for r in group or ()
    )
    started = (
        hook.pegboard_request_started if hook.pegboard_request_started.get_hookimpls() else None
    )
    finished = (
        hook.pegboard_request_finished if hook.pegboard_request_finished.get_hookimpls() else None
    )
    notify = _Notify(app, info, started, finished) if started or finished else None

    encoder: Encoder | None = None
    if info.kind == "http":
        encoder = hook.pegboard_encode_response(app=app, route=info)
        if encoder is None:  # pragma: no cover - the core's default always answers
            raise RouteDefinitionError(f"No plugin can encode the responses of {info.label}.")
    # The route's own middleware (from Router(middleware=...) or middleware=) is the
    # outermost; then what plugins add, the first plugin's outside the others.
    plugin_middleware = [
        m for group in hook.pegboard_route_middleware(app=app, route=info) for m in group or ()
    ]
    middleware = [*info.options.get("middleware", ()), *plugin_middleware]
    observers: tuple[RouteObserver, ...] = ()
    if info.kind == "http" and hook.pegboard_route_observer.get_hookimpls():
        observers = tuple(
            o for o in hook.pegboard_route_observer(app=app, route=info) if o is not None
        )
        for observer in observers:
            if not isinstance(observer, RouteObserver):
                raise RouteDefinitionError(
                    f"A plugin returned {observer!r} for {info.label}; "
                    "pegboard_route_observer must return a RouteObserver or None."
                )
    # Without app middleware nothing answers server errors around the route: the route
    # does, itself if no middleware wraps it, else around its middleware; observers
    # are outside either way.
    serve_errors = app.serves_errors and info.kind == "http"
    wrapped = bool(middleware)
    route_wrappers = info.options.get("route_wrappers", ())
    # Observers are called by the route itself (one context and Request for both, no
    # wrapper) unless route middleware, which may change receive or the scope, or a
    # route wrapper sits between them: then they wrap all of it.
    inline = observers if not middleware and not route_wrappers else ()
    if encoder is not None and route_wrappers:
        endpoint = _wrapped_endpoint(
            app, info, arguments, guards, encoder, notify, serve_errors and not wrapped
        )
    elif encoder is not None:
        endpoint = _http_endpoint(
            app, info, arguments, guards, encoder, notify, serve_errors and not wrapped, inline
        )
    else:
        endpoint = _websocket_endpoint(info, arguments, guards, notify)
    for cls, args, kwargs in reversed(middleware):
        endpoint = cls(endpoint, *args, **kwargs)
    if serve_errors and wrapped:
        endpoint = app.error_handling.serving(endpoint)
    # Observers sit outside everything, so they see the response the client gets
    # (and can add headers to it, also to the 500 of an unhandled error).
    if observers and not inline:
        # The route answers its handled errors itself; route middleware may raise some
        # too, which only ``serving`` answers, and only when the app has no middleware.
        handlers = (
            exception_handlers(app.exception_handlers) if wrapped and not serve_errors else None
        )
        limit = info.options.get("max_body_size")
        endpoint = observe(endpoint, observers, handlers, limit=limit)
    depends_on = frozenset(k for r in (*guards, *arguments.values()) for k in r.depends_on)
    compiled = CompiledRoute(
        info, arguments, guards, encoder, endpoint, observers=observers, depends_on=depends_on
    )
    results = hook.pegboard_route_compiled(app=app, route=info, compiled=compiled)
    extra = tuple(d for group in results for d in group or ())
    return attrs.evolve(compiled, extra_descriptions=extra) if extra else compiled


def _check_kind(info: RouteInfo, param: ParamInfo) -> None:
    where = f"parameter {param.name!r} of {describe_callable(info.endpoint)} ({info.label})"
    if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
        raise RouteDefinitionError(
            f"The {where} is *args or **kwargs, which pegboard cannot fill. "
            "Declare each parameter by name."
        )
    if param.kind is inspect.Parameter.POSITIONAL_ONLY:
        raise RouteDefinitionError(
            f"The {where} is positional-only; handlers are called with keyword arguments. "
            "Remove the '/' from the signature."
        )


def _caller(info: RouteInfo) -> Callable[..., Awaitable[Any]]:
    """How to call the handler: awaited, in the thread pool, or as a stream."""
    endpoint = info.endpoint
    if info.is_stream_handler:
        if info.kind == "websocket":
            raise RouteDefinitionError(
                f"The WebSocket handler of {info.label} cannot be a generator."
            )

        async def stream(**kwargs: Any) -> Any:
            return endpoint(**kwargs)

        return stream
    if is_async_callable(endpoint):
        return endpoint
    if info.kind == "websocket":
        raise RouteDefinitionError(
            f"The WebSocket handler of {info.label} must be 'async def': "
            f"{describe_callable(endpoint)} is synchronous."
        )
    return functools.partial(run_in_threadpool, endpoint)


class _Notify:
    """The per-request hooks, present only when some plugin implements them."""

    __slots__ = ("app", "finished", "info", "started")

    def __init__(self, app: App, info: RouteInfo, started: Any, finished: Any) -> None:
        self.app, self.info, self.started, self.finished = app, info, started, finished

    def start(self, connection: Any) -> None:
        if self.started is not None:
            self.started(app=self.app, route=self.info, connection=connection)

    def finish(self, connection: Any, response: Any, exception: BaseException | None) -> None:
        if self.finished is not None:
            self.finished(
                app=self.app,
                route=self.info,
                connection=connection,
                response=response,
                exception=exception,
            )


def _http_endpoint(
    app: App,
    info: RouteInfo,
    arguments: Mapping[str, Resolver],
    guards: tuple[Resolver, ...],
    encoder: Encoder,
    notify: _Notify | None,
    serve_errors: bool,
    observers: tuple[RouteObserver, ...] = (),
) -> ASGIApp:
    """Build time: pick the shape of the route's per-request function.

    ``serve_errors`` says whether the route itself answers server errors (500 or the
    debug page), which it does when the app has no middleware of its own: then no
    ``ServerErrorMiddleware`` is around it. Handled errors (by class or status) are
    always answered here, so route middleware sees the final response.
    ``observers`` are called by the route itself (see :mod:`pegboard.observers`),
    around everything else it does, with the status and headers it sends.
    """
    call = _caller(info)
    encode = encoder.func
    limit = info.options.get("max_body_size")
    errors = app.error_handling
    # Raw ASGI output: the encoder's bytes with a header list fixed now. Not when a
    # plugin watches requests: its hook is handed the Response object.
    render = encoder.render if notify is None else None
    status, headers = encoder.status_code, list(encoder.headers)
    nosniff = app.nosniff
    if nosniff and not has_header(headers):
        headers.append(NOSNIFF)

    async def fail(exc: Exception, ctx: RequestContext) -> None:
        send = ctx.send
        if ctx._extra_headers or observed:
            ctx.send = _adding(ctx.send, ctx._extra_headers, ctx)
        if nosniff:
            ctx.send = sending(ctx.send)
        try:
            await errors.answer(exc, ctx, serve_errors=serve_errors)
        finally:
            ctx.send = send  # `_adding` refers to ctx: no cycle left for the collector

    observed = bool(observers)
    if not arguments and not guards and notify is None and not observed:
        # Nothing to resolve: no request context unless something raises.
        async def plain_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                result = await call()
                if render is not None and not isinstance(result, Response):
                    body = render(result)
                    response = None
                else:
                    response = result if isinstance(result, Response) else encode(result)
            except asyncio.CancelledError as exc:
                if _being_cancelled():
                    raise
                ctx = RequestContext.for_scope(scope, receive, send)
                await fail(_cancelled_by_handler(info, exc), ctx)
                return
            except Exception as exc:
                await fail(exc, RequestContext.for_scope(scope, receive, send))
                return
            if response is None:
                # The encoder's bytes as two raw messages (as in `endpoint` below).
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [(b"content-length", str(len(body)).encode()), *headers],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            if nosniff:
                add_to(response)
            if response.background is not None or isinstance(response, StreamingResponse):
                await _send_guarded(info, response, scope, receive, send)
            else:
                await response(scope, receive, send)

        return plain_endpoint

    bind, bind_is_async = bind_arguments(arguments, guards)
    nothing_to_bind = not arguments and not guards

    async def endpoint(
        scope: Scope, receive: Receive, send: Send, ctx: RequestContext | None = None
    ) -> None:
        if ctx is None:
            ctx = RequestContext.for_scope(scope, receive, send, limit)
        if notify is not None:
            notify.start(ctx.connection)
        response: Response | None = None
        try:
            if nothing_to_bind:
                result = await call()
            else:
                kwargs = await bind(ctx) if bind_is_async else bind(ctx)
                result = await call(**kwargs)
            if isinstance(result, Response):
                response = result
            elif render is not None and ctx._response is None and ctx._background is None:
                body = render(result)
            else:
                response = encode(result)
            # Function-scoped teardown: after the handler, before anything is sent.
            if ctx._function_stack is not None:
                await ctx.close_function_scope()
            if response is not None and (ctx._response is not None or ctx._background is not None):
                ctx.finish_response(response)
        except BaseException as exc:
            # Teardowns see the failure so they can roll back. Even if one swallows
            # it, it is re-raised: teardown cannot turn a failure into success.
            exc = await _unwound(ctx, exc)
            if notify is not None:
                notify.finish(ctx.connection, None, exc)
            if isinstance(exc, ClientDisconnect):
                # The client left while its body was read: nobody to answer, and not a
                # server error to log (a traceback per dropped upload floods the logs).
                return
            if isinstance(exc, asyncio.CancelledError):
                if _being_cancelled():
                    raise
                exc = _cancelled_by_handler(info, exc)
            if not isinstance(exc, Exception):
                raise
            await fail(exc, ctx)
            return
        try:
            if response is None:
                # The encoder's bytes as two raw messages, with the header list built
                # at compile time: the way out of most requests.
                out = [(b"content-length", str(len(body)).encode()), *headers]
                if ctx._extra_headers:
                    out += ctx._extra_headers
                start = {"type": "http.response.start", "status": status, "headers": out}
                if observed:
                    ctx._sent = start  # for the observers
                await send(start)
                await send({"type": "http.response.body", "body": body})
            else:
                if nosniff:
                    add_to(response)
                if ctx._extra_headers or observed:
                    send = _adding(send, ctx._extra_headers, ctx)
                if response.background is not None or isinstance(response, StreamingResponse):
                    await _send_guarded(info, response, scope, ctx.receive, send)
                else:
                    await response(scope, ctx.receive, send)
        except BaseException as exc:
            # The response has started: nothing can be answered, only cleaned up.
            await ctx.unwind(exc)
            if notify is not None:
                notify.finish(ctx.connection, None, exc)
            if isinstance(exc, ClientDisconnect):
                return  # the client left mid-stream: nobody to answer, nothing to log
            raise
        if ctx._exit_stack is not None:
            await ctx.close()
        if notify is not None:
            notify.finish(ctx.connection, response, None)

    if not observed:
        return endpoint

    if len(observers) == 1:
        # The usual case (one metrics plugin, say), in straight-line code.
        (observer,) = observers
        started = observer.started or _no_state
        finished, add = observer.finished, observer.response_headers

        async def observed_once(scope: Scope, receive: Receive, send: Send) -> None:
            ctx = RequestContext.for_scope(scope, receive, send, limit)
            request: Any = ctx.connection
            state = started(request)
            if add is not None:
                ctx._extra_headers = list(add(state))
            try:
                await endpoint(scope, receive, send, ctx)
            except BaseException as exc:
                finished(exchange_of(request, state, ctx, exc))
                raise
            finished(exchange_of(request, state, ctx, None))

        return observed_once

    async def observed_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        # The observers' share, around the route: one context and Request for both.
        ctx = RequestContext.for_scope(scope, receive, send, limit)
        request = ctx.request
        states = start_observing(observers, request, ctx)
        try:
            await endpoint(scope, receive, send, ctx)
        except BaseException as exc:
            finish_observing(observers, request, states, ctx, exc)
            raise
        finish_observing(observers, request, states, ctx, None)

    return observed_endpoint


def _no_state(request: Request) -> None:
    return None


def _adding(
    send: Send, extra: list[tuple[bytes, bytes]] | None, noted: RequestContext | None = None
) -> Send:
    """``send``, adding ``extra`` (a context's ``response_headers``) to the response
    start, and noting that start in ``noted`` for the route's observers.

    For the responses that are objects or error answers (the encoder's raw bytes get
    the headers inline); per request, only when there are headers or observers.
    """

    async def adding(message: Message) -> None:
        if message["type"] == "http.response.start":
            if extra:
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            if noted is not None:
                noted._sent = message
        await send(message)

    return adding


def _extra_headers_of(contexts: list[RequestContext]) -> list[tuple[bytes, bytes]] | None:
    found = [pair for ctx in contexts if ctx._extra_headers for pair in ctx._extra_headers]
    return found or None


# The RequestContexts a wrapped route made in this request: the route's handler is
# called by its wrappers, which give it the request only.
_CONTEXTS: ContextVar[list[RequestContext]] = ContextVar("pegboard_route_contexts")


def _wrapped_endpoint(
    app: App,
    info: RouteInfo,
    arguments: Mapping[str, Resolver],
    guards: tuple[Resolver, ...],
    encoder: Encoder,
    notify: _Notify | None,
    serve_errors: bool,
) -> ASGIApp:
    """A route with ``route_wrappers``: its handling is an ``async (request) -> Response``.

    Slower than :func:`_http_endpoint` (a Request object and a response object per
    request), which is why only routes with wrappers are served this way.
    """
    call = _caller(info)
    encode = encoder.func
    limit = info.options.get("max_body_size")
    errors = app.error_handling
    nosniff = app.nosniff
    bind, bind_is_async = bind_arguments(arguments, guards)

    async def handle(request: Request) -> Response:
        # The request a wrapper passes is the one every parameter reads.
        ctx = RequestContext(request)
        _CONTEXTS.get().append(ctx)
        try:
            kwargs = await bind(ctx) if bind_is_async else bind(ctx)
            result = await call(**kwargs)
            response = result if isinstance(result, Response) else encode(result)
            if ctx._function_stack is not None:
                await ctx.close_function_scope()
            if ctx._response is not None or ctx._background is not None:
                ctx.finish_response(response)
        except BaseException as exc:
            await ctx.unwind(exc)  # teardowns see the failure, whatever wrappers do
            raise
        return response

    serve: RouteHandler = handle
    for wrap in reversed(info.options["route_wrappers"]):
        serve = wrap(serve, info)
        if not callable(serve):
            raise RouteDefinitionError(
                f"The route wrapper {wrap!r} of {info.label} returned {serve!r}; a wrapper "
                "returns an async function of the request that returns a response."
            )

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        if limit is not None:
            receive = LimitedReceive(scope, receive, limit)
        request = Request(scope, receive, send)
        contexts: list[RequestContext] = []
        token = _CONTEXTS.set(contexts)
        if notify is not None:
            notify.start(request)
        try:
            try:
                response = await serve(request)
            finally:
                _CONTEXTS.reset(token)
            if not isinstance(response, Response):
                raise TypeError(
                    f"A route wrapper of {info.label} returned {response!r}, not a Response."
                )
        except BaseException as exc:
            for ctx in contexts:
                await ctx.unwind(exc)
            if notify is not None:
                notify.finish(request, None, exc)
            if isinstance(exc, ClientDisconnect):
                return
            if isinstance(exc, asyncio.CancelledError):
                if _being_cancelled():
                    raise
                exc = _cancelled_by_handler(info, exc)
            if not isinstance(exc, Exception):
                raise
            failed = RequestContext(request)
            extra = _extra_headers_of(contexts)
            if extra:
                failed.send = _adding(failed.send, extra)
            if nosniff:
                failed.send = sending(failed.send)
            await errors.answer(exc, failed, serve_errors=serve_errors)
            return
        try:
            if nosniff:
                add_to(response)
            extra = _extra_headers_of(contexts)
            if extra:
                send = _adding(send, extra)
            if response.background is not None or isinstance(response, StreamingResponse):
                await _send_guarded(info, response, scope, receive, send)
            else:
                await response(scope, receive, send)
        except BaseException as exc:
            for ctx in contexts:
                await ctx.unwind(exc)
            if notify is not None:
                notify.finish(request, None, exc)
            if isinstance(exc, ClientDisconnect):
                return
            raise
        for ctx in contexts:
            await ctx.close()
        if notify is not None:
            notify.finish(request, response, None)

    return endpoint


async def _unwound(ctx: RequestContext, exc: BaseException) -> BaseException:
    """Unwind ``ctx`` with ``exc``; the failure to answer, which a teardown may replace.

    A teardown that answers the failure with an error of its own (an HTTPException
    raised in a ``yield`` dependency's ``except`` block) turns the request into that
    error, as in FastAPI.
    """
    try:
        await ctx.unwind(exc)
    except Exception as raised:
        if not isinstance(exc, Exception) or isinstance(exc, ClientDisconnect):
            raise
        return raised
    return exc


async def _send_guarded(
    info: RouteInfo, response: Response, scope: Scope, receive: Receive, send: Send
) -> None:
    """Send a response that streams or has a background task (per request).

    The background task runs once the whole body is sent. Its failure is logged, not
    raised: the client already has a response reporting the work done, and the
    request's teardowns (a session's commit) must not see it as the request failing.
    A stream the client cut short raises :class:`ClientDisconnect`, as Starlette does
    under ASGI 2.4 servers (under 2.3 ones, uvicorn's, it returns as if complete), so
    teardowns see a failure; the background task then does not run.
    """
    background = response.background
    if isinstance(response, StreamingResponse):
        response.background = None  # a stream is sent once: nobody else sees this
        tracked = _TrackedSend(send)
        await response(scope, receive, tracked)
        if not tracked.complete:
            raise ClientDisconnect()
        if background is not None:
            await _LoggedTask(background, info.label)()
        return
    if background is not None and not isinstance(background, _LoggedTask):
        response.background = _LoggedTask(background, info.label)  # type: ignore[assignment]
    await response(scope, receive, send)


class _TrackedSend:
    """``send``, noting whether the final body message went out."""

    __slots__ = ("complete", "send")

    def __init__(self, send: Send) -> None:
        self.send, self.complete = send, False

    async def __call__(self, message: Message) -> None:
        await self.send(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            self.complete = True


class _LoggedTask:
    """A response's background task whose exception is logged instead of raised."""

    __slots__ = ("label", "task")

    def __init__(self, task: Callable[[], Awaitable[None]], label: str) -> None:
        self.task, self.label = task, label

    async def __call__(self) -> None:
        try:
            await self.task()
        except Exception:
            logger.exception(
                "A background task of %s failed after the response was sent", self.label
            )


def _being_cancelled() -> bool:
    """Whether this task is being cancelled (per request, on failure only).

    A timeout around the app or a server shutting down cancels the task: that goes
    on. A CancelledError while nobody cancels the task was raised by the handler, or
    awaited from work someone else cancelled (Python 3.10 cannot tell: it goes on).
    """
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)  # Python 3.11+
    return task is None or cancelling is None or cancelling() > 0


def _cancelled_by_handler(info: RouteInfo, cancel: asyncio.CancelledError) -> RuntimeError:
    # An ordinary exception, which the app's error handler answers with its JSON 500; a
    # CancelledError passes every `except Exception` up to the server's plain-text 500.
    error = RuntimeError(f"{info.label} raised CancelledError, but the request was not cancelled")
    error.__cause__ = cancel
    return error


def _websocket_endpoint(
    info: RouteInfo,
    arguments: Mapping[str, Resolver],
    guards: tuple[Resolver, ...],
    notify: _Notify | None,
) -> ASGIApp:
    call = _caller(info)
    bind, bind_is_async = bind_arguments(arguments, guards)

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        ctx = RequestContext.for_scope(scope, receive, send)
        websocket = ctx.connection
        if notify is not None:
            notify.start(websocket)
        try:
            try:
                kwargs = await bind(ctx) if bind_is_async else bind(ctx)
            except RequestValidationError as exc:
                # 1008 is "policy violation": the close frame carries a short reason.
                raise WebSocketException(code=1008, reason=_close_reason(exc)) from exc
            await call(**kwargs)
            if ctx._function_stack is not None:
                await ctx.close_function_scope()
        except BaseException as exc:
            await ctx.unwind(exc)
            if notify is not None:
                notify.finish(websocket, None, exc)
            raise
        if ctx._exit_stack is not None:
            await ctx.close()
        if notify is not None:
            notify.finish(websocket, None, None)

    return endpoint


def _close_reason(exc: RequestValidationError) -> str:
    errors = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors()]
    text = json.dumps(errors, default=str)
    # A close reason must fit in 123 bytes of UTF-8.
    encoded = text.encode()
    return text if len(encoded) <= 123 else encoded[:120].decode(errors="ignore") + "..."
