"""The App: a Starlette application whose routes are compiled by its plugins."""

from __future__ import annotations

import inspect
import sys
from collections.abc import (
    AsyncIterator,
    Callable,
    Collection,
    Generator,
    Hashable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
)
from typing import Any, TypeVar, overload

from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, ExceptionHandler, Lifespan, Receive, Scope, Send

from pegboard.compiler import compile_route
from pegboard.decorators import RouteDecorators
from pegboard.dispatch import Dispatcher
from pegboard.error_handling import ErrorHandling
from pegboard.exception_handlers import (
    http_exception_handler,
    plain_server_error_handler,
    request_validation_exception_handler,
    server_error_handler,
)
from pegboard.exceptions import (
    PluginError,
    RequestValidationError,
    RouteDefinitionError,
    StartupError,
)
from pegboard.nosniff import NoSniff
from pegboard.params import ParamInfo, describe_callable
from pegboard.plugins import (
    PluginManager,
    factory_call,
    plugin_declaring_option,
    plugin_for_module,
)
from pegboard.resolvers import Resolver
from pegboard.responses import JSONResponse
from pegboard.routing import Route, RouteInfo, Router, WebSocketRoute
from pegboard.stash import Stash

__all__ = ["DEFAULT_MAX_BODY_SIZE", "App"]

#: Request bodies larger than this (1 MiB) are refused with 413 unless a route says otherwise.
DEFAULT_MAX_BODY_SIZE = 1024 * 1024

F = TypeVar("F", bound=Callable[..., Any])

#: A lifespan: an async context manager factory, or an (async) generator function.
AnyLifespan = (
    Lifespan[Any] | Callable[[Any], AsyncIterator[Any]] | Callable[[Any], Generator[Any, Any, Any]]
)


