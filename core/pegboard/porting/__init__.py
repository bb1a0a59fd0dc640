"""``pegboard port``: move a FastAPI project to pegboard by rewriting its source.

The porter changes FastAPI's imports into pegboard's, ``FastAPI(...)`` into
``App(plugins=[...])`` with only the plugins the project uses and each option in
the plugin that owns it, and reports every construct it cannot port with its
place and the pegboard way to write it. It needs ``libcst`` (``pip install
"pegboard[port]"``); ``import pegboard`` does not.

    from pegboard.porting import port_project
    project = port_project(["src/"])
    for ported in project.files:
        ported.path.write_text(ported.new)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from pegboard.porting.transform import Scan

__all__ = ["Note", "PortedFile", "Project", "port_project", "port_source", "python_files"]

_SKIPPED_DIRECTORIES = frozenset({".git", ".venv", "venv", "__pycache__", "node_modules", ".tox"})


@attrs.frozen
class Note:
    """A construct ``pegboard port`` could not port: where, what, and what to write."""

    line: int
    what: str
    advice: str

    def format(self, path: str | Path) -> str:
        return f"{path}:{self.line}: cannot port {self.what}: {self.advice}"


@attrs.frozen
class PortedFile:
    """One module: its source before and after, and what could not be ported in it."""

    path: Path
    old: str
    new: str
    notes: tuple[Note, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@attrs.frozen
class Project:
    """Every module of a project, ported together, and the plugins its app enables."""

    files: tuple[PortedFile, ...]
    plugins: frozenset[str]


def python_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.py`` files at ``paths``: files as given, folders searched recursively."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                file
                for file in path.rglob("*.py")
                if not _SKIPPED_DIRECTORIES.intersection(file.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"No such file or folder: {path}")
    return found


def port_source(source: str, *, compatible: bool = True) -> str:
    """Port one self-contained module and return its new source."""
    from pegboard.porting.transform import rewrite, scan

    found = scan(source)
    return rewrite(source, _app_plugins([found]), compatible=compatible)


def port_project(paths: Sequence[str | Path], *, compatible: bool = True) -> Project:
    """Port every module at ``paths`` as one project; nothing is written.

    The plugins are those the whole project uses, so an app created in one module
    enables what the routers of the others need. ``compatible`` turns on the
    documented settings under which pegboard answers and documents as FastAPI does.
    """
    from pegboard.porting.transform import rewrite, scan

    sources = {path: path.read_text(encoding="utf-8") for path in python_files(paths)}
    scans = {path: scan(source) for path, source in sources.items()}
    plugins = _app_plugins(scans.values())
    files = tuple(
        PortedFile(
            path,
            source,
            rewrite(source, plugins, compatible=compatible) if scans[path].uses_fastapi else source,
            scans[path].notes,
        )
        for path, source in sources.items()
    )
    return Project(files, plugins)


def _app_plugins(scans: Iterable[Scan]) -> frozenset[str]:
    plugins: set[str] = set()
    for found in scans:
        plugins |= found.plugins
    # FastAPI documents every app and serves both UIs; FastAPI(docs_url=None) and the
    # like leave them out of the App they configure.
    return frozenset(plugins | {"openapi", "swagger_ui", "redoc"})
