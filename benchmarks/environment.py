"""What a result depends on besides the code: versions and the machine."""

from __future__ import annotations

import contextlib
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# Distributions whose versions are recorded with the results.
VERSIONED = (
    "pegboard",
    "starlette",
    "fastapi",
    "litestar",
    "blacksheep",
    "falcon",
    "granian",
    "pydantic",
    "pydantic-core",
    "msgspec",
    "orjson",
    "uvicorn",
    "uvloop",
    "httptools",
)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in VERSIONED:
        with contextlib.suppress(PackageNotFoundError):
            found[dist] = version(dist)
    return found


def versions_line() -> str:
    found = versions()
    python = found.pop("python")
    return f"Python {python}; " + ", ".join(f"{k} {v}" for k, v in found.items())


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "implementation": platform.python_implementation(),
    }
