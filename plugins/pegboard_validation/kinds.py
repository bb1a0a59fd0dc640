"""What kind of value an annotation describes, as parameter classification needs it.

FastAPI's rules: scalars (numbers, strings, enums, dates, UUIDs, ``Literal``, ...) are
query parameters; models, dataclasses, TypedDicts, attrs classes, mappings and
sequences are bodies; ``UploadFile`` is a file. ``adapt`` rewrites the types pydantic
does not know itself (attrs classes, Starlette's ``UploadFile``) into ones it does.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import attrs
from pydantic import BaseModel
from starlette.background import BackgroundTasks
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.requests import HTTPConnection
from starlette.responses import Response
from typing_extensions import is_typeddict

from pegboard_validation.attrs_support import AttrsSchema
from pegboard_validation.uploads import UploadFile

__all__ = [
    "adapt",
    "form_models",
    "is_body_type",
    "is_framework_type",
    "is_model_class",
    "is_sequence_type",
    "is_upload_type",
    "strip_annotated",
    "type_hints",
    "with_metadata",
]

_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)
_SEQUENCE_ORIGINS = (
    list,
    tuple,
    set,
    frozenset,
    collections.deque,
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Set,
    collections.abc.MutableSet,
)
_FRAMEWORK_TYPES = (HTTPConnection, BackgroundTasks, Response)


def strip_annotated(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _members(tp: Any) -> tuple[Any, ...]:
    """The non-None members of a union, or ``(tp,)``."""
    tp = strip_annotated(tp)
    if get_origin(tp) in _UNION_TYPES:
        return tuple(strip_annotated(a) for a in get_args(tp) if a is not type(None))
    return (tp,)


def is_framework_type(tp: Any) -> bool:
    """Request, WebSocket, BackgroundTasks, Response: the core injects these."""
    return inspect.isclass(tp) and issubclass(tp, _FRAMEWORK_TYPES)


def is_model_class(tp: Any) -> bool:
    return inspect.isclass(tp) and issubclass(tp, BaseModel)


def group_model(tp: Any) -> type[BaseModel] | None:
    """The model of a parameter that reads a group of fields: ``Model`` or ``Model | None``."""
    members = _members(tp)
    if len(members) == 1 and is_model_class(members[0]):
        model: type[BaseModel] = members[0]
        return model
    return None


def form_models(tp: Any) -> tuple[type[BaseModel], ...]:
    """The models a form parameter reads: ``Model``, ``A | B``, with or without None.

    Empty when any member of the union is not a model (the parameter is one field).
    """
    members = _members(tp)
    if members and all(is_model_class(member) for member in members):
        return members
    return ()


def _is_structured_class(tp: Any) -> bool:
    if not inspect.isclass(tp) or issubclass(tp, (str, bytes, bytearray, enum.Enum)):
        return False
    return (
        issubclass(tp, (BaseModel, Mapping, list, tuple, set, frozenset, collections.deque))
        or dataclasses.is_dataclass(tp)
        or is_typeddict(tp)
        or attrs.has(tp)
    )


def is_body_type(tp: Any) -> bool:
    """True for what FastAPI reads from the body when no marker says otherwise."""
    for member in _members(tp):
        origin = get_origin(member)
        if origin is Literal:
            continue
        if origin is not None:
            if (
                inspect.isclass(origin)
                and issubclass(origin, (Mapping, collections.abc.Sequence, collections.abc.Set))
                and not issubclass(origin, (str, bytes))
            ):
                return True
            continue
        if _is_structured_class(member):
            return True
    return False


def is_sequence_type(tp: Any) -> bool:
    """True when the value is read as a list of repeated keys (``?t=a&t=b``)."""
    for member in _members(tp):
        origin = get_origin(member) or member
        if origin in _SEQUENCE_ORIGINS:
            return True
        if inspect.isclass(origin) and issubclass(origin, (list, set, frozenset)):
            return True
    return False


def is_upload_type(tp: Any) -> bool:
    """``UploadFile``, optionally in a union with None or in a list."""
    for member in _members(tp):
        if get_origin(member) in _SEQUENCE_ORIGINS:
            args = get_args(member)
            member = strip_annotated(args[0]) if args else None
        if inspect.isclass(member) and issubclass(member, StarletteUploadFile):
            return True
    return False


def adapt(tp: Any) -> Any:
    """``tp`` with attrs classes and Starlette's UploadFile made known to pydantic."""
    if tp is inspect.Parameter.empty:
        return Any
    if inspect.isclass(tp):
        if issubclass(tp, StarletteUploadFile) and not issubclass(tp, UploadFile):
            return UploadFile
        if attrs.has(tp) and not issubclass(tp, BaseModel):
            return Annotated[tp, AttrsSchema(tp, adapt)]
        return tp
    origin = get_origin(tp)
    if origin is None or origin is Literal:
        return tp
    args = get_args(tp)
    if origin is Annotated:
        inner = adapt(args[0])
        return tp if inner is args[0] else with_metadata(inner, tp.__metadata__)
    new_args = tuple(adapt(a) if not isinstance(a, (list, str, int)) else a for a in args)
    if all(new is old for new, old in zip(new_args, args, strict=True)):
        return tp
    if origin in _UNION_TYPES:
        return Union[new_args]  # noqa: UP007 - works for both spellings of a union
    if isinstance(tp, types.GenericAlias):
        return types.GenericAlias(origin, new_args)
    copy_with = getattr(tp, "copy_with", None)  # typing.List[...] and friends
    if copy_with is not None:
        return copy_with(new_args)
    return tp


def with_metadata(tp: Any, metadata: Sequence[Any]) -> Any:
    """``Annotated[tp, *metadata]``, or ``tp`` when there is no metadata."""
    if not metadata:
        return tp
    args = (tp, *metadata)
    return Annotated[args]


def type_hints(func: Any) -> dict[str, Any]:
    """The evaluated annotations of a function, with ``Annotated`` kept."""
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception:
        return dict(getattr(func, "__annotations__", {}) or {})
