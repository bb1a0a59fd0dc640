"""How responses are kept in a store, and the validators (``ETag``) around them.

A stored value is bytes, read back by every worker that shares the store, so the
format is a fixed header and plain bytes: never pickle, which would let whoever can
write to the store run code in the app.

- an entry: ``b"E"``, status, the time it was stored, the header block, the body;
- a variant marker: ``b"V"`` and the request headers the response varies on; the
  entry itself then lives under a key that adds those headers' values.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

import attrs

__all__ = ["Entry", "decode", "encode_entry", "encode_variants", "etag_for", "matches"]

_HEAD = struct.Struct(">cHdI")  # kind, status, stored at (Unix time), header block size
_ENTRY = b"E"
_VARIANTS = b"V"

Headers = list[tuple[bytes, bytes]]


@attrs.frozen
class Entry:
    """A stored response.

    :ivar status: Its status code.
    :ivar headers: Its headers as sent, ``Cache-Control`` and ``ETag`` included.
    :ivar body: Its body.
    :ivar stored_at: When it was stored (Unix time), for the ``Age`` header.
    :ivar etag: Its ``ETag`` value, or None.
    """

    status: int
    headers: Headers
    body: bytes
    stored_at: float
    etag: bytes | None


def encode_entry(status: int, headers: Headers, body: bytes, stored_at: float) -> bytes | None:
    """The stored form of a response, or None if a header cannot be kept safely."""
    lines = []
    for key, value in headers:
        if b"\n" in value or b"\r" in value:
            return None
        lines.append(key.lower() + b":" + value)
    block = b"\n".join(lines)
    return _HEAD.pack(_ENTRY, status, stored_at, len(block)) + block + body


def encode_variants(names: Sequence[str]) -> bytes:
    """The marker saying which request headers select the entry."""
    return _VARIANTS + "\n".join(names).encode("latin-1")


def decode(raw: bytes) -> Entry | tuple[str, ...] | None:
    """An :class:`Entry`, the header names of a variant marker, or None if unreadable."""
    kind = raw[:1]
    if kind == _VARIANTS:
        return tuple(raw[1:].decode("latin-1").split("\n"))
    if kind != _ENTRY or len(raw) < _HEAD.size:
        return None
    _, status, stored_at, size = _HEAD.unpack_from(raw)
    start = _HEAD.size
    block = raw[start : start + size]
    headers: Headers = []
    etag = None
    if block:
        for line in block.split(b"\n"):
            key, _, value = line.partition(b":")
            if key == b"etag":
                etag = value
            headers.append((key, value))
    return Entry(status, headers, raw[start + size :], stored_at, etag)


def etag_for(body: bytes) -> bytes:
    """A strong ``ETag`` for a body: a hash of it, the same in every worker."""
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, RFC 9110 13.1.2)."""
    value = if_none_match.strip()
    if value == b"*":
        return True
    wanted = etag.removeprefix(b"W/")
    return any(c.strip().removeprefix(b"W/") == wanted for c in value.split(b","))
