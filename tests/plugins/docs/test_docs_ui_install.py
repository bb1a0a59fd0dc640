"""Installing each UI extra into a fresh venv adds its one asset distribution, nothing else.

pegboard and the five asset distributions are built as wheels from this repository,
as a release would publish them; each extra is installed beside a bare pegboard, and
the two environments are compared: the packages added, and the bytes added on disk.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pegboard_docs import UIS

from .browser import in_ci

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
LIMIT = 5_000_000  # bytes an extra may add, installed
#: Web frameworks and what the old redoc and scalar extras brought with star-openapi.
FORBIDDEN = {"star-openapi", "uvicorn", "pydantic", "jinja2", "flask", "django", "fastapi"}


def uv() -> str:
    found = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if found is None:
        reason = "this test needs uv (pip install uv)"
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure.", pytrace=False)
        pytest.skip(reason)
    return found


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheels")
    for project in [ROOT, *(ROOT / "assets" / name for name in UIS)]:
        run(uv(), "build", "--wheel", "--quiet", "--out-dir", str(out), str(project))
    return out


def install(wheels: Path, where: Path, extra: str | None) -> tuple[set[str], int]:
    """Install pegboard (with ``extra``) into a new venv; its packages and site-packages bytes."""
    run(uv(), "venv", "--quiet", "--python", sys.executable, str(where))
    python = str(where / "bin" / "python")
    wheel = next(wheels.glob("pegboard-*.whl"))
    spec = f"pegboard[{extra}] @ {wheel.as_uri()}" if extra else f"pegboard @ {wheel.as_uri()}"
    run(uv(), "pip", "install", "--quiet", "--python", python, "--find-links", str(wheels), spec)
    frozen = run(uv(), "pip", "freeze", "--python", python)
    packages = {line.split("==")[0].split(" @ ")[0].lower() for line in frozen.splitlines()}
    site = next(where.glob("lib/python*/site-packages"))
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return packages, size


@pytest.fixture(scope="module")
def bare(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], int]:
    return install(wheels, tmp_path_factory.mktemp("bare") / "venv", None)


@pytest.mark.parametrize("extra", sorted(UIS))
def test_an_extra_adds_one_small_asset_distribution(
    extra: str, wheels: Path, bare: tuple[set[str], int], tmp_path: Path
) -> None:
    packages, size = install(wheels, tmp_path / "venv", extra)
    added = packages - bare[0]
    assert added == {f"pegboard-assets-{extra}"}
    assert not packages & FORBIDDEN
    assert 0 < size - bare[1] < LIMIT, f"{extra} adds {size - bare[1]} bytes"
    site = next((tmp_path / "venv").glob("lib/python*/site-packages"))
    assert not list(site.rglob("*.map"))


def test_the_assets_are_not_in_pegboards_own_wheel(wheels: Path) -> None:
    import zipfile

    wheel = next(wheels.glob("pegboard-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.endswith((".js", ".css", ".map"))]
    assert "pegboard_docs/pins.py" in names


def test_the_vendored_files_are_npms_at_the_pinned_versions() -> None:
    # scripts/update_docs_assets.py --check: npm's tarballs, checked against the
    # registry's integrity, hold exactly the vendored files and the pinned hashes.
    if shutil.which("npm") is None:
        reason = "this test needs npm (apt-get install npm)"
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure.", pytrace=False)
        pytest.skip(reason)
    out = run(sys.executable, str(ROOT / "scripts/update_docs_assets.py"), "--check")
    assert out.strip() == f"{', '.join(UIS)}: the files and pins match npm."
