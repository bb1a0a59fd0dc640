"""Helpers for testing apps and plugins (the pytest fixtures live in ``pytest_plugin``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.testclient import TestClient

from pegboard.applications import App
from pegboard.plugins import installed_plugins, load_plugin, plugin_info_of

__all__ = ["TestClient", "check_plugin", "make_app"]


def make_app(*plugins: object, **kwargs: Any) -> App:
    """An app with exactly ``plugins`` enabled: ``make_app(validation(), debug=True)``."""
    return App(plugins=list(plugins), **kwargs)


def check_plugin(
    factory: Callable[[], object],
    *,
    alongside: Sequence[str] = ("validation", "di", "security", "openapi"),
) -> None:
    """Check a plugin the way pegboard checks its own.

    Builds an app with the plugin alone (plus what it requires), which validates its
    hook implementations against the hookspecs, serves a request through it, then does
    the same beside each installed, importable plugin named in ``alongside``.
    ``factory`` returns a
    fresh plugin object each call. Raises on the first problem.
    """
    plugin = factory()
    info = plugin_info_of(plugin)
    required = [load_plugin(name) for name in info.requires]
    _serve_once([*required, plugin])
    available = installed_plugins()
    for name in alongside:
        if name == info.name or name in info.requires or name not in available:
            continue
        try:
            extra = load_plugin(name)
        except ImportError:  # installed without its extra (e.g. no pydantic): nothing to check
            continue
        needs = [load_plugin(n) for n in plugin_info_of(extra).requires if n not in info.requires]
        needs = [p for p in needs if plugin_info_of(p).name != info.name]
        _serve_once([*required, *needs, extra, factory()])


def _serve_once(plugins: list[object]) -> None:
    app = App(plugins=plugins)

    @app.get("/__pegboard_check__")
    async def check() -> dict[str, bool]:
        return {"ok": True}

    with TestClient(app) as client:
        response = client.get("/__pegboard_check__")
    if response.status_code != 200 or response.json() != {"ok": True}:
        names = [plugin_info_of(p).name for p in plugins]
        raise AssertionError(
            f"With plugins {names}, a plain route answered {response.status_code}: {response.text}"
        )
