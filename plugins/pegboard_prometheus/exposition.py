"""Serving the metrics: the ``/metrics`` route, a separate port, and multi-process mode.

In multi-process mode (``PROMETHEUS_MULTIPROC_DIR`` set, as prometheus_client
documents it) every worker writes its values to files in that directory and any
worker's scrape adds up all of them, so ``pegboard run --workers N`` shows one
consistent set of metrics whichever worker answers.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from collections.abc import Callable
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from pegboard import PluginError, Request, Response

__all__ = [
    "MULTIPROC_ENV",
    "MetricsServer",
    "exposed_registry",
    "metrics_endpoint",
    "multiprocess_dir",
    "worker_exited",
]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

log = logging.getLogger("pegboard_prometheus")


def multiprocess_dir() -> str | None:
    """The multi-process directory, checked, or None when the mode is off (build time)."""
    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        return None
    if not os.path.isdir(path) or not os.access(path, os.W_OK):
        raise PluginError(
            f"{MULTIPROC_ENV}={path!r} is not a writable directory. Create it (empty) "
            f"before starting the server: mkdir -p {path}"
        )
    return path


def exposed_registry(registry: CollectorRegistry, multiproc_dir: str | None) -> CollectorRegistry:
    """What a scrape reads: ``registry``, or in multi-process mode every worker's files."""
    if multiproc_dir is None:
        return registry
    combined = CollectorRegistry()
    MultiProcessCollector(combined, path=multiproc_dir)  # type: ignore[no-untyped-call]
    return combined


def metrics_endpoint(registry: CollectorRegistry) -> Callable[[Request], Response]:
    """The handler of the ``/metrics`` route (build time).

    Sync, so the pegboard core runs it in the thread pool: in multi-process mode a
    scrape reads files.
    """

    def metrics(request: Request) -> Response:
        encode, media_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(registry), media_type=media_type)

    return metrics


class MetricsServer:
    """prometheus_client's HTTP server on its own port, started and stopped with the app."""

    def __init__(self, port: int, addr: str, registry: CollectorRegistry, shared: bool) -> None:
        self.port = port
        self.addr = addr
        self.registry = registry
        self.shared = shared
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            self._server, self._thread = start_http_server(
                self.port, self.addr, registry=self.registry
            )
        except OSError as exc:
            if self.shared and exc.errno == errno.EADDRINUSE:
                # Multi-process mode: another worker serves the same, combined metrics.
                log.info("metrics port %s is served by another worker", self.port)
                return
            raise PluginError(
                f"prometheus(port={self.port}): cannot listen on {self.addr}:{self.port} "
                f"({exc.strerror}). Choose a free port."
            ) from None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None


def worker_exited(multiproc_dir: str | None) -> None:
    """On shutdown in multi-process mode: drop this worker's in-progress gauge files."""
    if multiproc_dir is not None:
        mark_process_dead(os.getpid(), multiproc_dir)  # type: ignore[no-untyped-call]
