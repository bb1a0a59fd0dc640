"""Subcommands from installed packages, found by name and imported only when run.

A package adds ``pegboard NAME`` with an entry point in the group
``pegboard.commands``: ``NAME = "package.module:command"``, where the object is a
``click.Command``, or a module or object with a ``pegboard_add_commands`` hookimpl
that adds it. Nothing is constructed: a plugin whose factory needs arguments still
contributes its commands. The names come from the installed metadata, so
``pegboard --help`` and the built-in commands import no plugin at all; a command
that fails to load says so, with its error, when it is run.
"""

from __future__ import annotations

import types
from importlib.metadata import EntryPoint, entry_points

import click
import pluggy

from pegboard import hookspecs

__all__ = ["COMMANDS_GROUP", "PluginCommandGroup", "installed_commands"]

COMMANDS_GROUP = "pegboard.commands"


def installed_commands() -> dict[str, EntryPoint]:
    """The subcommands installed packages declare, by name (nothing imported)."""
    return {ep.name: ep for ep in entry_points(group=COMMANDS_GROUP)}


class CommandLoadError(click.ClickException):
    """An installed command could not be imported (exit status 1)."""


def _origin(entry_point: EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    return f"{dist.name}, {entry_point.value}" if dist is not None else entry_point.value


def load_command(name: str, entry_point: EntryPoint) -> click.Command:
    """Import the command an entry point names; a failure names the package and error."""
    try:
        loaded = entry_point.load()
        if isinstance(loaded, click.Command):
            return loaded
        collector = click.Group()
        manager = pluggy.PluginManager("pegboard")
        manager.add_hookspecs(hookspecs)
        if not isinstance(loaded, types.ModuleType) and not hasattr(
            loaded, "pegboard_add_commands"
        ):
            raise TypeError(
                f"{entry_point.value} is a {type(loaded).__name__}, not a click command "
                "or a module with a pegboard_add_commands hookimpl"
            )
        manager.register(loaded, name=f"commands:{name}")
        manager.hook.pegboard_add_commands(cli=collector)
    except Exception as exc:
        raise CommandLoadError(
            f"The command {name!r} ({_origin(entry_point)}) failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    command = collector.commands.get(name)
    if command is None:
        added = ", ".join(collector.commands) or "none"
        raise CommandLoadError(
            f"{entry_point.value} declares the command {name!r} but adds "
            f"{added}. Name the entry point after the command it adds."
        )
    return command


class PluginCommandGroup(click.Group):
    """The ``pegboard`` group: built-in commands, then installed ones, loaded on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *installed_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is not None:
            return command
        entry_point = installed_commands().get(cmd_name)
        if entry_point is None:
            return None
        # Loaded once; a failure is raised (and so reported) once.
        command = load_command(cmd_name, entry_point)
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Built-in commands with their help; installed ones by origin, without importing.
        rows = [(name, cmd.get_short_help_str(60)) for name, cmd in sorted(self.commands.items())]
        rows += [
            (name, f"(from {_origin(ep).partition(':')[0]})")
            for name, ep in sorted(installed_commands().items())
            if name not in self.commands
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
