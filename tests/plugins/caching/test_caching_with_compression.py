"""Caching beside compression: a hit sends the stored compressed bytes, per coding."""

from __future__ import annotations

import gzip
from typing import Any

import brotli
from starlette.testclient import TestClient

from pegboard import App
from pegboard_caching import caching
from pegboard_compression import compression

BODY = {"words": ["cached and compressed"] * 100}


def fetch(client: TestClient, accept: str, etag: str | None = None) -> Any:
    headers = {"accept-encoding": accept}
    if etag is not None:
        headers["if-none-match"] = etag
    with client.stream("GET", "/data", headers=headers) as response:
        return response, b"".join(response.iter_raw())


def test_each_coding_is_a_variant_and_hits_skip_the_compressor():
    calls: list[int] = []
    # Listed in either order, the cache is outside compression (it is tryfirst).
    app = App(plugins=[compression(), caching()])

    @app.get("/data", cache=60)
    async def data() -> dict[str, Any]:
        calls.append(1)
        return BODY

    with TestClient(app) as client:
        gz = [fetch(client, "gzip") for _ in range(2)]
        br = [fetch(client, "br") for _ in range(2)]
        plain = [fetch(client, "identity") for _ in range(2)]
        assert len(calls) == 3  # one per variant
        assert gz[1][0].headers["age"] == "0"
        assert gz[0][1] == gz[1][1]
        assert gzip.decompress(gz[1][1]) == brotli.decompress(br[1][1]) == plain[1][1]
        for response, raw in (gz[1], br[1], plain[1]):
            assert response.headers["vary"] == "Accept-Encoding"
            assert int(response.headers["content-length"]) == len(raw)
        assert gz[1][0].headers["content-encoding"] == "gzip"
        assert "content-encoding" not in plain[1][0].headers
        # Each variant has its own ETag: the bytes differ.
        etags = {r.headers["etag"] for r, _ in (gz[1], br[1], plain[1])}
        assert len(etags) == 3
        not_modified, raw = fetch(client, "gzip", gz[1][0].headers["etag"])
        assert (not_modified.status_code, raw) == (304, b"")
        assert not_modified.headers["vary"] == "Accept-Encoding"
