"""The plugin object: a request id and an access-log line around every observed route.

Per route, while the app is built, the observer is given the route's template and
its loggers; per request it picks the id, binds it for the route's duration, and
writes one access-log line (and the traceback of an unhandled error) when the route
is done.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Sequence
from contextvars import Token
from typing import IO

from pegboard import (
    ACCESS_LOG,
    App,
    Exchange,
    PluginError,
    PluginInfo,
    Request,
    RouteDefinitionError,
    RouteInfo,
    RouteObserver,
    RouteOption,
    hookimpl,
)
from pegboard_logging.context import install_record_factory, request_id
from pegboard_logging.output import drop_server_copies, install_handler, mark
from pegboard_logging.records import AccessRecords
from pegboard_logging.request_ids import RequestIds

__all__ = ["RequestLoggingPlugin", "request_logging"]

OPTION = "access_log"
_VERSION = "1.0"
_CONVERTOR = re.compile(r"\{([^}:]+):[^}]+\}")

_State = tuple[float, Token[str | None], str]
#: The access record's own fields, in the order they are written.
_FIELDS = ("method", "route", "path", "status", "duration_ms", "client")


def _template(path: str) -> str:
    """``/items/{id:int}`` as logged: ``/items/{id}``."""
    return _CONVERTOR.sub(r"{\1}", path)


class RequestLoggingPlugin:
    """Request ids and access logs; create it with :func:`request_logging`."""

    def __init__(
        self,
        ids: RequestIds,
        logger: str,
        configure: bool,
        level: int | str,
        stream: IO[str] | None,
    ) -> None:
        self.ids = ids
        self.access = logging.getLogger(logger)
        self.errors = logging.getLogger(f"{logger}.errors")
        self.configure = configure
        self.level = level
        self.stream = stream
        self.plugin_info = PluginInfo(
            name="logging",
            version=_VERSION,
            route_options=(
                RouteOption(OPTION, "replace", "False: no request id, no access log here."),
            ),
            description="JSON logs with a request id; one access-log line per request.",
        )

    def __repr__(self) -> str:
        return f"RequestLoggingPlugin(logger={self.access.name!r}, configure={self.configure!r})"

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        install_record_factory()
        drop_server_copies()
        if self.configure:
            install_handler(self.stream, self.level)
        app.stash[ACCESS_LOG] = "logging"  # pegboard run turns the server's off

    @hookimpl
    def pegboard_startup(self, app: App) -> None:
        # A server may have reset logging since the app was created (uvicorn's
        # dictConfig in `pegboard dev`): install the handler again, replacing ours.
        if self.configure:
            install_handler(self.stream, self.level)

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        value = route.option(OPTION, True)
        if not isinstance(value, bool):
            raise RouteDefinitionError(
                f"Route {route.label}: {OPTION}= takes True or False; got {value!r}."
            )

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver | None:
        if not route.option(OPTION, True):
            return None  # opted out: compiled as if the plugin were not enabled
        return self._observer(route)

    def _observer(self, route: RouteInfo) -> RouteObserver:
        """Build time: the route's observer, its template and record maker made once."""
        template = _template(route.path)
        ids = self.ids
        header = ids.header
        access = self.access
        records = AccessRecords(access, logging.INFO, "access log", _FIELDS)
        make, handle = records.make, access.handle
        errors = self.errors
        clock = time.perf_counter
        enabled_for, info = access.isEnabledFor, logging.INFO

        def started(request: Request) -> _State:
            """Per request: pick the id and bind it for the route's duration."""
            rid = ids.for_scope(request.scope)
            return clock(), request_id.set(rid), rid

        def finished(exchange: Exchange) -> None:
            """Per request: log an unhandled error, then the access line; unbind the id."""
            start, token, rid = exchange.state
            try:
                scope = exchange.request.scope
                exc = exchange.exception
                if exc is not None:
                    errors.error(
                        "Unhandled error in %s %s",
                        scope["method"],
                        template,
                        exc_info=exc,
                        extra={"route": template},
                    )
                    mark(exc)
                if enabled_for(info):
                    method = scope["method"]
                    client = scope.get("client")
                    status = exchange.status_code
                    fields = {
                        "method": method,
                        "route": template,
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((clock() - start) * 1e6) / 1000,  # in 3 decimals
                        "client": f"{client[0]}:{client[1]}" if client else None,
                    }
                    handle(make(f"{method} {template} {status}", rid, fields))
            finally:
                request_id.reset(token)

        def echo(state: _State) -> Iterable[tuple[bytes, bytes]]:
            return ((header, state[2].encode("latin-1")),)

        return RouteObserver(finished, started=started, response_headers=echo)


def request_logging(
    *,
    header: str = "X-Request-ID",
    trust_incoming: bool | Sequence[str] = True,
    logger: str = "pegboard.access",
    configure: bool = True,
    level: int | str = "INFO",
    stream: IO[str] | None = None,
) -> RequestLoggingPlugin:
    """The plugin, for ``App(plugins=[request_logging()])``.

    :param header: The request-id header, read from requests and echoed in responses.
    :param trust_incoming: Whether an incoming id is used: True (from any client; it
        must still look like an id), False (always generate one), or the addresses
        or networks of the proxies allowed to set it (``["10.0.0.0/8"]``).
    :param logger: The access log's logger; unhandled errors go to ``LOGGER.errors``.
    :param configure: Install a JSON handler on the root logger at ``level``; False
        leaves logging to the app (use :func:`~pegboard_logging.json_formatter`).
    :param level: The root logger's level when ``configure`` is True.
    :param stream: Where the handler writes (default: standard error).
    """
    ids = RequestIds.create(header, trust_incoming)
    if not isinstance(logger, str) or not logger:
        raise PluginError(f"request_logging(logger={logger!r}): give a logger name.")
    if not isinstance(configure, bool):
        raise PluginError(f"request_logging(configure={configure!r}): takes True or False.")
    if isinstance(level, str):
        level = level.upper()
    if (
        isinstance(level, bool)
        or not isinstance(logging.getLevelName(level), (str, int))
        or (isinstance(level, str) and not isinstance(logging.getLevelName(level), int))
    ):
        raise PluginError(f"request_logging(level={level!r}): not a logging level such as 'INFO'.")
    return RequestLoggingPlugin(ids, logger, configure, level, stream)
