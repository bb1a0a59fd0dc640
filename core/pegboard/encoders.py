"""Turning Python values into JSON: ``jsonable_encoder`` and the fast ``json_dumps``.

``json_dumps`` uses orjson when it is installed (the ``speed`` extra) and the standard
library otherwise; both give the same output for the types below. Values JSON has no
literal for (``NaN``, ``Infinity``) become ``null`` rather than an error, so an error
response that echoes such input can still be sent.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import ipaddress
import json
import math
import re
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import attrs

orjson: Any
try:
    import orjson
except ImportError:  # pragma: no cover - exercised in the environment without extras
    orjson = None

__all__ = ["json_dumps", "jsonable_encoder"]

_Encoder = Callable[[Any], Any]


def _decimal(value: Decimal) -> int | float | None:
    if not value.is_finite():
        return None  # NaN and Infinity have no JSON literal: null, as for floats
    if value.as_tuple().exponent >= 0:  # type: ignore[operator]
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else None


def _timedelta(value: datetime.timedelta) -> float:
    return value.total_seconds()


def _bytes(value: bytes) -> str:
    return value.decode(errors="replace")


_BY_TYPE: dict[type, _Encoder] = {
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
    datetime.timedelta: _timedelta,
    Decimal: _decimal,
    uuid.UUID: str,
    bytes: _bytes,
    re.Pattern: lambda pattern: pattern.pattern,
    ipaddress.IPv4Address: str,
    ipaddress.IPv6Address: str,
    ipaddress.IPv4Network: str,
    ipaddress.IPv6Network: str,
    ipaddress.IPv4Interface: str,
    ipaddress.IPv6Interface: str,
}


def jsonable_encoder(
    obj: Any,
    *,
    include: set[str] | None = None,
    exclude: set[str] | None = None,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
    custom_encoder: Mapping[type, _Encoder] | None = None,
) -> Any:
    """Convert ``obj`` into data ``json.dumps`` accepts: dicts, lists, str, numbers, None.

    Handles pydantic models (through their ``model_dump``; pydantic is not imported),
    dataclasses, attrs classes, enums, datetimes, UUIDs, decimals, sets, paths and IP
    addresses. ``include``/``exclude`` filter the top-level keys of mappings and models;
    ``custom_encoder`` maps types to functions that take precedence.
    """
    options = {
        "by_alias": by_alias,
        "exclude_unset": exclude_unset,
        "exclude_defaults": exclude_defaults,
        "exclude_none": exclude_none,
        "custom_encoder": custom_encoder,
    }
    if custom_encoder:
        for cls in type(obj).__mro__:
            if cls in custom_encoder:
                return custom_encoder[cls](obj)
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, enum.Enum):
        return jsonable_encoder(obj.value, **options)  # type: ignore[arg-type]
    if hasattr(obj, "model_dump") and hasattr(type(obj), "model_fields"):  # pydantic v2
        data = obj.model_dump(
            mode="json",
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return jsonable_encoder(data, custom_encoder=custom_encoder)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        return _encode_mapping(data, include, exclude, options)
    if attrs.has(type(obj)):
        data = {a.name: getattr(obj, a.name) for a in attrs.fields(type(obj))}
        return _encode_mapping(data, include, exclude, options)
    if isinstance(obj, Mapping):
        return _encode_mapping(obj, include, exclude, options)
    if isinstance(obj, (list, tuple, set, frozenset, deque)) or _is_generator(obj):
        return [jsonable_encoder(item, **options) for item in obj]  # type: ignore[arg-type]
    if isinstance(obj, PurePath):
        return str(obj)
    for cls in type(obj).__mro__:
        encoder = _BY_TYPE.get(cls)
        if encoder is not None:
            return encoder(obj)
    try:
        data = dict(obj)
    except Exception:
        try:
            data = vars(obj)
        except TypeError as exc:
            raise TypeError(
                f"Object of type {type(obj).__name__} is not JSON serializable. "
                "Return dicts, lists, dataclasses or models, or pass custom_encoder=."
            ) from exc
    return jsonable_encoder(data, **options)  # type: ignore[arg-type]


def _encode_mapping(
    data: Mapping[Any, Any],
    include: set[str] | None,
    exclude: set[str] | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    result = {}
    exclude_none = options["exclude_none"]
    for key, value in data.items():
        if include is not None and key not in include:
            continue
        if exclude is not None and key in exclude:
            continue
        if exclude_none and value is None:
            continue
        result[jsonable_encoder(key, **options)] = jsonable_encoder(value, **options)
    return result


def _is_generator(obj: Any) -> bool:
    return hasattr(obj, "__next__") and hasattr(obj, "__iter__")


def _stdlib_dumps(content: Any) -> bytes:
    try:
        text = json.dumps(
            content,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
            default=jsonable_encoder,
        )
    except ValueError:  # NaN or Infinity somewhere: encode them as null like orjson
        text = json.dumps(
            jsonable_encoder(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
    return text.encode("utf-8")


# Dates and times go through jsonable_encoder (isoformat): orjson 3.13 writes a time
# with 10 to 99 milliseconds wrongly ("00:00:00.12000" for 12 ms).
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATETIME
    if orjson
    else 0
)


def json_dumps(content: Any) -> bytes:
    """Serialize ``content`` to compact UTF-8 JSON bytes."""
    if orjson is None:  # pragma: no cover - exercised in the environment without extras
        return _stdlib_dumps(content)
    try:
        result: bytes = orjson.dumps(content, default=jsonable_encoder, option=_ORJSON_OPTIONS)
        return result
    except TypeError:  # e.g. integers beyond 64 bits, which orjson refuses
        return _stdlib_dumps(content)
