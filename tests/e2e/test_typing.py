"""Editors: both parameter styles type-check under mypy --strict and pyright strict.

``x: int = Depends(dep)`` and ``q: str = Query()`` (FastAPI's default-value style) and
the Annotated style, for Depends, Security and every validation marker: the samples
in tests/e2e/typing/ are checked by both tools, as a user's editor would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pegboard.testing import TestClient
from tests.conftest import load_module

pytest.importorskip("pydantic")
pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).parent / "typing"


def tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed here (the lint dependency group has it)")
    return found


def mypy(sample: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("mypy"), "--strict", "--no-incremental", "--cache-dir=/dev/null", sample],
        cwd=SAMPLES,
        capture_output=True,
        text=True,
    )


def pyright(sample: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("pyright"), "--pythonpath", sys.executable, sample],
        cwd=SAMPLES,
        capture_output=True,
        text=True,
    )


def test_both_styles_pass_mypy_strict():
    result = mypy("both_styles.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout


def test_both_styles_pass_pyright_strict():
    result = pyright("both_styles.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings, 0 informations" in result.stdout


def test_the_checkers_still_report_real_mistakes():
    # A wrong default in the Annotated style and a wrong return type: markers accept
    # any annotation, they do not make the rest of the handler unchecked. A route
    # option of the wrong type is reported; a third-party plugin's option is not.
    found = mypy("mistakes.py").stdout
    lines = sorted(set(map(int, re.findall(r"mistakes\.py:(\d+): error", found))))
    assert lines == [16, 22, 25], found
    found = pyright("mistakes.py").stdout
    lines = sorted(set(map(int, re.findall(r"mistakes\.py:(\d+):\d+ - error", found))))
    assert lines == [16, 22, 25], found


def test_the_sample_app_serves_both_styles():
    app = load_module("tests/e2e/typing/both_styles.py").app
    headers = {"Authorization": "Bearer abc"}
    with TestClient(app) as client:
        for style in ("default", "annotated"):
            response = client.get(f"/{style}/3?q=x&limit=5", headers=headers)
            assert response.json() == {
                "item_id": 3,
                "q": "x",
                "limit": 5,
                "size": 10,
                "user": "abc:items",
            }
            assert client.get(f"/{style}/0?q=x", headers=headers).status_code == 422
            assert client.post(f"/{style}/body", json={"name": "n"}).json() == "n"
        files = {"upload": ("a.txt", b"abc"), "data": ("b.bin", b"zz")}
        assert client.post("/default/form", data={"title": "t"}, files=files).json() == 6
        annotated = client.post("/annotated/form", data={"title": "t"}, files=files)
        assert annotated.json() == 4
