"""The plugin's three metrics in a registry, and the recorder each route updates.

Build time: :func:`metrics_for` creates (or finds again) the metrics of a registry
and namespace; :func:`route_observer` makes the observer of one route from its
recorder. Per request only the recorder's ``started`` and ``finished`` run.

Two kinds of metrics answer the same names and labels: :class:`LocalMetrics` (plain
numbers in this process, the default) and, in prometheus_client's multi-process
mode, :class:`LibraryMetrics`, prometheus_client's own ``Counter``, ``Histogram`` and
``Gauge``, whose values every worker writes to files.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from pegboard import Exchange, PluginError, Request, RouteObserver
from pegboard_prometheus.labels import status_label
from pegboard_prometheus.local import LocalMetrics

__all__ = ["LibraryMetrics", "Metrics", "Recorder", "metrics_for", "route_observer"]


class Recorder(Protocol):
    """What updates the metrics of one route template."""

    def started(self, request: Request) -> float: ...
    def finished(self, exchange: Exchange) -> None: ...
    def record(self, method: str, status: int | None, started: float) -> None: ...


class Metrics(Protocol):
    """The metrics of one registry and namespace."""

    def recorder(self, route: str, methods: Sequence[str] = ()) -> Recorder: ...


class LibraryRecorder:
    """Updates prometheus_client's metrics for one route template (multi-process mode).

    Label children are cached per (method, status): after the first request of each
    kind, a request costs two dict lookups and four metric updates.
    """

    __slots__ = ("_done", "_metrics", "_running", "route")

    def __init__(self, metrics: LibraryMetrics, route: str, methods: Sequence[str]) -> None:
        """Build time: look up the in-progress children of the route's methods."""
        self._metrics = metrics
        self.route = route
        self._running = {m: metrics.in_progress.labels(m, route) for m in methods}
        self._done: dict[tuple[str, int | None], tuple[Counter, Histogram]] = {}

    def started(self, request: Request) -> float:
        """Per request (``RouteObserver.started``): count it in progress; return the time."""
        method = request.scope["method"]
        gauge = self._running.get(method)
        if gauge is None:
            gauge = self._running[method] = self._metrics.in_progress.labels(method, self.route)
        gauge.inc()
        return time.perf_counter()

    def finished(self, exchange: Exchange) -> None:
        """Per request (``RouteObserver.finished``): out of progress, counted and timed."""
        method = exchange.request.scope["method"]
        self._running[method].dec()
        self.record(method, exchange.status_code, exchange.state)

    def record(self, method: str, status: int | None, started: float) -> None:
        """Per request: count and time it under the status sent."""
        elapsed = time.perf_counter() - started
        children = self._done.get((method, status))
        if children is None:
            label = status_label(status)
            children = self._done[(method, status)] = (
                self._metrics.requests.labels(method, self.route, label),
                self._metrics.duration.labels(method, self.route, label),
            )
        children[0].inc()
        children[1].observe(elapsed)


class LibraryMetrics:
    """prometheus_client's ``Counter``, ``Histogram`` and ``Gauge``, as the plugin names them.

    :ivar requests: ``<namespace>_requests_total{method, route, status}``.
    :ivar duration: ``<namespace>_request_duration_seconds{method, route, status}``.
    :ivar in_progress: ``<namespace>_requests_in_progress{method, route}``, summed over
        the live workers in multi-process mode.
    """

    def __init__(
        self, registry: CollectorRegistry, namespace: str, buckets: Sequence[float]
    ) -> None:
        labels = ("method", "route", "status")
        self.requests = Counter(
            "requests",
            "HTTP requests answered, by method, route template and status sent.",
            labels,
            namespace=namespace,
            registry=registry,
        )
        self.duration = Histogram(
            "request_duration_seconds",
            "Time from the request reaching its route to the end of its response.",
            labels,
            namespace=namespace,
            registry=registry,
            buckets=buckets,
        )
        self.in_progress = Gauge(
            "requests_in_progress",
            "HTTP requests being answered right now, by method and route template.",
            ("method", "route"),
            namespace=namespace,
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._recorders: dict[str, LibraryRecorder] = {}

    def recorder(self, route: str, methods: Sequence[str] = ()) -> LibraryRecorder:
        """Build time: the recorder of ``route``."""
        found = self._recorders.get(route)
        if found is None:
            found = self._recorders[route] = LibraryRecorder(self, route, methods)
        return found


# registry -> (namespace, buckets, multi-process) -> metrics. Several apps in one
# process (tests, an app per tenant) share one registry's metrics instead of failing
# on duplicate names.
_CREATED: weakref.WeakKeyDictionary[
    CollectorRegistry, dict[tuple[str, tuple[float, ...], bool], Metrics]
] = weakref.WeakKeyDictionary()


def metrics_for(
    registry: CollectorRegistry,
    namespace: str,
    buckets: Sequence[float],
    *,
    multiprocess: bool = False,
) -> Metrics:
    """The metrics named after ``namespace`` in ``registry``, created on first use (build time)."""
    key = (namespace, tuple(buckets), multiprocess)
    known = _CREATED.setdefault(registry, {})
    if key in known:
        return known[key]
    made: Metrics
    try:
        if multiprocess:
            made = LibraryMetrics(registry, namespace, key[1])
        else:
            local = LocalMetrics(namespace, key[1])
            registry.register(local)
            made = local
    except ValueError as exc:  # a name taken in the registry, by other buckets or code
        raise PluginError(
            f"prometheus(namespace={namespace!r}): {exc}. Metrics of that name already "
            "exist in the registry with other settings. Give this app another "
            "namespace= or its own registry=CollectorRegistry()."
        ) from None
    known[key] = made
    return made


def route_observer(metrics: Metrics, route: str, methods: Sequence[str]) -> RouteObserver:
    """The observer of one route (build time): its recorder's own methods, no call between."""
    recorder = metrics.recorder(route, methods)
    return RouteObserver(recorder.finished, started=recorder.started)
