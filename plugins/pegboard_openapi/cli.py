"""``pegboard openapi APP``: print or save an app's document without serving it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pegboard import App, PluginError, jsonable_encoder
from pegboard.cli import load_app
from pegboard_openapi.document import get_openapi, to_yaml

__all__ = ["openapi_command"]


@click.command("openapi")
@click.argument("app", required=False)
@click.option("--factory", is_flag=True, help="APP is a function returning the app.")
@click.option("--yaml", "as_yaml", is_flag=True, help="Write YAML instead of JSON.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--root-path", default="", help="Prefix the app is served under, added to servers.")
def openapi_command(
    app: str | None, factory: bool, as_yaml: bool, output: Path | None, root_path: str
) -> None:
    """Print APP's OpenAPI document (APP defaults to main.py or app.py)."""
    loaded = load_app(app, factory=factory)
    if not isinstance(loaded, App):
        raise click.UsageError(f"Expected a pegboard App, got {type(loaded).__name__}.")
    try:
        document = get_openapi(loaded, root_path=root_path)
        if as_yaml:
            text = to_yaml(document)
        else:
            text = json.dumps(jsonable_encoder(document), indent=2, ensure_ascii=False) + "\n"
    except PluginError as exc:
        raise click.UsageError(str(exc)) from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)
