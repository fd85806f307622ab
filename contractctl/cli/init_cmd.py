"""`contractctl init`: scaffold a repository."""

from __future__ import annotations

from pathlib import Path

import click

from contractctl.cli.options import verbose_option


@click.command()
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite contractctl.yaml and the example if they exist (an existing "
    ".pre-commit-config.yaml is never replaced: the hook is added to it).",
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository to scaffold (default: the git repository of the working directory).",
)
@verbose_option
def init(force: bool, directory: Path | None, verbose: bool) -> None:
    """Write contractctl.yaml, an example contract and a pre-commit config."""
    from contractctl.commands.init import HOOK_ID, default_branch, scaffold
    from contractctl.commands.init_detect import detect
    from contractctl.repo.history import Git

    git = Git.discover((directory or Path.cwd()).resolve())
    target = git.toplevel
    base_branch = default_branch(git)
    detected = detect(git)
    if detected is not None:
        click.echo(
            f"found {detected.files} contract{'s' if detected.files != 1 else ''} "
            f"({', '.join(detected.formats)}) under {detected.root}"
            + (f"; vendored imports in {', '.join(detected.include)}" if detected.include else "")
            + (
                f"; {len(detected.builtin_copies)} copies of files the registry has built in, excluded"
                if detected.builtin_copies
                else ""
            )
        )
        missing = detected.missing_imports
        if missing:
            shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
            click.echo(
                f"{len(missing)} imported file{'s' if len(missing) != 1 else ''} the repository does not "
                f"hold ({shown}): add the folder holding them to protobuf.include (until then check fails "
                "with PROTO_IMPORT_NOT_FOUND)"
            )
    result = scaffold(target, force, base_branch, detected)
    for path in result.written:
        verb = "overwrote" if path in result.overwritten else "wrote"
        detail = f" (base_branch: {base_branch})" if path.name == "contractctl.yaml" else ""
        click.echo(f"{verb} {path.relative_to(target)}{detail}")
    for path in result.hook_added:
        click.echo(f"added the {HOOK_ID} hook to {path.relative_to(target)} (the rest is unchanged)")
    for path in result.hook_present:
        click.echo(f"kept {path.relative_to(target)}: it already runs the {HOOK_ID} hook")
    if detected is None:
        click.echo("next: edit contracts/, then run `contractctl check`")
    else:
        click.echo("next: review contractctl.yaml, then run `contractctl check --all`")
