"""The objects hooks receive document every field, so the API reference is complete."""

from __future__ import annotations

import inspect

import attrs
import pytest

from pegboard import (
    CompiledRoute,
    Encoder,
    Exchange,
    ParamInfo,
    PluginInfo,
    Resolver,
    RouteInfo,
    RouteObserver,
    RouteOption,
)
from pegboard.descriptions import (
    BodyDescription,
    ParameterDescription,
    ResponseDescription,
    SecurityDescription,
)

CLASSES = [
    RouteInfo,
    CompiledRoute,
    ParamInfo,
    Resolver,
    Encoder,
    PluginInfo,
    RouteOption,
    Exchange,
    RouteObserver,
    ParameterDescription,
    BodyDescription,
    ResponseDescription,
    SecurityDescription,
]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_field_is_documented(cls: type):
    doc = inspect.getdoc(cls) or ""
    summary = doc.split("\n:ivar", 1)[0]
    assert summary.strip(), cls.__name__
    assert ":ivar" in doc, cls.__name__
    for field in attrs.fields(cls):
        assert f":ivar {field.name}:" in doc, f"{cls.__name__}.{field.name} is undocumented"
    # Text after the fields would render as part of the last one.
    assert not doc.rsplit(":ivar", 1)[1].split("\n\n", 1)[1:], cls.__name__


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_public_methods_and_properties_have_docstrings(cls: type):
    for name, member in vars(cls).items():
        if name.startswith("_") or name in {f.name for f in attrs.fields(cls)}:
            continue
        if callable(member) or isinstance(member, (property, classmethod, staticmethod)):
            target = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            assert inspect.getdoc(target), f"{cls.__name__}.{name} has no docstring"
