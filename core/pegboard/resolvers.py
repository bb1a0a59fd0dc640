"""The pieces a route is compiled from: resolvers, encoders and the request context.

A :class:`Resolver` produces one argument for a handler (or dependency) from the
:class:`RequestContext` of the current request. An :class:`Encoder` turns what a
handler returned into a response. Plugins build both while the app is compiled; the
core then runs them per request through :func:`bind_arguments`, with no hook calls.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from typing import Any

import attrs
from starlette.background import BackgroundTasks
from starlette.datastructures import Headers, QueryParams
from starlette.requests import ClientDisconnect, HTTPConnection, cookie_parser
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from pegboard.body_limit import LimitedReceive, too_large
from pegboard.descriptions import Description
from pegboard.exceptions import RequestValidationError
from pegboard.parsing import parse_query, query_params_of
from pegboard.requests import Request
from pegboard.stash import Stash

__all__ = [
    "Encoder",
    "RequestContext",
    "Resolver",
    "bind_arguments",
    "is_async_callable",
]


def is_async_callable(func: Any) -> bool:
    """True for coroutine functions, including callable objects and partials of them."""
    while hasattr(func, "func") and not inspect.isroutine(func):  # functools.partial
        func = func.func
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004 - objects with an async __call__
    )


class RequestContext:
    """What the resolvers of one request share.

    Everything is read or created on first use, so a request pays only for what its
    route's resolvers ask for:

    - ``scope``, ``receive``, ``send``: the ASGI connection;
    - ``path_params``, ``query`` and ``query_params``, ``headers``, ``cookies`` and
      ``await body()``: one part of the request each, read without making a
      connection object;
    - ``connection`` (also ``request``): the :class:`~starlette.requests.Request` or
      :class:`~starlette.websockets.WebSocket`, made the first time anything asks
      and then the same object for the handler, every dependency and every plugin;
    - ``response``: a stub whose status, headers and cookies are merged into the final
      response;
    - ``response_headers``: raw header pairs added to whatever response the request
      gets, also an error's (cheaper than ``response``: the route keeps its fast path);
    - ``background``: tasks run after the response is sent;
    - ``exit_stack``: closed after the response is sent (the request scope);
    - ``function_exit_stack``: closed as soon as the handler has returned and its value
      is encoded, *before* the response is sent (the function scope), so an exception
      raised while it closes becomes the error response;
    - ``stash``: per-request plugin data, see :class:`~pegboard.stash.Stash`.

    When the handler (or a resolver) fails, the exception is thrown into the function
    stack, then into the request stack, so context managers on them can roll back.

    ``RequestContext(connection)`` wraps an existing connection (for tools that
    resolve dependencies outside a request); the core uses :meth:`for_scope`.
    """

    __slots__ = (
        "_background",
        "_body",
        "_connection",
        "_cookies",
        "_exit_stack",
        "_extra_headers",
        "_function_stack",
        "_headers",
        "_limit",
        "_limited",
        "_pairs",
        "_query",
        "_query_last",
        "_receive",
        "_response",
        "_sent",
        "_stash",
        "scope",
        "send",
    )

    def __init__(self, connection: HTTPConnection) -> None:
        self._connection: HTTPConnection | None = connection
        self.scope: Scope = connection.scope
        self._receive: Receive = getattr(connection, "_receive", _no_receive)
        self.send: Send = getattr(connection, "_send", _no_send)
        self._limit: int | None = None
        self._limited: Receive | None = None
        self._clear()

    @classmethod
    def for_scope(
        cls, scope: Scope, receive: Receive, send: Send, limit: int | None = None
    ) -> RequestContext:
        """A context for one request; its connection object is made only if asked for.

        ``limit`` is the route's ``max_body_size``: a body larger than it is a 413
        (see :mod:`pegboard.body_limit`).
        """
        # Every slot set here rather than in helpers: this runs once per request.
        ctx = cls.__new__(cls)
        ctx.scope, ctx._receive, ctx.send = scope, receive, send
        ctx._limit = limit
        ctx._limited = None
        ctx._connection = None
        ctx._body = None
        ctx._query = None
        ctx._query_last = None
        ctx._pairs = None
        ctx._headers = None
        ctx._cookies = None
        ctx._response = None
        ctx._background = None
        ctx._exit_stack = None
        ctx._function_stack = None
        ctx._stash = None
        ctx._extra_headers = None
        ctx._sent = None
        return ctx

    def _clear(self) -> None:
        self._body: bytes | None = None
        self._query: QueryParams | None = None
        self._query_last: dict[str, str] | None = None
        self._pairs: list[tuple[str, str]] | None = None
        self._headers: Headers | None = None
        self._cookies: dict[str, str] | None = None
        self._response: Response | None = None
        self._background: BackgroundTasks | None = None
        self._exit_stack: AsyncExitStack | None = None
        self._function_stack: AsyncExitStack | None = None
        self._stash: Stash | None = None
        self._extra_headers: list[tuple[bytes, bytes]] | None = None
        # The response start the route sent, kept when observers read it from here.
        self._sent: Message | None = None

    @property
    def connection(self) -> HTTPConnection:
        """The request's Request or WebSocket: one object per request, made on first use."""
        conn = self._connection
        if conn is None:
            scope = self.scope
            if scope["type"] == "websocket":
                conn = WebSocket(scope, self._receive, self.send)
            else:
                # Not a method of this context: the Request would then hold the context
                # that holds it, a cycle left to the garbage collector with the whole
                # scope (measured under uvicorn: 6 µs of CPU per request).
                conn = Request(scope, self.receive, self.send)
                if self._body is not None:  # already read: the request must not read again
                    conn._body = self._body
            self._connection = conn
        return conn

    @property
    def request(self) -> Request:
        """The connection as an HTTP request (for resolvers of HTTP routes)."""
        return self.connection  # type: ignore[return-value]

    @property
    def connection_made(self) -> bool:
        """Whether something asked for the connection object during this request."""
        return self._connection is not None

    @property
    def path_params(self) -> dict[str, Any]:
        """The path parameters the route matched, converted by their path convertors."""
        params: dict[str, Any] = self.scope.get("path_params", {})
        return params

    @property
    def query(self) -> dict[str, str]:
        """The query string as a plain dict: the last value of each key, as ``.get`` on
        :attr:`query_params` gives it (use that for repeated keys)."""
        last = self._query_last
        if last is None:
            last = self._query_last = dict(self._query_pairs())
        return last

    @property
    def query_params(self) -> QueryParams:
        """The query string, parsed once (see :func:`pegboard.parsing.parse_query`)."""
        query = self._query
        if query is None:
            if self._connection is not None:
                query = self._connection.query_params
            else:
                query = query_params_of(self._query_pairs())
            self._query = query
        return query

    def _query_pairs(self) -> list[tuple[str, str]]:
        pairs = self._pairs
        if pairs is None:
            pairs = self._pairs = parse_query(self.scope.get("query_string", b""))
        return pairs

    async def body(self) -> bytes:
        """The request body, read once; a Request made later gets the same bytes.

        Raises :class:`~starlette.requests.ClientDisconnect` if the client leaves first.
        """
        body = self._body
        if body is not None:
            return body
        conn = self._connection
        if conn is not None:
            body = await conn.body()  # type: ignore[attr-defined]
            self._body = body
            return body  # type: ignore[no-any-return]
        # Read straight from the server's receive: no wrapper, and for the usual body
        # that comes in one message, no list of chunks.
        declared = -1
        for name, value in self.scope["headers"]:  # declared_length(), inline
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1  # not a number: read as if there were none
                break
        limit = self._limit
        if limit is not None and declared > limit:
            raise too_large(limit)  # refused before anything is read
        message = await self._receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        body = message.get("body", b"")
        if message.get("more_body", False) and len(body) != declared:
            body = await self._rest_of_body(body, limit, declared)
        elif limit is not None and declared < 0 and len(body) > limit:
            # A declared length the server has framed the body by, within the
            # limit, needs no count; a body without one does.
            raise too_large(limit)
        self._body = body
        return body

    async def _rest_of_body(self, first: bytes, limit: int | None, declared: int) -> bytes:
        """The chunks after the first of a body sent in several messages, counted.

        Reading stops once the declared Content-Length has arrived: some servers
        (granian) send the end of every body as one more, empty message, and waiting
        for it costs a round trip through the event loop per request.
        """
        chunks = [first]
        size = len(first)
        receive = self._receive
        more = True
        while more and size != declared:
            if limit is not None and size > limit:
                raise too_large(limit)
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
        if limit is not None and size > limit:
            raise too_large(limit)
        return b"".join(chunks)

    @property
    def receive(self) -> Receive:
        """The ASGI ``receive`` for whatever reads the body other than :meth:`body`.

        Under a ``max_body_size`` it is a :class:`~pegboard.body_limit.LimitedReceive`,
        made on first use and shared by all readers of this request.
        """
        limit = self._limit
        if limit is None:
            return self._receive
        limited = self._limited
        if limited is None:
            limited = self._limited = LimitedReceive(self.scope, self._receive, limit)
        return limited

    @receive.setter
    def receive(self, receive: Receive) -> None:
        self._receive = receive
        self._limited = None

    @property
    def headers(self) -> Headers:
        """The request headers (a view on the scope's list; names are matched lowercase)."""
        headers = self._headers
        if headers is None:
            headers = self._headers = Headers(scope=self.scope)
        return headers

    @property
    def cookies(self) -> dict[str, str]:
        """The request cookies, parsed from the Cookie header on first use."""
        cookies = self._cookies
        if cookies is None:
            if self._connection is not None:
                cookies = self._connection.cookies
            else:
                cookies = cookie_parser(self.headers.get("cookie", ""))
            self._cookies = cookies
        return cookies

    @property
    def response(self) -> Response:
        """A stub whose status, headers and cookies are merged into the final response."""
        if self._response is None:
            stub = Response()
            del stub.headers["content-length"]
            stub.status_code = None  # type: ignore[assignment]  # None: keep the route's
            self._response = stub
        return self._response

    @property
    def response_headers(self) -> list[tuple[bytes, bytes]]:
        """Raw ``(name, value)`` pairs added to the response this request gets.

        Whatever it is: the encoder's, a ``Response`` the handler returned, a stream,
        or the answer to an error (a guard's 429, a 422, the 500). A guard adding
        headers here leaves the route on its fast path, which the ``response`` stub
        does not. Names are lowercase bytes; nothing is replaced or merged.
        """
        extra = self._extra_headers
        if extra is None:
            extra = self._extra_headers = []
        return extra

    @property
    def background(self) -> BackgroundTasks:
        """Tasks run after the response is sent."""
        if self._background is None:
            self._background = BackgroundTasks()
        return self._background

    @property
    def exit_stack(self) -> AsyncExitStack:
        """The request scope: closed after the response is sent."""
        if self._exit_stack is None:
            self._exit_stack = AsyncExitStack()
        return self._exit_stack

    @property
    def function_exit_stack(self) -> AsyncExitStack:
        """The function scope: closed after the handler returned, before sending."""
        if self._function_stack is None:
            self._function_stack = AsyncExitStack()
        return self._function_stack

    @property
    def stash(self) -> Stash:
        """Per-request plugin data under typed keys."""
        if self._stash is None:
            self._stash = Stash()
        return self._stash

    async def close_function_scope(self) -> None:
        """Close the function stack after the handler returned (no-op if never used).

        An exception raised by a teardown propagates: the request then fails with it.
        """
        stack = self._function_stack
        if stack is not None:
            self._function_stack = None
            await stack.aclose()

    async def close(self) -> None:
        """Close the request stack after the response was sent (no-op if never used)."""
        stack = self._exit_stack
        if stack is not None:
            self._exit_stack = None
            await stack.aclose()

    async def unwind(self, exc: BaseException) -> None:
        """Throw ``exc`` into the function stack, then the request stack, and close them.

        Teardowns see the failure (to roll back); the request stack is closed even when
        a function-scoped teardown raises.
        """
        function_stack, self._function_stack = self._function_stack, None
        request_stack, self._exit_stack = self._exit_stack, None
        try:
            if function_stack is not None:
                await function_stack.__aexit__(type(exc), exc, exc.__traceback__)
        finally:
            if request_stack is not None:
                await request_stack.__aexit__(type(exc), exc, exc.__traceback__)

    def finish_response(self, response: Response) -> Response:
        """Merge the stub response and background tasks into the real response."""
        stub = self._response
        if stub is not None:
            if stub.status_code is not None:
                response.status_code = stub.status_code
            response.raw_headers.extend(stub.raw_headers)
        tasks = self._background
        if tasks is not None:
            if response.background is not None:  # run the response's own task first
                tasks.tasks.insert(0, response.background)
            response.background = tasks
        return response


