"""Serve one benchmark app under uvicorn (uvloop + httptools, one process).

    python -m benchmarks.serve benchmarks.apps.pegboard_all --port 8000
    python -m benchmarks.serve benchmarks.apps.fastapi_app --many-routes 100 --port 8001

With ``--many-routes N`` the app is the module's ``build_many_routes(N)``; otherwise
its ``app``. Access logs are off, as in any benchmark of a server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from benchmarks.server import HOST


def command(module: str, port: int, many_routes: int | None = None) -> list[str]:
    """The argv that serves ``module``'s app on ``port``, for :class:`benchmarks.server.Server`."""
    argv = [sys.executable, "-m", "benchmarks.serve", module, "--port", str(port)]
    if many_routes is not None:
        argv += ["--many-routes", str(many_routes)]
    return argv


def load_app(module: str, many_routes: int | None) -> Any:
    loaded = importlib.import_module(module)
    if many_routes is None:
        return loaded.app
    return loaded.build_many_routes(many_routes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="a module of benchmarks.apps")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--many-routes", type=int, help="serve build_many_routes(N)")
    args = parser.parse_args(argv)

    import uvicorn

    uvicorn.run(
        load_app(args.module, args.many_routes),
        host=HOST,
        port=args.port,
        loop="uvloop",
        http="httptools",
        workers=1,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
