"""Reading the query string without ``urllib.parse`` when nothing needs decoding.

Starlette parses every query string with :func:`urllib.parse.parse_qsl`, which runs
``unquote`` on each key and value. Most query strings of an API (``q=foo&limit=5``)
contain neither ``%`` nor ``+``, and for those splitting on ``&`` and ``=`` gives
exactly what ``parse_qsl`` would; only the others go through it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

__all__ = ["parse_query"]


def parse_query(query_string: bytes) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs of a raw query string, as Starlette's QueryParams reads them.

    Blank values are kept (``?a=&b`` gives ``("a", "")`` and ``("b", "")``) and empty
    fields are skipped, as ``parse_qsl(..., keep_blank_values=True)`` does.
    """
    if not query_string:
        return []
    text = query_string.decode("latin-1")
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True)
    pairs = []
    for field in text.split("&"):
        if field:
            key, _, value = field.partition("=")
            pairs.append((key, value))
    return pairs
