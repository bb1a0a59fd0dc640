"""Finding and importing the app a command names, with errors in pegboard's voice.

A mistake in the app's code (a syntax error, an exception at import) is shown as
the file, line and message; the full traceback only with ``--traceback`` (or
``PEGBOARD_TRACEBACK=1``), because the frames of importlib say nothing useful.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from pegboard.applications import App

__all__ = ["AppError", "find_app", "load_app", "require_pegboard_app", "traceback_option"]

_DEFAULT_FILES = ("main.py", "app.py")


class AppError(click.ClickException):
    """The app could not be imported because of its own code (exit status 1)."""


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


def _wants_traceback(explicit: bool) -> bool:
    return explicit or os.environ.get("PEGBOARD_TRACEBACK", "") not in ("", "0")


def _where(exc: BaseException, app_dir: str) -> str:
    """``File "x.py", line 3`` of the deepest frame in the app's own files."""
    if isinstance(exc, SyntaxError):
        return "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename.startswith(app_dir + os.sep)] or frames[-1:]
    lines = []
    if own:
        frame = own[-1]
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line}")
    lines.append(f"{type(exc).__name__}: {exc}")
    return "\n".join(lines)


def load_app(spec: str | None, *, factory: bool = False, show_traceback: bool = False) -> Any:
    """Import the app that :func:`find_app` names and return it.

    An app whose module is missing is a usage error (exit 2); an app whose code fails
    is an :class:`AppError` showing where (exit 1), with the whole traceback when
    ``show_traceback`` or ``$PEGBOARD_TRACEBACK`` is set.
    """
    import_string, app_dir = find_app(spec)
    module_name, attr = import_string.split(":")
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name or module_name.startswith(f"{exc.name}."):
            raise click.UsageError(f"Cannot import {module_name!r}: {exc}") from exc
        raise _app_error(exc, f"Cannot import {module_name!r}", app_dir, show_traceback) from exc
    except Exception as exc:
        raise _app_error(exc, f"Cannot import {module_name!r}", app_dir, show_traceback) from exc
    try:
        app = getattr(module, attr)
    except AttributeError:
        raise click.UsageError(f"Module {module_name!r} has no attribute {attr!r}.") from None
    if not factory:
        return app
    try:
        return app()
    except Exception as exc:
        raise _app_error(exc, f"{module_name}:{attr}() failed", app_dir, show_traceback) from exc


def _app_error(exc: BaseException, what: str, app_dir: str, show_traceback: bool) -> AppError:
    if _wants_traceback(show_traceback):
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()
        return AppError(f"{what}:\n{detail}")
    return AppError(f"{what}:\n{_where(exc, app_dir)}\n(pass --traceback for the full traceback)")


def require_pegboard_app(app: Any) -> App:
    if not isinstance(app, App):
        raise click.UsageError(f"Expected a pegboard App, got {type(app).__name__}.")
    return app


traceback_option = click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help="Show the full traceback when the app fails to import.",
)