async def _no_receive() -> Message:
    raise RuntimeError("This RequestContext has no receive channel.")


async def _no_send(message: Message) -> None:
    raise RuntimeError("This RequestContext has no send channel.")


def _descriptions(items: Iterable[Description]) -> tuple[Description, ...]:
    return tuple(items)


def _keys(items: Iterable[Hashable]) -> tuple[Hashable, ...]:
    return tuple(items)


def _is_async_resolver(resolver: Resolver) -> bool:
    return is_async_callable(resolver.func)


@attrs.frozen(eq=False)
class Resolver:
    """How to produce one argument per request: ``func(ctx)`` returns the value.

    Returned by ``pegboard_resolve_parameter`` and ``pegboard_route_guards``; built at
    compile time, called per request with the :class:`RequestContext`.

    A resolver signals a client error by raising
    :class:`~pegboard.exceptions.RequestValidationError` (collected with the errors of
    the other parameters) or :class:`~pegboard.exceptions.HTTPException`.

    :ivar func: ``func(ctx)``, returning the value (or an awaitable of it).
    :ivar is_async: Whether ``func`` returns an awaitable (detected by default).
    :ivar describes: What the resolver reads, for documents (see
        :mod:`pegboard.descriptions`).
    :ivar label: A short note for ``pegboard routes``, such as ``"query"``.
    :ivar depends_on: Keys of things outside the route the resolver was built from
        (the DI plugin lists the dependencies of its graph): when one changes, its
        owner calls :meth:`App.recompile <pegboard.App.recompile>` with the key and
        the core compiles every route that used it again.
    """

    func: Callable[[RequestContext], Any]
    is_async: bool = attrs.field(
        default=attrs.Factory(_is_async_resolver, takes_self=True), kw_only=True
    )
    describes: tuple[Description, ...] = attrs.field(
        default=(), converter=_descriptions, kw_only=True
    )
    label: str = attrs.field(default="", kw_only=True)
    depends_on: tuple[Hashable, ...] = attrs.field(default=(), converter=_keys, kw_only=True)

    @classmethod
    def constant(cls, value: Any, *, label: str = "constant") -> Resolver:
        """A resolver that always gives ``value``."""
        return cls(lambda ctx: value, is_async=False, label=label)


