"""The yardstick's floor: CI fails when fewer of FastAPI's tutorial tests pass."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.tutorials import check_floor


def summary(behaviour: int, document: int) -> dict[str, object]:
    return {
        "kinds": {
            "behaviour": {"total": 1000, "passed": behaviour},
            "document": {"total": 300, "passed": document},
        }
    }


def test_fewer_passes_than_the_floor_fail(tmp_path: Path):
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"behaviour": 900, "document": 10}))
    assert check_floor(summary(900, 10), floor, raise_floor=False) == 0
    assert check_floor(summary(899, 50), floor, raise_floor=False) == 1
    assert check_floor(summary(950, 9), floor, raise_floor=False) == 1


def test_the_floor_only_rises(tmp_path: Path):
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"behaviour": 900, "document": 10}))
    assert check_floor(summary(950, 8), floor, raise_floor=True) == 1
    assert json.loads(floor.read_text()) == {"behaviour": 950, "document": 10}


def test_the_committed_floor_is_what_the_results_show():
    # The floor is raised from a real run, whose report is committed beside it.
    root = Path(__file__).resolve().parents[2] / "benchmarks"
    floor = json.loads((root / "tutorials-floor.json").read_text())
    results = json.loads((root / "results" / "tutorials.json").read_text())["kinds"]
    assert floor["behaviour"] <= results["behaviour"]["passed"]
    assert floor["document"] <= results["document"]["passed"]
