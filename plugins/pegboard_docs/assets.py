"""Where a docs UI's JavaScript and CSS come from: an installed package, a folder, a CDN.

No third-party file is part of pegboard. Each UI names the files it needs
(:class:`AssetFile`) and the installed packages known to carry them
(:class:`PackageAssets`); :func:`locate_assets` picks a source once, when the app is
configured, and says how to get one when there is none.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from pegboard import PluginError

__all__ = [
    "AssetFile",
    "Assets",
    "CDNAssets",
    "LocalAssets",
    "PackageAssets",
    "find_in_folder",
    "find_in_package",
    "locate_assets",
    "origin_of",
]


@attrs.frozen
class AssetFile:
    """One file a UI needs, served as ``{assets_url}/{name}``.

    ``candidates`` are the paths, relative to an assets folder, where the file may be:
    the flat name that ``pegboard docs-assets`` writes, then where the npm package
    keeps it, so an unpacked npm package works as a folder too.
    """

    name: str
    candidates: tuple[str, ...] = ()
    required: bool = True

    def paths(self) -> tuple[str, ...]:
        return self.candidates or (self.name,)


@attrs.frozen
class PackageAssets:
    """Where an installed Python package keeps a UI's files.

    ``folder`` is a path inside the package and may end in a glob (``vendor/swagger-ui-*``):
    the highest version wins. ``files`` maps file names to paths inside ``folder``.
    """

    module: str
    requirement: str
    folder: str
    files: Mapping[str, str]


@attrs.frozen
class LocalAssets:
    """Files on this machine, served by the app; ``version`` busts browser caches."""

    files: Mapping[str, Path]
    origin: str
    version: str

    def has(self, name: str) -> bool:
        return name in self.files


@attrs.frozen
class CDNAssets:
    """Files loaded by the browser from a CDN under ``base_url``."""

    base_url: str
    names: frozenset[str]

    def has(self, name: str) -> bool:
        return name in self.names


Assets = LocalAssets | CDNAssets


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name))


def _fingerprint(files: Mapping[str, Path]) -> str:
    # Size and modification time, not content: cheap at startup, and the asset route
    # ignores the value anyway (it only makes a changed file a new URL for browsers).
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        stat = path.stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:12]


def find_in_package(package: PackageAssets, files: Sequence[AssetFile]) -> LocalAssets | None:
    """The files of an installed package, or None if it is missing or lacks a required file.

    The package is found without being imported.
    """
    try:
        spec = importlib.util.find_spec(package.module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    folders = sorted(root.glob(package.folder), key=_version_key)
    if not folders:
        return None
    folder = folders[-1]
    found: dict[str, Path] = {}
    for file in files:
        relative = package.files.get(file.name)
        path = folder / relative if relative else None
        if path is not None and path.is_file():
            found[file.name] = path
        elif file.required:
            return None
    return LocalAssets(
        found, origin=f"package {package.module} ({folder})", version=_fingerprint(found)
    )


def find_in_folder(folder: Path, files: Sequence[AssetFile], subfolder: str) -> LocalAssets:
    """The files in ``folder`` (or its ``subfolder``); raises PluginError naming what lacks."""
    if (folder / subfolder).is_dir():
        folder = folder / subfolder
    if not folder.is_dir():
        raise PluginError(f"assets_dir={str(folder)!r} is not a folder.")
    found: dict[str, Path] = {}
    missing: list[str] = []
    for file in files:
        for candidate in file.paths():
            if (folder / candidate).is_file():
                found[file.name] = folder / candidate
                break
        else:
            if file.required:
                missing.append(" or ".join(file.paths()))
    if missing:
        raise PluginError(
            f"assets_dir={str(folder)!r} lacks {', '.join(missing)}. Fetch the files into it "
            f"with: pegboard docs-assets {folder.parent if folder.name == subfolder else folder}"
        )
    return LocalAssets(found, origin=f"folder {folder}", version=_fingerprint(found))


def locate_assets(
    *,
    label: str,
    factory: str,
    files: Sequence[AssetFile],
    packages: Sequence[PackageAssets],
    subfolder: str,
    assets_dir: str | os.PathLike[str] | None,
    cdn: bool,
    cdn_url: str,
) -> Assets:
    """The source of a UI's files: ``assets_dir``, else the CDN if asked, else a package.

    Raises :class:`~pegboard.PluginError` with the ways to get the files if none has them.
    """
    if assets_dir is not None:
        return find_in_folder(Path(assets_dir), files, subfolder)
    if cdn:
        return CDNAssets(cdn_url.rstrip("/"), frozenset(f.name for f in files))
    for package in packages:
        found = find_in_package(package, files)
        if found is not None:
            return found
    requirements = " or ".join(p.requirement for p in packages)
    extra = "swagger" if factory == "swagger_ui" else factory
    raise PluginError(
        f"{factory}() found no {label} files to serve. Install them with "
        f"pip install 'pegboard[{extra}]' (or just {requirements}); or fetch them into a "
        f"folder with 'pegboard docs-assets DIR' and pass {factory}(assets_dir=DIR); "
        f"or load them from a CDN with {factory}(cdn=True)."
    )


def origin_of(url: str) -> str | None:
    """``https://cdn.example.com`` for an absolute URL, None for a path on this site."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None
