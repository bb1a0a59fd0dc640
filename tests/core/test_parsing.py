"""parse_query gives what Starlette's QueryParams (parse_qsl) would, for any query string."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pegboard.parsing import parse_query


def expected(raw: bytes) -> list[tuple[str, str]]:
    return parse_qsl(raw.decode("latin-1"), keep_blank_values=True)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"q=foo&limit=5",
        b"a=1&a=2&b",
        b"&&a=&=b&",
        b"a=b=c",
        b"q=a%20b&x=%E2%9C%93",
        b"q=a+b",
        b"q=\xe9t\xe9",
        b"a;b=c",
    ],
)
def test_examples(raw: bytes):
    assert parse_query(raw) == expected(raw)


@given(st.lists(st.sampled_from(["a", "b", "=", "&", "%", "+", "2", "0", ";", "\xe9", " "])))
def test_any_query_string(chars: list[str]):
    raw = "".join(chars).encode("latin-1")
    assert parse_query(raw) == expected(raw)
