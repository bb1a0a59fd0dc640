"""A griffe extension for the docs build: Sphinx roles in docstrings become code spans.

The docstrings cross-reference in Sphinx's style (``:class:`~pegboard.App```), which
mkdocstrings would print literally. ``~a.b.C`` shows ``C``; ``text <target>`` shows
``text``. Loaded by mkdocs.yml (mkdocstrings' ``extensions`` option).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|data|attr|mod|exc|obj|const):`([^`]+)`")


def _shown(target: str) -> str:
    explicit = re.fullmatch(r"(.+?)\s*<[^>]+>", target)
    if explicit:
        return explicit.group(1)
    if target.startswith("~"):
        return target[1:].rsplit(".", 1)[-1]
    return target


class SphinxRoles(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(lambda m: f"`{_shown(m.group(1))}`", obj.docstring.value)
