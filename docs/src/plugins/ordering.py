from pegboard import App, PluginInfo, hookimpl

CALLS: list[str] = []


class Plugin:
    def __init__(self, name: str) -> None:
        self.plugin_info = PluginInfo(name=name)

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        CALLS.append(f"{self.plugin_info.name}: configure")

    @hookimpl
    def pegboard_startup(self, app: App) -> None:
        CALLS.append(f"{self.plugin_info.name}: startup")

    @hookimpl
    def pegboard_shutdown(self, app: App) -> None:
        CALLS.append(f"{self.plugin_info.name}: shutdown")


app = App(plugins=[Plugin("first"), Plugin("second")])
# CALLS == ["second: configure", "first: configure"]; serving adds
# ["first: startup", "second: startup", "second: shutdown", "first: shutdown"].
