"""The ``pegboard port`` command: port a FastAPI project in place, or show the diff."""

from __future__ import annotations

import difflib
import sys

import click

__all__ = ["port"]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; change nothing.")
@click.option(
    "--check",
    is_flag=True,
    help="Change nothing; exit 1 if a file would change or something cannot be ported.",
)
@click.option(
    "--no-compat",
    is_flag=True,
    help="Leave out the settings that make pegboard answer and document as FastAPI does.",
)
def port(paths: tuple[str, ...], show_diff: bool, check: bool, no_compat: bool) -> None:
    """Port the FastAPI code at PATHS (files or folders) to pegboard, in place.

    Imports become pegboard's, FastAPI(...) becomes App(plugins=[...]) with the
    plugins the project uses, and each construct that cannot be ported is listed
    with its file, line and the pegboard way to write it. Porting twice changes
    nothing the second time.
    """
    try:
        from pegboard.porting import port_project
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise click.UsageError(
            f"pegboard port needs libcst: pip install 'pegboard[port]' ({exc})"
        ) from exc
    import libcst

    try:
        project = port_project(paths, compatible=not no_compat)
    except libcst.ParserSyntaxError as exc:
        raise click.ClickException(f"Cannot parse the code: {exc}") from exc
    changed = [file for file in project.files if file.changed]
    notes = [note.format(file.path) for file in project.files for note in file.notes]
    for file in changed:
        if show_diff:
            name = str(file.path)
            sys.stdout.writelines(
                difflib.unified_diff(
                    file.old.splitlines(keepends=True),
                    file.new.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
        elif check:
            click.echo(f"would port {file.path}")
        else:
            file.path.write_text(file.new, encoding="utf-8")
            click.echo(f"ported {file.path}")
    for note in notes:
        click.echo(note, err=True)
    if not (show_diff or check):
        plugins = ", ".join(sorted(project.plugins))
        click.echo(f"{len(changed)} file(s) ported; plugins enabled: {plugins}.", err=True)
    if check and (changed or notes):
        raise SystemExit(1)
