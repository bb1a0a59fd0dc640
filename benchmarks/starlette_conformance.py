"""Starlette's own test suite against pegboard's App: the Starlette-compatibility yardstick.

    python -m benchmarks.starlette_conformance [--only FILE ...] [--keep] [--raise-floor]

Downloads the installed Starlette version's sdist from PyPI (cached in the git-ignored
benchmarks/.cache/), unpacks its tests, and runs every test file that builds a
``Starlette(...)`` app three times, at once:

* ``starlette``: as published, the baseline. Only the tests that pass here count
  (a test needing something this machine lacks fails here and is left out);
* ``pegboard``: with ``starlette.applications.Starlette`` replaced by
  ``pegboard.App(plugins=[], ...)`` through :mod:`benchmarks.starlette_adapter`;
* ``set-aside``: the same, with pegboard's documented deliberate differences set
  aside (``--json-errors=set-aside``: its two JSON error handlers and the nosniff
  header), so that a failure left is a real incompatibility.

The run fails (exit 1) if pegboard passes fewer counted tests than the committed
floor (``starlette_floor.json``; it only rises: ``--raise-floor`` writes the new
count; each test that Starlette itself fails on this machine lowers it by one), if
any counted test fails with the differences set aside, or if a test that fails with
them in place is not listed in docs/starlette.md as a deliberate difference.
The report goes to benchmarks/results/starlette.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from benchmarks.sdist import fetch_sdist

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
FLOOR = ROOT / "benchmarks" / "starlette_floor.json"
DOCS = ROOT / "docs" / "starlette.md"
MODES = ("starlette", "pegboard", "set-aside")
#: A test that hangs (a body never answered, a lifespan never left) fails, not the run.
TEST_TIMEOUT = 60


def unpack(sdist: Path, into: Path) -> list[str]:
    """Unpack tests/ and the pytest config; return the test files that build a Starlette."""
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts[1:]
            if parts and (parts[0] == "tests" or parts == ("pyproject.toml",)):
                member.name = str(Path(*parts))
                archive.extract(member, into, filter="data")
    uses_app = re.compile(r"^\s*from starlette\.applications import .*\bStarlette\b", re.M)
    return sorted(
        str(path.relative_to(into))
        for path in (into / "tests").rglob("test_*.py")
        if uses_app.search(path.read_text())
    )


def command(tree: Path, mode: str, files: list[str], report: Path) -> list[str]:
    argv = [
        sys.executable, "-m", "pytest", *files, "-q", "-p", "no:cacheprovider",
        "-p", "no:pegboard", "--rootdir", str(tree), "-c", str(tree / "pyproject.toml"),
        f"--junitxml={report}", "-o", "junit_family=xunit2", f"--timeout={TEST_TIMEOUT}",
    ]  # fmt: skip
    if mode != "starlette":
        argv += ["-p", "benchmarks.starlette_adapter"]
    if mode == "set-aside":
        argv += ["--json-errors=set-aside"]
    return argv


def run_all(tree: Path, files: list[str]) -> dict[str, dict[str, str]]:
    """Run the modes side by side; return {mode: {test id: outcome}}."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    running = {}
    for mode in MODES:
        report = tree / f"{mode}.xml"
        log = (tree / f"{mode}.log").open("w")
        running[mode] = (
            subprocess.Popen(
                command(tree, mode, files, report), cwd=tree, env=env, stdout=log, stderr=log
            ),
            report,
            log,
        )
    outcomes = {}
    for mode, (process, report, log) in running.items():
        process.wait()
        log.close()
        if not report.exists():
            tail = (tree / f"{mode}.log").read_text()[-2000:]
            raise SystemExit(f"the {mode} run wrote no report:\n{tail}")
        outcomes[mode] = parse_report(report)
    for mode in MODES[1:]:
        _rerun_failures(tree, mode, outcomes, env)
    return outcomes


def _rerun_failures(
    tree: Path, mode: str, outcomes: dict[str, dict[str, str]], env: dict[str, str]
) -> None:
    """Run once more the counted tests that failed in ``mode``: some of Starlette's
    tests race against short timeouts, which a loaded machine loses now and then."""
    again = [
        f"tests/{test_id}"
        for test_id, outcome in outcomes["starlette"].items()
        if outcome == "passed" and outcomes[mode].get(test_id) != "passed"
    ]
    if not again:
        return
    report = tree / f"{mode}-rerun.xml"
    with (tree / f"{mode}-rerun.log").open("w") as log:
        argv = command(tree, mode, again, report)
        subprocess.run(argv, cwd=tree, env=env, stdout=log, stderr=log, check=False)
    if report.exists():
        for test_id, outcome in parse_report(report).items():
            if outcome == "passed":
                outcomes[mode][test_id] = "passed on a second run"


def parse_report(report: Path) -> dict[str, str]:
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        # classname "tests.middleware.test_base" -> "middleware/test_base.py::name[param]"
        module = (case.get("classname") or "").removeprefix("tests.").replace(".", "/")
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
                break
        outcomes[f"{module}.py::{case.get('name')}"] = outcome
    return outcomes


def function_of(test_id: str) -> str:
    """``test_routing.py::test_x[trio]`` -> ``test_routing.py::test_x``: how docs list it."""
    return test_id.split("[", 1)[0]


