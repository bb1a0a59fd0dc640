"""The JSON formatter: orjson's speed, without losing what only the standard library writes."""

from __future__ import annotations

import json
import logging

from pegboard_logging import json_formatter


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
