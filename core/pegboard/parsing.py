"""Reading the query string without ``urllib.parse`` when nothing needs decoding.

Starlette parses every query string with :func:`urllib.parse.parse_qsl`, which runs
``unquote`` on each key and value. Most query strings of an API (``q=foo&limit=5``)
contain neither ``%`` nor ``+``, and for those splitting on ``&`` and ``=`` gives
exactly what ``parse_qsl`` would; only the others go through it.

:func:`query_params_of` builds Starlette's :class:`~starlette.datastructures.QueryParams`
from those pairs, for ``request.query_params`` and ``ctx.query_params``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import QueryParams

__all__ = ["parse_query", "query_params_of"]


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


def query_params_of(pairs: list[tuple[str, str]]) -> QueryParams:
    """Starlette's ``QueryParams`` holding ``pairs`` from :func:`parse_query` (per request).

    ``QueryParams(pairs)`` re-reads the list through several generic steps (about a
    dozen calls); the pairs are already what it would keep, so they are set directly.
    tests/core/test_parsing.py checks the result against Starlette's own parsing.
    """
    params: QueryParams = QueryParams.__new__(QueryParams)
    params._list = pairs
    params._dict = dict(pairs)
    return params
