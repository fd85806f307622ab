"""`contractctl changelog`: what changed per subject between two refs, as Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from contractctl.cli.context import load
from contractctl.cli.options import config_option, verbose_option


@click.command()
@click.option(
    "--from",
    "from_ref",
    metavar="REF",
    help="Older ref (default: the merge base with the base branch; on the base branch itself, the "
    "last tag before --to, else the commit before it).",
)
@click.option("--to", "to_ref", metavar="REF", default="HEAD", show_default=True, help="Newer ref.")
@click.option(
    "--output", "output_file", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@config_option
@verbose_option
def changelog(
    from_ref: str | None, to_ref: str, output_file: Path | None, config_path: Path | None, verbose: bool
) -> None:
    """A Markdown changelog per subject (fields added, removed, changed, defaults), for release notes."""
    from contractctl.changelog import changelog as build
    from contractctl.changelog import default_from_ref, render_markdown

    config = load(config_path)
    start = from_ref or default_from_ref(config, to_ref)
    is_commit_id = len(start) == 40 and all(c in "0123456789abcdef" for c in start)
    label = from_ref or (start[:12] if is_commit_id else start)
    text = render_markdown(build(config, start, to_ref), label, to_ref)
    if output_file is None:
        click.echo(text, nl=False)
        return
    from contractctl.cli.masked_io import write_file

    write_file(output_file, text, what="cannot write")
