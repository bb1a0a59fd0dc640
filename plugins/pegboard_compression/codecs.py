"""The content codings: gzip from the standard library, brotli and zstd when installed.

Each :class:`Codec` compresses a whole body in one call, or a stream chunk by chunk
with a flush after every chunk (so a server-sent event reaches the client at once).
Which codecs exist is decided on import; asking for a missing one is a startup error
that says which extra installs it.
"""

from __future__ import annotations

import gzip
import importlib
import zlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs

from pegboard import ConfigurationError

__all__ = ["DEFAULT_LEVELS", "KNOWN", "Codec", "StreamCompressor", "available", "codec"]


class StreamCompressor(Protocol):
    """Compresses one stream: each ``chunk()`` is flushed, ``finish()`` ends it."""

    def chunk(self, data: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


@attrs.frozen
class Codec:
    """One content coding at one level.

    :ivar name: The token of ``Accept-Encoding`` and ``Content-Encoding``.
    :ivar level: The compression level (quality, for brotli).
    """

    name: str
    level: int
    _compress: Callable[[bytes, int], bytes] = attrs.field(alias="compress", repr=False)
    _stream: Callable[[int], StreamCompressor] = attrs.field(alias="stream", repr=False)

    def compress(self, data: bytes) -> bytes:
        """The whole body, compressed."""
        return self._compress(data, self.level)

    def stream(self) -> StreamCompressor:
        """A compressor for one streamed body."""
        return self._stream(self.level)


def _first_module(*names: str) -> Any:
    """The first of ``names`` that imports, or None (when this module is imported)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


# -- gzip ------------------------------------------------------------------------------


def _gzip(data: bytes, level: int) -> bytes:
    # mtime=0: the same body compresses to the same bytes, so ETags stay stable.
    return gzip.compress(data, compresslevel=level, mtime=0)


class _GzipStream:
    __slots__ = ("_obj",)

    def __init__(self, level: int) -> None:
        self._obj = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: a gzip wrapper

    def chunk(self, data: bytes) -> bytes:
        return self._obj.compress(data) + self._obj.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._obj.flush(zlib.Z_FINISH)


# -- brotli ----------------------------------------------------------------------------

# Google's bindings, or the CFFI ones (PyPy); the same API.
_brotli: Any = _first_module("brotli", "brotlicffi")


def _br(data: bytes, level: int) -> bytes:
    result: bytes = _brotli.compress(data, quality=level)
    return result


class _BrotliStream:
    __slots__ = ("_obj", "_process")

    def __init__(self, level: int) -> None:
        self._obj = _brotli.Compressor(quality=level)
        # brotli names it process(); brotlicffi compress() (and process() in recent ones).
        self._process = getattr(self._obj, "process", None) or self._obj.compress

    def chunk(self, data: bytes) -> bytes:
        return bytes(self._process(data)) + bytes(self._obj.flush())

    def finish(self) -> bytes:
        return bytes(self._obj.finish())


# -- zstd ------------------------------------------------------------------------------

# The standard library's from Python 3.14, its backport before; the same API.
_zstd: Any = _first_module("compression.zstd", "backports.zstd")


def _zst(data: bytes, level: int) -> bytes:
    result: bytes = _zstd.compress(data, level=level)
    return result


class _ZstdStream:
    __slots__ = ("_obj",)

    def __init__(self, level: int) -> None:
        self._obj = _zstd.ZstdCompressor(level=level)

    def chunk(self, data: bytes) -> bytes:
        return bytes(self._obj.compress(data, _zstd.ZstdCompressor.FLUSH_BLOCK))

    def finish(self) -> bytes:
        return bytes(self._obj.flush(_zstd.ZstdCompressor.FLUSH_FRAME))


# -- the registry ----------------------------------------------------------------------

#: Every coding the plugin knows, in its default order of preference: zstd is fastest
#: for its ratio, brotli compresses text best, gzip every client reads.
KNOWN: tuple[str, ...] = ("zstd", "br", "gzip")

#: Levels suited to compressing responses as they are sent.
DEFAULT_LEVELS: Mapping[str, int] = {"zstd": 3, "br": 4, "gzip": 6}

_LEVEL_RANGES = {"zstd": (1, 19), "br": (0, 11), "gzip": (0, 9)}

_IMPLEMENTATIONS: dict[str, tuple[Any, Callable[..., bytes], Callable[[int], Any], str]] = {
    "gzip": (gzip, _gzip, _GzipStream, ""),
    "br": (_brotli, _br, _BrotliStream, "brotli"),
    "zstd": (_zstd, _zst, _ZstdStream, "zstd"),
}


def available() -> tuple[str, ...]:
    """The codings whose library is installed, in the default order of preference."""
    return tuple(name for name in KNOWN if _IMPLEMENTATIONS[name][0] is not None)


def codec(name: str, level: int | None = None) -> Codec:
    """The codec for ``name`` at ``level`` (build time); a startup error if it cannot be."""
    if name not in _IMPLEMENTATIONS:
        raise ConfigurationError(
            f"compression() does not know the coding {name!r}; choose among "
            f"{', '.join(repr(k) for k in KNOWN)}."
        )
    module, whole, stream, extra = _IMPLEMENTATIONS[name]
    if module is None:
        raise ConfigurationError(
            f"compression() was asked for {name!r}, whose library is not installed. "
            f'Install it with: pip install "pegboard[{extra}]"'
        )
    if level is None:
        level = DEFAULT_LEVELS[name]
    low, high = _LEVEL_RANGES[name]
    if isinstance(level, bool) or not isinstance(level, int) or not low <= level <= high:
        raise ConfigurationError(
            f"compression() got level {level!r} for {name!r}; it takes an int from {low} to {high}."
        )
    return Codec(name, level, compress=whole, stream=stream)
