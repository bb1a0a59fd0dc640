"""Serve one benchmark app under uvicorn or granian (one worker, uvloop).

    python -m benchmarks.serve benchmarks.apps.pegboard_all --port 8000
    python -m benchmarks.serve benchmarks.apps.fastapi_app --many-routes 100 --port 8001
    python -m benchmarks.serve benchmarks.apps.falcon_app --server granian --port 8002

With ``--many-routes N`` the app is the module's ``build_many_routes(N)``; otherwise
its ``app``. uvicorn runs with httptools; granian (a Rust HTTP server) with its ASGI
interface, one worker and one runtime thread. Access logs are off, as in any
benchmark of a server.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from benchmarks.server import HOST

SERVERS = ("uvicorn", "granian")
# granian imports the app in its worker process, by name: these tell it which.
_MODULE_VAR, _ROUTES_VAR = "PEGBOARD_BENCH_MODULE", "PEGBOARD_BENCH_ROUTES"


def command(
    module: str, port: int, many_routes: int | None = None, server: str = "uvicorn"
) -> list[str]:
    """The argv that serves ``module``'s app on ``port``, for :class:`benchmarks.server.Server`."""
    argv = [sys.executable, "-m", "benchmarks.serve", module, "--port", str(port)]
    if many_routes is not None:
        argv += ["--many-routes", str(many_routes)]
    return [*argv, "--server", server]


def load_app(module: str, many_routes: int | None) -> Any:
    loaded = importlib.import_module(module)
    if many_routes is None:
        return loaded.app
    return loaded.build_many_routes(many_routes)


def app_from_environment() -> Any:
    """granian's factory: the app named by the environment :func:`main` set."""
    routes = os.environ.get(_ROUTES_VAR)
    return load_app(os.environ[_MODULE_VAR], int(routes) if routes else None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="a module of benchmarks.apps")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--many-routes", type=int, help="serve build_many_routes(N)")
    parser.add_argument("--server", choices=SERVERS, default="uvicorn")
    args = parser.parse_args(argv)

    if args.server == "granian":
        from granian import Granian
        from granian.constants import Interfaces, Loops
        from granian.log import LogLevels

        os.environ[_MODULE_VAR] = args.module
        if args.many_routes is not None:
            os.environ[_ROUTES_VAR] = str(args.many_routes)
        Granian(
            "benchmarks.serve:app_from_environment",
            factory=True,
            address=HOST,
            port=args.port,
            interface=Interfaces.ASGI,
            workers=1,
            runtime_threads=1,
            loop=Loops.uvloop,
            log_access=False,
            log_level=LogLevels.warning,
        ).serve()
        return

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
