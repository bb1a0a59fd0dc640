from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import ipaddress
import math
import pathlib
import re
import uuid
from collections import deque
from typing import Any

import attrs
import pytest

from pegboard import encoders
from pegboard.encoders import _stdlib_dumps, json_dumps, jsonable_encoder


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Box:
    color: Color
    size: decimal.Decimal
    tags: set[str]


@attrs.define
class Crate:
    boxes: list[Box]
    when: datetime.datetime


class ModelLike:
    """Duck-types a pydantic v2 model without importing pydantic."""

    model_fields = {"a": None, "b": None}

    def model_dump(self, **options: Any) -> dict[str, Any]:
        data = {"a": 1, "b": None}
        if options.get("exclude_none"):
            data = {k: v for k, v in data.items() if v is not None}
        if options.get("include"):
            data = {k: v for k, v in data.items() if k in options["include"]}
        return data


CASES: list[tuple[Any, Any]] = [
    (None, None),
    (True, True),
    (1.5, 1.5),
    (Color.RED, "red"),
    (datetime.datetime(2024, 5, 6, 7, 8, 9), "2024-05-06T07:08:09"),
    (datetime.date(2024, 5, 6), "2024-05-06"),
    (datetime.time(7, 8), "07:08:00"),
    (datetime.timedelta(minutes=1, milliseconds=500), 60.5),
    (decimal.Decimal("3"), 3),
    (decimal.Decimal("3.25"), 3.25),
    (uuid.UUID(int=255), "00000000-0000-0000-0000-0000000000ff"),
    (pathlib.PurePosixPath("/a/b"), "/a/b"),
    (ipaddress.ip_address("10.0.0.1"), "10.0.0.1"),
    (re.compile("a+"), "a+"),
    (b"bytes", "bytes"),
    (frozenset([1]), [1]),
    (deque([1, 2]), [1, 2]),
    ((x for x in range(2)), [0, 1]),
    ({1: "int key"}, {1: "int key"}),
    (math.nan, None),
    (math.inf, None),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_jsonable_encoder(value: Any, expected: Any):
    assert jsonable_encoder(value) == expected


def test_nested_dataclasses_and_attrs():
    crate = Crate([Box(Color.RED, decimal.Decimal("1.5"), {"x"})], datetime.datetime(2020, 1, 1))
    assert jsonable_encoder(crate) == {
        "boxes": [{"color": "red", "size": 1.5, "tags": ["x"]}],
        "when": "2020-01-01T00:00:00",
    }


def test_model_like_objects_use_model_dump_with_options():
    assert jsonable_encoder(ModelLike()) == {"a": 1, "b": None}
    assert jsonable_encoder(ModelLike(), exclude_none=True) == {"a": 1}
    assert jsonable_encoder(ModelLike(), include={"b"}) == {"b": None}


def test_include_exclude_and_exclude_none_on_mappings():
    data = {"a": 1, "b": None, "c": 3}
    assert jsonable_encoder(data, include={"a", "b"}) == {"a": 1, "b": None}
    assert jsonable_encoder(data, exclude={"a"}) == {"b": None, "c": 3}
    assert jsonable_encoder(data, exclude_none=True) == {"a": 1, "c": 3}


def test_custom_encoder_wins():
    assert jsonable_encoder(Color.RED, custom_encoder={Color: lambda c: c.name}) == "RED"


def test_objects_with_attributes_fall_back_to_vars():
    class Plain:
        def __init__(self) -> None:
            self.x = 1

    assert jsonable_encoder(Plain()) == {"x": 1}


def test_unserializable_values_say_what_to_do():
    with pytest.raises(TypeError, match="is not JSON serializable"):
        jsonable_encoder(object())


PARITY: list[Any] = [
    {"a": [1, 2.5, None, True, "é"]},
    {"when": datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc)},
    {"id": uuid.UUID(int=7), "color": Color.RED},
    Box(Color.RED, decimal.Decimal("2"), set()),
    {"nan": math.nan, "big": 2**70},
    {1: "x"},
]


@pytest.mark.parametrize("value", PARITY)
def test_fast_and_stdlib_encoders_agree(value: Any):
    assert json_dumps(value) == _stdlib_dumps(value)


def test_orjson_is_used_when_installed():
    pytest.importorskip("orjson")
    assert encoders.json_dumps is not encoders._stdlib_dumps


def test_output_is_compact_utf8():
    assert _stdlib_dumps({"a": "é", "b": [1, 2]}) == '{"a":"é","b":[1,2]}'.encode()


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "1" + "0" * 400 + ".5"])
def test_decimals_without_a_json_literal_become_null(value: str):
    # As NaN and Infinity floats do; these used to raise TypeError (or give inf).
    number = decimal.Decimal(value)
    assert jsonable_encoder(number) is None
    assert json_dumps([number]) == _stdlib_dumps([number]) == b"[null]"
