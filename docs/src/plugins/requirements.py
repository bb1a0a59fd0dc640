from pegboard import App, PluginError, PluginInfo


class Cache:
    plugin_info = PluginInfo(name="cache", version="1.0")


class Sessions:
    plugin_info = PluginInfo(name="sessions", version="2.1", requires=("cache",))


app = App(plugins=[Sessions(), Cache()])
assert app.plugins == ["cache", "sessions"]  # what a plugin requires comes first

try:
    App(plugins=[Sessions()])
except PluginError as exc:
    message = str(exc)
    # Plugin 'sessions' requires 'cache', which is not enabled.
    # Add cache() to App(plugins=[...]), before sessions().
