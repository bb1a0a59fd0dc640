"""Where a docs UI's JavaScript and CSS come from: an installed package, a folder, a CDN.

No third-party file is part of pegboard's own package. Each UI names the files it
needs (:class:`AssetFile`) and the asset distribution of its extra
(:class:`PackageAssets`), whose files must match the hashes pinned in
:mod:`pegboard_docs.pins`; :func:`locate_assets` picks a source once, when the app is
configured, and says how to get one when there is none.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from pegboard import PluginError

__all__ = [
    "AssetFile",
    "Assets",
    "CDNAssets",
    "IntegrityError",
    "LocalAssets",
    "PackageAssets",
    "Pin",
    "file_sri",
    "find_in_folder",
    "find_in_package",
    "locate_assets",
    "origin_of",
    "sri",
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
class Pin:
    """A UI's pinned upstream: an npm package at one version, and what was taken from it.

    ``tarball`` is the npm registry's integrity of the package's tarball; ``files``
    maps each file taken to its SRI hash (``sha384-...``). Written by
    ``scripts/update_docs_assets.py``; see docs/plugins/docs-ui.md.
    """

    npm: str
    version: str
    tarball: str
    files: Mapping[str, str]


@attrs.frozen
class PackageAssets:
    """An installed distribution holding a UI's files, flat, in its top-level package.

    ``integrity`` maps every file it holds to its pinned SRI hash: a file that does not
    match is an error, never served.
    """

    module: str
    requirement: str
    integrity: Mapping[str, str]


class IntegrityError(PluginError):
    """An installed asset file is missing or differs from its pinned hash."""


@attrs.frozen
class LocalAssets:
    """Files on this machine, served by the app; ``version`` busts browser caches.

    ``integrity`` holds the pinned SRI hash of each file, when the files are pinned:
    pages give it to the browser, which checks the files again.
    """

    files: Mapping[str, Path]
    origin: str
    version: str
    integrity: Mapping[str, str] = attrs.field(factory=dict)

    def has(self, name: str) -> bool:
        return name in self.files


@attrs.frozen
class CDNAssets:
    """Files loaded by the browser from a CDN under ``base_url``.

    ``integrity`` holds the pinned SRI hash of each file when ``base_url`` is the
    pinned version's: the browser refuses a file the CDN changed.
    """

    base_url: str
    names: frozenset[str]
    integrity: Mapping[str, str] = attrs.field(factory=dict)

    def has(self, name: str) -> bool:
        return name in self.names


Assets = LocalAssets | CDNAssets


def _fingerprint(files: Mapping[str, Path]) -> str:
    # Size and modification time, not content: cheap at startup, and the asset route
    # ignores the value anyway (it only makes a changed file a new URL for browsers).
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        stat = path.stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:12]


def sri(content: bytes) -> str:
    """The Subresource Integrity hash of ``content``: ``sha384-`` and base64."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


@functools.lru_cache(maxsize=64)
def _sri_of(path: Path, size: int, mtime_ns: int) -> str:
    # Keyed by size and time too: a changed file is hashed again.
    return sri(path.read_bytes())


def file_sri(path: Path) -> str:
    """The SRI hash of a file; hashed once while the file is unchanged."""
    stat = path.stat()
    return _sri_of(path, stat.st_size, stat.st_mtime_ns)


def find_in_package(package: PackageAssets, files: Sequence[AssetFile]) -> LocalAssets | None:
    """The files of an installed asset distribution, checked against their pins.

    None if the distribution is not installed; it is found without being imported.
    Raises :class:`IntegrityError` if a file is missing or differs from its pin.
    """
    try:
        spec = importlib.util.find_spec(package.module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    found: dict[str, Path] = {}
    problems: list[str] = []
    for file in files:
        path = root / file.name
        expected = package.integrity.get(file.name)
        if not path.is_file():
            if file.required or expected is not None:
                problems.append(f"{file.name} is missing")
            continue
        actual = file_sri(path)
        if expected is None:
            problems.append(f"{file.name} has no pinned hash")
        elif actual != expected:
            problems.append(f"{file.name} is {actual}, pinned {expected}")
        else:
            found[file.name] = path
    if problems:
        raise IntegrityError(
            f"The installed {package.requirement} at {root} does not match its pins: "
            f"{'; '.join(problems)}. Reinstall it: pip install --force-reinstall "
            f"'{package.requirement}'."
        )
    # The pins are a fingerprint of the content, known without reading the files.
    version = hashlib.sha256("".join(sorted(package.integrity.values())).encode())
    return LocalAssets(
        found,
        origin=f"package {package.module} ({root})",
        version=version.hexdigest()[:12],
        integrity={name: package.integrity[name] for name in found},
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
    extra: str,
    files: Sequence[AssetFile],
    package: PackageAssets,
    subfolder: str,
    assets_dir: str | os.PathLike[str] | None,
    cdn: bool,
    cdn_url: str,
) -> Assets:
    """The source of a UI's files: ``assets_dir``, else the CDN if asked, else the package.

    Raises :class:`~pegboard.PluginError` with the ways to get the files if none has them,
    and :class:`IntegrityError` if the installed package does not match its pins.
    """
    if assets_dir is not None:
        return find_in_folder(Path(assets_dir), files, subfolder)
    if cdn:
        return CDNAssets(cdn_url.rstrip("/"), frozenset(f.name for f in files))
    found = find_in_package(package, files)
    if found is not None:
        return found
    raise PluginError(
        f"{factory}() found no {label} files to serve. Install them with "
        f"pip install 'pegboard[{extra}]' (or just {package.requirement}); or fetch them "
        f"into a folder with 'pegboard docs-assets DIR' and pass {factory}(assets_dir=DIR); "
        f"or load them from a CDN with {factory}(cdn=True)."
    )


def origin_of(url: str) -> str | None:
    """``https://cdn.example.com`` for an absolute URL, None for a path on this site."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None
