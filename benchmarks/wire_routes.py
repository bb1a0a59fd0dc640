"""Routes of one app over HTTP, side by side: one uvicorn process, wrk on each in turn.

For the traffic benchmarks' ``--wire``: the same handler with and without an option,
as routes of one app, so both are measured under the same process, server and load.
Per repeat each route gets ``duration`` seconds of wrk, in rotated order; reported per
route are the median req/s and the server process's CPU time per request (read from
``/proc`` around each turn), and per compared pair the median of same-repeat ratios.
The CPU ratio is the steadier one on a machine shared with other jobs: wrk's req/s
moves with whatever else runs on the cores. On Linux with two CPUs or more the server
and wrk are pinned to one each (:func:`benchmarks.server.pinned_cpus`).
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.cases import get
from benchmarks.server import Server, free_port, pinned_cpus

__all__ = ["cpu_seconds", "measure_routes"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_routes(
    module: str,
    routes: Mapping[str, tuple[str, tuple[tuple[str, str], ...]]],
    pairs: Mapping[str, str],
    *,
    duration: float = 2.0,
    repeats: int = 5,
) -> dict[str, Any]:
    """Load each route of ``module``'s app in turn; ratios of each ``pairs`` key to its value.

    :param routes: name -> (path, request headers).
    :param pairs: route name -> the name of its baseline route.
    :returns: per route req/s and CPU µs per request; per pair the time ratios (> 1:
        the route costs more than its baseline).
    """
    from benchmarks.serve import command
    from benchmarks.wire import ROOT, server_env
    from benchmarks.wrk import run_wrk

    port = free_port()
    cases = {name: get(name, path, headers=headers) for name, (path, headers) in routes.items()}
    rps: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    # The server on one CPU and wrk on another, when there are two (as benchmarks.wire).
    pins = pinned_cpus()
    server_cpus, wrk_cpus = pins if pins is not None else (None, None)
    argv = command(module, port)
    with Server(argv, port, name=module, cwd=ROOT, env=server_env(), cpus=server_cpus) as server:
        for case in cases.values():  # warm-up (and the caches filled)
            run_wrk(server.url(case.target), [case], duration=1.0, cpus=wrk_cpus)
        order = list(cases)
        for rep in range(repeats):
            shift = rep % len(order)
            for name in order[shift:] + order[:shift]:
                case = cases[name]
                before = cpu_seconds(server.pid)
                result = run_wrk(server.url(case.target), [case], duration=duration, cpus=wrk_cpus)
                spent = cpu_seconds(server.pid) - before
                if result.status_errors or result.socket_errors:
                    raise RuntimeError(f"{name}: errors under load: {result}")
                rps[name].append(result.rps)
                cpu[name].append(1e6 * spent / result.requests)
            print(f"{module} over the wire: repeat {rep + 1}/{repeats}", file=sys.stderr)
    compared = {}
    for name, base in pairs.items():
        time_ratios = [b / r for r, b in zip(rps[name], rps[base], strict=True)]
        cpu_ratios = [c / b for c, b in zip(cpu[name], cpu[base], strict=True)]
        compared[name] = {
            "baseline": base,
            "time_ratio": statistics.median(time_ratios),
            "cpu_ratio": statistics.median(cpu_ratios),
            "time_ratios": time_ratios,
            "cpu_ratios": cpu_ratios,
        }
    return {
        "settings": {
            "duration": duration,
            "repeats": repeats,
            "server": "uvicorn, 1 worker",
            "pinned": None if pins is None else {"server": sorted(pins[0]), "wrk": sorted(pins[1])},
        },
        "routes": {
            name: {
                "rps": statistics.median(rps[name]),
                "cpu_us": statistics.median(cpu[name]),
            }
            for name in cases
        },
        "compared": compared,
    }


def table(measured: dict[str, Any]) -> str:
    """The comparison as a Markdown table."""
    routes = measured["routes"]
    lines = [
        "| route | req/s | server CPU µs/request | vs | time ratio | CPU ratio |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for name, row in routes.items():
        pair = measured["compared"].get(name)
        vs = (
            f"{pair['baseline']} | {pair['time_ratio']:.3f}x | {pair['cpu_ratio']:.3f}x"
            if pair
            else "| |"
        )
        lines.append(f"| {name} | {row['rps']:,.0f} | {row['cpu_us']:.1f} | {vs} |")
    return "\n".join(lines)
