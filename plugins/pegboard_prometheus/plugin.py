"""The Prometheus plugin object: its options, its hooks, and its per-app state."""

from __future__ import annotations

import logging
import math
import multiprocessing
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from prometheus_client import REGISTRY, CollectorRegistry, Histogram

from pegboard import (
    App,
    PluginError,
    PluginInfo,
    RouteDefinitionError,
    RouteInfo,
    RouteObserver,
    RouteOption,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard_prometheus.exposition import (
    MULTIPROC_ENV,
    MetricsServer,
    exposed_registry,
    metrics_endpoint,
    multiprocess_dir,
    worker_exited,
)
from pegboard_prometheus.metrics import Metrics, metrics_for, route_observer
from pegboard_prometheus.unmatched import UnmatchedMiddleware

__all__ = ["DEFAULT_BUCKETS", "PrometheusPlugin", "PrometheusSettings", "prometheus"]

#: prometheus_client's default latency buckets, in seconds.
DEFAULT_BUCKETS: tuple[float, ...] = tuple(Histogram.DEFAULT_BUCKETS)

ROUTE_OPTIONS = (RouteOption("metrics", "replace", "False: no Prometheus metrics for this route."),)

log = logging.getLogger("pegboard_prometheus")


@attrs.frozen
class PrometheusSettings:
    """The options of :func:`prometheus`, checked."""

    path: str | None
    port: int | None
    addr: str
    namespace: str
    buckets: tuple[float, ...]
    registry: CollectorRegistry
    unmatched: bool
    route_options: Mapping[str, Any]


@attrs.frozen(eq=False)
class PrometheusState:
    """What the plugin keeps per app, in ``app.stash[STATE_KEY]``.

    :ivar metrics: The counter, histogram and gauge.
    :ivar exposed: The registry a scrape reads.
    :ivar multiproc_dir: ``PROMETHEUS_MULTIPROC_DIR``, or None.
    :ivar server: The separate metrics server (``port=``), or None.
    """

    metrics: Metrics
    exposed: CollectorRegistry
    multiproc_dir: str | None
    server: MetricsServer | None


STATE_KEY: StashKey[PrometheusState] = StashKey("prometheus")


class PrometheusPlugin:
    """Counts, times and exposes every route's requests. Create it with :func:`prometheus`."""

    plugin_info = PluginInfo(
        name="prometheus",
        version=__version__,
        route_options=ROUTE_OPTIONS,
        description="Prometheus metrics per route template, served at /metrics.",
    )

    def __init__(self, settings: PrometheusSettings) -> None:
        self.settings = settings

    def __repr__(self) -> str:
        s = self.settings
        return f"PrometheusPlugin(path={s.path!r}, port={s.port!r}, namespace={s.namespace!r})"

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        s = self.settings
        directory = multiprocess_dir()
        metrics = metrics_for(
            s.registry, s.namespace, s.buckets, multiprocess=directory is not None
        )
        exposed = exposed_registry(s.registry, directory)
        server = None
        if s.port is not None:
            server = MetricsServer(s.port, s.addr, exposed, shared=directory is not None)
        app.stash[STATE_KEY] = PrometheusState(metrics, exposed, directory, server)
        if s.unmatched:
            app.add_middleware(UnmatchedMiddleware, metrics=metrics)
        if s.path is not None:
            options = {"metrics": False, **s.route_options, "include_in_schema": False}
            app.add_api_route(
                s.path, metrics_endpoint(exposed), methods=["GET"], name="metrics", **options
            )

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        value = route.options.get("metrics", True)
        if not isinstance(value, bool):
            raise RouteDefinitionError(
                f"Route {route.label}: metrics= must be True or False, got {value!r}."
            )

    @hookimpl
    def pegboard_route_observer(self, app: App, route: RouteInfo) -> RouteObserver | None:
        if not route.option("metrics", True):
            return None  # compiled as if the plugin were not enabled
        state = app.stash[STATE_KEY]
        methods = sorted(route.methods | ({"HEAD"} if "GET" in route.methods else set()))
        return route_observer(state.metrics, route.path, methods)

    @hookimpl
    def pegboard_startup(self, app: App) -> None:
        state = app.stash[STATE_KEY]
        if state.multiproc_dir is None and multiprocessing.parent_process() is not None:
            log.warning(
                "pegboard_prometheus runs in a worker process without %s: each worker "
                "counts on its own and a scrape shows one worker's numbers. Set %s to an "
                "empty directory before starting the workers.",
                MULTIPROC_ENV,
                MULTIPROC_ENV,
            )
        if state.server is not None:
            state.server.start()

    @hookimpl
    def pegboard_shutdown(self, app: App) -> None:
        state = app.stash[STATE_KEY]
        if state.server is not None:
            state.server.stop()
        worker_exited(state.multiproc_dir)


def prometheus(
    *,
    path: str | None = None,
    port: int | None = None,
    addr: str = "127.0.0.1",
    route_options: Mapping[str, Any] | None = None,
    namespace: str = "pegboard",
    buckets: Sequence[float] = DEFAULT_BUCKETS,
    registry: CollectorRegistry | None = None,
    unmatched: bool = False,
) -> PrometheusPlugin:
    """The Prometheus plugin: ``App(plugins=[prometheus()])``.

    Every HTTP route is counted, timed and tracked in progress, labelled by method,
    route template and the status sent; a route declared with ``metrics=False`` is
    left alone. The metrics are served at ``path``: ``"/metrics"`` by default, or not
    in the app at all when ``port`` is given (prometheus_client's own server then
    serves them on ``addr:port``; pass both to have both). ``route_options`` are
    route options for the ``path`` route (``dependencies=``, ``security=``,
    ``middleware=``, ...) to guard it; it is never in the OpenAPI document.
    ``namespace`` prefixes the metric names, ``buckets`` are the latency histogram's
    (seconds), ``registry`` is where the metrics live (prometheus_client's default
    one, so your own metrics are served too). ``unmatched=True`` also counts requests
    that match no route, as ``route="<unmatched>"``, through an app middleware.

    With ``PROMETHEUS_MULTIPROC_DIR`` set, metrics use prometheus_client's
    multi-process mode (see docs/plugins/prometheus.md).
    """
    if path is None and port is None:
        path = "/metrics"
    if path is not None and not path.startswith("/"):
        raise PluginError(f"prometheus(path={path!r}): the path must start with '/'.")
    if port is not None and (isinstance(port, bool) or not 0 < port < 65536):
        raise PluginError(f"prometheus(port={port!r}): give a TCP port, 1 to 65535.")
    if not buckets or any(isinstance(b, bool) or not isinstance(b, (int, float)) for b in buckets):
        raise PluginError(f"prometheus(buckets={buckets!r}): give a list of numbers of seconds.")
    ordered = tuple(float(b) for b in buckets if not math.isinf(b))
    if list(ordered) != sorted(set(ordered)) or not ordered:
        raise PluginError(
            f"prometheus(buckets={buckets!r}): the bounds must be finite and increasing."
        )
    if route_options is not None and not isinstance(route_options, Mapping):
        raise PluginError("prometheus(route_options=...): give a dict of route options.")
    return PrometheusPlugin(
        PrometheusSettings(
            path=path,
            port=port,
            addr=addr,
            namespace=namespace,
            buckets=(*ordered, math.inf),
            registry=REGISTRY if registry is None else registry,
            unmatched=unmatched,
            route_options=dict(route_options or {}),
        )
    )
