"""``pegboard new project|plugin``: scaffold from pegboard's cookiecutter templates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

__all__ = ["new"]


def _parse_context(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> dict[str, str]:
    context: dict[str, str] = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}.")
        context[key.strip()] = answer
    return context


def _new_command(template: str, help: str) -> click.Command:
    @click.command(template, help=help)
    @click.option(
        "-o",
        "--output-dir",
        default=".",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder to create the new folder in.",
    )
    @click.option(
        "--no-input", is_flag=True, help="Do not prompt; use defaults and --extra-context."
    )
    @click.option(
        "--extra-context",
        "extra_context",
        multiple=True,
        metavar="KEY=VALUE",
        callback=_parse_context,
        help="Answer a prompt (repeatable), e.g. --extra-context package_name=shop.",
    )
    @click.option("--overwrite", is_flag=True, help="Write into the folder if it exists.")
    def command(
        output_dir: Path, no_input: bool, extra_context: dict[str, str], overwrite: bool
    ) -> None:
        from pegboard.scaffold import TemplateError, generate

        try:
            created = generate(
                template,
                output_dir,
                no_input=no_input,
                extra_context=extra_context,
                overwrite=overwrite,
            )
        except TemplateError as exc:
            raise click.ClickException(_without_prefix(str(exc))) from None
        click.echo(f"Created {created}")

    return command


def _without_prefix(message: str) -> str:
    # cookiecutter's own messages start with "Error: ", as click's do: say it once.
    while message.startswith("Error: "):
        message = message.removeprefix("Error: ")
    return message


@click.group()
def new() -> None:
    """Start a new project or plugin from pegboard's templates (needs pegboard[new])."""


new.add_command(
    _new_command(
        "project",
        "Create an app: package, routes, settings, tests, Dockerfile. Asks which plugins "
        "to enable.",
    )
)
new.add_command(
    _new_command(
        "plugin",
        "Create a third-party plugin, pegboard-NAME, with its entry point, tests and README.",
    )
)
