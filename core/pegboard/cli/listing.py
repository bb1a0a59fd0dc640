"""``pegboard routes`` and ``pegboard plugins``: an app's routes and the installed plugins.

``pegboard plugins`` fits 100 columns: its route options wrap.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from starlette.routing import Mount
from starlette.routing import Route as StarletteRoute

from pegboard.applications import App
from pegboard.cli.apps import load_app, require_pegboard_app, traceback_option
from pegboard.plugins import installed_plugins, load_plugin, plugin_info_of
from pegboard.routing import Route, WebSocketRoute

__all__ = ["plugins", "route_rows", "routes", "table"]

WIDTH = 100


def table(rows: Sequence[Sequence[str]], width: int | None = None, wrap: int = -1) -> str:
    """Rows as aligned columns; with ``width``, column ``wrap`` wraps to fit it."""
    count = len(rows[0])
    wrap %= count
    widths = [max(len(row[i]) for row in rows) for i in range(count)]
    if width is not None:
        others = sum(w for i, w in enumerate(widths) if i != wrap) + 2 * (count - 1)
        widths[wrap] = min(widths[wrap], max(20, width - others))
    lines = []
    for index, row in enumerate(rows):
        pieces = textwrap.wrap(row[wrap], widths[wrap], break_on_hyphens=False) or [""]
        for number, piece in enumerate(pieces):
            cells = [
                (piece if i == wrap else (cell if number == 0 else ""))
                for i, cell in enumerate(row)
            ]
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _format_option(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_format_option(v) for v in value) + "]"
    text = getattr(value, "__name__", None) or repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def route_rows(app: App) -> list[list[str]]:
    """The rows of ``pegboard routes``: method, path, name, handler, params, options."""
    app.build()
    rows = [["METHOD", "PATH", "NAME", "HANDLER", "PARAMS", "OPTIONS"]]
    for route in app.routes:
        if isinstance(route, (Route, WebSocketRoute)):
            info = route.info
            methods = "WS" if info.kind == "websocket" else ",".join(sorted(info.methods))
            endpoint = info.endpoint
            handler = f"{endpoint.__module__}.{getattr(endpoint, '__qualname__', endpoint)}"
            compiled = route.compiled
            params = ""
            if compiled is not None:
                params = " ".join(f"{n}:{r.label or '?'}" for n, r in compiled.arguments.items())
            options = " ".join(
                f"{k}={_format_option(v)}"
                for k, v in sorted(info.options.items())
                if k not in ("max_body_size", "response_class") or v != _app_default(app, k)
            )
            rows.append([methods, info.path, info.name, handler, params, options])
        elif isinstance(route, StarletteRoute):
            methods = ",".join(sorted(route.methods or ()))
            rows.append([methods, route.path, route.name, "(starlette route)", "", ""])
        elif isinstance(route, Mount):
            rows.append(
                ["MOUNT", route.path or "/", route.name or "", type(route.app).__name__, "", ""]
            )
    return rows


def _app_default(app: App, option: str) -> Any:
    return app.router.route_options.get(option)


_app_argument = click.argument("app", required=False)
_factory = click.option("--factory", is_flag=True, help="APP is a function returning the app.")


@click.command()
@_app_argument
@_factory
@traceback_option
def routes(app: str | None, factory: bool, show_traceback: bool) -> None:
    """List APP's routes with their handlers, parameters and options."""
    loaded = load_app(app, factory=factory, show_traceback=show_traceback)
    click.echo(table(route_rows(require_pegboard_app(loaded))))


def _default_app_exists() -> bool:
    return "PEGBOARD_APP" in os.environ or any(
        Path(name).is_file() for name in ("main.py", "app.py")
    )


@click.command()
@_app_argument
@_factory
@traceback_option
def plugins(app: str | None, factory: bool, show_traceback: bool) -> None:
    """List installed plugins and which of them APP enables.

    APP defaults to main.py or app.py when there is one; otherwise only the installed
    plugins are listed.
    """
    enabled: list[str] | None = None
    if app is not None or _default_app_exists():
        loaded = load_app(app, factory=factory, show_traceback=show_traceback)
        enabled = require_pegboard_app(loaded).plugins
    rows = [["NAME", "VERSION", "ENABLED", "ROUTE OPTIONS", "FROM"]]
    installed = installed_plugins()
    for name, entry_point in sorted(installed.items()):
        try:
            info = plugin_info_of(load_plugin(name), name)
            options = ", ".join(o.name for o in info.route_options)
            version = info.version
        except Exception as exc:  # show broken plugins instead of failing the listing
            options, version = f"(failed to load: {type(exc).__name__}: {exc})", "?"
        state = "-" if enabled is None else ("yes" if name in enabled else "no")
        rows.append([name, version, state, options, entry_point.value])
    for name in enabled or ():
        if name not in installed:
            rows.append([name, "", "yes", "", "(not installed; enabled as an object)"])
    click.echo(table(rows, width=WIDTH, wrap=3))
