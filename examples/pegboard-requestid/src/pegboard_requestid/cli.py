"""``pegboard requestid APP``: which routes of APP refuse requests without an id."""

import click
from pegboard import App, Route
from pegboard.cli import load_app

from pegboard_requestid.ids import OPTION


@click.command("requestid")
@click.argument("app", required=False)
@click.option("--factory", is_flag=True, help="APP is a function returning the app.")
def requestid_command(app: str | None, factory: bool) -> None:
    """List the routes of APP that require a request id (APP defaults to main.py or app.py)."""
    loaded = load_app(app, factory=factory)
    if not isinstance(loaded, App):
        raise click.UsageError(f"Expected a pegboard App, got {type(loaded).__name__}.")
    labels = [
        route.info.label
        for route in loaded.routes
        if isinstance(route, Route) and route.info.option(OPTION, False)
    ]
    if not labels:
        click.echo(f"No route sets {OPTION}=True.")
    for label in labels:
        click.echo(label)
