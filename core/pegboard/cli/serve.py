"""``pegboard run`` and ``pegboard dev``: serve an app with uvicorn or granian.

Before a server starts, the app is imported here, so a broken app is reported in
pegboard's words, and the port is checked, so "address in use" comes before the
app's startup runs. On a terminal, one line says where the app and its docs are.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import attrs
import click
from starlette.routing import Route as StarletteRoute

from pegboard.applications import App
from pegboard.cli.apps import find_app, load_app, traceback_option
from pegboard.cli.servers import (
    SERVERS,
    ServerName,
    ServerSettings,
    check_port,
    require_server,
    serve,
)
from pegboard.observers import ACCESS_LOG

__all__ = ["dev", "run"]

_DEFAULTS = ServerSettings()

app_argument = click.argument("app", required=False)
host_option = click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to bind."
)
port_option = click.option(
    "--port", default=8000, show_default=True, type=int, help="Port to bind."
)
factory_option = click.option(
    "--factory", is_flag=True, help="APP is a function returning the app."
)
server_option = click.option(
    "--server",
    type=click.Choice(list(SERVERS)),
    default="uvicorn",
    show_default=True,
    help="uvicorn (pegboard[server]) or granian (pegboard[granian]).",
)

_LIMITS_HELP = f"""
Limits against abusive clients (per worker process):

\b
  --header-timeout   {_DEFAULTS.header_timeout:g} s to send the request head;
                     granian only: uvicorn has no such timeout.
  --keep-alive       {_DEFAULTS.keep_alive_timeout} s before an idle connection is closed
                     (granian: the header timeout; 0 turns keep-alive off).
  --max-header-size  {_DEFAULTS.max_header_size} bytes of request head: a larger one
                     is refused (uvicorn: with --http h11 only; httptools has
                     no limit). Header count: granian refuses more than 100;
                     uvicorn has no count limit, only the size.
  --max-connections  {_DEFAULTS.max_connections} requests at once (uvicorn: connections),
                     then 503.
  --ws-max-size      the app's max_body_size: a larger WebSocket message
                     closes the socket with 1009 (uvicorn only).

No server here times out a slow request body; see docs/security-defaults.md.
"""


def _limit_options(command: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--http",
                type=click.Choice(["h11", "httptools"]),
                default=_DEFAULTS.http,
                show_default=True,
                help="uvicorn's HTTP/1.1 parser: h11 bounds the head, httptools is faster.",
            ),
            click.option(
                "--header-timeout",
                type=click.FloatRange(min=0.001, max=60),
                default=_DEFAULTS.header_timeout,
                show_default=True,
                help="Seconds to receive a request head (granian).",
            ),
            click.option(
                "--keep-alive",
                "keep_alive",
                type=click.IntRange(min=0),
                default=_DEFAULTS.keep_alive_timeout,
                show_default=True,
                help="Seconds an idle connection stays open.",
            ),
            click.option(
                "--max-header-size",
                type=click.IntRange(min=1024),
                default=_DEFAULTS.max_header_size,
                show_default=True,
                help="Largest request head in bytes.",
            ),
            click.option(
                "--max-connections",
                type=click.IntRange(min=1),
                default=_DEFAULTS.max_connections,
                show_default=True,
                help="Requests served at once per worker; more get 503.",
            ),
            click.option(
                "--ws-max-size",
                type=click.IntRange(min=1),
                default=None,
                help="Largest WebSocket message in bytes.  [default: the app's max_body_size]",
            ),
        ]
    ):
        command = option(command)
    return command


def ws_limit(app: Any, explicit: int | None) -> int:
    """The WebSocket message limit: as given, else the app's body limit."""
    if explicit is not None:
        return explicit
    if isinstance(app, App):
        limit = app.router.route_options.get("max_body_size")
        if isinstance(limit, int):
            return limit
    return 16 * 1024 * 1024  # uvicorn's own default, for max_body_size=None


def _docs_paths(app: Any) -> list[str]:
    """Paths of the app's docs pages and OpenAPI document, as the docs plugins name them."""
    paths = []
    for route in getattr(app, "routes", ()):
        name = getattr(route, "name", "") or ""
        if isinstance(route, StarletteRoute) and (name.endswith("_html") or name == "openapi"):
            paths.append(route.path)
    return paths