class App(RouteDecorators, Starlette):
    """A pegboard application: Starlette, plus plugins that compile its routes.

    ``plugins`` lists the plugins this app enables, as objects (``validation()``) or
    installed names (``"validation"``); nothing else is loaded. Every Starlette
    argument works as in Starlette. ``root_path`` serves the app behind a proxy
    prefix; ``max_body_size`` (default 1 MiB, None for no limit) and
    ``response_class`` are defaults every route can override; ``nosniff`` (default
    True) sends ``X-Content-Type-Options: nosniff`` with every response that does not
    set it; ``json_server_errors`` (default True) answers an unhandled error with
    ``{"detail": "Internal Server Error"}``, False with Starlette's and FastAPI's
    plain text; any further keyword is a route option applied to every route (``tags=``,
    ``dependencies=``, ...).
    """

    def __init__(
        self,
        *,
        plugins: Sequence[object] = (),
        debug: bool = False,
        routes: Sequence[BaseRoute] | None = None,
        middleware: Sequence[Middleware] | None = None,
        exception_handlers: Mapping[Any, ExceptionHandler] | None = None,
        lifespan: AnyLifespan | None = None,
        root_path: str = "",
        redirect_slashes: bool = True,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        response_class: type[Any] = JSONResponse,
        nosniff: bool = True,
        json_server_errors: bool = True,
        **options: Any,
    ) -> None:
        # Starlette installs the app-wide limit in front of user middleware, so it
        # covers raw routes, mounts and middleware that reads the body, as in Starlette.
        super().__init__(debug=debug, middleware=middleware, max_body_size=max_body_size)
        #: Whether responses get ``X-Content-Type-Options: nosniff`` (:mod:`pegboard.nosniff`).
        self.nosniff = nosniff
        self.exception_handlers = {
            StarletteHTTPException: http_exception_handler,
            RequestValidationError: request_validation_exception_handler,
            500: server_error_handler if json_server_errors else plain_server_error_handler,
            **(exception_handlers or {}),
        }
        self.root_path = root_path
        self.stash = Stash()
        self._user_lifespan = _as_context(lifespan)
        self._built = False
        self._serve: ASGIApp | None = None
        #: The exception handlers, sorted when the app is built.
        self.error_handling = ErrorHandling.from_handlers(self.exception_handlers, debug)
        #: Whether routes answer server errors themselves (no app middleware to do it).
        self.serves_errors = True
        self.plugin_manager = PluginManager()
        try:
            self.plugin_manager.enable(plugins)
        except PluginError as exc:
            # The message says what to do; pegboard's own frames would only bury it.
            raise exc.with_traceback(None) from exc.__cause__
        declared = self.plugin_manager.route_options()
        for name in options:  # checked now, even if no route ever carries them
            if name not in declared:
                raise RouteDefinitionError(_unknown_option_message("App()", name, self.plugins))
        self.router: Router = Router(
            redirect_slashes=redirect_slashes,
            max_body_size=max_body_size,
            response_class=response_class,
            **options,
        )
        self.router.lifespan_context = self._lifespan  # type: ignore[assignment]
        self.router.attach_routes_with(self._attach_route)
        self.router.routes.extend(self.router._copy(r, "", ()) for r in routes or ())
        self.plugin_manager.hook.pegboard_configure(app=self)

    # -- plugins and routes ------------------------------------------------------

    @property
    def plugins(self) -> list[str]:
        """The names of the enabled plugins, in the order they were registered."""
        return self.plugin_manager.plugin_names()

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        status_code: int | None = None,
        **options: Any,
    ) -> Route:
        """Add an HTTP route; the non-decorator form of :meth:`api_route`."""
        return self.router.add_api_route(
            path, endpoint, methods=methods, name=name, status_code=status_code, **options
        )

    def add_api_websocket_route(
        self, path: str, endpoint: Callable[..., Any], *, name: str | None = None, **options: Any
    ) -> WebSocketRoute:
        """Add a WebSocket route; the non-decorator form of :meth:`websocket`."""
        return self.router.add_api_websocket_route(path, endpoint, name=name, **options)

    def include_router(self, router: Router, *, prefix: str = "", **options: Any) -> None:
        """Add every route of ``router`` under ``prefix``, with extra route ``options``."""
        self.router.include_router(router, prefix=prefix, **options)

    def _attach_route(self, info: RouteInfo) -> RouteInfo:
        """Merge a route's option layers, check them, and tell the plugins."""
        if self._built:
            raise RouteDefinitionError(
                f"Cannot add {info.label} after the app has started. "
                "Add routes before the first request."
            )
        declared = self.plugin_manager.route_options()
        merged: dict[str, Any] = {}
        for layer in info.layers:
            for name, value in layer.items():
                if name not in declared:
                    message = _unknown_option_message(f"Route {info.label}", name, self.plugins)
                    raise RouteDefinitionError(message)
                option = declared[name][0]
                merged[name] = option.combine(merged[name], value) if name in merged else value
        attached = RouteInfo(
            path=info.path,
            endpoint=info.endpoint,
            methods=info.methods,
            name=info.name,
            kind=info.kind,
            status_code=info.status_code,
            layers=info.layers,
            options=merged,
        )
        self.plugin_manager.hook.pegboard_route_added(app=self, route=attached)
        return attached

    def resolve_parameter(self, route: RouteInfo, param: ParamInfo) -> Resolver:
        """Ask the plugins for a resolver of ``param``; raise if none can resolve it.

        Plugins that resolve nested callables (dependencies) call this for each of
        their parameters, so every plugin can serve them.
        """
        resolver = self.plugin_manager.hook.pegboard_resolve_parameter(
            app=self, route=route, param=param
        )
        if resolver is None:
            raise RouteDefinitionError(_unresolved_message(route, param, self.plugins))
        if not isinstance(resolver, Resolver):
            raise RouteDefinitionError(
                f"A plugin returned {resolver!r} for parameter {param.name!r} of "
                f"{route.label}; pegboard_resolve_parameter must return a Resolver or None."
            )
        return resolver

    def exception_handler(
        self, exc_class_or_status_code: int | type[Exception]
    ) -> Callable[[F], F]:
        """Decorate a function ``(request, exc) -> Response`` to handle an exception."""

        def decorator(func: F) -> F:
            self.add_exception_handler(exc_class_or_status_code, func)
            return func

        return decorator

    def add_exception_handler(
        self, exc_class_or_status_code: int | type[Exception], handler: ExceptionHandler
    ) -> None:
        if self.middleware_stack is not None or self._built:
            raise RuntimeError(
                "Cannot add an exception handler after the app has started (or was built). "
                "Add it before app.build() and before the first request."
            )
        self.exception_handlers[exc_class_or_status_code] = handler

    # -- building and serving ------------------------------------------------------

    def build(self) -> None:
        """Compile every route. Runs at startup or on the first request; safe to repeat.

        Raises :class:`~pegboard.exceptions.RouteDefinitionError` for parameters no
        plugin can resolve.
        """
        if self._built:
            return
        self.error_handling = ErrorHandling.from_handlers(self.exception_handlers, self.debug)
        self.serves_errors = not self.user_middleware
        for route in self._pegboard_routes():
            compiled = compile_route(self, route.info)
            route.compiled = compiled
            route.app = self._with_route_limit(route, compiled.app)
        self._built = True

    def recompile(self, *keys: Hashable) -> list[RouteInfo]:
        """Compile again the built routes whose resolvers depend on any of ``keys``.

        The owner of something routes are compiled from calls this when it changes
        (the DI plugin does when a dependency override changes), between requests;
        resolvers declare what they depend on in ``Resolver.depends_on``. Routes are
        compiled by the same hooks as at build time, all of them before any is
        swapped in, so a failure leaves every route as it was. A request already in
        flight finishes on the callable it started with; no request ever runs a hook.

        Returns the routes compiled again (none before the app is built: building
        will see the change).
        """
        if not self._built:
            return []
        wanted = set(keys)
        stale = [
            route
            for route in self._pegboard_routes()
            if route.compiled is not None and not wanted.isdisjoint(route.compiled.depends_on)
        ]
        fresh = [compile_route(self, route.info) for route in stale]
        for route, compiled in zip(stale, fresh, strict=True):
            route.compiled = compiled
            route.app = self._with_route_limit(route, compiled.app)
        return [route.info for route in stale]

    def _with_route_limit(self, route: Route | WebSocketRoute, app: ASGIApp) -> ASGIApp:
        # A route allowing more than the app-wide limit raises the limit Starlette's
        # middleware enforces, as a Starlette Route(max_body_size=...) does; a smaller
        # limit is the compiled endpoint's own.
        if not isinstance(route, Route) or self.max_body_size is None:
            return app
        limit = route.info.options.get("max_body_size")
        if limit is not None and limit <= self.max_body_size:
            return app
        return RequestBodyLimitMiddleware(app, sys.maxsize if limit is None else limit)

    def _pegboard_routes(self) -> Iterator[Route | WebSocketRoute]:
        for route in self.router.routes:
            if isinstance(route, (Route, WebSocketRoute)):
                yield route

    def _mounted_apps(self) -> Iterator[App]:
        for route in self.router.routes:
            if isinstance(route, Mount) and isinstance(route.app, App):
                yield route.app

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        if self._built:
            raise RuntimeError(
                "Cannot add middleware after the app has started (or was built). "
                "Add it before app.build() and before the first request."
            )
        super().add_middleware(middleware_class, *args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection; see :mod:`pegboard.dispatch` for what happens."""
        scope["app"] = self
        if self.root_path and not scope.get("root_path"):
            _apply_root_path(scope, self.root_path)
        serve = self._serve
        if serve is None:
            try:
                serve = self._start_serving()
            except Exception as exc:
                if scope["type"] == "lifespan":
                    await _refuse_startup(receive, send, exc)
                raise
        await serve(scope, receive, send)

    def _start_serving(self) -> ASGIApp:
        """Build time: compile the routes, then pick the front every request goes through."""
        self.build()
        stack = self.build_middleware_stack()
        if self.nosniff:
            stack = NoSniff(stack)
        self.middleware_stack = stack
        if self.user_middleware:
            serve = stack
        else:
            serve = Dispatcher(self.router, stack, self.error_handling, self.nosniff)
        self._serve = serve
        return serve

    @asynccontextmanager
    async def _lifespan(self, app: Any) -> AsyncIterator[Mapping[str, Any] | None]:
        async with AsyncExitStack() as stack:
            state: dict[str, Any] | None = None
            if self._user_lifespan is not None:
                state = await stack.enter_async_context(self._user_lifespan(app))
            for router_lifespan in self.router.lifespans:
                router_state = await stack.enter_async_context(_as_context(router_lifespan)(app))
                if router_state:
                    state = {**(state or {}), **router_state}
            self.build()
            await self._start_plugins(stack)
            for sub_app in self._mounted_apps():
                sub_state = await stack.enter_async_context(
                    sub_app.router.lifespan_context(sub_app)
                )
                if sub_state:
                    state = {**(state or {}), **sub_state}
            yield state

    async def _start_plugins(self, stack: AsyncExitStack) -> None:
        # Through pluggy, one plugin at a time, so that tryfirst/trylast order them,
        # wrappers see each plugin's call, and a failure names its plugin.
        pm = self.plugin_manager
        starting = pm.lifecycle_order("pegboard_startup")
        # A plugin without a startup hook has nothing that could have failed.
        started = set(self.plugins) - {info.name for info in starting}
        stack.push_async_callback(self._stop_plugins, started)
        for info in starting:
            try:
                for result in pm.call_for("pegboard_startup", info.name, app=self):
                    if inspect.isawaitable(result):
                        await result
            except Exception as exc:
                raise StartupError(info.name, exc) from exc
            started.add(info.name)

    async def _stop_plugins(self, started: set[str]) -> None:
        # Reverse order; a plugin whose startup failed or never ran is not shut down.
        async with AsyncExitStack() as stack:
            pm = self.plugin_manager
            for info in reversed(pm.lifecycle_order("pegboard_shutdown", reverse=True)):
                if info.name in started:
                    stack.push_async_callback(self._stop_plugin, info.name)

    async def _stop_plugin(self, name: str) -> None:
        for result in self.plugin_manager.call_for("pegboard_shutdown", name, app=self):
            if inspect.isawaitable(result):
                await result


def _apply_root_path(scope: Scope, root_path: str) -> None:
    # As uvicorn's --root-path does: the path seen by routing includes the prefix the
    # proxy removed, and Starlette strips it again using root_path.
    scope["root_path"] = root_path
    if scope["type"] in ("http", "websocket") and not scope["path"].startswith(root_path):
        scope["path"] = root_path + scope["path"]
        if "raw_path" in scope and scope["raw_path"] is not None:
            scope["raw_path"] = root_path.encode() + scope["raw_path"]


@overload
def _as_context(lifespan: None) -> None: ...
@overload
def _as_context(lifespan: AnyLifespan) -> Callable[[Any], AbstractAsyncContextManager[Any]]: ...
def _as_context(
    lifespan: AnyLifespan | None,
) -> Callable[[Any], AbstractAsyncContextManager[Any]] | None:
    if lifespan is not None and inspect.isasyncgenfunction(lifespan):
        return asynccontextmanager(lifespan)
    if lifespan is not None and inspect.isgeneratorfunction(lifespan):
        return _sync_generator_context(lifespan)
    return lifespan  # type: ignore[return-value]


def _sync_generator_context(
    lifespan: Callable[[Any], Generator[Any, Any, Any]],
) -> Callable[[Any], AbstractAsyncContextManager[Any]]:
    # Deprecated in Starlette but supported: it runs in the event loop, as there.
    sync_context = contextmanager(lifespan)

    @asynccontextmanager
    async def context(app: Any) -> AsyncIterator[Any]:
        with sync_context(app) as state:
            yield state

    return context


def _unknown_option_message(user: str, option: str, enabled: list[str]) -> str:
    message = f"{user} uses option {option!r}, which no enabled plugin declares."
    provider, failed = plugin_declaring_option(option)
    if provider is not None and provider not in enabled:
        return (
            f"{message} Enable the plugin that reads it: App(plugins=[{factory_call(provider)}])."
        )
    message += f" Check the spelling; enabled plugins: {', '.join(enabled) or 'none'}."
    if failed:
        broken = "; ".join(f"{name} ({error})" for name, error in failed.items())
        message += f" These installed plugins could not be loaded and may declare it: {broken}."
    return message


def _unresolved_message(route: RouteInfo, param: ParamInfo, enabled: list[str]) -> str:
    owner = describe_callable(param.owner) if param.owner is not None else "the handler"
    where = f"Parameter {param.name!r} of {owner} ({route.label})"
    marker = param.marker
    if marker is not None:
        provider = plugin_for_module(type(marker).__module__)
        if provider is not None and provider not in enabled:
            return (
                f"{where} uses {type(marker).__name__}() from plugin {provider!r}, which is "
                f"not enabled. Enable it: App(plugins=[{factory_call(provider)}])."
            )
        return f"{where} uses {type(marker).__name__}(), which no enabled plugin resolves."
    if "validation" in enabled:
        return (
            f"{where} cannot be resolved by any enabled plugin "
            f"({', '.join(enabled)}); check its annotation."
        )
    convertor = route.param_convertors.get(param.name)
    if convertor is not None:
        return (
            f"{where} is a path parameter annotated {_type_name(param.type)}, which the path "
            f"does not give. Use a path convertor ('{{{param.name}:int}}') or enable the "
            "validation plugin to convert it: App(plugins=[validation()])."
        )
    return (
        f"{where} is not a path parameter; enable the validation plugin to read query "
        "parameters, headers, cookies and bodies: App(plugins=[validation()])."
    )


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", repr(tp))


async def _refuse_startup(receive: Receive, send: Send, exc: Exception) -> None:
    """Tell the server that startup failed, so it stops instead of serving a broken app.

    A server that meets an exception before any answer (uvicorn's ``lifespan="auto"``)
    takes it for "lifespan unsupported" and serves anyway.
    """
    message = await receive()
    if message["type"] == "lifespan.startup":
        failure = f"{type(exc).__name__}: {exc}"
        await send({"type": "lifespan.startup.failed", "message": failure})