def summarise(outcomes: dict[str, dict[str, str]], docs: str) -> dict[str, object]:
    counted = sorted(t for t, outcome in outcomes["starlette"].items() if outcome == "passed")

    def failing(mode: str) -> list[str]:
        return [t for t in counted if not outcomes[mode].get(t, "").startswith("passed")]

    flaky = sorted(
        t
        for mode in MODES[1:]
        for t, o in outcomes[mode].items()
        if o != "passed" and o.startswith("passed")
    )

    pegboard_fails, set_aside_fails = failing("pegboard"), failing("set-aside")
    undocumented = sorted({function_of(t) for t in pegboard_fails} - set(_listed(docs)))
    return {
        "tests_run": len(outcomes["starlette"]),
        "pass_on_starlette": len(counted),
        "pass_on_pegboard": len(counted) - len(pegboard_fails),
        "pass_with_json_errors_set_aside": len(counted) - len(set_aside_fails),
        "fail_on_pegboard": pegboard_fails,
        "fail_with_json_errors_set_aside": set_aside_fails,
        "fail_on_pegboard_not_in_docs": undocumented,
        "passed_on_a_second_run": flaky,
    }


def _listed(docs: str) -> list[str]:
    # Deliberate differences are listed in docs/starlette.md as `file.py::test_name`.
    return re.findall(r"`([\w/]+\.py::\w+)`", docs)


def markdown(summary: dict[str, object], version: str, seconds: float, floor: int) -> str:
    def items(key: str) -> list[str]:
        values = summary[key]
        assert isinstance(values, list)
        return [f"* `{value}`" for value in values] or ["* none"]

    return "\n".join(
        [
            "<!-- Generated by `python -m benchmarks.starlette_conformance`. -->",
            "",
            f"Starlette {version}'s tests that build a `Starlette(...)` app, run on Starlette "
            "and with `Starlette` replaced by `pegboard.App(plugins=[], ...)` "
            f"({summary['tests_run']} tests, {seconds:.0f} s). Counted: the tests that "
            "pass on Starlette on this machine.",
            "",
            "| app | tests passed |",
            "|---|---:|",
            f"| Starlette | {summary['pass_on_starlette']} |",
            f"| pegboard App (floor {floor}) | {summary['pass_on_pegboard']} |",
            "| pegboard App, JSON error handlers and nosniff set aside | "
            f"{summary['pass_with_json_errors_set_aside']} |",
            "",
            "### Pass on Starlette, fail on pegboard (deliberate: see docs/starlette.md)",
            "",
            *items("fail_on_pegboard"),
            "",
            "### Fail with the JSON error handlers and nosniff set aside (must be none)",
            "",
            *items("fail_with_json_errors_set_aside"),
            "",
            "### Fail on pegboard and not listed in docs/starlette.md (must be none)",
            "",
            *items("fail_on_pegboard_not_in_docs"),
            "",
            "### Failed once, passed when run again (timing-sensitive tests)",
            "",
            *items("passed_on_a_second_run"),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.starlette_conformance",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only", nargs="*", default=[], help="test files under tests/, e.g. test_routing.py"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--raise-floor", action="store_true", help="write a higher pass count as the floor"
    )
    args = parser.parse_args(argv)
    import starlette

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="pegboard-starlette-"))
    try:
        files = unpack(fetch_sdist("starlette", starlette.__version__), work)
        if args.only:
            files = [f for f in files if f.removeprefix("tests/") in args.only]
        summary = summarise(run_all(work, files), DOCS.read_text())
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    committed = json.loads(FLOOR.read_text())
    floor, reference = committed["pegboard_passes"], committed["starlette_passes"]
    passes, baseline = summary["pass_on_pegboard"], summary["pass_on_starlette"]
    assert isinstance(passes, int)
    assert isinstance(baseline, int)
    # A test Starlette itself fails here (file permissions mean nothing to root) is not
    # counted: the floor is applied to what this machine can pass.
    floor -= max(0, reference - baseline)
    raised = args.raise_floor and not args.only and passes > floor and baseline >= reference
    if raised:
        floor = passes
        FLOOR.write_text(
            json.dumps(
                {
                    "starlette": starlette.__version__,
                    "pegboard_passes": passes,
                    "starlette_passes": baseline,
                }
            )
            + "\n"
        )
        print(f"floor raised to {floor} in {FLOOR.relative_to(ROOT)}")
    summary.update(starlette=starlette.__version__, seconds=round(seconds), floor=floor)
    text = markdown(summary, starlette.__version__, seconds, floor)
    sys.stdout.write(text)
    if args.only:
        return 1 if summary["fail_with_json_errors_set_aside"] else 0
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "starlette.md").write_text(text)
    (RESULTS / "starlette.json").write_text(json.dumps(summary, indent=2) + "\n")
    problems = []
    if passes < floor:
        problems.append(f"pegboard passes {passes} tests, below the floor of {floor}")
    elif passes > floor:
        print(f"pegboard passes {passes} > floor {floor}: raise it with --raise-floor")
    if summary["fail_with_json_errors_set_aside"]:
        problems.append("tests fail with the deliberate differences set aside")
    if summary["fail_on_pegboard_not_in_docs"]:
        problems.append("failures not listed in docs/starlette.md as deliberate differences")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
