import click

from pegboard import PluginInfo, hookimpl


@click.command()
@click.argument("name", default="world")
def greet(name: str) -> None:
    """Say hello."""
    click.echo(f"Hello, {name}!")


class Greeter:
    plugin_info = PluginInfo(name="greeter")

    @hookimpl
    def pegboard_add_commands(self, cli: click.Group) -> None:
        cli.add_command(greet)


def greeter() -> Greeter:
    return Greeter()
