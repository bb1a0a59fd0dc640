"""The access record is made cheaply, and is still the record logging would have made."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import App
from pegboard_logging import records, request_logging
from pegboard_logging.context import install_record_factory, request_id
from pegboard_logging.records import AccessRecords

from .conftest import Lines, in_child

EXTRA = ("method", "status")
MOMENT = {"created", "msecs", "relativeCreated"}


@pytest.fixture
def factory() -> Iterator[None]:
    """The plugin's record factory over logging's; whatever was there is put back."""
    saved = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    install_record_factory()
    yield
    logging.setLogRecordFactory(saved)


def both(made: AccessRecords, logger: logging.Logger) -> tuple[logging.LogRecord, ...]:
    """The access record, and the one makeRecord makes meanwhile, in one asyncio task."""
    extra = {"method": "GET", "status": 200}

    async def make() -> tuple[logging.LogRecord, ...]:
        token = request_id.set("rid-1")  # as while the plugin's observer runs
        try:
            fast = made.make("GET /x 200", "rid-1", extra)
            slow = logger.makeRecord(
                logger.name, logging.INFO, records.__file__, 0, "GET /x 200", (), None,
                "access log", extra,
            )  # fmt: skip
        finally:
            request_id.reset(token)
        return fast, slow

    return asyncio.run(make())


def test_the_access_record_is_the_one_make_record_makes(factory: None):
    logger = logging.getLogger("test.records")
    made = AccessRecords(logger, logging.INFO, "access log", EXTRA)
    assert made.factory is logging.getLogRecordFactory()  # the cheap way is taken
    fast, slow = both(made, logger)
    assert type(fast) is logging.LogRecord
    assert list(fast.__dict__) == list(slow.__dict__)  # same fields, same order
    same = {key: value for key, value in slow.__dict__.items() if key not in MOMENT}
    assert {key: fast.__dict__[key] for key in same} == same  # thread, process, task...
    assert fast.request_id == "rid-1"  # type: ignore[attr-defined]
    assert 0 <= slow.created - fast.created < 1
    elapsed_ms = (slow.created - fast.created) * 1000
    assert abs(slow.relativeCreated - fast.relativeCreated - elapsed_ms) < 1
    assert fast.msecs == int((fast.created - int(fast.created)) * 1000)
    assert fast.getMessage() == "GET /x 200"


def test_a_factory_installed_later_makes_the_records(factory: None, lines: Lines):
    app = App(plugins=[request_logging(stream=lines)])
    app.add_api_route("/x", lambda: "ok")
    client = TestClient(app)
    client.get("/x")  # compiled while the plugin's factory is the factory
    ours = logging.getLogRecordFactory()

    def tagging(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = ours(*args, **kwargs)
        record.tagged = True
        return record

    logging.setLogRecordFactory(tagging)
    rid = client.get("/x").headers["x-request-id"]
    first, second = lines.records("pegboard.access")
    assert "tagged" not in first
    assert second["tagged"] is True
    assert second["request_id"] == rid


def test_a_logger_class_of_its_own_makes_the_records(factory: None):
    class Counting(logging.Logger):
        made = 0

        def makeRecord(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
            Counting.made += 1
            return super().makeRecord(*args, **kwargs)

    logger = Counting("test.counting")
    made = AccessRecords(logger, logging.INFO, "access log", EXTRA)
    assert made.factory is None
    Counting.made = 0
    fast, _ = both(made, logger)
    assert Counting.made == 2
    assert fast.request_id == "rid-1"  # type: ignore[attr-defined]


def test_the_apps_handlers_and_filters_get_the_access_records(lines: Lines):
    got: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = got.append  # type: ignore[method-assign]
    access = logging.getLogger("test.access")
    access.addHandler(handler)
    quiet: Callable[[logging.LogRecord], bool] = lambda record: record.status != 204  # type: ignore[attr-defined]  # noqa: E731
    access.addFilter(quiet)
    try:
        app = App(plugins=[request_logging(stream=lines, logger="test.access")])
        app.add_api_route("/x", lambda: "ok")
        app.add_api_route("/none", lambda: None, status_code=204)
        client = TestClient(app, client=("203.0.113.9", 4711))
        rid = client.get("/x").headers["x-request-id"]
        client.get("/none")
    finally:
        access.removeHandler(handler)
        access.removeFilter(quiet)
    (record,) = got
    assert isinstance(record, logging.LogRecord)
    assert record.getMessage() == "GET /x 200"
    assert (record.request_id, record.status, record.route) == (rid, 200, "/x")  # type: ignore[attr-defined]
    assert record.client == "203.0.113.9:4711"  # type: ignore[attr-defined]
    assert [line["status"] for line in lines.records("test.access")] == [200]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_worker_logs_its_own_process_id(factory: None):
    made = AccessRecords(logging.getLogger("test.fork"), logging.INFO, "access log", EXTRA)

    def report() -> str:
        record = made.make("GET /x 200", "rid", {"method": "GET", "status": 200})
        return f"{os.getpid()} {record.process}"

    child, seen, logged = in_child(report).split()
    assert child == seen == logged
