"""Serving a UI's files from this machine: ETags, long caching, gzip.

Each file is read and compressed once, in a worker thread, the first time it is asked
for; after that a request costs a dictionary lookup. A URL that carries the current
``?v=`` version is cached by browsers for a year; any other URL is revalidated with
its ETag, so pages that link the files without a version still see new files.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Mapping
from pathlib import Path

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["AssetFiles", "accepts_gzip", "etag_matches"]

LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}


@attrs.frozen
class _Loaded:
    etag: str
    gzip_etag: str
    gzipped: bytes


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip;q=0`` does not)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        q = params.strip().replace(" ", "")
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"``."""
    if if_none_match.strip() == "*":
        return True
    plain = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == plain for tag in if_none_match.split(","))


class AssetFiles:
    """A fixed set of files, served by name: ``{assets_url}/{name}`` routes to :meth:`respond`.

    Only the files given are served; any other name is a 404.
    """

    def __init__(self, files: Mapping[str, Path], version: str) -> None:
        self.files = dict(files)
        self.version = version
        self._loaded: dict[str, _Loaded] = {}
        self._lock = threading.Lock()

    def _load(self, name: str) -> _Loaded:
        with self._lock:
            loaded = self._loaded.get(name)
            if loaded is None:
                content = self.files[name].read_bytes()
                tag = hashlib.sha256(content).hexdigest()[:32]
                loaded = _Loaded(
                    etag=f'"{tag}"',
                    gzip_etag=f'"{tag}-gz"',
                    gzipped=gzip.compress(content, compresslevel=6, mtime=0),
                )
                self._loaded[name] = loaded
            return loaded

    async def respond(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = self.files.get(name)
        if path is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        loaded = self._loaded.get(name)
        if loaded is None:
            loaded = await run_in_threadpool(self._load, name)
        use_gzip = accepts_gzip(request.headers.get("accept-encoding", ""))
        etag = loaded.gzip_etag if use_gzip else loaded.etag
        cache = LONG_CACHE if request.query_params.get("v") == self.version else REVALIDATE
        headers = {
            "etag": etag,
            "cache-control": cache,
            "vary": "Accept-Encoding",
            "x-content-type-options": "nosniff",
        }
        if etag_matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        media_type = _MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        if use_gzip:
            headers["content-encoding"] = "gzip"
            return Response(loaded.gzipped, media_type=media_type, headers=headers)
        # Clients without gzip are rare: read the file again rather than keep it in memory.
        return Response(
            await run_in_threadpool(path.read_bytes), media_type=media_type, headers=headers
        )
