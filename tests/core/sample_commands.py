"""A plugin module that adds a CLI command, as an installed plugin would."""

from __future__ import annotations

import click

from pegboard import hookimpl


@click.command()
@click.option("--name", default="world")
def hello(name: str) -> None:
    click.echo(f"hello {name}")


@hookimpl
def pegboard_add_commands(cli: click.Group) -> None:
    cli.add_command(hello)
