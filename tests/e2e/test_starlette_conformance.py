"""The Starlette-conformance runner's parts: the adapter, the file selection, the verdict.

The run itself (Starlette's whole suite, three times) is CI's `.ci/run`, not a test.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from benchmarks import starlette_adapter
from benchmarks.starlette_conformance import summarise, unpack
from pegboard import App


async def missing(request: Request) -> Response:
    raise HTTPException(404)


def test_adapter_builds_a_plugin_free_app_with_starlettes_defaults():
    app = starlette_adapter.Starlette(routes=[Route("/", missing)])
    assert isinstance(app, App)
    assert app.plugins == []
    assert app.max_body_size is None  # Starlette's default, not pegboard's 1 MiB
    assert TestClient(app).get("/").json() == {"detail": "Not Found"}


def test_setting_aside_removes_the_json_error_handlers_and_nosniff(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(starlette_adapter, "_set_aside", True)
    app = starlette_adapter.Starlette(routes=[Route("/", missing)])
    assert HTTPException not in app.exception_handlers
    assert 500 not in app.exception_handlers
    assert len(app.exception_handlers) == 1  # the validation handler stays
    response = TestClient(app).get("/")
    assert (response.status_code, response.text) == (404, "Not Found")
    assert "x-content-type-options" not in response.headers  # nosniff set aside too


def test_setting_aside_keeps_a_tests_own_handlers(monkeypatch: pytest.MonkeyPatch):
    async def own(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("own", status_code=418)

    monkeypatch.setattr(starlette_adapter, "_set_aside", True)
    app = starlette_adapter.Starlette(
        routes=[Route("/", missing)], exception_handlers={HTTPException: own}
    )
    assert app.exception_handlers[HTTPException] is own
    assert TestClient(app).get("/").status_code == 418


def _sdist(tmp_path: Path, files: dict[str, str]) -> Path:
    path = tmp_path / "starlette-9.9.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"starlette-9.9/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_unpack_selects_the_test_files_that_build_a_starlette_app(tmp_path: Path):
    sdist = _sdist(
        tmp_path,
        {
            "pyproject.toml": "[tool.pytest.ini_options]\n",
            "starlette/applications.py": "",
            "tests/test_a.py": "from starlette.applications import Starlette\n",
            "tests/middleware/test_b.py": (
                "def f():\n    from starlette.applications import Starlette\n"
            ),
            "tests/test_c.py": "from starlette.routing import Route\n",
            "tests/helpers.py": "from starlette.applications import Starlette\n",
        },
    )
    tree = tmp_path / "tree"
    files = unpack(sdist, tree)
    assert files == ["tests/middleware/test_b.py", "tests/test_a.py"]
    assert (tree / "pyproject.toml").exists()
    assert not (tree / "starlette").exists()  # the installed Starlette is the one tested


def test_summary_counts_only_what_passes_on_starlette_and_checks_the_docs():
    outcomes = {
        "starlette": {"t.py::a": "passed", "t.py::b[x]": "passed", "t.py::c": "failed"},
        "pegboard": {"t.py::a": "passed", "t.py::b[x]": "failed", "t.py::c": "failed"},
        "set-aside": {"t.py::a": "passed on a second run", "t.py::b[x]": "passed"},
    }
    summary = summarise(outcomes, docs="")
    assert summary["pass_on_starlette"] == 2
    assert summary["pass_on_pegboard"] == 1
    assert summary["pass_with_json_errors_set_aside"] == 2
    assert summary["fail_on_pegboard_not_in_docs"] == ["t.py::b"]
    assert summary["passed_on_a_second_run"] == ["t.py::a"]
    assert summarise(outcomes, docs="- t.py: `t.py::b`")["fail_on_pegboard_not_in_docs"] == []
