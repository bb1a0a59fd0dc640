"""Commands an installed package adds, as its ``pegboard.commands`` entry points name them.

The plugin's factory needs an argument, so nothing could build it to ask for its
commands: the commands are declared beside it, never through it.
"""

from __future__ import annotations

import click

from pegboard import PluginInfo, hookimpl


class Audit:
    plugin_info = PluginInfo(name="audit")

    def __init__(self, secret: str) -> None:
        self.secret = secret


def audit(secret: str) -> Audit:
    """The plugin: ``App(plugins=[audit(secret=...)])``; no default for the secret."""
    return Audit(secret)


@click.command()
@click.option("--name", default="world")
def hello(name: str) -> None:
    click.echo(f"hello {name}")


@click.command("audit-log")
def audit_log() -> None:
    """Print the audit log."""
    click.echo("audit log: empty")


@hookimpl
def pegboard_add_commands(cli: click.Group) -> None:
    cli.add_command(audit_log)
