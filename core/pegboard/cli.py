"""The ``pegboard`` command line: serve apps, list routes and plugins.

Installed plugins add subcommands through ``pegboard_add_commands``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click
from starlette.routing import Mount
from starlette.routing import Route as StarletteRoute

from pegboard._version import __version__
from pegboard.applications import App
from pegboard.plugins import PluginManager, installed_plugins, load_plugin, plugin_info_of
from pegboard.routing import Route, WebSocketRoute

__all__ = ["cli", "find_app", "load_app", "main"]

_DEFAULT_FILES = ("main.py", "app.py")


def find_app(spec: str | None) -> tuple[str, str]:
    """Turn an APP argument into ``(module:attribute, directory to import from)``.

    Accepts ``module:attr``, ``module`` (attribute ``app``), ``path/to/file.py[:attr]``
    and, when ``spec`` is None, ``$PEGBOARD_APP`` or ``main.py``/``app.py`` here.
    """
    if spec is None:
        spec = os.environ.get("PEGBOARD_APP")
    if spec is None:
        for candidate in _DEFAULT_FILES:
            if Path(candidate).is_file():
                spec = candidate
                break
        else:
            raise click.UsageError(
                "No app given and no main.py or app.py here. Pass one, such as "
                "'pegboard run myproject.main:app' or 'pegboard run app.py'."
            )
    target, _, attr = spec.partition(":")
    attr = attr or "app"
    if target.endswith(".py") or os.sep in target:
        path = Path(target)
        if not path.is_file():
            raise click.UsageError(f"No such file: {target}")
        return f"{path.stem}:{attr}", str(path.resolve().parent)
    return f"{target}:{attr}", os.getcwd()


def load_app(spec: str | None, *, factory: bool = False) -> Any:
    """Import the app that :func:`find_app` names and return it."""
    import_string, app_dir = find_app(spec)
    module_name, attr = import_string.split(":")
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise click.UsageError(f"Cannot import {module_name!r}: {exc}") from exc
    try:
        app = getattr(module, attr)
    except AttributeError:
        raise click.UsageError(f"Module {module_name!r} has no attribute {attr!r}.") from None
    return app() if factory else app


def _require_pegboard_app(app: Any) -> App:
    if not isinstance(app, App):
        raise click.UsageError(f"Expected a pegboard App, got {type(app).__name__}.")
    return app


def _serve(app: str | None, *, factory: bool, **options: Any) -> None:
    try:
        import uvicorn
    except ImportError:
        raise click.ClickException(
            "Serving needs uvicorn. Install it with: pip install 'pegboard[server]'"
        ) from None
    import_string, app_dir = find_app(app)
    if options.get("workers", 1) > 1:
        _serve_workers(import_string, app_dir=app_dir, factory=factory, **options)
    else:
        uvicorn.run(import_string, app_dir=app_dir, factory=factory, **options)


def _serve_workers(import_string: str, *, app_dir: str, **options: Any) -> None:
    """Run uvicorn's multi-process supervisor, and fail if a worker could not start.

    ``uvicorn.run`` stops the workers when one fails to start (a plugin's startup
    raised, say) but then exits 0, which a process manager reads as a clean stop.
    """
    from uvicorn import Config
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    sys.path.insert(0, app_dir)
    config = Config(import_string, **options)
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise SystemExit(STARTUP_FAILURE)


@click.group()
@click.version_option(__version__, prog_name="pegboard")
def cli() -> None:
    """pegboard: a web microframework assembled from plugins."""


_app_argument = click.argument("app", required=False)
_host = click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
_port = click.option("--port", default=8000, show_default=True, type=int, help="Port to bind.")
_factory = click.option("--factory", is_flag=True, help="APP is a function returning the app.")


@cli.command()
@_app_argument
@_host
@_port
@_factory
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart when code changes.")
@click.option("--log-level", default="info", show_default=True)
@click.option("--root-path", default="", help="Prefix the app is served under by a proxy.")
def run(
    app: str | None,
    host: str,
    port: int,
    factory: bool,
    workers: int,
    reload: bool,
    log_level: str,
    root_path: str,
) -> None:
    """Serve APP with uvicorn (APP defaults to main.py or app.py)."""
    if workers > 1 and reload:
        raise click.UsageError("--reload and --workers cannot be combined.")
    _serve(
        app,
        factory=factory,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=log_level,
        root_path=root_path,
    )


@cli.command()
@_app_argument
@_host
@_port
@_factory
def dev(app: str | None, host: str, port: int, factory: bool) -> None:
    """Serve APP for development: reload on change, debug logging, localhost only."""
    _serve(app, factory=factory, host=host, port=port, reload=True, log_level="debug")


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
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
            rows.append(
                [
                    ",".join(sorted(route.methods or ())),
                    route.path,
                    route.name,
                    "(starlette route)",
                    "",
                    "",
                ]
            )
        elif isinstance(route, Mount):
            rows.append(
                ["MOUNT", route.path or "/", route.name or "", type(route.app).__name__, "", ""]
            )
    return rows


def _app_default(app: App, option: str) -> Any:
    return app.router.route_options.get(option)


@cli.command()
@_app_argument
@_factory
def routes(app: str | None, factory: bool) -> None:
    """List APP's routes with their handlers, parameters and options."""
    click.echo(_table(route_rows(_require_pegboard_app(load_app(app, factory=factory)))))


