"""Source distributions from PyPI, downloaded once into benchmarks/.cache/ (git-ignored).

The yardsticks run a project's own test suite, which only its sdist ships. The file
comes from PyPI's simple index read as JSON (PEP 691, what pip and uv read too) and
is checked against the index's sha256 before it is kept.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


def fetch_sdist(project: str, version: str) -> Path:
    """``project``'s sdist for ``version``: from the cache, or downloaded into it."""
    name = f"{project.replace('-', '_')}-{version}.tar.gz"
    target = CACHE / name
    if target.exists():
        return target
    index = urllib.request.Request(
        f"https://pypi.org/simple/{project}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(index, timeout=60) as response:
        files = json.load(response)["files"]
    try:
        entry = next(f for f in files if f["filename"].lower() == name.lower())
    except StopIteration:
        raise SystemExit(f"PyPI has no sdist {name} for {project}") from None
    with urllib.request.urlopen(entry["url"], timeout=120) as response:
        data = response.read()
    expected = entry.get("hashes", {}).get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise SystemExit(f"{name} from PyPI does not match its sha256; not kept")
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
