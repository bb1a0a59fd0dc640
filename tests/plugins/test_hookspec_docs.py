"""Every first-party hookspec docstring has the same anatomy, so the reference reads well.

The summary and the "Implementing this hook" box come before the ``:param:`` and
``:returns:`` fields: with the Sphinx docstring style mkdocstrings uses, text after a
field is rendered as part of that field.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

MODULES = ["pegboard.hookspecs", "pegboard_di.hookspecs", "pegboard_openapi.hookspecs"]


def specs() -> list[Callable[..., Any]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        found += [f for n, f in vars(module).items() if n.startswith("pegboard_")]
    return found


@pytest.mark.parametrize("spec", specs(), ids=lambda spec: spec.__name__)
def test_hookspec_docstring_anatomy(spec: Callable[..., Any]):
    doc = inspect.getdoc(spec) or ""
    fields = re.search(r"^:(param|returns)", doc, flags=re.M)
    text = doc[: fields.start()] if fields else doc
    tail = doc[fields.start() :] if fields else ""
    assert '!!! tip "Implementing this hook"\n    ' in text, spec.__name__
    assert "Implementing this hook" not in tail, f"{spec.__name__}: the box must precede fields"
    for name in inspect.signature(spec).parameters:
        assert f":param {name}:" in tail, f"{spec.__name__} does not document {name!r}"
    if inspect.signature(spec).return_annotation not in ("None", None):
        assert ":returns:" in tail, f"{spec.__name__} does not say what it returns"
