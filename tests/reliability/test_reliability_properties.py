"""Property-based tests: path matching, parameter parsing and the JSON encoder.

``tests/core/test_routing_index.py`` already proves the route index picks the same
routes as a full scan. These properties go end to end, through a running app:

* a URL built from any parameter values reaches its route and gives the handler
  those values back (and a path with a trailing newline reaches nothing: routes are
  anchored at the very end), and no path at all makes the showcase fail;
* query strings and headers, valid or junk, get only a 200 or a 422 from typed
  parameters, and valid values survive the trip from URL to handler unchanged;
* ``json_dumps`` output parses back to the value it encoded, NaN and Infinity
  become null, and ``jsonable_encoder`` accepts every type it documents.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import ipaddress
import json
import math
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from starlette.datastructures import URLPath

from pegboard import App, Request
from pegboard.encoders import _stdlib_dumps, json_dumps, jsonable_encoder
from pegboard_validation import Header, Query, validation

from .driver import LiveApp

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- path matching ------------------------------------------------------------------------


def routing_app() -> App:
    app = App()

    async def echo(request: Request) -> dict[str, Any]:
        return {"route": request.scope["route"].name, "params": request.path_params}

    for path, name in [
        ("/s/{a}", "s"),
        ("/i/literal", "literal"),
        ("/i/{n:int}", "i"),
        ("/u/{u:uuid}", "u"),
        ("/p/{rest:path}", "p"),
        ("/m/{a}/{n:int}/{rest:path}", "m"),
        ("/f/{a}/fixed/{b}", "f"),
    ]:
        app.add_api_route(path, echo, name=name)
    return app


@pytest.fixture(scope="module")
def routing_live() -> Iterator[LiveApp]:
    with LiveApp(routing_app()) as live:
        yield live


segment = st.text(min_size=1).filter(lambda s: "/" not in s)
anything = st.text()
natural = st.integers(min_value=0, max_value=10**30)

route_and_params = st.one_of(
    st.tuples(st.just("s"), st.fixed_dictionaries({"a": segment})),
    st.tuples(st.just("i"), st.fixed_dictionaries({"n": natural})),
    st.tuples(st.just("u"), st.fixed_dictionaries({"u": st.uuids()})),
    st.tuples(st.just("p"), st.fixed_dictionaries({"rest": anything})),
    st.tuples(st.just("m"), st.fixed_dictionaries({"a": segment, "n": natural, "rest": anything})),
    st.tuples(st.just("f"), st.fixed_dictionaries({"a": segment, "b": segment})),
)


#: How a client spells each route's URL: every value percent-encoded (a path's slashes kept).
TEMPLATES = {
    "s": "/s/{a}",
    "i": "/i/{n}",
    "u": "/u/{u}",
    "p": "/p/{rest}",
    "m": "/m/{a}/{n}/{rest}",
    "f": "/f/{a}/fixed/{b}",
}


@SETTINGS
@given(route_and_params)
def test_urls_built_for_a_route_reach_it_with_the_same_values(
    routing_live: LiveApp, drawn: tuple[str, dict[str, Any]]
):
    name, params = drawn
    quoted = {k: quote(str(v), safe="/" if k == "rest" else "") for k, v in params.items()}
    target = TEMPLATES[name].format(**quoted)
    response = routing_live.send("GET", target)
    if "\n" in params.get("rest", ""):
        # Starlette's path convertor (".*") stops at a newline, and pegboard anchors
        # routes at the very end, so no route matches (Starlette issue #1058).
        assert response.status == 404, (target, response.body)
        return
    assert response.status == 200, (target, response.body)
    data = json.loads(response.body)
    assert data["route"] == name
    assert data["params"] == json.loads(json_dumps(params))
    # url_path_for builds the same path, unencoded but for Starlette's URLPath escapes.
    built = routing_live.app.url_path_for(name, **params)  # type: ignore[attr-defined]
    assert built == URLPath(TEMPLATES[name].format(**{k: str(v) for k, v in params.items()}))


path_piece = st.one_of(
    st.sampled_from(
        [
            "books",
            "1",
            "0",
            "-1",
            "..",
            ".",
            "",
            "%2F",
            "%00",
            "%FF",
            "%",
            "docs",
            "assets",
            "reviews",
            "cover",
            "events",
            "openapi.json",
            "redoc",
            "scalar",
            "health",
            "9" * 30,
        ]
    ),
    st.text(max_size=10).map(lambda s: quote(s, safe="")),
)


@SETTINGS
@given(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    st.lists(path_piece, max_size=6),
    st.binary(max_size=40).map(lambda b: b.replace(b"?", b"")),
)
def test_no_path_makes_the_showcase_fail(
    showcase_live: LiveApp, method: str, pieces: list[str], junk: bytes
):
    target = ("/" + "/".join(pieces)).encode() + junk
    response = showcase_live.send(method, target)
    assert response.status in (200, 307, 401, 404, 405, 422), (target, response.body)


# -- parameter parsing (validation plugin) ------------------------------------------------


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


def parameters_app() -> App:
    app = App(plugins=[validation()])

    @app.get("/q")
    async def query(
        i: Annotated[int, Query(ge=-1000, le=1000)] = 0,
        f: float = 0.0,
        b: bool = False,
        d: datetime.date | None = None,
        u: uuid.UUID | None = None,
        c: Color = Color.RED,
        s: Annotated[str, Query(max_length=20)] = "",
        ints: Annotated[list[int], Query()] = [],  # noqa: B006 - parsed, never mutated
        lit: Literal["a", "b"] = "a",
    ) -> dict[str, Any]:
        return {"i": i, "f": f, "b": b, "d": d, "u": u, "c": c, "s": s, "ints": ints, "lit": lit}

    @app.get("/h")
    async def headers(
        x_n: Annotated[int, Header()] = 0,
        x_s: Annotated[str | None, Header()] = None,
        x_l: Annotated[list[str], Header()] = [],  # noqa: B006 - parsed, never mutated
    ) -> dict[str, Any]:
        return {"x_n": x_n, "x_s": x_s, "x_l": x_l}

    return app


@pytest.fixture(scope="module")
def parameters_live() -> Iterator[LiveApp]:
    with LiveApp(parameters_app()) as live:
        yield live


QUERY_NAMES = ["i", "f", "b", "d", "u", "c", "s", "ints", "lit"]
junk_value = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "", " ", "true", "0x10", "1_000", "٣"]),
    st.integers().map(str),
    st.floats().map(repr),
)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=5)), junk_value),
        max_size=8,
    )
)
def test_any_query_string_gets_200_or_422(parameters_live: LiveApp, pairs: list[tuple[str, str]]):
    response = parameters_live.send("GET", "/q?" + urlencode(pairs))
    assert response.status in (200, 422), (pairs, response.body)


@SETTINGS
@given(st.binary(max_size=200))
def test_any_raw_query_bytes_get_200_or_422(parameters_live: LiveApp, raw: bytes):
    response = parameters_live.send("GET", b"/q?" + raw.replace(b"#", b""))
    assert response.status in (200, 422), (raw, response.body)


header_name = st.one_of(
    st.sampled_from([b"x-n", b"x-s", b"x-l"]), st.binary(min_size=1, max_size=8)
)


@SETTINGS
@given(st.lists(st.tuples(header_name, st.binary(max_size=40)), max_size=8))
def test_any_headers_get_200_or_422(parameters_live: LiveApp, headers: list[tuple[bytes, bytes]]):
    response = parameters_live.send("GET", "/h", headers)
    assert response.status in (200, 422), (headers, response.body)


BOOL_WORDS = {
    True: ["true", "True", "1", "yes", "on", "t", "y"],
    False: ["false", "False", "0", "no", "off", "f", "n"],
}


@st.composite
def valid_query(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    expected: dict[str, Any] = {
        "i": draw(st.integers(-1000, 1000)),
        "f": draw(st.floats(allow_nan=False, allow_infinity=False)),
        "b": draw(st.booleans()),
        "d": draw(st.dates()),
        "u": draw(st.uuids()),
        "c": draw(st.sampled_from(Color)),
        "s": draw(st.text(max_size=20)),
        "ints": draw(st.lists(st.integers(-(10**18), 10**18), max_size=5)),
        "lit": draw(st.sampled_from(["a", "b"])),
    }
    pairs = [
        ("i", str(expected["i"])),
        ("f", repr(expected["f"])),
        ("b", draw(st.sampled_from(BOOL_WORDS[expected["b"]]))),
        ("d", expected["d"].isoformat()),
        ("u", str(expected["u"]) if draw(st.booleans()) else expected["u"].hex),
        ("c", expected["c"].value),
        ("s", expected["s"]),
        ("lit", expected["lit"]),
    ]
    # Scalars in any order; a list's items in their order, wherever they fall.
    ordered = draw(st.permutations(pairs))
    places = sorted(draw(st.lists(st.integers(0, len(ordered)), min_size=len(expected["ints"]),
                                  max_size=len(expected["ints"]))))  # fmt: skip
    for shift, (place, n) in enumerate(zip(places, expected["ints"], strict=True)):
        ordered.insert(place + shift, ("ints", str(n)))
    return expected, ordered


@SETTINGS
@given(valid_query())
def test_valid_query_values_reach_the_handler_unchanged(
    parameters_live: LiveApp, drawn: tuple[dict[str, Any], list[tuple[str, str]]]
):
    expected, pairs = drawn
    response = parameters_live.send("GET", "/q?" + urlencode(pairs))
    assert response.status == 200, (pairs, response.body)
    assert json.loads(response.body) == json.loads(json_dumps(expected))


latin1_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
    max_size=40,
)


@SETTINGS
@given(st.integers(-(10**18), 10**18), latin1_text, st.lists(latin1_text, max_size=4))
def test_valid_header_values_reach_the_handler_unchanged(
    parameters_live: LiveApp, number: int, text: str, items: list[str]
):
    headers = [(b"x-n", str(number).encode()), (b"x-s", text.encode("latin-1"))]
    headers += [(b"x-l", item.encode("latin-1")) for item in items]
    response = parameters_live.send("GET", "/h", headers)
    assert response.status == 200, response.body
    assert json.loads(response.body) == {"x_n": number, "x_s": text, "x_l": items}


# -- the JSON encoder -----------------------------------------------------------------------

# CPython refuses to turn integers of more than 4300 digits into text (sys.int_info).
big_int = st.integers(min_value=-(10**4299), max_value=10**4299)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), big_int, finite, st.text())
json_value = st.recursive(
    json_scalar,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_value)
def test_json_dumps_round_trips_json_data(value: Any):
    encoded = json_dumps(value)
    assert json.loads(encoded) == value
    # The fallback without orjson gives the same data (its float spelling may differ).
    assert json.loads(_stdlib_dumps(value)) == value
    encoded.decode("utf-8")  # always valid UTF-8


def without_non_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [without_non_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: without_non_finite(v) for k, v in value.items()}
    return value


any_float_value = st.recursive(
    st.floats() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(any_float_value)
def test_nan_and_infinity_become_null(value: Any):
    expected = without_non_finite(value)
    assert json.loads(json_dumps(value)) == expected
    assert json.loads(_stdlib_dumps(value)) == expected


class Shade(enum.Enum):
    LIGHT = 1
    DARK = "dark"


@dataclasses.dataclass
class Point:
    x: int
    label: str


@attrs.define
class Tagged:
    name: str
    values: list[int]


class Model(BaseModel):
    name: str
    when: datetime.datetime
    tags: set[str] = set()


offsets = st.integers(-23 * 60, 23 * 60).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)
supported_scalar = st.one_of(
    json_scalar,
    st.floats(),
    st.datetimes(timezones=st.none() | offsets),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.decimals(),  # NaN, sNaN and Infinity included
    st.uuids(),
    st.sampled_from(Shade),
    st.binary(max_size=20),
    st.text(max_size=10).map(PurePosixPath),
    st.ip_addresses(),
    st.ip_addresses(v=4).map(lambda a: ipaddress.ip_network(a)),
    st.builds(Point, x=st.integers(), label=st.text(max_size=5)),
    st.builds(Tagged, name=st.text(max_size=5), values=st.lists(st.integers(), max_size=3)),
    st.builds(
        Model,
        name=st.text(max_size=5),
        when=st.datetimes(timezones=st.just(datetime.timezone.utc)),
        tags=st.sets(st.text(max_size=3), max_size=3),
    ),
)
supported = st.recursive(
    supported_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.lists(children, max_size=4).map(deque),
        st.frozensets(st.integers() | st.text(max_size=3), max_size=4),
        st.dictionaries(st.text(max_size=5), children, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(supported)
def test_jsonable_encoder_accepts_every_documented_type(value: Any):
    plain = jsonable_encoder(value)
    # What it returns is plain JSON data, which round-trips through json_dumps ...
    assert json.loads(json_dumps(plain)) == plain
    # ... and json_dumps (orjson's native types or the encoder) says the same thing.
    assert json.loads(json_dumps(value)) == plain
    assert json.loads(_stdlib_dumps(value)) == plain


@settings(max_examples=100, deadline=None)
@given(st.times(timezones=st.none() | offsets))
def test_times_are_encoded_as_isoformat(value: datetime.time):
    assert jsonable_encoder(value) == value.isoformat()
    assert json.loads(_stdlib_dumps([value])) == [value.isoformat()]


def test_json_dumps_writes_times_with_a_few_milliseconds_correctly():
    # orjson 3.13 writes 00:00:00.012 as '00:00:00.12000'; pegboard encodes times itself.
    pytest.importorskip("orjson")
    value = datetime.time(0, 0, 0, 12_000)
    assert json.loads(json_dumps(value)) == "00:00:00.012000"


@pytest.mark.parametrize("path", ["/s/x\n", "/i/7\n", "/i/literal\n", f"/u/{uuid.UUID(int=1)}\n"])
def test_a_trailing_newline_does_not_reach_a_route(routing_live: LiveApp, path: str):
    # "$" would match before the newline: "/admin%0A" would reach /admin past any check
    # that compares paths exactly (as Werkzeug found; pegboard anchors with \Z).
    response = routing_live.send("GET", quote(path, safe="/"))
    if path == "/s/x\n":  # a str parameter may hold a newline: {"a": "x\n"}
        assert json.loads(response.body)["params"] == {"a": "x\n"}
    else:
        assert response.status == 404