@attrs.frozen(eq=False)
class Encoder:
    """How to turn a handler's return value into a response: ``func(value) -> Response``.

    The core passes a returned :class:`~starlette.responses.Response` through untouched,
    so ``func`` only sees other values.

    An encoder whose responses always have the same status and headers can say so:
    ``render(value) -> bytes`` gives the body, ``status_code`` and ``headers`` (raw
    ``(name, value)`` pairs, without Content-Length) the rest. The core then sends the
    body as raw ASGI messages with a header list built once, and calls ``func`` only
    when the response must be an object (a ``Response`` parameter or background tasks
    are merged into it, or a plugin watches requests). Both must give the same answer.

    :ivar func: ``func(value)``, returning a Starlette ``Response``.
    :ivar describes: The responses it produces, for documents.
    :ivar label: A short note for ``pegboard routes``.
    :ivar render: ``render(value) -> bytes``, the body alone, or None.
    :ivar status_code: The status of every response ``render`` gives.
    :ivar headers: Their raw headers, without Content-Length.
    """

    func: Callable[[Any], Response]
    describes: tuple[Description, ...] = attrs.field(
        default=(), converter=_descriptions, kw_only=True
    )
    label: str = attrs.field(default="", kw_only=True)
    render: Callable[[Any], bytes] | None = attrs.field(default=None, kw_only=True)
    status_code: int = attrs.field(default=200, kw_only=True)
    headers: tuple[tuple[bytes, bytes], ...] = attrs.field(default=(), kw_only=True)


