"""Start-up cost: import, build and first response of a 1,000-route app; OpenAPI time.

Run from the repository root:  python -m benchmarks.startup --help

Each measurement runs in a fresh interpreter (``--child``), so nothing is cached
from an earlier run, and is repeated; the medians are reported. A child times:

- import: importing the app's module (the framework, pydantic, the module's
  small app);
- build: ``build_many_routes(n)``, plus ``app.build()`` for pegboard, which
  compiles every route (otherwise it would happen at start-up anyway);
- first response: the ASGI lifespan start-up and one request to the last route;
- OpenAPI, where the app serves a document: the first ``GET`` of it (the
  document is generated) and a second one (served from the framework's cache).

``pegboard_described`` is a 1,000-route app with every plugin whose routes read
query parameters, headers and bodies, have response models and bearer security,
so that its document has the schemas a real API has.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.cases import get
from benchmarks.inprocess import FRAMEWORKS, call, lifespan

APPS: dict[str, str] = {
    **{name: FRAMEWORKS[name] for name in FRAMEWORKS if name != "raw_asgi"},
    "pegboard_described": "benchmarks.apps.pegboard_described",
}
# Where each app serves its OpenAPI document (those without one are left out).
OPENAPI_PATHS = {
    "fastapi": "/openapi.json",
    "litestar": "/schema/openapi.json",
    "pegboard_all": "/openapi.json",
    "pegboard_described": "/openapi.json",
}
METRICS = ("import_ms", "build_ms", "first_response_ms", "openapi_first_ms", "openapi_cached_ms")


def _ms(seconds: float) -> float:
    return seconds * 1000


async def _serve_first(
    app: Any, routes: int, openapi_path: str | None, name: str, validate: bool
) -> dict[str, Any]:
    state: dict[str, Any] = {}
    last = routes - 1
    target = "/area{}/things{}/7".format(*divmod(last, 100)) if "described" in name else None
    case = get("first", target or f"/r{last}/42")
    found: dict[str, Any] = {}
    start = time.perf_counter()
    async with lifespan(app, state):
        exchange = await call(app, state, case)
        found["first_response_ms"] = _ms(time.perf_counter() - start)
        found["first_status"] = exchange.status
        if openapi_path is not None:
            document = get("openapi", openapi_path)
            start = time.perf_counter()
            first = await call(app, state, document)
            found["openapi_first_ms"] = _ms(time.perf_counter() - start)
            start = time.perf_counter()
            await call(app, state, document)
            found["openapi_cached_ms"] = _ms(time.perf_counter() - start)
            body = b"".join(first.chunks)
            found["openapi_status"] = first.status
            found["openapi_kib"] = len(body) / 1024
            if validate:
                found["openapi_valid"] = _validate(body)
    return found


def _validate(body: bytes) -> bool | None:
    """Whether the document passes openapi-spec-validator (None if it isn't installed)."""
    try:
        from openapi_spec_validator import validate
    except ImportError:
        return None
    try:
        validate(json.loads(body))
    except Exception:
        return False
    return True


def child(name: str, routes: int, validate: bool = False) -> dict[str, Any]:
    """One measurement, in this (fresh) interpreter."""
    start = time.perf_counter()
    module = importlib.import_module(APPS[name].partition(":")[0])
    imported = time.perf_counter()
    app = module.build_many_routes(routes)
    build = getattr(app, "build", None)  # pegboard compiles routes here (or at start-up)
    if callable(build):
        build()
    built = time.perf_counter()
    found = asyncio.run(_serve_first(app, routes, OPENAPI_PATHS.get(name), name, validate))
    return {"import_ms": _ms(imported - start), "build_ms": _ms(built - imported), **found}


@dataclass(frozen=True)
class Settings:
    routes: int = 1000
    repeats: int = 5
    apps: tuple[str, ...] = tuple(APPS)
    validate: bool = True  # check each OpenAPI document once (untimed; takes seconds)


def _run_child(name: str, routes: int, validate: bool) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.startup", "--child", name, "--routes", str(routes)]
    if validate:
        argv.append("--validate")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"start-up child for {name} failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(settings: Settings) -> dict[str, Any]:
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in settings.apps}
    for rep in range(settings.repeats):
        for name in settings.apps:
            validate = settings.validate and rep == 0
            samples[name].append(_run_child(name, settings.routes, validate))
        print(f"startup: repeat {rep + 1}/{settings.repeats} done", file=sys.stderr)
    apps: dict[str, Any] = {}
    for name, runs in samples.items():
        row: dict[str, Any] = {}
        for metric in METRICS:
            values = [r[metric] for r in runs if metric in r]
            if values:
                row[metric] = statistics.median(values)
        row["ready_ms"] = row["import_ms"] + row["build_ms"] + row["first_response_ms"]
        for key in ("first_status", "openapi_status", "openapi_kib", "openapi_valid"):
            if key in runs[0]:
                row[key] = runs[0][key]
        apps[name] = row
    return {"settings": {"routes": settings.routes, "repeats": settings.repeats}, "apps": apps}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--routes", type=int, default=1000, help="(%(default)s)")
    add("-r", "--repeats", type=int, default=5, help="fresh interpreters per app (%(default)s)")
    add("-a", "--apps", help=f"comma list (default: {','.join(APPS)})")
    add("--no-validate", action="store_true", help="don't check the OpenAPI documents")
    add("--child", metavar="APP", help=argparse.SUPPRESS)
    add("--validate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the JSON line
            result = child(args.child, args.routes, args.validate)
        print(json.dumps(result))
        return 0

    from benchmarks.report import startup_table

    apps = tuple(args.apps.split(",")) if args.apps else tuple(APPS)
    unknown = [a for a in apps if a not in APPS]
    if unknown:
        parser.error(f"unknown apps {unknown}; known: {list(APPS)}")
    settings = Settings(
        routes=args.routes, repeats=args.repeats, apps=apps, validate=not args.no_validate
    )
    result = measure(settings)
    print(startup_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
