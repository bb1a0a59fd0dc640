"""What users install: the sdist holds its own tests and docs; a bare wheel keeps pytest
working; a plugin without its extra is one error that names the extra (slow: builds
and installs into fresh virtual environments with uv)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.e2e.test_templates import clean_environment, uv

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

#: Tracked files the sdist leaves out on purpose (pyproject.toml says why).
NOT_IN_SDIST = (".ci/", ".github/")


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = run(uv(), "build", "--sdist", "--wheel", "--out-dir", out, ROOT)
    assert result.returncode == 0, result.stderr
    return out


def test_the_sdist_holds_every_tracked_file(dist: Path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the tracked files")
    tracked = run("git", "ls-files", cwd=ROOT).stdout.split()
    (sdist,) = dist.glob("pegboard-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = [
        path
        for path in tracked
        if path not in names and not path.startswith(NOT_IN_SDIST) and (ROOT / path).exists()
    ]
    assert missing == []
    assert not [name for name in names if name.startswith(NOT_IN_SDIST)]


def test_the_unpacked_sdist_collects_its_tests_and_resolves_its_docs(dist: Path, tmp_path: Path):
    (sdist,) = dist.glob("pegboard-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (source,) = tmp_path.glob("pegboard-*")
    # Collected from the unpacked tree (pegboard itself from this environment).
    result = run(
        sys.executable,
        "-m",
        "pytest",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
        cwd=source,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"^\d+ tests collected", result.stdout, flags=re.M), result.stdout[-500:]
    # The docs build from it: mkdocs.yml, every page in the nav, every included file.
    config = (source / "mkdocs.yml").read_text()
    pages = re.findall(r":\s+([\w/-]+\.md)\s*$", config, flags=re.M)
    assert pages
    assert [page for page in pages if not (source / "docs" / page).is_file()] == []
    snippets = {
        include
        for page in (source / "docs").rglob("*.md")
        for include in re.findall(r'--8<-- "([^":]+)', page.read_text())
    }
    assert snippets
    assert sorted(s for s in snippets if not (source / s).is_file()) == []


# -- a bare install ----------------------------------------------------------------------

UNRELATED_TEST = "def test_unrelated():\n    assert 1 + 1 == 2\n"


@pytest.fixture(scope="module")
def bare(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the pegboard wheel (no extras) and pytest, nothing else."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    (wheel,) = dist.glob("pegboard-*.whl")
    env = clean_environment(venv)
    assert run(uv(), "venv", "--python", sys.executable, venv, env=env).returncode == 0
    python = venv / "bin" / "python"
    result = run(uv(), "pip", "install", "--python", python, wheel, "pytest>=8", env=env)
    assert result.returncode == 0, result.stderr
    return venv


def test_pytest_in_a_bare_install_runs_unrelated_tests(bare: Path, tmp_path: Path):
    python = bare / "bin" / "python"
    env = clean_environment(bare)
    assert run(python, "-c", "import httpx2", env=env).returncode != 0  # really absent
    (tmp_path / "test_unrelated.py").write_text(UNRELATED_TEST)
    result = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    plugins = run(python, "-m", "pytest", "--trace-config", "-q", cwd=tmp_path, env=env)
    assert "pegboard.pytest_plugin" in plugins.stdout  # the plugin was loaded, not skipped


def test_a_plugin_without_its_extra_is_one_error(bare: Path, tmp_path: Path):
    env = clean_environment(bare)
    code = "from pegboard import App\nApp(plugins=['validation'])\n"
    result = run(bare / "bin" / "python", "-c", code, cwd=tmp_path, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        "pegboard.exceptions.PluginError: Plugin 'validation' cannot be loaded: it needs "
        "'pydantic', which is not installed. Install the plugin's extra: "
        'pip install "pegboard[validation]"'
    )
    assert "ModuleNotFoundError" not in result.stderr
    assert len(lines) <= 5, result.stderr
