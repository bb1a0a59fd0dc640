"""The three metrics, created once per registry and label set, and how one request updates them.

Build time: :func:`metrics_for` creates (or finds again) the counter, histogram and
gauge in a registry; :func:`route_observer` makes the observer of one route, with the
label children it will need looked up once. Per request: only the observer's two
small functions run (see :class:`RouteRecorder`).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence

import attrs
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from pegboard import Exchange, PluginError, Request, RouteObserver

__all__ = ["DISCONNECTED", "UNMATCHED", "Metrics", "metrics_for", "route_observer"]

#: The ``route`` label of requests that matched no route (``unmatched=True``).
UNMATCHED = "<unmatched>"
#: The ``status`` label of requests whose client left before any response was sent.
DISCONNECTED = "disconnected"


@attrs.frozen(eq=False)
class Metrics:
    """The plugin's metrics in one registry.

    :ivar requests: ``<namespace>_requests_total{method, route, status}``.
    :ivar duration: ``<namespace>_request_duration_seconds{method, route, status}``.
    :ivar in_progress: ``<namespace>_requests_in_progress{method, route}``.
    """

    requests: Counter
    duration: Histogram
    in_progress: Gauge


# registry -> (namespace, buckets) -> metrics. Several apps in one process (tests, an
# app per tenant) share one registry's metrics instead of failing on duplicates.
_CREATED: weakref.WeakKeyDictionary[
    CollectorRegistry, dict[tuple[str, tuple[float, ...]], Metrics]
] = weakref.WeakKeyDictionary()


def metrics_for(registry: CollectorRegistry, namespace: str, buckets: Sequence[float]) -> Metrics:
    """The metrics named after ``namespace`` in ``registry``, created on first use (build time)."""
    key = (namespace, tuple(buckets))
    known = _CREATED.setdefault(registry, {})
    if key in known:
        return known[key]
    labels = ("method", "route", "status")
    try:
        made = Metrics(
            requests=Counter(
                "requests",
                "HTTP requests answered, by method, route template and status sent.",
                labels,
                namespace=namespace,
                registry=registry,
            ),
            duration=Histogram(
                "request_duration_seconds",
                "Time from the request reaching its route to the end of its response.",
                labels,
                namespace=namespace,
                registry=registry,
                buckets=key[1],
            ),
            in_progress=Gauge(
                "requests_in_progress",
                "HTTP requests being answered right now, by method and route template.",
                ("method", "route"),
                namespace=namespace,
                registry=registry,
                multiprocess_mode="livesum",
            ),
        )
    except ValueError as exc:  # a name taken in the registry, by other buckets or code
        raise PluginError(
            f"prometheus(namespace={namespace!r}): {exc}. Metrics of that name already "
            "exist in the registry with other settings. Give this app another "
            "namespace= or its own registry=CollectorRegistry()."
        ) from None
    known[key] = made
    return made


class RouteRecorder:
    """Updates the metrics for one route template; its methods run per request.

    Label children are cached per (method, status): after the first request of each
    kind, a request costs two dict lookups and four metric updates. Its methods are
    the observer's callbacks themselves, so no call sits in between.
    """

    __slots__ = ("_done", "_metrics", "_running", "route")

    def __init__(self, metrics: Metrics, route: str, methods: Sequence[str] = ()) -> None:
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
            label = DISCONNECTED if status is None else str(status)
            children = self._done[(method, status)] = (
                self._metrics.requests.labels(method, self.route, label),
                self._metrics.duration.labels(method, self.route, label),
            )
        children[0].inc()
        children[1].observe(elapsed)


def route_observer(metrics: Metrics, route: str, methods: Sequence[str]) -> RouteObserver:
    """The observer of one route (build time)."""
    recorder = RouteRecorder(metrics, route, methods)
    return RouteObserver(recorder.finished, started=recorder.started)
