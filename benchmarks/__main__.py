"""Run the whole benchmark suite and write the report.

    python -m benchmarks            # everything, about 7 minutes on 2 cores
    python -m benchmarks --quick    # a smoke run of every part, under a minute

Phases, in order: the in-process benchmark, calls per request (cProfile),
over-the-wire under uvicorn and under granian (with the per-server memory), RSS
growth over a long run, and start-up. A full run writes
``benchmarks/results/latest.{md,png,json}`` and copies the chart to
``docs/assets/benchmarks.png``; a quick run writes ``results/quick.*`` only.
The exit status is 1 if an app answered a benchmarked request wrongly or, in a
full run, a target was missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.util
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import inprocess, memory, profile, startup, traffic_ratelimit, wire
from benchmarks.environment import machine, versions
from benchmarks.report import reference_of, render_chart, render_markdown, targets
from benchmarks.server import exit_on_sigterm

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DOCS_CHART = HERE.parent / "docs" / "assets" / "benchmarks.png"
PHASES = ("inprocess", "profile", "wire", "memory", "startup", "ratelimit")
# Import names the suite needs beyond pegboard's own extras (the `bench` group).
REQUIRED = (
    "fastapi",
    "litestar",
    "blacksheep",
    "falcon",
    "msgspec",
    "matplotlib",
    "uvicorn",
    "uvloop",
    "httptools",
    "granian",
)


@dataclasses.dataclass(frozen=True)
class Plan:
    inprocess: inprocess.Settings
    profile: profile.Settings
    wire: wire.Settings
    memory: memory.Settings
    startup: startup.Settings
    ratelimit: traffic_ratelimit.Settings


FULL = Plan(
    # Many short batches: on a shared machine the median of 11 paired ratios is
    # steadier than that of 7 longer ones, for the same total time.
    inprocess=inprocess.Settings(requests=1500, repeats=11, warmup=300),
    profile=profile.Settings(requests=500),
    wire=wire.Settings(duration=2, repeats=3, fixed_load=20_000),
    memory=memory.Settings(warmup=20_000, duration=60, interval=5),
    startup=startup.Settings(routes=1000, repeats=3),
    ratelimit=traffic_ratelimit.Settings(requests=3000, repeats=9, warmup=300),
)
# Every part runs, with every app in process; fewer servers and seconds elsewhere.
QUICK = Plan(
    inprocess=inprocess.Settings(requests=200, repeats=2, warmup=50),
    profile=profile.Settings(requests=50),
    wire=wire.Settings(
        duration=0.5,
        repeats=1,
        fixed_load=2_000,
        frameworks=("starlette", "blacksheep", "falcon", "falcon_pydantic", "pegboard_all"),
    ),
    memory=memory.Settings(warmup=2_000, duration=3, interval=1),
    startup=startup.Settings(routes=1000, repeats=1, apps=("pegboard_all",), validate=False),
    ratelimit=traffic_ratelimit.Settings(requests=200, repeats=2, warmup=50),
)


def run(
    plan: Plan, phases: tuple[str, ...], mode: str, reference: dict[str, Any]
) -> dict[str, Any]:
    started = time.monotonic()
    results: dict[str, Any] = {
        "meta": {
            "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "mode": mode,
            "phases": list(phases),
            "versions": versions(),
            "machine": machine(),
        }
    }
    granian = dataclasses.replace(plan.wire, server="granian")
    steps: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
        "inprocess": ("inprocess", lambda: inprocess.run(plan.inprocess)),
        "profile": ("profile", lambda: profile.measure(plan.profile)),
        "wire": ("wire", lambda: wire.measure(plan.wire)),
        "wire_granian": ("wire_granian", lambda: wire.measure(granian)),
        "memory": ("memory_growth", lambda: memory.measure(plan.memory)),
        "startup": ("startup", lambda: startup.measure(plan.startup)),
        "ratelimit": ("traffic_ratelimit", lambda: traffic_ratelimit.run(plan.ratelimit)),
    }
    seconds: dict[str, float] = {}
    # The wire phase serves every app under uvicorn, then under granian.
    expanded = [step for p in phases for step in ((p, "wire_granian") if p == "wire" else (p,))]
    for phase in expanded:
        key, measure = steps[phase]
        print(f"== {phase}", file=sys.stderr)
        begun = time.monotonic()
        results[key] = measure()
        seconds[phase] = round(time.monotonic() - begun, 1)
        print(f"== {phase}: {seconds[phase]:.0f} s", file=sys.stderr)
    results["meta"]["phase_seconds"] = seconds
    results["meta"]["runtime_s"] = time.monotonic() - started
    results["reference"] = reference
    results["targets"] = targets(results)
    return results


def write(results: dict[str, Any], stem: str, docs_chart: Path | None) -> list[Path]:
    RESULTS.mkdir(exist_ok=True)
    written = [RESULTS / f"{stem}.json", RESULTS / f"{stem}.md"]
    written[0].write_text(json.dumps(results, indent=1) + "\n")
    written[1].write_text(render_markdown(results))
    chart = RESULTS / f"{stem}.png"
    if render_chart(results, chart):
        written.append(chart)
        if docs_chart is not None:
            docs_chart.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(chart, docs_chart)
            written.append(docs_chart)
    else:
        print("matplotlib is not installed: no chart (pip install matplotlib)", file=sys.stderr)
    return written


def failed(results: dict[str, Any], *, check_targets: bool) -> bool:
    phases = ("inprocess", "wire", "wire_granian")
    wrong = any(results.get(p, {}).get("excluded") for p in phases)
    missed = not all(t["met"] for t in results["targets"])
    return wrong or (check_targets and missed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--quick", action="store_true", help="a smoke run (< 1 minute), written to quick.*")
    add("--only", help=f"comma list of phases to run (default: all of {','.join(PHASES)})")
    add("--render", metavar="JSON", help="re-render the markdown and chart of a saved run")
    add("--no-docs", action="store_true", help="don't copy the chart into docs/assets")
    args = parser.parse_args(argv)

    if args.render:
        source = Path(args.render)
        results = json.loads(source.read_text())
        results["targets"] = targets(results)
        chart = source.with_suffix(".png")
        source.with_suffix(".md").write_text(render_markdown(results))
        render_chart(results, chart)
        print(source.with_suffix(".md").read_text())
        return 0

    phases = tuple(args.only.split(",")) if args.only else PHASES
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        parser.error(f"unknown phases {unknown}; known: {', '.join(PHASES)}")
    if missing := [name for name in REQUIRED if importlib.util.find_spec(name) is None]:
        parser.error(
            f"not installed: {', '.join(missing)}. Install the comparison frameworks with "
            "`uv sync --group bench` (or `pip install --group bench`, see pyproject.toml), "
            "and pegboard with `pip install -e '.[all]'`."
        )
    if {"wire", "memory"} & set(phases) and shutil.which("wrk") is None:
        parser.error(
            "wrk is not installed; the wire and memory phases need it "
            "(Debian/Ubuntu: sudo apt-get install wrk). Or run --only inprocess,startup."
        )
    exit_on_sigterm()
    mode = "quick" if args.quick else "full"
    # The committed results, which the no-regression targets compare with.
    published = RESULTS / "latest.json"
    reference = reference_of(json.loads(published.read_text())) if published.exists() else {}
    results = run(QUICK if args.quick else FULL, phases, mode, reference)
    # Only a full run of every phase replaces the published results and chart.
    complete = not args.quick and phases == PHASES
    stem = "latest" if complete else mode if phases == PHASES else f"{mode}-partial"
    docs_chart = DOCS_CHART if complete and not args.no_docs else None
    written = write(results, stem, docs_chart)
    print(render_markdown(results))
    print("written: " + ", ".join(str(p.relative_to(HERE.parent)) for p in written))
    # A quick run is too short to judge speed on a shared machine: it only proves
    # that every app answers correctly and that every phase runs.
    return 1 if failed(results, check_targets=not args.quick) else 0


if __name__ == "__main__":
    sys.exit(main())
