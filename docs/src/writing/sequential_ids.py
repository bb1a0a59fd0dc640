import itertools
from collections.abc import Callable

from pegboard import App, PluginInfo, hookimpl


class SequentialIds:
    """Predictable request ids (req-1, req-2, ...) for tests and local runs."""

    plugin_info = PluginInfo(name="sequential-ids")

    # optionalhook: this plugin still loads in apps without the requestid plugin.
    @hookimpl(optionalhook=True)
    def pegboard_requestid_generator(self, app: App) -> Callable[[], str]:
        counter = itertools.count(1)
        return lambda: f"req-{next(counter)}"
