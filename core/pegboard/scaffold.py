"""``pegboard new``: new projects and plugins from the cookiecutter templates pegboard ships.

The templates live in the repository's ``cookiecutter/`` folder, and in an installed
pegboard under ``pegboard/_templates/`` (the wheel copies them there). cookiecutter is
an optional dependency, the ``new`` extra, imported only when a template is rendered.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pegboard._version import __version__
from pegboard.exceptions import ConfigurationError

__all__ = ["TEMPLATES", "TemplateError", "default_context", "generate", "template_dir"]

#: The templates ``pegboard new`` knows, by the name given on the command line.
TEMPLATES = ("project", "plugin")

_PACKAGE = Path(__file__).resolve().parent


class TemplateError(ConfigurationError):
    """A template cannot be found or rendered; the message says what to do."""


def template_dir(name: str) -> Path:
    """The folder of template ``name``: shipped in the package, or in a source checkout."""
    if name not in TEMPLATES:
        raise TemplateError(f"No template {name!r}; pegboard has {', '.join(TEMPLATES)}.")
    # An installed wheel has them next to this module; an editable install of a
    # checkout (core/pegboard) finds them at the top of the repository.
    candidates = [_PACKAGE / "_templates" / name, _PACKAGE.parent.parent / "cookiecutter" / name]
    for candidate in candidates:
        if (candidate / "cookiecutter.json").is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise TemplateError(
        f"pegboard's {name!r} template is missing (looked in {searched}). "
        "Reinstall pegboard: pip install --force-reinstall 'pegboard[new]'."
    )


def default_context(name: str) -> dict[str, Any]:
    """Answers pegboard fills in before prompting: its version and, for apps, this Python."""
    context: dict[str, Any] = {"_pegboard_version": __version__}
    python = "{}.{}".format(*sys.version_info[:2])
    if name == "project" and python in ("3.10", "3.11", "3.12", "3.13"):
        # Offered first (still asked): an app runs on the Python it was made with.
        # A plugin keeps the template's default, the oldest Python pegboard supports.
        context["python_version"] = python
    return context


def generate(
    name: str,
    output_dir: Path | str = ".",
    *,
    no_input: bool = False,
    extra_context: Mapping[str, Any] | None = None,
    overwrite: bool = False,
) -> Path:
    """Render template ``name`` into ``output_dir`` and return the new folder.

    ``extra_context`` answers prompts (``{"package_name": "shop", "security": "no"}``);
    with ``no_input`` the remaining ones take their defaults. Raises
    :class:`TemplateError` if cookiecutter is missing, an answer is not valid for its
    prompt, or the template refuses the answers (its message says why).
    """
    try:
        from cookiecutter.exceptions import (  # type: ignore[import-untyped]
            CookiecutterException,
            FailedHookException,
            OutputDirExistsException,
        )
        from cookiecutter.main import cookiecutter  # type: ignore[import-untyped]
    except ImportError:
        raise TemplateError(
            "'pegboard new' needs cookiecutter. Install it with: pip install 'pegboard[new]'"
        ) from None
    template = template_dir(name)
    context = {**default_context(name), **(extra_context or {})}
    # cookiecutter logs a traceback when a hook refuses; the hook's message says enough.
    hook_logger = logging.getLogger("cookiecutter.hooks")
    hook_logger.disabled = True
    try:
        with _scratch_tempdir():
            project = cookiecutter(
                str(template),
                no_input=no_input,
                extra_context=context,
                output_dir=str(output_dir),
                overwrite_if_exists=overwrite,
            )
    except FailedHookException:
        # The template's hook printed what is wrong with the answers.
        raise TemplateError(f"The {name} template refused these answers (see above).") from None
    except OutputDirExistsException as exc:
        raise TemplateError(f"{exc}. Choose another name or folder, or overwrite it.") from None
    except (CookiecutterException, ValueError) as exc:
        raise TemplateError(f"Cannot generate the {name}: {exc}") from None
    finally:
        hook_logger.disabled = False
    created = Path(project)
    # Installers do not all keep the executable bit of package data; the scripts need it.
    for script in (created / "scripts").glob("*"):
        if not script.name.startswith("_"):
            script.chmod(script.stat().st_mode | 0o111)
    return created


@contextmanager
def _scratch_tempdir() -> Iterator[None]:
    """Send temporary files to a folder removed afterwards.

    cookiecutter copies each hook script to a temporary file and never deletes it
    (cookiecutter#886), so every generated project would leave one behind in /tmp.
    """
    saved = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="pegboard-new-") as scratch:
        tempfile.tempdir = scratch
        try:
            yield
        finally:
            tempfile.tempdir = saved