def bind_arguments(
    resolvers: Mapping[str, Resolver], guards: Sequence[Resolver] = ()
) -> tuple[Callable[[RequestContext], Any], bool]:
    """Compile resolvers into one function ``bind(ctx) -> kwargs``.

    Guards run first and their values are dropped; then each resolver in order.
    Validation errors from all of them are gathered into one
    :class:`RequestValidationError`. Returns ``(bind, is_async)``: when every resolver
    is synchronous, ``bind`` is a plain function and returns the dict directly.
    """
    plan = [(None, r) for r in guards] + list(resolvers.items())
    if all(not r.is_async for _, r in plan):
        steps = [(name, r.func) for name, r in plan]
        if len(steps) == 1:
            return _bind_one(*steps[0]), False
        return _bind_sync(steps), False
    async_steps = [(name, r.func, r.is_async) for name, r in plan]
    return _bind_async(async_steps), True


def _bind_one(name: str | None, func: Callable[[RequestContext], Any]) -> Any:
    # One synchronous step (a path parameter, a guard): its own RequestValidationError
    # is already the request's, so there is nothing to gather.
    if name is None:

        def bind_guard(ctx: RequestContext) -> dict[str, Any]:
            func(ctx)
            return {}

        return bind_guard

    def bind(ctx: RequestContext) -> dict[str, Any]:
        return {name: func(ctx)}

    return bind


