"""Turning repeated measurements into the numbers the report shows.

Both modes time every framework once per repeat, back to back, so a ratio is taken
within a repeat and the median of those is reported: a slow spell on the machine
hits both sides of a same-repeat ratio and mostly cancels out.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

# Ratios are computed against these (when present in the run).
BASELINES = ("starlette", "fastapi", "raw_asgi")

Runs = dict[str, dict[str, list[float]]]  # endpoint -> framework -> req/s per repeat


def paired_ratio(runs: Sequence[float], base_runs: Sequence[float]) -> float:
    """Median over repeats of the same-repeat ratio ``runs[i] / base_runs[i]``."""
    return statistics.median(r / b for r, b in zip(runs, base_runs, strict=True))


def geomean(values: Sequence[float]) -> float:
    return math.exp(statistics.fmean(math.log(v) for v in values))


def summarize(runs: Runs, names: Sequence[str]) -> dict[str, Any]:
    """req/s, ratios and spread per endpoint and framework, and a geomean per framework.

    ``rps`` is the median over the repeats, ``vs`` the paired ratios to each baseline
    (> 1 is faster), ``spread`` is (max - min) / median of the req/s.
    """
    endpoints: dict[str, dict[str, Any]] = {}
    ratios: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    for endpoint, by_fw in runs.items():
        rows: dict[str, Any] = {}
        for name in (n for n in names if n in by_fw):
            values = by_fw[name]
            rps = statistics.median(values)
            vs = {b: paired_ratio(values, by_fw[b]) for b in BASELINES if b in by_fw}
            for base, ratio in vs.items():
                ratios[name].setdefault(base, []).append(ratio)
            rows[name] = {
                "rps": rps,
                "us_per_request": 1e6 / rps,
                "spread": (max(values) - min(values)) / rps,
                "vs": vs,
                "runs": list(values),
            }
        endpoints[endpoint] = rows
    geomeans = {
        name: {base: geomean(values) for base, values in by_base.items()}
        for name, by_base in ratios.items()
        if by_base
    }
    return {"endpoints": endpoints, "geomean": geomeans}
