from pegboard import App, PluginInfo, hookimpl


class Audit:
    """Logs who changed what; it reads the user from a dependency, so it needs di."""

    plugin_info = PluginInfo(name="audit", requires=("di",))

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        app.state.audit_log = []


def audit() -> Audit:
    return Audit()
