"""FastAPI's tutorial apps as the yardstick: how many of FastAPI's own tests pass once ported.

    python -m benchmarks.tutorials [--only DIR ...] [--keep]

Downloads FastAPI's source distribution from PyPI (the version installed here, so
its tests match its behaviour), which holds the tutorial apps (``docs_src/``) and
their tests (``tests/test_tutorial/``). It then runs those tests twice in one go:

* as published, against FastAPI: the baseline, which says what this machine can run
  (tests needing packages we do not install fail here and are left out);
* against the tutorials ported by ``pegboard port`` (:mod:`pegboard.porting`), with
  the FastAPI-compatibility settings it turns on (``--no-compat``: without them).

A test counts for pegboard if it passes in both. Tests named ``*openapi*`` compare
the whole OpenAPI document with FastAPI's byte for byte, so they are reported
apart from the tests of behaviour (status codes, bodies, headers).

The report goes to ``benchmarks/results/tutorials.md`` and ``.json``. Nothing from
FastAPI is written into the repository: the download and both trees live in a
temporary folder (``--keep`` prints and keeps it, to read the ported files).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

from pegboard.porting import port_project

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / "benchmarks" / ".cache"


def fetch_sdist(version: str) -> Path:
    """FastAPI's sdist for ``version``, downloaded once into benchmarks/.cache/."""
    target = CACHE / f"fastapi-{version}.tar.gz"
    if not target.exists():
        # PyPI's simple index, as JSON (PEP 691): what pip and uv read too.
        index = urllib.request.Request(
            "https://pypi.org/simple/fastapi/",
            headers={"Accept": "application/vnd.pypi.simple.v1+json"},
        )
        with urllib.request.urlopen(index, timeout=60) as r:
            files = json.load(r)["files"]
        url = next(f["url"] for f in files if f["filename"] == target.name)
        with urllib.request.urlopen(url, timeout=120) as r:
            data = r.read()
        CACHE.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target


def unpack(sdist: Path, into: Path) -> None:
    """Unpack docs_src/ and tests/ (only what the tutorial tests need)."""
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts[1:]
            if not parts or parts[0] not in ("docs_src", "tests"):
                continue
            if (
                parts[0] == "tests"
                and len(parts) > 1
                and parts[1]
                not in (
                    "__init__.py",
                    "utils.py",
                    "test_tutorial",
                )
            ):
                continue
            if parts[:3] == ("tests", "test_tutorial", "test_opentelemetry"):
                continue  # its conftest needs FastAPI's own telemetry tests and OpenTelemetry
            member.name = str(Path(*parts))
            archive.extract(member, into, filter="data")


# The ported tree's conftest: a tutorial module that still imports FastAPI (a name
# ``pegboard port`` reported it cannot port) fails, rather than quietly running FastAPI.
_NO_FASTAPI = """
import builtins

_import = builtins.__import__


def _guarded(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "")
    if level == 0 and name.split(".")[0] == "fastapi" and importer.startswith("docs_src"):
        raise ImportError(f"not ported: {name} {tuple(fromlist or ())}")
    return _import(name, globals, locals, fromlist, level)


builtins.__import__ = _guarded
"""


def port_tree(base: Path, ported: Path, *, compatible: bool = True) -> dict[str, list[str]]:
    """Copy ``base`` to ``ported`` and run ``pegboard port`` on its tutorials.

    Each module right under ``docs_src/<tutorial>/`` is an app of its own; each
    folder below that (``bigger_applications/app_py310/``) is one project. Returns
    what the porter reported it cannot port, by module.
    """
    shutil.copytree(base, ported)
    (ported / "conftest.py").write_text(_NO_FASTAPI)
    projects: list[Path] = []
    for tutorial in sorted(p for p in (ported / "docs_src").iterdir() if p.is_dir()):
        projects += sorted(tutorial.glob("*.py"))
        projects += sorted(p for p in tutorial.iterdir() if p.is_dir())
    notes: dict[str, list[str]] = {}
    for project in projects:
        for file in port_project([project], compatible=compatible).files:
            if file.changed:
                file.path.write_text(file.new)
            for note in file.notes:
                notes.setdefault(str(file.path.relative_to(ported)), []).append(
                    note.format(file.path.relative_to(ported))
                )
    return notes


