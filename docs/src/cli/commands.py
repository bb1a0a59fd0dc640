import click

from pegboard import PluginInfo


@click.command()
@click.argument("name", default="world")
def greet(name: str) -> None:
    """Say hello."""
    click.echo(f"Hello, {name}!")


class Greeter:
    plugin_info = PluginInfo(name="greeter")

    def __init__(self, greeting: str) -> None:
        self.greeting = greeting


def greeter(greeting: str) -> Greeter:
    # Needs an argument: the command does not come through the plugin object.
    return Greeter(greeting)
