import time
from collections import Counter

from pegboard import (
    App,
    Exchange,
    PluginInfo,
    Request,
    RouteInfo,
    RouteObserver,
    RouteOption,
    hookimpl,
)


class Metrics:
    """Counts and times the responses of the routes marked ``metrics=True``."""

    plugin_info = PluginInfo(
        name="metrics",
        route_options=(RouteOption("metrics", help="True: count and time its responses."),),
    )

    def __init__(self) -> None:
        # (method, route template, status) -> responses; template -> total seconds.
        self.responses: Counter[tuple[str, str, int | None]] = Counter()
        self.seconds: Counter[str] = Counter()

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver | None:
        if not route.option("metrics", False):
            return None  # compiled as if the plugin did not exist: no cost
        template = route.path  # "/items/{item_id}", not the path requested

        def started(request: Request) -> float:
            return time.perf_counter()  # handed back as exchange.state

        def finished(exchange: Exchange) -> None:
            key = (exchange.request.method, template, exchange.status_code)
            self.responses[key] += 1
            self.seconds[template] += time.perf_counter() - exchange.state

        return RouteObserver(finished, started=started)


def metrics() -> Metrics:
    return Metrics()
