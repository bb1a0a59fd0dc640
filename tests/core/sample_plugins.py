"""Small plugins used by the core's tests, importable by entry-point value."""

from __future__ import annotations

from typing import Any

from pegboard import PluginInfo, RouteOption, hookimpl


class Recorder:
    """Records the lifecycle hooks it sees in a shared list."""

    def __init__(
        self, name: str = "recorder", events: list[str] | None = None, **info: Any
    ) -> None:
        self.plugin_info = PluginInfo(name=name, **info)
        self.events = [] if events is None else events

    @hookimpl
    def pegboard_configure(self, app: Any) -> None:
        self.events.append(f"{self.plugin_info.name}:configure")

    @hookimpl
    async def pegboard_startup(self, app: Any) -> None:
        self.events.append(f"{self.plugin_info.name}:startup")

    @hookimpl
    def pegboard_shutdown(self, app: Any) -> None:
        self.events.append(f"{self.plugin_info.name}:shutdown")


class Tagger:
    """Declares a route option, like a third-party plugin would."""

    plugin_info = PluginInfo(
        name="tagger", version="1.2", route_options=(RouteOption("flavour", "replace"),)
    )


def tagger() -> Tagger:
    return Tagger()
