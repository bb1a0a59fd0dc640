"""``pegboard docs-assets DIR``: fetch the UIs' files from npm into a folder.

For machines that cannot install the UIs' extras or reach a CDN: run this where npm
reaches its registry, ship the folder, and pass it as ``assets_dir=``. Only the files
the pages load are kept, with the package's licence and package.json. The default
versions are the pinned ones, and their files are checked against the pins.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from pegboard_docs import UIS
from pegboard_docs.assets import sri
from pegboard_docs.npm import NpmError, pack, take_files

__all__ = ["docs_assets_command", "fetch_assets"]


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
        for name, spec in specs.items():
            ui = UIS[name]
            into = Path(tmp) / name
            into.mkdir()
            try:
                packed = pack(executable, spec, into)
                files = take_files(packed, ui)
            except NpmError as exc:
                raise click.ClickException(str(exc)) from None
            if packed.spec == ui.npm_spec:  # the pinned version: its files must match
                for file, content in files.items():
                    pinned = ui.pin.files.get(file)
                    if pinned is not None and sri(content) != pinned:
                        raise click.ClickException(
                            f"{packed.spec}'s {file} does not match its pin {pinned}."
                        )
            target = directory / ui.subfolder
            target.mkdir(parents=True, exist_ok=True)
            for file, content in files.items():
                (target / file).write_bytes(content)
            fetched[name] = packed.spec
    return fetched


def _spec_options(command: Callable[..., None]) -> Callable[..., None]:
    for ui in reversed(list(UIS.values())):
        option = "--swagger-ui" if ui.name == "swagger" else f"--{ui.name}"
        command = click.option(option, f"spec_{ui.name}", default=ui.npm_spec, show_default=True)(
            command
        )
    return command


@click.command("docs-assets")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--ui",
    "uis",
    multiple=True,
    type=click.Choice(sorted(UIS)),
    help="A UI to fetch (repeatable); all of them by default.",
)
@_spec_options
@click.option("--npm", default="npm", show_default=True, help="The npm executable.")
def docs_assets_command(directory: Path, uis: tuple[str, ...], npm: str, **specs: str) -> None:
    """Fetch the docs UIs from npm into DIRECTORY, for assets_dir=."""
    chosen = {name: specs[f"spec_{name}"] for name in (uis or tuple(UIS))}
    fetched = fetch_assets(directory, chosen, npm=npm)
    for name, package in fetched.items():
        click.echo(f"{package} -> {directory / UIS[name].subfolder}")
    factories = ", ".join(f"{UIS[n].factory}(assets_dir={str(directory)!r})" for n in fetched)
    click.echo(f"Serve them with: {factories}")
