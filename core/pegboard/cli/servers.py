"""The servers ``pegboard run`` and ``pegboard dev`` start: uvicorn or granian.

One :class:`ServerSettings` holds what the command line chose; each server gets it
translated into its own settings. The limits a client can abuse (slow heads, large
heads, idle connections, many connections, large WebSocket messages) are set here
with safe defaults; which server enforces which is in ``docs/security-defaults.md``.
"""

from __future__ import annotations

import errno
import socket
import sys
from pathlib import Path
from typing import Any, Literal

import attrs
import click

__all__ = ["SERVERS", "ServerSettings", "check_port", "serve"]

ServerName = Literal["uvicorn", "granian"]

#: Each server and the extra that installs it.
SERVERS: dict[str, str] = {"uvicorn": "server", "granian": "granian"}


@attrs.frozen
class ServerSettings:
    """What to serve, where, and with which limits (times in seconds, sizes in bytes)."""

    server: ServerName = "uvicorn"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    reload: bool = False
    log_level: str = "info"
    root_path: str = ""
    factory: bool = False
    #: uvicorn's HTTP/1.1 parser: h11 bounds the request head, httptools is faster.
    http: Literal["h11", "httptools"] = "h11"
    header_timeout: float = 10.0
    keep_alive_timeout: int = 5
    max_header_size: int = 32 * 1024
    max_connections: int = 1000
    #: None: the app's ``max_body_size`` (filled in by ``pegboard run``).
    ws_max_size: int | None = None
    #: Also show the app's own loggers (root logger) at this level; None leaves them.
    app_log_level: str | None = None
    #: The server's access log: None is the server's default (uvicorn on, granian
    #: off); ``pegboard run`` sets False when the app writes its own (``ACCESS_LOG``).
    access_log: bool | None = None


def require_server(name: str) -> None:
    """Fail with the extra to install when the chosen server is missing."""
    try:
        __import__(name)
    except ImportError:
        raise click.ClickException(
            f"Serving with {name} needs the {name} package. Install it with: "
            f"pip install 'pegboard[{SERVERS[name]}]'"
        ) from None


def check_port(host: str, port: int) -> None:
    """Fail before the app starts if another process holds ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"Port {port} on {host} is already in use (another server, or an earlier "
                f"pegboard run still running?). Stop it, or pick another port: "
                f"--port {port + 1}"
            ) from None
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc.strerror}") from None
    finally:
        probe.close()


def serve(settings: ServerSettings, import_string: str, app_dir: str, app: Any) -> None:
    """Start the server; ``app`` is the imported app, served as is by a single process."""
    if settings.server == "granian":
        _serve_granian(settings, import_string, app_dir)
    else:
        _serve_uvicorn(settings, import_string, app_dir, app)


# -- uvicorn ------------------------------------------------------------------------


def uvicorn_options(settings: ServerSettings) -> dict[str, Any]:
    """``uvicorn.Config`` keyword arguments for ``settings``."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "reload": settings.reload,
        "log_level": settings.log_level,
        "root_path": settings.root_path,
        "factory": settings.factory,
        "http": settings.http,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "limit_concurrency": settings.max_connections,
        "h11_max_incomplete_event_size": settings.max_header_size,
    }
    if settings.ws_max_size is not None:
        options["ws_max_size"] = settings.ws_max_size
    if settings.app_log_level is not None:
        options["log_config"] = _uvicorn_log_config(settings.app_log_level)
    if settings.access_log is not None:
        options["access_log"] = settings.access_log
    return options


def _uvicorn_log_config(level: str) -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG, "loggers": dict(LOGGING_CONFIG["loggers"])}
    # The app's own loggers go to uvicorn's default handler, at ``level``.
    config["root"] = {"handlers": ["default"], "level": level.upper()}
    return config


def _serve_uvicorn(settings: ServerSettings, import_string: str, app_dir: str, app: Any) -> None:
    import uvicorn

    options = uvicorn_options(settings)
    if settings.workers > 1:
        _serve_uvicorn_workers(import_string, app_dir=app_dir, **options)
    elif settings.reload:
        uvicorn.run(import_string, app_dir=app_dir, **options)
    else:
        # Already imported (and checked) here: serve that object, not a second import.
        uvicorn.run(app, **{**options, "factory": False})


def _serve_uvicorn_workers(import_string: str, *, app_dir: str, **options: Any) -> None:
    """Run uvicorn's multi-process supervisor, and fail if a worker could not start.

    ``uvicorn.run`` stops the workers when one fails to start (a plugin's startup
    raised, say) but then exits 0, which a process manager reads as a clean stop.
    """
    from uvicorn import Config
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    config = Config(import_string, **options)
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise SystemExit(STARTUP_FAILURE)


# -- granian ------------------------------------------------------------------------


def granian_options(settings: ServerSettings, app_dir: str) -> dict[str, Any]:
    """``granian.Granian`` keyword arguments for ``settings``."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings, HTTP2Settings
    from granian.log import LogLevels

    # hyper needs a read buffer of at least 8 KiB; the head must fit in it.
    buffer = max(8192, settings.max_header_size)
    options: dict[str, Any] = {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.ASGI,
        "workers": settings.workers,
        "reload": settings.reload,
        "log_level": LogLevels(settings.log_level.lower()),
        "factory": settings.factory,
        "working_dir": Path(app_dir),
        "backpressure": settings.max_connections,
        "http1_settings": HTTP1Settings(
            header_read_timeout=max(1, min(60_000, round(settings.header_timeout * 1000))),
            keep_alive=settings.keep_alive_timeout > 0,
            max_buffer_size=buffer,
        ),
        "http2_settings": HTTP2Settings(max_headers_size=settings.max_header_size),
    }
    if settings.root_path:
        options["url_path_prefix"] = settings.root_path
    if settings.access_log is not None:
        options["log_access"] = settings.access_log
    if settings.reload:
        options["reload_paths"] = [Path(app_dir)]
    if settings.app_log_level is not None:
        options["log_dictconfig"] = {
            "version": 1,
            "disable_existing_loggers": False,
            # Merged into granian's own config, whose console handler this reuses.
            "root": {"level": settings.app_log_level.upper(), "handlers": ["console"]},
        }
    return options


def _serve_granian(settings: ServerSettings, import_string: str, app_dir: str) -> None:
    from granian import Granian

    module, _, attr = import_string.partition(":")
    # granian resolves the module against the working folder; name it by its path.
    target = f"{Path(app_dir, module)}:{attr}"
    Granian(target, **granian_options(settings, app_dir)).serve()
