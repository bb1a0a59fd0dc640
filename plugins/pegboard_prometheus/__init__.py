"""pegboard_prometheus: Prometheus metrics for a pegboard app, on prometheus_client.

Enable it with ``App(plugins=[prometheus()])`` (or by the name ``"prometheus"``).
Each HTTP route is watched through the core's ``pegboard_route_observer`` hook:
requests are counted and timed by method, route template and the status the client
was sent, and counted while in progress; the metrics are served at ``/metrics``.
"""

from pegboard_prometheus.labels import DISCONNECTED, UNMATCHED
from pegboard_prometheus.metrics import Metrics
from pegboard_prometheus.plugin import (
    DEFAULT_BUCKETS,
    STATE_KEY,
    PrometheusPlugin,
    PrometheusSettings,
    PrometheusState,
    prometheus,
)

__all__ = [
    "DEFAULT_BUCKETS",
    "DISCONNECTED",
    "STATE_KEY",
    "UNMATCHED",
    "Metrics",
    "PrometheusPlugin",
    "PrometheusSettings",
    "PrometheusState",
    "prometheus",
]
