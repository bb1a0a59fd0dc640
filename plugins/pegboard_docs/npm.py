"""Taking a UI's files from its npm package: ``npm pack``, the tarball's integrity, the files.

Used by ``pegboard docs-assets`` (a folder for ``assets_dir=``) and by
``scripts/update_docs_assets.py`` (the asset distributions and their pins).
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import tarfile
from collections.abc import Iterable
from pathlib import Path

import attrs

from pegboard_docs.plugin import DocsUI

__all__ = ["NpmError", "Packed", "npm_integrity", "pack", "take_files"]


class NpmError(Exception):
    """npm failed, or what it gave is not what was asked for."""


@attrs.frozen
class Packed:
    """An npm tarball on disk, what it is, and npm's integrity of it (``sha512-...``)."""

    tarball: Path
    name: str
    version: str
    integrity: str

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


def npm_integrity(path: Path) -> str:
    """The integrity npm records for a tarball: ``sha512-`` and base64."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def pack(npm: str, spec: str, into: Path) -> Packed:
    """``npm pack spec`` into a folder, the tarball checked against npm's integrity."""
    try:
        done = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", str(into)],
            cwd=into,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NpmError(f"Could not run '{npm} pack {spec}': {exc}") from None
    if done.returncode != 0:
        raise NpmError(f"'{npm} pack {spec}' failed:\n{done.stderr.strip()}")
    try:
        info = json.loads(done.stdout)[0]
        packed = Packed(
            tarball=into / info["filename"],
            name=info["name"],
            version=info["version"],
            integrity=info.get("integrity", ""),
        )
    except (ValueError, LookupError, TypeError):
        # npm 6 prints the tarball's name, not JSON: the one tarball made is used.
        tarballs = sorted(into.glob("*.tgz"))
        if len(tarballs) != 1:
            raise NpmError(
                f"'{npm} pack {spec}' made no tarball; it said:\n{done.stdout.strip()}"
            ) from None
        name, _, version = spec.rpartition("@") if spec.rfind("@") > 0 else (spec, "", "")
        packed = Packed(tarballs[0], name, version, integrity="")
    if packed.integrity and npm_integrity(packed.tarball) != packed.integrity:
        raise NpmError(f"{packed.tarball.name} does not match npm's integrity {packed.integrity}.")
    return packed


def take_files(packed: Packed, ui: DocsUI, *, legal: bool = True) -> dict[str, bytes]:
    """The UI's files from the tarball, under their served names (with the licence files).

    Raises NpmError naming a required file the package lacks.
    """
    with tarfile.open(packed.tarball) as archive:
        # npm tarballs hold one top folder, usually "package/".
        members = {
            m.name.split("/", 1)[1]: m for m in archive.getmembers() if m.isfile() and "/" in m.name
        }
        taken: dict[str, bytes] = {}
        for file in ui.files:
            member = next((members[p] for p in file.paths() if p in members), None)
            if member is None:
                if file.required:
                    raise NpmError(
                        f"{packed.spec} has no {' or '.join(file.paths())}; is it the package "
                        f"{ui.label} ships as? The default is {ui.npm_spec}."
                    )
                continue
            taken[file.name] = _read(archive, member)
        for name in _present(ui.legal if legal else (), members):
            taken[name] = _read(archive, members[name])
    return taken


def _present(names: Iterable[str], members: dict[str, tarfile.TarInfo]) -> list[str]:
    return [name for name in names if name in members]


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    extracted = archive.extractfile(member)
    if extracted is None:  # members are regular files
        raise NpmError(f"{member.name} cannot be read from the tarball.")
    return extracted.read()
