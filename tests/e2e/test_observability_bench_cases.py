"""The tracing and logging cases of benchmarks/observability.py build and answer."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest

from benchmarks.inprocess import call
from benchmarks.observability import PLAIN, VARIANTS

CASES = [
    "opentelemetry",
    "opentelemetry_sampled_10",
    "opentelemetry_no_sdk",
    "opentelemetry_no_provider",
    "opentelemetry_opted_out",
    "sdk_span_only",
    "starlette_otel_middleware",
    "logging",
    "logging_opted_out",
    "server_access_line",
]


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    # The logging cases configure the root logger; later tests expect it untouched.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("name", CASES)
def test_case_answers_like_the_plain_route(name: str):
    app = VARIANTS[name].build()
    exchange = asyncio.run(call(app, {}, PLAIN))
    assert exchange.status == 200
    assert json.loads(b"".join(exchange.chunks)) == {"message": "hello"}


def test_run_variants_serve_what_they_compare():
    from benchmarks.observability import RUN_VARIANTS, SERVED_APPS
    from pegboard import ACCESS_LOG

    apps = {name: SERVED_APPS[variant.app]() for name, variant in RUN_VARIANTS.items()}
    # pegboard run keeps uvicorn's access log unless the app writes its own.
    assert ACCESS_LOG in apps["logging_plugin"].stash
    assert ACCESS_LOG not in apps["server_access_log"].stash
    assert RUN_VARIANTS["server_access_log"].options == ()
    assert RUN_VARIANTS["no_access_log"].options == ("--no-access-log",)
    for app in apps.values():
        exchange = asyncio.run(call(app, {}, PLAIN))
        assert exchange.status == 200


def test_floor_times_each_piece_next_to_the_route():
    from benchmarks.observability import Settings, measure_floor, render_floor

    result = measure_floor(Settings(requests=20, repeats=1, warmup=5))
    assert set(result["rows"]) >= {
        "plain route (core app, in process)",
        "log record, the plugin's JSON access record",
        "SDK span, the plugin's attributes and status",
    }
    assert all(us > 0 for us in result["rows"].values())
    assert "| SDK span, no attributes |" in render_floor(result)
