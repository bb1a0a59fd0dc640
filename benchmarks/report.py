"""The report: markdown tables, the chart, and the targets, all from the results dict.

Everything here reads the JSON-able dict that ``python -m benchmarks`` writes to
``results/latest.json``, so a report can be re-rendered from a saved run:
``python -m benchmarks --render results/latest.json``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.stats import paired_ratio

# (endpoint, framework, minimum ratio to Starlette in the same in-process run)
IN_PROCESS_TARGETS: tuple[tuple[str, str, float], ...] = (
    ("plain", "pegboard_core", 0.95),
    ("plain", "pegboard_all", 0.90),
    ("items_get", "pegboard_all", 0.85),
    ("items_post", "pegboard_all", 0.80),
    ("deps", "pegboard_all", 0.70),
)
# Over the wire, each pegboard app must serve more req/s than each of these.
WIRE_RIVALS = ("fastapi", "litestar")
PEGBOARD_APPS = ("pegboard_core", "pegboard_all")
# Issue 14: pegboard with every plugin at least as fast as the fastest of these, on
# each endpoint, in process and over the wire (both servers). The JSON body is
# compared with the Falcon app that validates with pydantic, as pegboard does; the
# msgspec one is reported beside it.
PEERS = ("blacksheep", "falcon")
BODY_PEERS = ("blacksheep", "falcon_pydantic")
PEER_ENDPOINTS = ("plain", "items_get", "items_post", "deps")
# Issue 14: at least this share of raw ASGI's req/s on the typed GET, in process.
RAW_TARGETS: tuple[tuple[str, str, float], ...] = (("items_get", "pegboard_all", 0.5),)
# Must not fall more than NOISE below the ratio (to Starlette) of the committed results.
NO_REGRESSION = ("secure", "routes")
NOISE = 0.10
# Frameworks drawn in the chart (raw ASGI is in the tables; it would flatten the bars).
CHARTED = (
    "fastapi",
    "litestar",
    "blacksheep",
    "falcon",
    "falcon_pydantic",
    "pegboard_core",
    "pegboard_all",
)
COLORS = {
    "fastapi": "#009688",
    "litestar": "#edb641",
    "blacksheep": "#555555",
    "falcon": "#d9534f",
    "falcon_pydantic": "#f0a3a1",
    "pegboard_core": "#7e57c2",
    "pegboard_all": "#3949ab",
}
WIRE_KEYS = (("wire", "uvicorn"), ("wire_granian", "granian"))


# -- formatting --------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _int(value: float) -> str:
    return f"{value:,.0f}"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _bases(result: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for rows in result["endpoints"].values():
        for row in rows.values():
            found += [b for b in row["vs"] if b not in found]
    return found


def _geomeans(result: dict[str, Any], bases: list[str]) -> str:
    rows = [
        [name] + [_ratio(result["geomean"].get(name, {}).get(b)) for b in bases]
        for name in result["frameworks"]
        if name in result["geomean"]
    ]
    return _table(["framework"] + [f"geomean vs {b}" for b in bases], rows)


# -- sections ----------------------------------------------------------------------


def inprocess_table(result: dict[str, Any]) -> str:
    """Per endpoint and framework: req/s, µs per request, ratios, spread; then geomeans."""
    bases = _bases(result)
    rows = []
    for endpoint, by_fw in result["endpoints"].items():
        for name, row in by_fw.items():
            rows.append(
                [endpoint, name, _int(row["rps"]), f"{row['us_per_request']:.1f}"]
                + [_ratio(row["vs"].get(b)) for b in bases]
                + [f"{row['spread']:.0%}"]
            )
    head = ["endpoint", "framework", "req/s", "µs/req", *(f"vs {b}" for b in bases), "spread"]
    return _table(head, rows) + "\n\n" + _geomeans(result, bases)


def wire_table(result: dict[str, Any]) -> str:
    """Per endpoint and framework: req/s, p50/p99 latency, ratios, errors; then geomeans."""
    bases = _bases(result)
    rows = []
    for endpoint, by_fw in result["endpoints"].items():
        for name, row in by_fw.items():
            errors = row["socket_errors"] + row["status_errors"]
            rows.append(
                [
                    endpoint,
                    name,
                    _int(row["rps"]),
                    f"{row['p50_ms']:.2f}",
                    f"{row['p99_ms']:.2f}",
                ]
                + [_ratio(row["vs"].get(b)) for b in bases]
                + [f"{row['spread']:.0%}", str(errors)]
            )
    head = ["endpoint", "framework", "req/s", "p50 ms", "p99 ms"]
    head += [f"vs {b}" for b in bases] + ["spread", "errors"]
    return _table(head, rows) + "\n\n" + _geomeans(result, bases)


def memory_table(result: dict[str, Any]) -> str:
    """RSS of each main server: idle, after the fixed load, and peaks."""
    rows = [
        [
            name,
            f"{row['idle_mib']:.1f}",
            f"{row['after_load_mib']:.1f}",
            f"{row['peak_mib']:.1f}",
            f"{row.get('peak_after_timing_mib', row['peak_mib']):.1f}",
            _int(row["requests"]),
        ]
        for name, row in result["memory"].items()
    ]
    head = [
        "framework",
        "idle RSS MiB",
        "RSS after fixed load MiB",
        "peak RSS MiB",
        "peak after all timings MiB",
        "fixed load (requests)",
    ]
    return _table(head, rows)


def growth_section(result: dict[str, Any]) -> str:
    """The long run: baseline, end, growth and the samples."""
    settings = result["settings"]
    verdict = "no growth beyond noise" if result["stable"] else "**RSS GREW**"
    lines = [
        f"`{settings['framework']}` under uvicorn, {settings['warmup']:,} warm-up responses, "
        f"then {settings['duration']:.0f} s of mixed load (valid and invalid requests): "
        f"{result['requests']:,} requests at {result['rps']:,.0f} req/s, "
        f"{result['socket_errors']} socket errors.",
        "",
        f"RSS after warm-up **{result['baseline_mib']:.2f} MiB**, after the run "
        f"**{result['final_mib']:.2f} MiB**: growth **{result['growth_mib']:+.2f} MiB** "
        f"(tolerance {settings['tolerance_mib']:.1f} MiB): {verdict}. "
        f"Peak {result['peak_mib']:.2f} MiB.",
        "",
        "Samples (s: MiB): " + ", ".join(f"{t:.0f}: {mib:.2f}" for t, mib in result["samples"]),
    ]
    return "\n".join(lines)


def startup_table(result: dict[str, Any]) -> str:
    """Import, build, first response, OpenAPI first and cached: medians in ms."""

    def cell(row: dict[str, Any], key: str, digits: int = 0) -> str:
        return f"{row[key]:,.{digits}f}" if key in row else "-"

    rows = [
        [
            name,
            cell(row, "import_ms"),
            cell(row, "build_ms"),
            cell(row, "first_response_ms", 1),
            cell(row, "ready_ms"),
            cell(row, "openapi_first_ms"),
            cell(row, "openapi_cached_ms", 2),
            cell(row, "openapi_kib"),
            {True: "yes", False: "**NO**"}.get(row.get("openapi_valid"), "-"),
        ]
        for name, row in result["apps"].items()
    ]
    head = [
        "app",
        "import ms",
        "build ms",
        "first response ms",
        "ready ms",
        "OpenAPI first ms",
        "OpenAPI cached ms",
        "document KiB",
        "valid OpenAPI 3.1",
    ]
    return _table(head, rows)


# -- targets -----------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue, measured: what, value, target, met."""
    found: list[dict[str, Any]] = []
    inprocess = results.get("inprocess")
    if inprocess and "endpoints" in inprocess:
        for endpoint, name, minimum in IN_PROCESS_TARGETS:
            row = inprocess["endpoints"].get(endpoint, {}).get(name)
            ratio = None if row is None else row["vs"].get("starlette")
            found.append(
                {
                    "check": f"in-process {endpoint}: {name} vs starlette",
                    "value": ratio,
                    "target": f">= {minimum:.2f}x",
                    "met": ratio is not None and ratio >= minimum,
                }
            )
        found += _peer_targets(inprocess, "in-process")
        for endpoint, name, minimum in RAW_TARGETS:
            row = inprocess["endpoints"].get(endpoint, {}).get(name)
            ratio = None if row is None else row["vs"].get("raw_asgi")
            found.append(
                {
                    "check": f"in-process {endpoint}: {name} vs raw_asgi",
                    "value": ratio,
                    "target": f">= {minimum:.2f}x",
                    "met": ratio is not None and ratio >= minimum,
                }
            )
    reference = results.get("reference", {})
    for key in ("inprocess", "wire"):
        found += _no_regression(results.get(key), reference.get(key), key)
    for key, server in WIRE_KEYS:
        found += _peer_targets(results.get(key) or {}, f"wire ({server})")
    wire = results.get("wire")
    if wire and "endpoints" in wire:
        for endpoint, by_fw in wire["endpoints"].items():
            rivals = {r: by_fw[r]["rps"] for r in WIRE_RIVALS if r in by_fw}
            if not rivals:
                continue
            best = max(rivals, key=rivals.__getitem__)
            for name in PEGBOARD_APPS:
                if name not in by_fw:
                    continue
                ratio = by_fw[name]["rps"] / rivals[best]
                found.append(
                    {
                        "check": f"wire {endpoint}: {name} vs fastest of "
                        f"{'/'.join(rivals)} ({best})",
                        "value": ratio,
                        "target": "> 1.00x",
                        "met": ratio > 1.0,
                    }
                )
    found += (results.get("traffic_ratelimit") or {}).get("targets", [])
    growth = results.get("memory_growth")
    if growth:
        found.append(
            {
                "check": f"RSS growth of {growth['settings']['framework']} over the long run",
                "value": growth["growth_mib"],
                "target": f"<= {growth['settings']['tolerance_mib']:.1f} MiB",
                "met": growth["stable"],
            }
        )
    return found