@cli.command()
@_app_argument
@_factory
def plugins(app: str | None, factory: bool) -> None:
    """List installed plugins and, given APP, which of them it enables."""
    enabled: list[str] = []
    if app is not None:
        enabled = _require_pegboard_app(load_app(app, factory=factory)).plugins
    rows = [["NAME", "VERSION", "ENABLED", "ROUTE OPTIONS", "FROM"]]
    for name, entry_point in sorted(installed_plugins().items()):
        try:
            info = plugin_info_of(load_plugin(name), name)
            options = ",".join(o.name for o in info.route_options)
            version = info.version
        except Exception as exc:  # show broken plugins instead of failing the listing
            options, version = f"(failed to load: {exc})", "?"
        state = "yes" if name in enabled else ("no" if app else "-")
        rows.append([name, version, state, options, entry_point.value])
    for name in enabled:
        if name not in installed_plugins():
            rows.append([name, "", "yes", "", "(not installed; enabled as an object)"])
    click.echo(_table(rows))


def _parse_context(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> dict[str, str]:
    context: dict[str, str] = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}.")
        context[key.strip()] = answer
    return context


def _new_command(template: str, help: str) -> click.Command:
    @click.command(template, help=help)
    @click.option(
        "-o",
        "--output-dir",
        default=".",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder to create the new folder in.",
    )
    @click.option(
        "--no-input", is_flag=True, help="Do not prompt; use defaults and --extra-context."
    )
    @click.option(
        "--extra-context",
        "extra_context",
        multiple=True,
        metavar="KEY=VALUE",
        callback=_parse_context,
        help="Answer a prompt (repeatable), e.g. --extra-context package_name=shop.",
    )
    @click.option("--overwrite", is_flag=True, help="Write into the folder if it exists.")
    def command(
        output_dir: Path, no_input: bool, extra_context: dict[str, str], overwrite: bool
    ) -> None:
        from pegboard.scaffold import TemplateError, generate

        try:
            created = generate(
                template,
                output_dir,
                no_input=no_input,
                extra_context=extra_context,
                overwrite=overwrite,
            )
        except TemplateError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Created {created}")

    return command


@cli.group()
def new() -> None:
    """Start a new project or plugin from pegboard's templates (needs pegboard[new])."""


new.add_command(
    _new_command(
        "project",
        "Create an app: package, routes, settings, tests, Dockerfile. Asks which plugins "
        "to enable.",
    )
)
new.add_command(
    _new_command(
        "plugin",
        "Create a third-party plugin, pegboard-NAME, with its entry point, tests and README.",
    )
)


def _add_plugin_commands(group: click.Group, names: Iterable[str]) -> None:
    pm = PluginManager()
    for name in names:
        try:
            pm.register(load_plugin(name), name=name)
        except Exception:  # `pegboard plugins` shows why; other commands stay quiet
            continue
    pm.hook.pegboard_add_commands(cli=group)


def main(argv: Sequence[str] | None = None) -> Any:
    """Entry point of the ``pegboard`` script."""
    _add_plugin_commands(cli, installed_plugins())
    return cli.main(args=argv, prog_name="pegboard")
