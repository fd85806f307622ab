"""`contractctl init`: scaffold a repository."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository to scaffold (default: the git repository of the working directory).",
)
def init(force: bool, directory: Path | None) -> None:
    """Write contractctl.yaml, an example contract and a pre-commit config."""
    from contractctl.commands.init import scaffold
    from contractctl.repo.history import Git

    target = Git.discover((directory or Path.cwd()).resolve()).toplevel
    result = scaffold(target, force)
    for path in result.written:
        verb = "overwrote" if path in result.overwritten else "wrote"
        click.echo(f"{verb} {path.relative_to(target)}")
    click.echo("next: edit contracts/, then run `contractctl check`")
