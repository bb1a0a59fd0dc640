"""Resident memory of an app mounted under a path parameter, serving its OpenAPI document
to many tenants: ``python tenants_rss.py N [--no-servers] [--yaml]`` prints JSON.

Run in its own process so the figure is this app's alone. The showcase API is mounted
at ``/{tenant}``; each request asks ``/<tenant>/openapi.json`` for a new tenant, so
the root path differs every time, as it would for a hostile client (or many tenants).
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.conftest import load_module  # noqa: E402
from tests.reliability.driver import send_raw  # noqa: E402


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError("VmRSS")


async def serve(app: Any, tenants: range, url: str) -> None:
    for n in tenants:
        response = await send_raw(app, "GET", f"/tenant-{n:06d}{url}".encode())
        if response.status != 200:
            raise SystemExit(f"tenant {n}: {response.status} {response.body[:200]!r}")


def api_with(*, servers: bool) -> Any:
    """Forty documented routes, the document also served as YAML."""
    from pegboard import App
    from pegboard_openapi import openapi
    from pegboard_validation import validation

    app = App(
        plugins=[
            validation(),
            openapi(title="Tenants", root_path_in_servers=servers, yaml_url="/openapi.yaml"),
        ]
    )
    for n in range(40):

        async def create(item: Item, limit: int = 10) -> Item:
            return item

        app.add_api_route(f"/items{n}/{{item_id}}", create, methods=["POST"], name=f"create{n}")
    return app


def main() -> None:
    count = int(sys.argv[1])
    servers = "--no-servers" not in sys.argv
    url = "/openapi.yaml" if "--yaml" in sys.argv else "/openapi.json"
    from pegboard import App

    if servers and url.endswith("json"):
        api = load_module("examples/showcase/app.py").app
    else:
        api = api_with(servers=servers)
    parent = App()
    parent.mount("/{tenant}", api)
    asyncio.run(serve(parent, range(-500, 0), url))  # warm up: caches, allocator arenas
    gc.collect()
    before = rss_kib()
    asyncio.run(serve(parent, range(count), url))
    gc.collect()
    after = rss_kib()
    print(json.dumps({"before_kib": before, "after_kib": after, "growth_kib": after - before}))


if __name__ == "__main__":
    main()
