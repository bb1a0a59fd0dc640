"""The JSON formatter: orjson's speed, without losing what only the standard library writes."""

from __future__ import annotations

import io
import json
import logging
import sys

from pegboard_logging import json_formatter
from pegboard_logging.output import JsonLinesHandler


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("shop", logging.INFO, __file__, 1, "sold %s", ("tea",), None)
    record.__dict__.update(extra)
    return record


def test_a_line_is_one_json_object_with_renamed_fields():
    line = json_formatter().format(_record(order=7, note="thé"))
    data = json.loads(line)
    assert "\n" not in line
    assert {k: data[k] for k in ("level", "logger", "message", "order", "note")} == {
        "level": "INFO",
        "logger": "shop",
        "message": "sold tea",
        "order": 7,
        "note": "thé",
    }
    assert "time" in data


def test_what_orjson_refuses_is_still_written():
    # orjson refuses integers beyond 64 bits; the line must not turn into a
    # "--- Logging error ---" traceback on standard error.
    data = json.loads(json_formatter().format(_record(big=2**70, ids={1: "a"})))
    assert data["big"] == 2**70
    assert data["ids"] == {"1": "a"}


def _library_formatter() -> logging.Formatter:
    """python-json-logger's own formatter, set up for the same fields."""
    from pythonjsonlogger.orjson import OrjsonFormatter

    return OrjsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def test_lines_are_what_python_json_logger_writes():
    try:
        raise ValueError("boom")
    except ValueError:
        failure = sys.exc_info()
    records = [
        _record(request_id="r1", status=200, _private="hidden", note="thé"),
        logging.LogRecord("shop", logging.ERROR, __file__, 1, "failed", (), failure),
        logging.LogRecord("shop", logging.INFO, __file__, 1, {"order": 7, "paid": True}, (), None),
        logging.LogRecord("shop", logging.INFO, __file__, 1, "here", (), None, sinfo="Stack:"),
    ]
    ours, library = json_formatter(), _library_formatter()
    for record in records:
        expected = json.loads(library.format(record))
        record.exc_text = None  # the library does not cache it; the standard library does
        line = ours.format(record)
        assert list(json.loads(line)) == list(expected)  # same fields, same order
        assert json.loads(line) == expected


def test_the_time_is_the_standard_librarys_across_seconds():
    ours, plain = json_formatter(), logging.Formatter()
    for created in (1_800_000_000.25, 1_800_000_000.999, 1_800_000_001.0, 1_799_999_999.5):
        record = _record()
        record.created, record.msecs = created, int((created - int(created)) * 1000) + 0.0
        assert json.loads(ours.format(record))["time"] == plain.formatTime(record)


def test_the_handler_filters_and_answers_as_a_stream_handler():
    ours, stock = JsonLinesHandler(io.StringIO()), logging.StreamHandler(io.StringIO())
    for handler in (ours, stock):
        handler.setFormatter(json_formatter())
    passed = _record()
    assert ours.handle(passed) == stock.handle(passed)  # True, or the record on 3.12+
    for handler in (ours, stock):
        handler.addFilter(lambda record: record.levelno > logging.INFO)
    assert ours.handle(_record()) == stock.handle(_record())
    assert ours.stream.getvalue() == stock.stream.getvalue()
    assert len(ours.stream.getvalue().splitlines()) == 1
