"""Every hook is specified in pegboard.hookspecs with a complete docstring."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from pegboard import hookspecs

SPECS = [getattr(hookspecs, name) for name in hookspecs.__all__ if name.startswith("pegboard_")]
ROOT = Path(__file__).resolve().parents[2]


def test_there_are_hooks_for_each_phase():
    names = {spec.__name__ for spec in SPECS}
    assert {
        "pegboard_configure",
        "pegboard_startup",
        "pegboard_shutdown",
        "pegboard_resolve_parameter",
        "pegboard_encode_response",
    } <= names


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.__name__)
def test_hook_docstring_documents_every_parameter(spec):
    doc = inspect.getdoc(spec) or ""
    first_line = doc.splitlines()[0] if doc else ""
    assert first_line.endswith("."), f"{spec.__name__}: the first line must be one sentence"
    for name in inspect.signature(spec).parameters:
        assert f":param {name}:" in doc, f"{spec.__name__} does not document {name!r}"
    documented = set(re.findall(r":param (\w+):", doc))
    assert documented <= set(inspect.signature(spec).parameters), f"{spec.__name__}: stale :param"
    assert "Implementing this hook" in doc, spec.__name__


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.__name__)
def test_firstresult_hooks_say_so(spec):
    opts = spec.pegboard_spec
    doc = inspect.getdoc(spec) or ""
    assert opts["firstresult"] == ("Stops at the first non-None result." in doc), spec.__name__


def test_hook_reference_page_renders_the_hookspecs_module():
    page = (ROOT / "docs" / "plugins" / "hooks.md").read_text()
    assert "::: pegboard.hookspecs" in page
