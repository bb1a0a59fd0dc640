"""The compression page: every sample runs and does what the page says."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import brotli
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/compression.md"
SAMPLES = ROOT / "docs/src/compression"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')

Load = Callable[[str], ModuleType]


def fetch(client: TestClient, path: str, accept: str) -> Any:
    with client.stream("GET", path, headers={"accept-encoding": accept}) as response:
        return response, b"".join(response.iter_raw())


def test_page_and_samples_stay_in_step() -> None:
    text = PAGE.read_text()
    included = set(SNIPPET.findall(text))
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py")}
    assert included == on_disk
    this_file = Path(__file__).read_text()
    for sample in on_disk:
        assert sample in this_file, f"{sample} is not exercised here"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
        assert block.strip().startswith("--8<--"), "inline Python on the page"
    assert "Compression: plugins/compression.md" in (ROOT / "mkdocs.yml").read_text()


def test_the_api_section_names_every_public_name() -> None:
    import pegboard_compression

    text = PAGE.read_text()
    for name in pegboard_compression.__all__:
        if name == "CompressionPlugin":
            continue
        assert f"::: pegboard_compression.{name}\n" in text, name


def test_enable(load_sample: Load) -> None:
    mod = load_sample("docs/src/compression/enable.py")
    with TestClient(mod.app) as client:
        response, raw = fetch(client, "/report", "gzip, deflate, br, zstd")
        assert response.headers["content-encoding"] == "zstd"
        response, raw = fetch(client, "/report", "gzip;q=1.0, br;q=0.5")
        assert response.headers["content-encoding"] == "gzip"
        assert b"line 99: all quiet" in gzip.decompress(raw)
        response, raw = fetch(client, "/archive", "gzip")
        assert "content-encoding" not in response.headers
        assert "vary" not in response.headers
        response, raw = fetch(client, "/ticks", "br")
        assert response.headers["content-encoding"] == "br"
        assert brotli.decompress(raw).count(b"data: ") == 3


def test_options(load_sample: Load) -> None:
    mod = load_sample("docs/src/compression/options.py")
    with TestClient(mod.app) as client:
        response, raw = fetch(client, "/api/rows", "zstd, br, gzip")
        assert response.headers["content-encoding"] == "br"  # zstd is not offered
        assert brotli.decompress(raw).startswith(b'[{"row":0')
        response, _ = fetch(client, "/health", "br")
        assert "content-encoding" not in response.headers
        assert "vary" not in response.headers
