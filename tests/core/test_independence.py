"""The core works without pydantic; CI runs tests/core in a venv that lacks it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest


def test_importing_pegboard_does_not_import_pydantic():
    code = (
        "import sys, pegboard, pegboard.cli, pegboard.testing, pegboard.pytest_plugin;"
        "from pegboard import App;"
        "app = App();"
        "app.get('/')(lambda: 1);"
        "app.build();"
        "print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(
    os.environ.get("PEGBOARD_EXPECT_NO_PYDANTIC") != "1",
    reason="only in the environment built without pydantic",
)
def test_this_environment_really_lacks_pydantic():
    assert importlib.util.find_spec("pydantic") is None
