"""parse_query gives what Starlette's QueryParams (parse_qsl) would, for any query string.

query_params_of builds a QueryParams without its __init__, so these tests also check it
against Starlette's own: a Starlette release that changed QueryParams' inside fails here.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from pegboard import App, Request
from pegboard.parsing import parse_query, query_params_of
from pegboard.testing import TestClient


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
    assert_same_params(query_params_of(parse_query(raw)), QueryParams(raw))


def assert_same_params(ours: QueryParams, theirs: QueryParams) -> None:
    assert type(ours) is QueryParams
    assert ours == theirs
    assert ours.multi_items() == theirs.multi_items()
    assert dict(ours) == dict(theirs)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert len(ours) == len(theirs)
    for key in theirs:
        assert ours[key] == theirs[key]
        assert ours.getlist(key) == theirs.getlist(key)
    assert ours.get("missing") is None


@given(st.lists(st.sampled_from(["a", "b", "=", "&", "%", "+", "2", "0", ";", "\xe9", " "])))
def test_any_query_string(chars: list[str]):
    raw = "".join(chars).encode("latin-1")
    assert parse_query(raw) == expected(raw)
    assert_same_params(query_params_of(parse_query(raw)), QueryParams(raw))


def test_request_and_context_query_params_are_starlettes():
    app = App()
    seen: list[QueryParams] = []

    @app.get("/")
    async def read(request: Request) -> list[list[str]]:
        seen.append(request.query_params)
        return [list(pair) for pair in request.query_params.multi_items()]

    raw = "a=1&a=2&b=x%20y&c=+&d"
    assert TestClient(app).get(f"/?{raw}").json() == [list(p) for p in expected(raw.encode())]
    assert_same_params(seen[0], QueryParams(raw))