def _peer_targets(result: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """pegboard_all against the fastest of BlackSheep and Falcon, per endpoint."""
    found: list[dict[str, Any]] = []
    for endpoint in PEER_ENDPOINTS:
        by_fw = result.get("endpoints", {}).get(endpoint, {})
        ours = by_fw.get("pegboard_all")
        peers = {
            p: by_fw[p] for p in (BODY_PEERS if endpoint == "items_post" else PEERS) if p in by_fw
        }
        if ours is None or not peers:
            continue
        ratios = {p: paired_ratio(ours["runs"], row["runs"]) for p, row in peers.items()}
        fastest = min(ratios, key=ratios.__getitem__)  # the lowest ratio: the fastest peer
        check = f"{where} {endpoint}: pegboard_all vs fastest of {'/'.join(peers)} ({fastest})"
        if endpoint == "items_post" and "falcon" in by_fw:
            msgspec = paired_ratio(ours["runs"], by_fw["falcon"]["runs"])
            check += f"; vs falcon with msgspec {msgspec:.2f}x"
        found.append(
            {
                "check": check,
                "value": ratios[fastest],
                "target": ">= 1.00x",
                "met": ratios[fastest] >= 1.0,
            }
        )
    return found


def reference_of(results: dict[str, Any]) -> dict[str, Any]:
    """What the no-regression targets compare with: pegboard_all's ratios to Starlette."""
    reference: dict[str, Any] = {"started": results.get("meta", {}).get("started")}
    for key in ("inprocess", "wire"):
        endpoints = results.get(key, {}).get("endpoints", {})
        reference[key] = {
            endpoint: row["pegboard_all"]["vs"]["starlette"]
            for endpoint, row in endpoints.items()
            if endpoint.startswith(NO_REGRESSION)
            and "starlette" in row.get("pegboard_all", {}).get("vs", {})
        }
    return reference


def _no_regression(
    result: dict[str, Any] | None, reference: dict[str, float] | None, where: str
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if not result or not reference:
        return found
    for endpoint, before in reference.items():
        row = result.get("endpoints", {}).get(endpoint, {}).get("pegboard_all")
        if row is None or "starlette" not in row["vs"]:
            continue
        now = row["vs"]["starlette"]
        found.append(
            {
                "check": f"{where} {endpoint}: pegboard_all vs starlette, committed {before:.2f}x",
                "value": now,
                "target": f">= {before * (1 - NOISE):.2f}x",
                "met": now >= before * (1 - NOISE),
            }
        )
    return found


def profile_table(result: dict[str, Any]) -> str:
    """Python calls per request, per endpoint and app (cProfile)."""
    names = result["frameworks"]
    rows = [
        [endpoint] + [f"{by_fw[n]:.0f}" if n in by_fw else "-" for n in names]
        for endpoint, by_fw in result["calls_per_request"].items()
    ]
    return _table(["endpoint", *names], rows)


def targets_table(rows: list[dict[str, Any]]) -> str:
    def value(row: dict[str, Any]) -> str:
        if row["value"] is None:
            return "-"
        return f"{row['value']:+.2f} MiB" if "MiB" in row["target"] else _ratio(row["value"])

    return _table(
        ["check", "measured", "target", "met"],
        [[r["check"], value(r), r["target"], "yes" if r["met"] else "**NO**"] for r in rows],
    )


# -- the whole report --------------------------------------------------------------


def render_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    machine = meta["machine"]
    parts = [
        "<!-- Generated by `python -m benchmarks`; edit benchmarks/report.py, not this file. -->",
        "",
        f"Run {meta['started']} ({meta['mode']} mode, {meta['runtime_s'] / 60:.1f} min) on "
        f"{machine['cpu']}, {machine['cpus']} CPUs, {machine['system']}.",
        "",
        f"Versions: {versions}.",
    ]
    if phases := meta.get("phase_seconds"):
        took = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
        parts += ["", f"Phases: {took}."]
    rows = targets(results)
    if rows:
        parts += ["", "### Targets", "", targets_table(rows)]
    if inprocess := results.get("inprocess"):
        s = inprocess["settings"]
        parts += [
            "",
            "### In-process",
            "",
            f"Each app called directly as ASGI (loop {s['loop']}), {s['requests']:,} "
            f"sequential requests per batch, {s['repeats']} repeats; req/s is the median, "
            "ratios are medians of same-repeat ratios (> 1 is faster).",
            "",
            inprocess_table(inprocess),
        ]
        parts += _problems(inprocess)
    if profile := results.get("profile"):
        parts += [
            "",
            "### Calls per request",
            "",
            f"Python calls (functions and builtins) per request under cProfile, "
            f"{profile['settings']['requests']} requests per endpoint; raw ASGI is the floor.",
            "",
            profile_table(profile),
        ]
    for key, server in WIRE_KEYS:
        if not (server_result := results.get(key)):
            continue
        s = server_result["settings"]
        how = "uvloop, httptools" if server == "uvicorn" else "ASGI interface, uvloop"
        parts += [
            "",
            f"### Over the wire ({server})",
            "",
            f"{server} ({how}, 1 worker) per app on 127.0.0.1; wrk with "
            f"{s['threads']} thread, {s['connections']} connections, {s['duration']:.0f} s "
            f"per run, {s['repeats']} repeats, after {s['fixed_load']:,} warm-up responses."
            + _pinning(server_result.get("pinned")),
            "",
            wire_table(server_result),
        ]
        parts += _problems(server_result)
    if wire := results.get("wire"):
        s = wire["settings"]
        parts += [
            "",
            "### Memory",
            "",
            f"Resident memory of each main server (VmRSS and VmHWM from /proc): idle after "
            f"start-up, after the fixed load of {s['fixed_load']:,} mixed responses, and the "
            "peak after all the timed runs.",
            "",
            memory_table(wire),
        ]
    if growth := results.get("memory_growth"):
        parts += ["", "#### RSS over a long run", "", growth_section(growth)]
    if startup := results.get("startup"):
        s = startup["settings"]
        parts += [
            "",
            f"### Start-up ({s['routes']:,} routes)",
            "",
            f"Medians of {s['repeats']} fresh interpreters per app; OpenAPI times are the "
            "first and second GET of the document.",
            "",
            startup_table(startup),
        ]
    if limits := results.get("traffic_ratelimit"):
        from benchmarks.traffic_ratelimit import table

        s = limits["settings"]
        parts += [
            "",
            "### Rate limiting (the same route with and without `rate_limit`)",
            "",
            f"In process, {s['requests']:,} sequential requests per batch, {s['repeats']} "
            "repeats; ratios are medians of same-repeat ratios of time per request to the "
            "same handler without the plugin (`core`, or `page_core` for `page_*`; > 1 is "
            "slower). `ratelimit_off` is compiled like `core`: its ratio shows the noise.",
            "",
            table(limits),
        ]
    return "\n".join(parts) + "\n"


def _problems(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if result.get("excluded"):
        lines += ["", "Left out for a wrong response: " + ", ".join(result["excluded"]) + "."]
    wrong = [
        f"{m['framework']}/{m['request']} ({m['problem']})"
        for m in result.get("mismatches", [])
        if f"{m['framework']}/{m['request']}" not in result.get("excluded", [])
    ]
    if wrong:
        lines += ["", "Known differences on invalid requests: " + "; ".join(wrong) + "."]
    return lines


def render_chart(results: dict[str, Any], path: Path) -> bool:
    """Bars of each framework's ratio to Starlette per endpoint, one panel per mode.

    Returns False (and draws nothing) when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FixedLocator, NullLocator
    except ImportError:
        return False

    panels = [
        (key, title)
        for key, title in (
            ("inprocess", "In-process (ASGI)"),
            ("wire", "Over the wire (uvicorn)"),
            ("wire_granian", "Over the wire (granian)"),
        )
        if key in results and "endpoints" in results[key]
    ]
    if not panels:
        return False
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 3.6 * len(panels)), squeeze=False)
    for ax, (key, title) in zip(axes[:, 0], panels, strict=True):
        endpoints = list(results[key]["endpoints"])
        names = [n for n in CHARTED if n in results[key]["frameworks"]]
        width = 0.8 / max(1, len(names))
        values: list[float] = []
        for i, name in enumerate(names):
            xs, ys = [], []
            for j, endpoint in enumerate(endpoints):
                row = results[key]["endpoints"][endpoint].get(name)
                ratio = None if row is None else row["vs"].get("starlette")
                if ratio is not None:
                    xs.append(j + (i - (len(names) - 1) / 2) * width)
                    ys.append(ratio)
            values += ys
            bars = ax.bar(xs, ys, width, label=name, color=COLORS.get(name))
            ax.bar_label(bars, labels=[f"{y:.2f}" for y in ys], fontsize=6, padding=1)
        ax.axhline(1.0, color="black", linestyle="--", linewidth=1, label="starlette = 1")
        ax.set_yscale("log")
        low = min([0.5, *values]) / 1.3
        high = max([2.0, *values]) * 1.6
        ax.set_ylim(low, high)
        ticks = [2.0**k for k in range(math.floor(math.log2(low)), math.ceil(math.log2(high)) + 1)]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_yticklabels([f"{t:g}x" for t in ticks])
        ax.set_xticks(range(len(endpoints)))
        ax.set_xticklabels(endpoints)
        ax.set_ylabel("req/s relative to Starlette")
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(labels), bbox_to_anchor=(0.5, 0.95))
    fig.suptitle(
        "pegboard vs FastAPI, Litestar, BlackSheep and Falcon "
        "(Starlette = 1, same run, higher is faster)"
    )
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _pinning(pinned: list[list[int]] | None) -> str:
    if not pinned:
        return " Server and wrk not pinned to CPUs."
    server, load = pinned
    return f" The server runs on CPU {server[0]}, wrk on CPU {load[0]} (pinned)."
