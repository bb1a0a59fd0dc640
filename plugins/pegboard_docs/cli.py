"""``pegboard docs-assets DIR``: fetch the UIs' files from npm into a folder.

For machines that cannot install the ``docs`` extra's packages or reach a CDN: run
this where npm reaches its registry, ship the folder, and pass it as ``assets_dir=``.
Only the files the pages load are kept, with the package's licence and package.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import click

from pegboard_docs.plugin import DocsUIPlugin
from pegboard_docs.redoc_page import RedocPlugin
from pegboard_docs.scalar_page import ScalarPlugin
from pegboard_docs.swagger_page import SwaggerUIPlugin

__all__ = ["docs_assets_command", "fetch_assets"]

UIS: dict[str, type[DocsUIPlugin]] = {
    "swagger": SwaggerUIPlugin,
    "redoc": RedocPlugin,
    "scalar": ScalarPlugin,
}

_KEPT = ("LICENSE", "LICENSE.md", "package.json")


def _pack(npm: str, spec: str, into: Path) -> tuple[Path, str]:
    """``npm pack spec`` into a folder; returns the tarball and ``name@version``."""
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
        raise click.ClickException(f"Could not run '{npm} pack {spec}': {exc}") from None
    if done.returncode != 0:
        raise click.ClickException(f"'{npm} pack {spec}' failed:\n{done.stderr.strip()}")
    try:
        info = json.loads(done.stdout)[0]
        return into / info["filename"], f"{info['name']}@{info['version']}"
    except (ValueError, LookupError, TypeError):
        tarballs = sorted(into.glob("*.tgz"))
        if len(tarballs) != 1:
            raise click.ClickException(
                f"'{npm} pack {spec}' made no tarball; it said:\n{done.stdout.strip()}"
            ) from None
        return tarballs[0], spec


def _unpack(tarball: Path, plugin: type[DocsUIPlugin], target: Path, package: str) -> list[str]:
    """Copy the UI's files (flat, under their served names) from an npm tarball."""
    with tarfile.open(tarball) as archive:
        # npm tarballs hold one top folder, usually "package/".
        members = {
            m.name.split("/", 1)[1]: m for m in archive.getmembers() if m.isfile() and "/" in m.name
        }
        contents: dict[str, bytes] = {}
        for file in plugin.files:
            member = next((members[p] for p in file.paths() if p in members), None)
            if member is None:
                if file.required:
                    raise click.ClickException(
                        f"{package} has no {' or '.join(file.paths())}; is it the package "
                        f"{plugin.label} ships as? The default is {plugin.npm_package}."
                    )
                continue
            contents[file.name] = _read(archive, member)
        for name in _KEPT:
            if name in members:
                contents[name] = _read(archive, members[name])
    target.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        (target / name).write_bytes(data)
    return sorted(contents)


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    extracted = archive.extractfile(member)
    assert extracted is not None  # members are regular files
    return extracted.read()


def fetch_assets(directory: Path, specs: dict[str, str], *, npm: str = "npm") -> dict[str, str]:
    """Fetch each UI's npm package (``{"swagger": "swagger-ui-dist@5", ...}``) into
    ``directory/<ui folder>``; returns the ``name@version`` fetched for each UI."""
    executable = shutil.which(npm)
    if executable is None:
        raise click.ClickException(
            f"{npm!r} was not found. Install Node.js (which brings npm), or pass --npm PATH."
        )
    fetched: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="pegboard-docs-") as tmp:
        for ui, spec in specs.items():
            plugin = UIS[ui]
            into = Path(tmp) / ui
            into.mkdir()
            tarball, package = _pack(executable, spec, into)
            _unpack(tarball, plugin, directory / plugin.subfolder, package)
            fetched[ui] = package
    return fetched


@click.command("docs-assets")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--ui",
    "uis",
    multiple=True,
    type=click.Choice(sorted(UIS)),
    help="A UI to fetch (repeatable); all three by default.",
)
@click.option("--swagger-ui", default=SwaggerUIPlugin.npm_package, show_default=True)
@click.option("--redoc", default=RedocPlugin.npm_package, show_default=True)
@click.option("--scalar", default=ScalarPlugin.npm_package, show_default=True)
@click.option("--npm", default="npm", show_default=True, help="The npm executable.")
def docs_assets_command(
    directory: Path, uis: tuple[str, ...], swagger_ui: str, redoc: str, scalar: str, npm: str
) -> None:
    """Fetch Swagger UI, ReDoc and Scalar from npm into DIRECTORY, for assets_dir=."""
    versions = {"swagger": swagger_ui, "redoc": redoc, "scalar": scalar}
    specs = {ui: versions[ui] for ui in (uis or tuple(UIS))}
    fetched = fetch_assets(directory, specs, npm=npm)
    for ui, package in fetched.items():
        click.echo(f"{package} -> {directory / UIS[ui].subfolder}")
    factories = ", ".join(f"{UIS[ui].factory}(assets_dir={str(directory)!r})" for ui in fetched)
    click.echo(f"Serve them with: {factories}")
