"""Subcommands from installed packages: found by name, imported only when run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint

import pytest
from click.testing import CliRunner

from pegboard.cli import cli, plugin_commands

GROUP = "pegboard.commands"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> dict[str, EntryPoint]:
    """Stand-in for the installed ``pegboard.commands`` entry points; tests fill it."""
    commands: dict[str, EntryPoint] = {}
    monkeypatch.setattr(plugin_commands, "installed_commands", lambda: commands)
    # Loaded commands are remembered on the group; start each test without them.
    monkeypatch.setattr(cli, "commands", dict(cli.commands))
    monkeypatch.delitem(sys.modules, "tests.core.sample_commands", raising=False)
    return commands


def test_a_command_beside_a_plugin_whose_factory_needs_arguments(
    installed: dict[str, EntryPoint],
):
    installed["hello"] = EntryPoint("hello", "tests.core.sample_commands:hello", GROUP)
    result = CliRunner().invoke(cli, ["hello", "--name", "ann"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello ann\n"


def test_a_module_level_hookimpl_adds_the_command(installed: dict[str, EntryPoint]):
    installed["audit-log"] = EntryPoint("audit-log", "tests.core.sample_commands", GROUP)
    result = CliRunner().invoke(cli, ["audit-log"])
    assert result.exit_code == 0, result.output
    assert result.output == "audit log: empty\n"


def test_an_entry_point_must_add_the_command_it_names(installed: dict[str, EntryPoint]):
    installed["audit"] = EntryPoint("audit", "tests.core.sample_commands", GROUP)
    result = CliRunner().invoke(cli, ["audit"])
    assert result.exit_code == 1
    assert "declares the command 'audit' but adds audit-log" in result.output
    installed["factory"] = EntryPoint("factory", "tests.core.sample_commands:audit", GROUP)
    result = CliRunner().invoke(cli, ["factory"])
    assert "is a function, not a click command" in result.output


def test_a_command_that_fails_to_load_is_reported_once_with_its_error(
    installed: dict[str, EntryPoint],
):
    installed["broken"] = EntryPoint("broken", "no_such_module_xyz:command", GROUP)
    result = CliRunner().invoke(cli, ["broken", "--flag"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: The command 'broken' (no_such_module_xyz:command) failed to load: "
        "ModuleNotFoundError: No module named 'no_such_module_xyz'\n"
    )
    # Every other command works and says nothing about it: nothing else loads it.
    assert CliRunner().invoke(cli, ["new", "--help"]).output.count("broken") == 0


def test_help_lists_installed_commands_without_importing_them(
    installed: dict[str, EntryPoint],
):
    installed["hello"] = EntryPoint("hello", "tests.core.sample_commands:hello", GROUP)
    installed["broken"] = EntryPoint("broken", "no_such_module_xyz:command", GROUP)
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  hello    (from tests.core.sample_commands)" in lines
    assert "  broken   (from no_such_module_xyz)" in lines
    assert "tests.core.sample_commands" not in sys.modules
    assert CliRunner().invoke(cli, ["run", "--help"]).exit_code == 0
    assert "tests.core.sample_commands" not in sys.modules


def test_the_installed_cli_imports_no_plugin_until_asked():
    # The real entry points of this checkout (openapi, docs-assets and the plugins).
    script = textwrap.dedent(
        """
        import sys
        from pegboard.cli import main
        for argv in (["--help"], ["run", "--help"], ["routes", "--help"]):
            try:
                main(argv)
            except SystemExit:
                pass
        loaded = sorted(m for m in sys.modules if m.startswith("pegboard_") or m == "pydantic")
        print("LOADED", loaded)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "LOADED []" in result.stdout
    # ... yet --help lists their commands.
    assert any(line.split()[:1] == ["openapi"] for line in result.stdout.splitlines())
