"""Helpers for testing apps and plugins (the pytest fixtures live in ``pytest_plugin``).

The clients need the ``testing`` extra (``pip install "pegboard[testing]"``): importing
this module without it raises one error that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import click
import click.testing
from starlette.types import ASGIApp

from pegboard.applications import App
from pegboard.plugins import (
    CORE_INFO,
    PluginInfo,
    installed_plugins,
    load_plugin,
    plugin_info_of,
)

try:
    import httpx2
    from starlette.testclient import TestClient
except ModuleNotFoundError as exc:  # pragma: no cover - tested in a subprocess
    raise ModuleNotFoundError(
        f"pegboard.testing needs {exc.name!r}, which is not installed. Install the "
        'test clients with: pip install "pegboard[testing]"',
        name=exc.name,
    ) from None

__all__ = [
    "FIRST_PARTY",
    "AsyncTestClient",
    "TestClient",
    "check_plugin",
    "invoke_cli",
    "make_app",
]


class AsyncTestClient(httpx2.AsyncClient):
    """An async client that calls the app in process, for ``async def`` tests.

    An ``httpx2.AsyncClient`` on an ASGI transport. Like :class:`TestClient`, entering
    it with ``async with`` runs the app's lifespan around the block (your
    ``lifespan=``, the build, the plugins' startup and shutdown) and hands the
    lifespan's state to every request; without ``async with`` the lifespan does not run.
    ``raise_server_exceptions=False`` turns unhandled exceptions into the 500 response
    a client would see.
    """

    def __init__(
        self,
        app: ASGIApp,
        base_url: str = "http://testserver",
        *,
        raise_server_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("testclient", 50000),
        **kwargs: Any,
    ) -> None:
        try:
            from asgi_lifespan import LifespanManager
        except ModuleNotFoundError:
            raise ModuleNotFoundError(
                "AsyncTestClient needs asgi-lifespan, which is not installed. Install the "
                'test clients with: pip install "pegboard[testing]"',
                name="asgi_lifespan",
            ) from None
        # No timeouts: a slow startup under a debugger is not a failure.
        self._lifespan = LifespanManager(app, startup_timeout=None, shutdown_timeout=None)
        transport = httpx2.ASGITransport(
            app=self._lifespan.app,
            raise_app_exceptions=raise_server_exceptions,
            root_path=root_path,
            client=client,
        )
        super().__init__(transport=transport, base_url=base_url, **kwargs)
        self.app = app

    async def __aenter__(self) -> AsyncTestClient:
        from asgi_lifespan import LifespanNotSupported

        try:
            await self._lifespan.__aenter__()
        except LifespanNotSupported as exc:
            # The app failed before its lifespan began (a route that cannot be
            # compiled, say): that error, not asgi-lifespan's guess about it.
            if exc.__cause__ is None:
                raise
            raise exc.__cause__ from None
        try:
            await super().__aenter__()
        except BaseException as exc:
            await self._lifespan.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc_value, traceback)
        finally:
            await self._lifespan.__aexit__(exc_type, exc_value, traceback)


def invoke_cli(*args: str, input: str | None = None) -> click.testing.Result:
    """Run the ``pegboard`` command in this process, as the shell would run it.

    The commands installed packages declare are there, as in ``pegboard --help``. Returns
    click's ``Result`` (``exit_code``, ``output``); exceptions other than click's
    propagate, so a broken command fails the test with its traceback.
    """
    from pegboard import cli as cli_module
    from pegboard.cli.plugin_commands import PluginCommandGroup

    # A copy, so commands loaded here never leak into the global group.
    group = PluginCommandGroup(
        name="pegboard",
        commands=dict(cli_module.cli.commands),
        callback=cli_module.cli.callback,
        params=list(cli_module.cli.params),
        help=cli_module.cli.help,
    )
    runner = click.testing.CliRunner()
    return runner.invoke(
        group, list(args), input=input, prog_name="pegboard", catch_exceptions=False
    )


def make_app(*plugins: object, **kwargs: Any) -> App:
    """An app with exactly ``plugins`` enabled: ``make_app(validation(), debug=True)``."""
    return App(plugins=list(plugins), **kwargs)


#: The first-party plugins, by installed name, that :func:`check_plugin` tries yours beside.
FIRST_PARTY = ("validation", "di", "security", "openapi", "swagger", "redoc", "scalar")


def check_plugin(
    factory: Callable[[], object],
    *,
    alongside: Sequence[str] = FIRST_PARTY,
) -> None:
    """Check a plugin the way pegboard checks its own.

    Builds an app with the plugin alone (plus what it requires), which validates its
    hook implementations against the hookspecs, and serves a request through it. Then,
    for each installed plugin named in ``alongside`` that works here without yours, it
    checks that no route option is declared twice and does the same beside it; finally
    with all of them at once. ``factory`` returns a fresh plugin object each call.
    Raises on the first problem.
    """
    info = plugin_info_of(factory())
    required = [load_plugin(name) for name in info.requires]
    _check_options(info, [plugin_info_of(p) for p in required])
    _serve_once([*required, factory()])
    available = installed_plugins()
    working: list[str] = []
    for name in alongside:
        if name == info.name or name in info.requires or name not in available:
            continue
        try:
            # The other plugin alone first: if it cannot serve here (say, its extra is
            # not installed), that is no fault of the plugin being checked.
            _serve_once(_with_requirements([name], ()))
        except Exception:
            continue
        others = _with_requirements([name], (*info.requires, info.name))
        _check_options(info, [plugin_info_of(p) for p in others])
        _serve_once([*required, *others, factory()])
        working.append(name)
    if len(working) > 1:
        others = _with_requirements(working, (*info.requires, info.name))
        _serve_once([*required, *others, factory()])


def _with_requirements(names: Sequence[str], exclude: Sequence[str]) -> list[object]:
    """Fresh plugin objects for ``names`` and what they require, minus ``exclude``."""
    loaded: dict[str, object] = {}

    def add(name: str) -> None:
        if name in loaded or name in exclude:
            return
        plugin = load_plugin(name)
        for required in plugin_info_of(plugin).requires:
            add(required)
        loaded[name] = plugin

    for name in names:
        add(name)
    return list(loaded.values())


def _check_options(info: PluginInfo, others: Sequence[PluginInfo]) -> None:
    mine = {option.name for option in info.route_options}
    for other in [CORE_INFO, *others]:
        shared = mine & {option.name for option in other.route_options}
        if shared:
            raise AssertionError(
                f"Plugin {info.name!r} declares route option(s) {sorted(shared)} that "
                f"{other.name!r} declares too; rename yours, e.g. prefixed with "
                f"'{info.name.replace('-', '_')}_'."
            )


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