def banner(settings: ServerSettings, import_string: str, app: Any) -> str:
    """Where the app is served and where its docs are, in two short lines."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    base = f"http://{host}:{settings.port}"
    workers = f", {settings.workers} workers" if settings.workers > 1 else ""
    lines = [f"pegboard: serving {import_string} at {base} ({settings.server}{workers})"]
    docs = _docs_paths(app)
    if docs:
        lines.append("          docs: " + "  ".join(base + path for path in docs))
    return "\n".join(lines)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def start(app_spec: str | None, settings: ServerSettings, *, show_traceback: bool) -> None:
    """Check everything that can be checked here, then hand over to the server."""
    require_server(settings.server)
    import_string, app_dir = find_app(app_spec)
    before = set(sys.modules)
    app = load_app(app_spec, factory=settings.factory, show_traceback=show_traceback)
    check_port(settings.host, settings.port)
    settings = _with_app_limits(settings, app)
    if is_terminal():
        click.echo(banner(settings, import_string, app))
    if settings.reload:
        # Workers forked from this process (granian's) must import the code afresh.
        _forget_modules(set(sys.modules) - before, app_dir)
    serve(settings, import_string, app_dir, app)


def _forget_modules(names: set[str], app_dir: str) -> None:
    """Drop the app's own modules (those under ``app_dir``) from ``sys.modules``."""
    prefix = app_dir.rstrip(os.sep) + os.sep
    for name in names:
        path = getattr(sys.modules.get(name), "__file__", None) or ""
        if path.startswith(prefix):
            del sys.modules[name]


def _with_app_limits(settings: ServerSettings, app: Any) -> ServerSettings:
    access_log = settings.access_log
    if access_log is None and isinstance(app, App) and ACCESS_LOG in app.stash:
        access_log = False  # a plugin writes the access log; the server's would repeat it
    return attrs.evolve(
        settings, ws_max_size=ws_limit(app, settings.ws_max_size), access_log=access_log
    )


@click.command(epilog=_LIMITS_HELP)
@app_argument
@host_option
@port_option
@factory_option
@server_option
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart when code changes.")
@click.option("--log-level", default="info", show_default=True)
@click.option("--root-path", default="", help="Prefix the app is served under by a proxy.")
@click.option(
    "--access-log/--no-access-log",
    default=None,
    help="The server's access log.  [default: uvicorn's on, granian's off; off when a "
    "plugin of the app writes one, such as logging]",
)
@_limit_options
@traceback_option
def run(
    app: str | None,
    host: str,
    port: int,
    factory: bool,
    server: ServerName,
    workers: int,
    reload: bool,
    log_level: str,
    root_path: str,
    access_log: bool | None,
    http: Any,
    header_timeout: float,
    keep_alive: int,
    max_header_size: int,
    max_connections: int,
    ws_max_size: int | None,
    show_traceback: bool,
) -> None:
    """Serve APP (default: main.py or app.py) with uvicorn or granian."""
    if workers > 1 and reload:
        raise click.UsageError("--reload and --workers cannot be combined.")
    settings = ServerSettings(
        server=server,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=log_level,
        root_path=root_path,
        factory=factory,
        access_log=access_log,
        http=http,
        header_timeout=header_timeout,
        keep_alive_timeout=keep_alive,
        max_header_size=max_header_size,
        max_connections=max_connections,
        ws_max_size=ws_max_size,
    )
    start(app, settings, show_traceback=show_traceback)


@click.command()
@app_argument
@host_option
@port_option
@factory_option
@server_option
@traceback_option
def dev(
    app: str | None, host: str, port: int, factory: bool, server: ServerName, show_traceback: bool
) -> None:
    """Serve APP for development: reload on change, debug logging (the server's and the
    app's own loggers), on 127.0.0.1 unless --host says otherwise."""
    settings = ServerSettings(
        server=server,
        host=host,
        port=port,
        reload=True,
        log_level="debug",
        factory=factory,
        app_log_level="debug",
    )
    start(app, settings, show_traceback=show_traceback)
