"""Choosing a content coding from ``Accept-Encoding`` (RFC 9110, 12.5.3).

The header is the client's, so anything may arrive: entries that do not parse are
skipped, and the worst a hostile header can do is get an uncompressed response.
Answers are remembered per distinct header value (browsers send a handful), in a
bounded table, so a request usually pays one dict lookup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["Negotiator", "parse_accept_encoding"]

# A qvalue: 0, 0.5, 0.125, 1, 1.000 (RFC 9110, 12.4.2); anything else is malformed.
_QVALUE = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\Z")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")

#: Longer headers are answered but not remembered (real ones are a few dozen bytes).
_MAX_REMEMBERED_LENGTH = 256
_MAX_REMEMBERED = 512


def parse_accept_encoding(value: str) -> dict[str, float]:
    """The q-value of each coding named in an ``Accept-Encoding`` value, lowercased.

    Malformed entries (no token, a bad q-value) are left out; a coding named twice
    keeps its first q-value.
    """
    found: dict[str, float] = {}
    for entry in value.split(","):
        token, _, params = entry.partition(";")
        name = token.strip().lower()
        if not name or not _TOKEN.match(name):
            continue
        q = 1.0
        for param in params.split(";") if params else ():
            key, _, raw = param.partition("=")
            if key.strip().lower() != "q":
                continue
            raw = raw.strip()
            if not _QVALUE.match(raw):
                q = -1.0
                break
            q = float(raw)
        if q >= 0 and name not in found:
            found[name] = q
    return found


class Negotiator:
    """Picks the coding for a request; made once per route policy (build time).

    :param preference: The codings the server offers, best first; ties in q-value go
        to the earlier one.
    """

    __slots__ = ("_known", "_preference")

    def __init__(self, preference: Sequence[str]) -> None:
        self._preference = tuple(preference)
        self._known: dict[bytes, str | None] = {}

    def choose(self, header: bytes) -> str | None:
        """Per request: the coding to use for this ``Accept-Encoding``, or None (identity)."""
        try:
            return self._known[header]
        except KeyError:
            pass
        chosen = self._decide(header)
        if len(header) <= _MAX_REMEMBERED_LENGTH:
            if len(self._known) >= _MAX_REMEMBERED:
                self._known.clear()  # a flood of distinct values: start over
            self._known[header] = chosen
        return chosen

    def _decide(self, header: bytes) -> str | None:
        accepted = parse_accept_encoding(header.decode("latin-1"))
        star = accepted.get("*")
        best: str | None = None
        best_q = 0.0
        for name in self._preference:
            q = accepted.get(name, star if star is not None else 0.0)
            if q > best_q:
                best, best_q = name, q
        if best is None:
            return None
        # Only an identity the client names with a higher q-value beats a coding: one
        # it leaves out is merely acceptable (RFC 9110, 12.5.3), not preferred.
        return None if accepted.get("identity", 0.0) > best_q else best
