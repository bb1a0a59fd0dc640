"""Take a docs UI's files from its npm package into its asset distribution, and pin them.

    python scripts/update_docs_assets.py                  # re-take every pinned version
    python scripts/update_docs_assets.py redoc@3.0.2      # take a new version of one UI
    python scripts/update_docs_assets.py scalar@latest
    python scripts/update_docs_assets.py --check          # verify, change nothing

For each UI it asks the npm registry for the version's tarball integrity, fetches the
tarball with ``npm pack`` and checks it against that integrity, keeps only the files
the page loads (no source maps, nothing else) and the licence files, and writes them
to ``assets/<ui>/pegboard_assets_<ui>/``. It then rewrites the pins (each file's
sha384, the tarball's integrity) in ``plugins/pegboard_docs/pins.py``, the asset
distribution's version, and the extra's requirement in ``pyproject.toml``.
See docs/plugins/docs-ui.md, "Taking in a new UI version".
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT / "plugins")]

from pegboard_docs import UIS, DocsUI  # noqa: E402
from pegboard_docs.assets import Pin, sri  # noqa: E402
from pegboard_docs.npm import NpmError, pack, take_files  # noqa: E402

PINS = ROOT / "plugins/pegboard_docs/pins.py"
PYPROJECT = ROOT / "pyproject.toml"
MAX_BYTES = 5_000_000

DISTRIBUTION = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

# Written by scripts/update_docs_assets.py: the files of {spec}, untouched.
[project]
name = "pegboard-assets-{name}"
version = "{version}"
description = "{label} {version} (npm {spec}): the files pegboard's {name} plugin serves."
readme = "README.md"
license = "{license}"
requires-python = ">=3.10"

[tool.hatch.build.targets.wheel]
packages = ["pegboard_assets_{name}"]
"""

README = """\
# pegboard-assets-{name}

The files of {label} {version}, taken unchanged from the npm package `{spec}` by
pegboard's `scripts/update_docs_assets.py`: only what the page loads, and the
package's licence files. pegboard's `{name}` plugin serves them after checking each
against its pinned sha384 hash. The only Python here is `__init__.py`, a docstring.

{files}
"""