def run_tests(tree: Path, only: list[str]) -> dict[str, tuple[str, str]]:
    """Run the tutorial tests in ``tree``; return {test id: (outcome, message)}."""
    report = tree / "report.xml"
    targets = [f"tests/test_tutorial/test_{name}" for name in only] or ["tests/test_tutorial"]
    command = [
        sys.executable, "-m", "pytest", *targets, "-q", "-p", "no:cacheprovider",
        "-p", "no:randomly", "-o", "addopts=", "--rootdir", str(tree),
        "-c", str(tree / "pytest.ini"), f"--junitxml={report}", "-o", "junit_family=xunit2",
        "--continue-on-collection-errors",
    ]  # fmt: skip
    (tree / "pytest.ini").write_text("[pytest]\n")
    subprocess.run(
        command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    results: dict[str, tuple[str, str]] = {}
    for case in ET.parse(report).iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
                message = (
                    (child.get("message") or "").splitlines()[0][:200]
                    if child.get("message")
                    else ""
                )
                break
        results[test_id] = (outcome, message)
    return results


def tutorial_of(test_id: str) -> str:
    # tests.test_tutorial.test_body.test_tutorial001::test_x -> body
    return test_id.split(".")[2].removeprefix("test_")


def is_document_test(test_id: str) -> bool:
    return "openapi" in test_id.split("::")[-1].lower()


def summarise(
    base: dict[str, tuple[str, str]], ported: dict[str, tuple[str, str]]
) -> dict[str, object]:
    counted = [t for t, (outcome, _) in base.items() if outcome == "passed"]
    kinds: dict[str, Counter[str]] = {"behaviour": Counter(), "document": Counter()}
    by_tutorial: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: Counter[str] = Counter()
    for test_id in counted:
        kind = "document" if is_document_test(test_id) else "behaviour"
        outcome, message = ported.get(test_id, ("missing", "not collected"))
        passed = outcome == "passed"
        kinds[kind]["total"] += 1
        kinds[kind]["passed"] += passed
        by_tutorial[tutorial_of(test_id)][f"{kind} total"] += 1
        by_tutorial[tutorial_of(test_id)][f"{kind} passed"] += passed
        if not passed and kind == "behaviour":
            reasons[message.split("\n")[0][:120] or outcome] += 1
    return {
        "tests_published": len(base),
        "tests_counted": len(counted),
        "kinds": {kind: dict(counter) for kind, counter in kinds.items()},
        "by_tutorial": {name: dict(counter) for name, counter in sorted(by_tutorial.items())},
        "behaviour_failure_reasons": reasons.most_common(25),
    }


def markdown(summary: dict[str, object], version: str, seconds: float) -> str:
    kinds = summary["kinds"]
    not_ported = summary["not_ported"]
    assert isinstance(kinds, dict)
    assert isinstance(not_ported, dict)

    def share(kind: str) -> str:
        total, passed = kinds[kind].get("total", 0), kinds[kind].get("passed", 0)
        return f"{passed} / {total} ({100 * passed / total:.0f}%)" if total else "0 / 0"

    lines = [
        "<!-- Generated by `python -m benchmarks.tutorials`; edit benchmarks/tutorials.py. -->",
        "",
        f"FastAPI {version}'s tutorial tests (`tests/test_tutorial/`) against its tutorial apps "
        f"(`docs_src/`) ported to pegboard by `pegboard port`"
        f"{'' if summary['compatible'] else ' --no-compat'} "
        f"({seconds:.0f} s). Counted: the {summary['tests_counted']} of "
        f"{summary['tests_published']} tests that pass against FastAPI on this machine. "
        f"The porter reported {sum(len(v) for v in not_ported.values())} constructs "
        f"it cannot port, in {len(not_ported)} modules.",
        "",
        "| tests | pass against the ported apps |",
        "|---|---|",
        f"| behaviour (status, body, headers) | {share('behaviour')} |",
        f"| OpenAPI document, compared whole | {share('document')} |",
        "",
        "### Per tutorial",
        "",
        "| tutorial | behaviour | document |",
        "|---|---|---|",
    ]
    by_tutorial = summary["by_tutorial"]
    assert isinstance(by_tutorial, dict)
    for name, counts in by_tutorial.items():
        cells = [
            f"{counts.get(f'{kind} passed', 0)}/{counts[f'{kind} total']}"
            if counts.get(f"{kind} total")
            else "-"
            for kind in ("behaviour", "document")
        ]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    lines += ["", "### Why behaviour tests fail (most common first)", ""]
    reasons = summary["behaviour_failure_reasons"]
    assert isinstance(reasons, list)
    lines += [f"* {count} x `{reason}`" for reason, count in reasons]
    return "\n".join(lines) + "\n"


def check_floor(summary: dict[str, object], floor_file: Path, *, raise_floor: bool) -> int:
    """Compare the pass counts with the committed floor; 1 if any fell below it.

    The floor only rises: ``--raise-floor`` writes a count only where it is higher.
    """
    kinds = summary["kinds"]
    assert isinstance(kinds, dict)
    floor = json.loads(floor_file.read_text())
    status = 0
    for kind in ("behaviour", "document"):
        passed, least = kinds[kind].get("passed", 0), floor[kind]
        if passed < least:
            print(f"REGRESSION: {passed} {kind} tests pass, the floor is {least}", file=sys.stderr)
            status = 1
        elif passed > least:
            print(f"{kind}: {passed} pass, above the floor of {least}", file=sys.stderr)
            if raise_floor:
                floor[kind] = passed
    if raise_floor:
        floor_file.write_text(json.dumps(floor, indent=2) + "\n")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tutorials", description=__doc__)
    parser.add_argument(
        "--only", nargs="*", default=[], help="tutorial folders, e.g. body query_params"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder and print its path"
    )
    parser.add_argument(
        "--no-compat",
        action="store_true",
        help="port without the FastAPI-compatibility settings (pegboard's defaults)",
    )
    parser.add_argument(
        "--floor",
        type=Path,
        help="a JSON file of pass counts; exit 1 if fewer tests pass (CI's regression check)",
    )
    parser.add_argument(
        "--raise-floor",
        action="store_true",
        help="with --floor: write the new counts into it where they are higher",
    )
    args = parser.parse_args(argv)
    if args.floor is not None and args.only:
        parser.error("--floor counts every tutorial; it cannot go with --only")
    import fastapi

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="pegboard-tutorials-"))
    try:
        base, ported = work / "fastapi", work / "pegboard"
        unpack(fetch_sdist(fastapi.__version__), base)
        not_ported = port_tree(base, ported, compatible=not args.no_compat)
        summary = summarise(run_tests(base, args.only), run_tests(ported, args.only))
        summary["compatible"] = not args.no_compat
        summary["not_ported"] = not_ported
        seconds = time.perf_counter() - started
        text = markdown(summary, fastapi.__version__, seconds)
        if not args.only:
            RESULTS.mkdir(exist_ok=True)
            name = "tutorials-defaults" if args.no_compat else "tutorials"
            (RESULTS / f"{name}.md").write_text(text)
            (RESULTS / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
        sys.stdout.write(text)
        if args.floor is not None:
            return check_floor(summary, args.floor, raise_floor=args.raise_floor)
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
