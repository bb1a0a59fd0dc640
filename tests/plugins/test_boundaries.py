"""First-party plugins cooperate through public APIs only (issue 15).

A plugin may import another plugin's package, and from it only the names that
package exports in ``__all__``; never one of its modules (``pegboard_di.planner``).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
PACKAGES = sorted(p.name for p in PLUGINS.glob("pegboard_*") if (p / "__init__.py").exists())


def violations(package: str, source: str, filename: str) -> list[str]:
    """The imports in ``source`` (from ``package``) that reach into another plugin."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            targets = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            targets = [(node.module, alias.name) for alias in node.names]
        else:
            continue
        for module, name in targets:
            top = module.partition(".")[0]
            if top == package or top not in PACKAGES:
                continue
            where = f"{filename}:{node.lineno}"
            if module != top:
                found.append(f"{where} imports module {module}, which is not public")
            elif name is not None:
                exported = getattr(importlib.import_module(top), "__all__", ())
                if name not in exported:
                    found.append(f"{where} imports {top}.{name}, which is not in __all__")
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_plugin_imports_only_public_names_of_other_plugins(package: str):
    found: list[str] = []
    for path in sorted((PLUGINS / package).rglob("*.py")):
        found += violations(package, path.read_text(), str(path.relative_to(PLUGINS)))
    assert found == []


def test_the_check_catches_private_modules_and_names():
    source = (
        "from pegboard_di.planner import Planner\n"
        "import pegboard_di.graph\n"
        "from pegboard_di import _state, Depends\n"
        "from pegboard_security.base import SecurityBase\n"
    )
    found = violations("pegboard_security", source, "x.py")
    assert found == [
        "x.py:1 imports module pegboard_di.planner, which is not public",
        "x.py:2 imports module pegboard_di.graph, which is not public",
        "x.py:3 imports pegboard_di._state, which is not in __all__",
    ]


def test_one_hookspec_marker_for_every_first_party_hookspec():
    core = PLUGINS.parent / "core" / "pegboard"
    makers = [
        str(path.relative_to(PLUGINS.parent))
        for path in sorted([*core.rglob("*.py"), *PLUGINS.rglob("*.py")])
        if "HookspecMarker(" in path.read_text()
    ]
    assert makers == ["core/pegboard/hookspecs.py"]