def _bind_sync(steps: list[tuple[str | None, Callable[[RequestContext], Any]]]) -> Any:
    def bind(ctx: RequestContext) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        errors: list[Any] | None = None
        body: Any = None
        for name, func in steps:
            try:
                value = func(ctx)
            except RequestValidationError as exc:
                # Even an error-free exception means "failed": the handler must not run.
                errors = [*errors, *exc.errors()] if errors is not None else list(exc.errors())
                body = exc.body if body is None else body
                continue
            if name is not None:
                kwargs[name] = value
        if errors is not None:
            raise RequestValidationError(errors, body=body)
        return kwargs

    return bind


def _bind_async(steps: list[tuple[str | None, Callable[[RequestContext], Any], bool]]) -> Any:
    async def bind(ctx: RequestContext) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        errors: list[Any] | None = None
        body: Any = None
        for name, func, is_async in steps:
            try:
                value = func(ctx)
                if is_async:
                    value = await value
            except RequestValidationError as exc:
                # Even an error-free exception means "failed": the handler must not run.
                errors = [*errors, *exc.errors()] if errors is not None else list(exc.errors())
                body = exc.body if body is None else body
                continue
            if name is not None:
                kwargs[name] = value
        if errors is not None:
            raise RequestValidationError(errors, body=body)
        return kwargs

    return bind
