"""Metrics of one process kept in plain numbers, read by a collector at scrape time.

prometheus_client's ``Counter``, ``Histogram`` and ``Gauge`` take a lock and check
their state on every update, which cost a measured route about as much as the core's
whole request path (benchmarks/observability.py). An observer's callbacks are
synchronous and run on the event loop's thread, so on one loop no two of them
interleave and plain additions are enough; :class:`LocalMetrics`, a prometheus_client
custom collector, turns the numbers into the same metric families at scrape time,
from copies (a scrape runs in another thread). An app served by several event loops
in threads of one process at once could lose an update to a race; servers run one
loop per process.

Multi-process mode needs prometheus_client's own metrics, whose values live in
files every worker writes (see :mod:`pegboard_prometheus.metrics`).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterator, Sequence

from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from pegboard import Exchange, Request
from pegboard_prometheus.labels import status_label

__all__ = ["LocalMetrics", "LocalRecorder"]

_perf_counter = time.perf_counter
_bisect = bisect.bisect_left


class LocalRecorder:
    """The numbers of one route template; its first three methods run per request.

    ``tallies[(method, status)]`` is one list: the sum of the durations, then the
    number of requests per histogram bucket (not cumulative; the last is ``+Inf``).
    """

    __slots__ = ("bounds", "route", "running", "tallies")

    def __init__(self, route: str, bounds: Sequence[float]) -> None:
        self.route = route
        self.bounds = tuple(bounds[:-1])  # the finite ones; +Inf is the last slot
        self.running: dict[str, int] = {}
        self.tallies: dict[tuple[str, int | None], list[float]] = {}

    def started(self, request: Request) -> float:
        """Per request (``RouteObserver.started``): count it in progress; return the time."""
        method = request.scope["method"]
        running = self.running
        running[method] = running.get(method, 0) + 1
        return _perf_counter()

    def finished(self, exchange: Exchange) -> None:
        """Per request (``RouteObserver.finished``): out of progress, counted and timed."""
        elapsed = _perf_counter() - exchange.state
        method = exchange.request.scope["method"]
        self.running[method] -= 1
        # record(), inlined: this runs on every request of every measured route.
        key = (method, exchange.status_code)
        tally = self.tallies.get(key)
        if tally is None:
            tally = self.tallies[key] = [0.0] * (len(self.bounds) + 2)
        tally[0] += elapsed
        tally[_bisect(self.bounds, elapsed) + 1] += 1

    def record(self, method: str, status: int | None, started: float) -> None:
        """Per request: count and time it under the status sent."""
        elapsed = _perf_counter() - started
        tally = self.tallies.get((method, status))
        if tally is None:
            tally = self.tallies[(method, status)] = [0.0] * (len(self.bounds) + 2)
        tally[0] += elapsed
        tally[_bisect(self.bounds, elapsed) + 1] += 1


class LocalMetrics(Collector):
    """The plugin's three metrics for every route recorded in this process."""

    def __init__(self, namespace: str, buckets: Sequence[float]) -> None:
        self.namespace = namespace
        self.buckets = tuple(buckets)
        self._recorders: dict[str, LocalRecorder] = {}

    def recorder(self, route: str, methods: Sequence[str] = ()) -> LocalRecorder:
        """Build time: the recorder of ``route``, shared by every app using these metrics."""
        found = self._recorders.get(route)
        if found is None:
            found = self._recorders[route] = LocalRecorder(route, self.buckets)
        for method in methods:
            found.running.setdefault(method, 0)
        return found

    def _families(self) -> tuple[CounterMetricFamily, HistogramMetricFamily, GaugeMetricFamily]:
        prefix = f"{self.namespace}_" if self.namespace else ""
        labels = ["method", "route", "status"]
        return (
            CounterMetricFamily(
                f"{prefix}requests",
                "HTTP requests answered, by method, route template and status sent.",
                labels=labels,
            ),
            HistogramMetricFamily(
                f"{prefix}request_duration_seconds",
                "Time from the request reaching its route to the end of its response.",
                labels=labels,
            ),
            GaugeMetricFamily(
                f"{prefix}requests_in_progress",
                "HTTP requests being answered right now, by method and route template.",
                labels=["method", "route"],
            ),
        )

    def describe(self) -> Iterator[Metric]:
        # Lets the registry refuse names already taken, without collecting.
        return iter(self._families())

    def collect(self) -> Iterator[Metric]:
        requests, duration, in_progress = self._families()
        names = [floatToGoString(b) for b in self.buckets]  # type: ignore[no-untyped-call]
        # Copies, each made in one step: the event loop's thread may add keys meanwhile.
        for route, recorder in list(self._recorders.items()):
            for (method, status), tally in list(recorder.tallies.items()):
                values = list(tally)
                labels = [method, route, status_label(status)]
                cumulative, total = [], 0.0
                for name, count in zip(names, values[1:], strict=True):
                    total += count
                    cumulative.append((name, total))
                requests.add_metric(labels, total)
                duration.add_metric(labels, cumulative, values[0])
            for method, running in sorted(recorder.running.copy().items()):
                in_progress.add_metric([method, route], running)
        return iter((requests, duration, in_progress))
