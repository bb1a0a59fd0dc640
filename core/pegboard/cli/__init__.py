"""The ``pegboard`` command line: serve apps, list routes and plugins, scaffold.

One module per concept: :mod:`~pegboard.cli.apps` finds and imports the app,
:mod:`~pegboard.cli.serve` and :mod:`~pegboard.cli.servers` run it under uvicorn or
granian, :mod:`~pegboard.cli.listing` prints routes and plugins,
:mod:`~pegboard.cli.new` scaffolds, and :mod:`~pegboard.cli.plugin_commands` adds
the subcommands installed packages declare (entry-point group ``pegboard.commands``),
importing one only when it is run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from pegboard._version import __version__
from pegboard.cli.apps import find_app, load_app
from pegboard.cli.listing import plugins, route_rows, routes
from pegboard.cli.new import new
from pegboard.cli.plugin_commands import PluginCommandGroup
from pegboard.cli.serve import dev, run
from pegboard.porting.command import port

__all__ = ["cli", "find_app", "load_app", "main", "route_rows"]


@click.group(cls=PluginCommandGroup)
@click.version_option(__version__, prog_name="pegboard")
def cli() -> None:
    """pegboard: a web microframework assembled from plugins."""


for _command in (run, dev, routes, plugins, new, port):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> Any:
    """Entry point of the ``pegboard`` script."""
    return cli.main(args=argv, prog_name="pegboard")
