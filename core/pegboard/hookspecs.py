"""Every hook pegboard calls, in the order they fire.

A plugin implements any of these with functions (or methods) of the same name marked
``@pegboard.hookimpl``. All of them run while an app is set up or built, never while
it serves a request, except the two in the last section, which are wired into a route
only when some enabled plugin implements them.

Plugins may add hooks of their own with ``pegboard_add_hookspecs`` (the OpenAPI plugin
does); their names carry the plugin's name, as in ``pegboard_openapi_operation``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    from starlette.middleware import Middleware
    from starlette.requests import HTTPConnection
    from starlette.responses import Response

    from pegboard.applications import App
    from pegboard.compiler import CompiledRoute
    from pegboard.descriptions import Description
    from pegboard.observers import RouteObserver
    from pegboard.params import ParamInfo
    from pegboard.plugins import PluginManager
    from pegboard.resolvers import Encoder, Resolver
    from pegboard.routing import RouteInfo

hookspec = pluggy.HookspecMarker("pegboard")


# -------------------------------------------------------------------------
# App lifecycle
# -------------------------------------------------------------------------


@hookspec(historic=True)
def pegboard_add_hookspecs(pluginmanager: PluginManager) -> None:
    """Add new hook specifications, called as each plugin is registered.

    A plugin that lets other plugins contribute to it declares those hooks here, with
    ``pluginmanager.add_hookspecs(module_or_class)``. Because the call is historic, a
    plugin registered later still sees it, so the order plugins are listed in does
    not matter.

    !!! tip "Implementing this hook"
        Plugins that define hooks for others. Implementations of hooks added this way
        that belong to a plugin which may not be enabled should be marked
        ``@hookimpl(optionalhook=True)``.

    :param pluginmanager: The app's ``PluginManager``.
    """


@hookspec
def pegboard_configure(app: App) -> None:
    """Set up the app, called once per app after all of its plugins are registered.

    Plugins add their own routes (``app.add_api_route``), middleware, exception
    handlers and state here, and keep per-app data in ``app.stash``. User code has
    not added its routes yet.

    !!! tip "Implementing this hook"
        Any plugin with something to install. Called in plugin-registration order
        reversed, like every pluggy hook; use ``tryfirst``/``trylast`` to order.

    :param app: The app being created.
    """


@hookspec
def pegboard_startup(app: App) -> Awaitable[None] | None:
    """Start the plugin's resources, called once in the app's lifespan.

    Runs after the app's routes are compiled and after the user's ``lifespan=`` has
    entered, plugin by plugin: ``tryfirst`` implementations first, then the others in
    the order the plugins were enabled (required plugins first), ``trylast`` ones
    last. Each plugin's call goes through the plugin manager on its own and its
    awaitable is awaited before the next plugin starts. If one raises, the plugins
    already started are shut down, the user's lifespan exits, and the server fails
    to start with a ``StartupError`` naming the plugin.

    !!! tip "Implementing this hook"
        Plugins holding connections, pools, caches or background workers. A
        ``wrapper=True`` implementation wraps each plugin's call (to time or log
        every plugin's startup, say).

    :param app: The app starting up.
    :returns: None, or an awaitable the core awaits before starting the next plugin.
    """


@hookspec
def pegboard_shutdown(app: App) -> Awaitable[None] | None:
    """Release the plugin's resources, called once when the app's lifespan ends.

    Runs plugin by plugin before the user's lifespan exits, and only for plugins
    whose startup completed: ``tryfirst`` implementations first, then the others in
    the reverse of the order the plugins were enabled, ``trylast`` ones last.

    !!! tip "Implementing this hook"
        The same plugins that implement ``pegboard_startup``.

    :param app: The app shutting down.
    :returns: None, or an awaitable the core awaits.
    """


@hookspec
def pegboard_add_commands(cli: click.Group) -> None:
    """Add subcommands to the ``pegboard`` command line, when one of them is run.

    Commands are declared, never collected from plugin objects: a package names each
    command in the entry-point group ``pegboard.commands`` (``NAME = "pkg.cli:command"``).
    The entry point names either the ``click.Command`` itself (no hook needed) or a
    module or object whose module-level ``pegboard_add_commands`` adds it. Nothing is
    imported until ``pegboard NAME`` runs (``pegboard --help`` lists the names from
    the installed metadata), and no plugin factory is called, so a plugin whose
    factory requires arguments still has its commands. Implementations on plugin
    objects enabled in an app are never called.

    !!! tip "Implementing this hook"
        Packages whose commands are built at import time (a group assembled from
        several modules, say). Implement it at module level and name the module in a
        ``pegboard.commands`` entry point per command it adds. A simple command needs
        no hook: name the ``click.Command`` in the entry point.

    :param cli: A ``click.Group`` to add the commands to: ``cli.add_command(...)``.
        The command named by the entry point is taken from it.
    """


# -------------------------------------------------------------------------
# Routes: called while the app is built, once per route
# -------------------------------------------------------------------------


@hookspec
def pegboard_route_added(app: App, route: RouteInfo) -> None:
    """Inspect a route as it is added to the app, before it is compiled.

    Options were already checked against what the enabled plugins declare. A plugin
    may raise ``RouteDefinitionError`` here to refuse a
    route whose options it cannot serve.

    !!! tip "Implementing this hook"
        Plugins that validate their options early or index routes.

    :param app: The app.
    :param route: The route as defined, with options merged from app and routers.
    """


@hookspec(firstresult=True)
def pegboard_resolve_parameter(app: App, route: RouteInfo, param: ParamInfo) -> Resolver | None:
    """Return a resolver for one handler parameter, or None to let others answer.

    Called once per parameter of every handler when the route is compiled, and again
    for the parameters of dependencies by plugins that call
    ``App.resolve_parameter``.
    The core's own implementation runs last: it injects ``Request``, ``WebSocket``,
    ``BackgroundTasks``, a ``Response`` stub and path parameters by name. If nobody
    answers, building the app fails with a message naming the plugin to enable.

    Stops at the first non-None result.

    !!! tip "Implementing this hook"
        Plugins that inject values: validation (query, headers, bodies), DI
        (``Depends``). Decline parameters whose ``ParamInfo.marker`` belongs to
        another plugin.

    :param app: The app.
    :param route: The route being compiled.
    :param param: The parameter; ``param.owner`` is the function it belongs to.
    :returns: A ``Resolver``, or None if this plugin does
        not handle the parameter.
    """


@hookspec
def pegboard_route_guards(app: App, route: RouteInfo) -> Sequence[Resolver] | None:
    """Return resolvers that run before the handler but pass it no argument.

    For checks and side effects tied to a route rather than to a parameter, such as
    ``dependencies=[...]`` or ``security=[...]``. They run in order before the
    handler's own resolvers; their descriptions join the route's.

    !!! tip "Implementing this hook"
        Plugins with route-level options that guard access.

    :param app: The app.
    :param route: The route being compiled.
    :returns: A sequence of ``Resolver``, or None.
    """


@hookspec(firstresult=True)
def pegboard_encode_response(app: App, route: RouteInfo) -> Encoder | None:
    """Return the encoder that turns this route's return values into responses.

    The core's own implementation runs last: it renders with the route's
    ``response_class`` (JSON by default) and ``status_code``, and streams generator
    handlers as JSON lines or server-sent events. A returned ``Response`` always
    passes through untouched.

    Stops at the first non-None result.

    !!! tip "Implementing this hook"
        Plugins that serialize through models (``response_model=``).

    :param app: The app.
    :param route: The route being compiled.
    :returns: An ``Encoder``, or None.
    """


@hookspec
def pegboard_route_middleware(app: App, route: RouteInfo) -> Sequence[Middleware] | None:
    """Return ASGI middleware to wrap around this route only.

    Middleware from all plugins is applied in call order, the first returned being
    the outermost. Use it for per-route behaviour (rate limits, caching) that a
    Starlette middleware on the whole app would do for every request.

    !!! tip "Implementing this hook"
        Plugins with per-route options that change the whole exchange.

    :param app: The app.
    :param route: The route being compiled.
    :returns: A sequence of Starlette ``Middleware``, or None.
    """


@hookspec
def pegboard_route_observer(app: App, route: RouteInfo) -> RouteObserver | None:
    """Return a ``RouteObserver`` to see every exchange of this HTTP route, or None.

    Called once per HTTP route while it is compiled. When some plugin answers, the
    core wraps the route's callable (outside its middleware) so that, per request,
    ``observer.started(request)`` runs first and ``observer.finished(exchange)`` runs
    last with the status code and headers the client was sent. The app's exception
    handlers run inside that wrapper, so a 422 from validation or a raised
    ``HTTPException(404)`` is seen as such; an exception no handler answers is
    reported with status 500 and the exception. What ``started`` returns comes back
    as ``exchange.state``, so no per-request data needs to live on ``request.state``.

    Both callbacks run in the request's context, ``finished`` of several observers in
    the reverse order of their ``started``: a context variable set in ``started`` (a
    request id for log lines, the current span for child spans) is seen by the
    handler, its dependencies and the exception handlers, and ``finished`` resets it.
    ``observer.response_headers(state)`` adds headers to the response (a request id
    echoed back), also to the 500 of an unhandled error unless the app has middleware
    of its own. A plugin that writes the access log itself sets
    ``app.stash[pegboard.ACCESS_LOG]`` so that ``pegboard run`` turns the server's off.

    Routes for which every plugin returns None are compiled exactly as if no plugin
    implemented this hook: they pay nothing.

    !!! tip "Implementing this hook"
        Metrics, tracing and access-log plugins; answer only for the routes that
        want it (a route option such as ``metrics=True``), or for all of them.

    :param app: The app.
    :param route: The route being compiled.
    :returns: A ``RouteObserver``, or None to leave the route alone.
    """


@hookspec
def pegboard_route_compiled(
    app: App, route: RouteInfo, compiled: CompiledRoute
) -> Sequence[Description] | None:
    """Called once a route is compiled, before it serves its first request.

    Every parameter, guard, encoder and middleware of the route has been resolved, so
    a plugin that gathered state across several of its resolvers (a request body
    assembled from the parameters of the handler and of its dependencies, say) can
    finish it here, and describe what only the whole route shows.

    !!! tip "Implementing this hook"
        Plugins whose resolvers of one route depend on each other.

    :param app: The app.
    :param route: The route.
    :param compiled: The compiled route: its resolvers, encoder and ASGI callable.
    :returns: Descriptions to add to the route's ``CompiledRoute.descriptions``, or None.
    """


# -------------------------------------------------------------------------
# Per request: wired into a route only when a plugin implements them
# -------------------------------------------------------------------------


@hookspec
def pegboard_request_started(app: App, route: RouteInfo, connection: HTTPConnection) -> None:
    """Called as a request for a pegboard route starts, before its arguments resolve.

    This is the one place a hook runs per request, so keep it fast and synchronous.
    Routes are only wired to call it when at least one enabled plugin implements it,
    and then every route calls it: to watch only some routes, and to see the final
    status of errors answered by exception handlers, use ``pegboard_route_observer``.

    !!! tip "Implementing this hook"
        Tracing and metrics plugins.

    :param app: The app.
    :param route: The route serving the request.
    :param connection: The ``Request`` or WebSocket.
    """


@hookspec
def pegboard_request_finished(
    app: App,
    route: RouteInfo,
    connection: HTTPConnection,
    response: Response | None,
    exception: BaseException | None,
) -> None:
    """Called when a pegboard route has finished with a request.

    After the response was sent (``response`` set) or the handler failed
    (``exception`` set; the exception handlers then render it). Like
    ``pegboard_request_started``, it costs nothing unless a plugin implements it.

    !!! tip "Implementing this hook"
        Tracing, metrics and access-log plugins.

    :param app: The app.
    :param route: The route that served the request.
    :param connection: The ``Request`` or WebSocket.
    :param response: The response sent, or None.
    :param exception: The exception raised, or None.
    """


def _hook_names() -> list[str]:
    return [name for name in globals() if name.startswith("pegboard_")]


__all__ = ["hookspec", *_hook_names()]
