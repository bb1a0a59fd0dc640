"""What the hostile-input tests saw: one row per request, a table at the end of the run.

Tests call :func:`record`; the ``pytest_terminal_summary`` hook in this folder's
conftest prints :func:`table` (whether or not output is captured) and writes it to
:data:`REPORT_PATH`, so a CI log or a person can read the count tried and how each
category was answered, by which layer.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import attrs

__all__ = ["REPORT_PATH", "Outcome", "counts", "record", "record_count", "recorded", "table"]

REPORT_PATH = Path(tempfile.gettempdir()) / "pegboard-reliability" / "figures.txt"


@attrs.frozen
class Outcome:
    category: str
    #: Who answered: "app (in-process)", "app", "server" or "closed", with the server.
    layer: str
    name: str
    #: The status, or None when the connection was closed without an answer.
    status: int | None


_OUTCOMES: list[Outcome] = []
_COUNTS: dict[str, int] = {}


def record(category: str, layer: str, name: str, status: int | None) -> None:
    _OUTCOMES.append(Outcome(category, layer, name, status))


def recorded() -> list[Outcome]:
    return list(_OUTCOMES)


def record_count(label: str, count: int) -> None:
    """A figure for the summary that is not a hostile request (schemathesis calls, say)."""
    _COUNTS[label] = count


def counts() -> dict[str, int]:
    return dict(_COUNTS)


def _statuses(counts: Counter[int | None]) -> str:
    parts = []
    for status, count in sorted(counts.items(), key=lambda item: (item[0] is None, item[0])):
        label = "no answer" if status is None else str(status)
        parts.append(f"{label} x{count}")
    return ", ".join(parts)


def table(outcomes: list[Outcome]) -> str:
    """The outcome table: per category and layer, how many and which statuses."""
    groups: dict[tuple[str, str], Counter[int | None]] = defaultdict(Counter)
    for outcome in outcomes:
        groups[outcome.category, outcome.layer][outcome.status] += 1
    rows = [("category", "layer", "tried", "statuses")]
    for (category, layer), counts in sorted(groups.items()):
        rows.append((category, layer, str(sum(counts.values())), _statuses(counts)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]]
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "-" * max(len(line) for line in lines))
    server_errors = sum(1 for o in outcomes if o.status is not None and o.status >= 500)
    header = (
        f"hostile requests tried: {len(outcomes)} "
        f"({len({(o.category, o.name) for o in outcomes})} distinct cases); "
        f"5xx answers: {server_errors}"
    )
    return "\n".join([header, *lines])