def npm_view(npm: str, spec: str) -> tuple[str, str, str]:
    """The registry's version, tarball integrity and licence for ``spec``."""
    done = subprocess.run(
        [npm, "view", spec, "version", "dist.integrity", "license", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise NpmError(f"'npm view {spec}' failed:\n{done.stderr.strip()}")
    info = json.loads(done.stdout)
    if isinstance(info, list):  # a range matching several versions: the highest
        info = info[-1]
    return info["version"], info["dist.integrity"], info.get("license", "")


def take(ui: DocsUI, spec: str, npm: str, tmp: Path) -> tuple[Pin, dict[str, bytes], str]:
    version, integrity, licence = npm_view(npm, spec)
    packed = pack(npm, f"{ui.npm}@{version}", tmp)
    if packed.integrity != integrity:
        raise NpmError(f"{packed.spec}: npm pack gave {packed.integrity}, the registry {integrity}")
    files = take_files(packed, ui)
    served = {name: sri(files[name]) for name in ui.served if name in files}
    size = sum(len(content) for content in files.values())
    if size > MAX_BYTES:
        raise NpmError(f"{packed.spec}: the files take {size} bytes, over {MAX_BYTES}.")
    return Pin(ui.npm, version, integrity, served), files, licence


def package_dir(ui: DocsUI) -> Path:
    return ROOT / "assets" / ui.name / f"pegboard_assets_{ui.name}"


def write_distribution(ui: DocsUI, pin: Pin, files: dict[str, bytes], licence: str) -> None:
    folder = package_dir(ui)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(
        f'"""{ui.label} {pin.version}, from npm {pin.npm}@{pin.version}; see README.md."""\n'
    )
    for name, content in files.items():
        (folder / name).write_bytes(content)
    fields = {
        "name": ui.name,
        "label": ui.label,
        "version": pin.version,
        "spec": f"{pin.npm}@{pin.version}",
        "license": licence or "LicenseRef-see-package.json",
    }
    (folder.parent / "pyproject.toml").write_text(DISTRIBUTION.format(**fields))
    listing = "\n".join(
        f"- `{name}`: `{pin.files[name]}`" if name in pin.files else f"- `{name}`, kept as is"
        for name in files
    )
    (folder.parent / "README.md").write_text(
        README.format(**fields, files=f"npm tarball: `{pin.tarball}`\n\n{listing}")
    )


def q(text: str) -> str:
    return json.dumps(text)  # double quotes, as ruff format writes them


def write_pins(pins: dict[str, Pin]) -> None:
    lines = [
        '"""The docs UIs\' pinned upstream versions and file hashes.',
        "",
        "Written by scripts/update_docs_assets.py; do not edit by hand. The asset package of",
        "each UI's extra must hold exactly these files: pegboard refuses to serve any other.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from pegboard_docs.assets import Pin",
        "",
        "PINS: dict[str, Pin] = {",
    ]
    for name, pin in pins.items():
        lines += [
            f"    {q(name)}: Pin(",
            f"        npm={q(pin.npm)},",
            f"        version={q(pin.version)},",
            f"        tarball={q(pin.tarball)},",
            "        files={",
            *(f"            {q(file)}: {q(digest)}," for file, digest in pin.files.items()),
            "        },",
            "    ),",
        ]
    lines.append("}")
    PINS.write_text("\n".join(lines) + "\n")


def write_requirements(pins: dict[str, Pin]) -> None:
    text = PYPROJECT.read_text()
    for name, pin in pins.items():
        text, count = re.subn(
            rf'^{name} = \["pegboard-assets-{name}[^"]*"\]$',
            f'{name} = ["pegboard-assets-{name}=={pin.version}"]',
            text,
            flags=re.M,
        )
        if count != 1:
            raise SystemExit(
                f"pyproject.toml has no line '{name} = [\"pegboard-assets-{name}...\"]'"
            )
    PYPROJECT.write_text(text)


def check(ui: DocsUI, pin: Pin, files: dict[str, bytes]) -> list[str]:
    """How the vendored files and the pins differ from what npm gives for the pin."""
    problems = []
    if pin != ui.pin:
        problems.append(f"{ui.name}: pins.py says {ui.pin}, npm gives {pin}")
    folder = package_dir(ui)
    for name, content in files.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != content:
            problems.append(f"{ui.name}: {path.relative_to(ROOT)} differs from npm's")
    extra = {p.name for p in folder.iterdir()} - set(files) - {"__init__.py", "__pycache__"}
    problems += [f"{ui.name}: {folder.relative_to(ROOT)}/{n} is not npm's" for n in extra]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("uis", nargs="*", metavar="UI[@VERSION]", help=f"of {', '.join(UIS)}")
    parser.add_argument("--check", action="store_true", help="verify; change nothing")
    parser.add_argument("--npm", default="npm")
    args = parser.parse_args(argv)
    npm = shutil.which(args.npm)
    if npm is None:
        parser.error(f"{args.npm} not found: install Node.js, or pass --npm PATH")
    wanted: dict[str, str] = {}
    for item in args.uis or list(UIS):
        name, _, version = item.partition("@")
        if name not in UIS:
            parser.error(f"unknown UI {name!r}; the UIs are {', '.join(UIS)}")
        wanted[name] = f"{UIS[name].npm}@{version or UIS[name].pin.version}"
    pins = {name: ui.pin for name, ui in UIS.items()}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pegboard-assets-") as tmp:
        for name, spec in wanted.items():
            into = Path(tmp) / name
            into.mkdir()
            pin, files, licence = take(UIS[name], spec, npm, into)
            if args.check:
                problems += check(UIS[name], pin, files)
                continue
            write_distribution(UIS[name], pin, files, licence)
            pins[name] = pin
            print(f"{name}: {pin.npm}@{pin.version}, {sum(map(len, files.values()))} bytes")
    if args.check:
        print("\n".join(problems) or f"{', '.join(wanted)}: the files and pins match npm.")
        return 1 if problems else 0
    write_pins(pins)
    write_requirements(pins)
    return 0


if __name__ == "__main__":
    sys.exit(main())
