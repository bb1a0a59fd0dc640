"""The hook this plugin adds, so that other plugins can choose how ids are made."""

from collections.abc import Callable

from pegboard import App
from pegboard.hookspecs import hookspec


class Hooks:
    @hookspec(firstresult=True)
    def pegboard_requestid_generator(self, app: App) -> Callable[[], str] | None:
        """Return the function that makes new request ids for ``app``.

        Called once per app, when it is created. Stops at the first non-None result.
        Implement it with ``@hookimpl(optionalhook=True)``, so that your plugin still
        loads in apps without this one.
        """
