"""The logging page: every sample runs and does what docs/plugins/logging.md says."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/logging.md"
SAMPLES = ROOT / "docs/src/logging"

Load = Callable[[str], ModuleType]


def included() -> list[str]:
    return re.findall(r'--8<-- "([^"]+)"', PAGE.read_text())


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The samples configure logging for the process; undo it after each test."""
    root, access = logging.getLogger(), logging.getLogger("pegboard.access")
    saved = [(lg, list(lg.handlers), lg.level) for lg in (root, access)]
    yield
    for logger, handlers, level in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


def test_page_and_samples_stay_in_step():
    samples = included()
    this_file = Path(__file__).read_text()
    for sample in samples:
        assert (ROOT / sample).is_file(), sample
    for path in sorted(SAMPLES.glob("*.py")):
        relative = str(path.relative_to(ROOT))
        assert relative in samples, f"{relative} is on no page"
        assert relative in this_file, f"{relative} is not exercised here"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", PAGE.read_text(), flags=re.S):
        assert block.strip().startswith("--8<--"), f"inline Python {block[:60]!r}"


def test_enabling_it(load_sample: Load, capsys: pytest.CaptureFixture[str]):
    app = load_sample("docs/src/logging/app.py").app
    client = TestClient(app, raise_server_exceptions=False, client=("203.0.113.9", 52344))
    order = client.get("/orders/7")
    failed = client.post("/orders")
    health = client.get("/health")
    lines = [r for r in json_lines(capsys.readouterr().err) if r["logger"] != "httpx2"]
    rid = order.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    # The page's two lines, but for the time and the duration.
    shown = [json.loads(s) for s in re.findall(r"^\{.*?\}$", page_json(), flags=re.S | re.M)]
    for line, expected in zip(lines[:2], shown, strict=True):
        assert set(line) == set(expected)
        for key in set(expected) - {"time", "duration_ms", "request_id"}:
            assert line[key] == expected[key], key
        assert line["request_id"] == rid
    assert failed.status_code == 500
    assert failed.json() == {"detail": "Internal Server Error"}
    assert "x-request-id" not in health.headers
    error, access = lines[2:]
    assert (error["logger"], error["message"]) == (
        "pegboard.access.errors",
        "Unhandled error in POST /orders",
    )
    assert "RuntimeError: payment service down" in error["exc_info"]
    assert error["request_id"] == access["request_id"] == failed.headers["x-request-id"]
    assert (access["message"], access["status"]) == ("POST /orders 500", 500)


def page_json() -> str:
    block = PAGE.read_text().split("```json\n", 1)[1].split("```", 1)[0]
    return block.replace("\n ", " ")


def test_trusted_proxies(load_sample: Load):
    app = load_sample("docs/src/logging/proxies.py").app
    given = {"X-Correlation-ID": "lb-7f3a"}
    balancer = TestClient(app, client=("10.20.0.5", 4000)).get("/", headers=given)
    assert balancer.headers["x-correlation-id"] == "lb-7f3a"
    outsider = TestClient(app, client=("198.51.100.7", 4000)).get("/", headers=given)
    assert re.fullmatch(r"[0-9a-f]{32}", outsider.headers["x-correlation-id"])


def test_your_own_logging_setup(load_sample: Load, capsys: pytest.CaptureFixture[str]):
    handlers = list(logging.getLogger().handlers)
    app = load_sample("docs/src/logging/dictconfig.py").app
    assert logging.getLogger().handlers == handlers  # configure=False: root untouched
    rid = TestClient(app).get("/").headers["x-request-id"]
    (line,) = json_lines(capsys.readouterr().out)
    assert (line["logger"], line["message"], line["request_id"]) == (
        "pegboard.access",
        "GET / 200",
        rid,
    )
