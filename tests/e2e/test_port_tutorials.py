"""``pegboard port`` on real FastAPI code: the tutorials in FastAPI's source distribution.

The distribution is the version the test group pins, downloaded once from PyPI into
benchmarks/.cache/ (as ``python -m benchmarks.tutorials`` does). How many of FastAPI's
own tests pass against the ported tutorials is the yardstick's job; these tests check
the porter itself: it handles every tutorial, refuses what it must, and is idempotent.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

pytest.importorskip("libcst")
fastapi = pytest.importorskip("fastapi")
pytest.importorskip("pegboard_validation")

from benchmarks.tutorials import fetch_sdist, unpack  # noqa: E402
from pegboard.cli import cli  # noqa: E402
from pegboard.porting import port_project  # noqa: E402


@pytest.fixture(scope="module")
def docs_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        sdist = fetch_sdist(fastapi.__version__)
    except OSError as exc:  # pragma: no cover - offline without the cached download
        pytest.skip(f"FastAPI's source distribution is not available: {exc}")
    root = tmp_path_factory.mktemp("fastapi")
    unpack(sdist, root)
    return root / "docs_src"


def load(path: Path, name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


@pytest.mark.slow
def test_every_tutorial_is_ported_and_porting_again_changes_nothing(docs_src: Path, tmp_path: Path):
    docs_src = Path(shutil.copytree(docs_src, tmp_path / "docs_src"))
    project = port_project([docs_src])
    assert len(project.files) > 400
    refused = set()
    for file in project.files:
        compile(file.new, str(file.path), "exec")
        if file.notes:
            refused.add(file.path.relative_to(docs_src).parts[0])
        else:
            # What has an answer is ported: no FastAPI import is left.
            assert "from fastapi" not in file.new, file.path
            assert "import fastapi" not in file.new, file.path
        file.path.write_text(file.new)
    again = port_project([docs_src])
    assert [f.path for f in again.files if f.changed] == []
    # The tutorials of what pegboard has no answer for, and nothing else.
    assert refused == {
        "extending_openapi",  # app.openapi_schema
        "pydantic_v1_in_v2",  # fastapi.temp_pydantic_v1_params
    }


def test_refusals_name_the_file_line_and_the_pegboard_way(docs_src: Path):
    schema = docs_src / "extending_openapi" / "tutorial001.py"
    v1 = docs_src / "pydantic_v1_in_v2" / "tutorial004.py"
    result = CliRunner().invoke(cli, ["port", "--check", str(schema), str(v1)])
    assert result.exit_code == 1
    assert (
        f"{schema}:13: cannot port .openapi_schema: the document is built by the openapi plugin"
    ) in result.output
    assert (
        f"{v1}:4: cannot port fastapi.temp_pydantic_v1_params.Body: pegboard has no equivalent"
    ) in result.output


def test_check_fails_until_the_tutorial_is_ported_then_passes(docs_src: Path, tmp_path: Path):
    folder = Path(shutil.copytree(docs_src / "body", tmp_path / "body"))
    runner = CliRunner()
    before = {path: path.read_text() for path in folder.glob("*.py")}
    check = runner.invoke(cli, ["port", "--check", str(folder)])
    assert check.exit_code == 1
    assert {path: path.read_text() for path in folder.glob("*.py")} == before
    assert runner.invoke(cli, ["port", str(folder)]).exit_code == 0
    assert runner.invoke(cli, ["port", "--check", str(folder)]).exit_code == 0


def test_a_ported_tutorial_serves_what_fastapis_tests_expect(docs_src: Path, tmp_path: Path):
    path = Path(shutil.copy(docs_src / "body" / "tutorial001.py", tmp_path / "app.py"))
    CliRunner().invoke(cli, ["port", str(path)])
    assert "from pegboard import App\n" in path.read_text()
    module = load(path, "ported_body_tutorial001")
    with TestClient(module.app) as client:  # type: ignore[attr-defined]
        created = client.post("/items/", json={"name": "Foo", "price": 50.5})
        assert created.json() == {"name": "Foo", "price": 50.5, "description": None, "tax": None}
        missing = client.post("/items/", json={"name": "Foo"})
        assert missing.status_code == 422
        assert missing.json()["detail"][0]["loc"] == ["body", "price"]
