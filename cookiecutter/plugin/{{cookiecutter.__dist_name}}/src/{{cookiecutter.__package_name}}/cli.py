"""``pegboard {{ cookiecutter.plugin_name }} APP``: which routes of APP set the header, and to what."""

import click
from pegboard import App, Route
from pegboard.cli import load_app

from {{ cookiecutter.__package_name }}.options import OPTION, header_value


@click.command("{{ cookiecutter.plugin_name }}")
@click.argument("app", required=False)
@click.option("--factory", is_flag=True, help="APP is a function returning the app.")
def {{ cookiecutter.__option }}_command(app: str | None, factory: bool) -> None:
    """List the routes of APP that set the {{ cookiecutter.__option }} option (APP defaults to main.py or app.py)."""
    loaded = load_app(app, factory=factory)
    if not isinstance(loaded, App):
        raise click.UsageError(f"Expected a pegboard App, got {type(loaded).__name__}.")
    rows = [
        (route.info.label, str(value))
        for route in loaded.routes
        if isinstance(route, Route) and (value := header_value(route.info)) is not None
    ]
    if not rows:
        click.echo(f"No route sets {OPTION}=.")
    for label, value in rows:
        click.echo(f"{label}  {value}")
