from pegboard import PluginInfo, RouteOption
from pegboard.testing import TestClient


class Labels:
    """A tiny plugin that only declares a route option."""

    plugin_info = PluginInfo(name="labels", route_options=(RouteOption("label"),))


def test_route_option_is_accepted(make_app):
    app = make_app(Labels())  # exactly these plugins, nothing else

    @app.get("/", label="home")
    async def home() -> str:
        return "home"

    assert app.plugins == ["labels"]
    assert TestClient(app).get("/").json() == "home"
