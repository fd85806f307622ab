"""`contractctl compat`: ad-hoc check of one schema against earlier ones; no repository needed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contractctl.cli.options import output_options
from contractctl.cli.output import OutputOptions, emit
from contractctl.formats import FORMATS, supported_extensions
from contractctl.generic.wording import listing
from contractctl.model import CompatibilityLevel


@click.command()
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--type",
    "schema_type",
    type=click.Choice([known.option for known in FORMATS], case_sensitive=False),
    help=f"Schema type (default: from the files' extensions, {listing(supported_extensions(), 'or')}; "
    + "; ".join(f"{known.option}: {known.name}" for known in FORMATS if known.option != known.name.lower())
    + ").",
)
@click.option(
    "--level",
    type=click.Choice([level.value for level in CompatibilityLevel], case_sensitive=False),
    default=CompatibilityLevel.BACKWARD.value,
    show_default=True,
    help="Compatibility level.",
)
@click.option(
    "--previous",
    "previous",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="An earlier version, oldest first (repeatable; at least one).",
)
@click.option(
    "--reference",
    "references",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A schema NEW and the --previous versions refer to (repeatable, dependencies first).",
)
@click.option(
    "--previous-reference",
    "previous_references",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A schema only the --previous versions refer to, after the --reference ones (repeatable).",
)
@click.option(
    "--new-reference",
    "new_references",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A schema only NEW refers to, after the --reference ones (repeatable).",
)
@click.option(
    "-I",
    "--proto-path",
    "proto_paths",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help=", ".join(f"{known.name} {known.references_called}" for known in FORMATS if known.references_by_path)
    + " by path: a directory to find them in, for NEW and the --previous versions alike, after the"
    " referencing file's own and --previous-proto-path/--new-proto-path (repeatable; see README).",
)
@click.option(
    "--previous-proto-path",
    "previous_proto_paths",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Like -I, for the --previous versions only (repeatable).",
)
@click.option(
    "--new-proto-path",
    "new_proto_paths",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Like -I, for NEW only (repeatable).",
)
@click.option(
    "--oneof-rules",
    type=click.Choice(["current", "legacy"]),
    default="current",
    show_default=True,
    help="Protobuf: Confluent's oneof rules as patched in mid-2026 (current) or before (legacy).",
)
@click.option(
    "--avro-parser",
    type=click.Choice(["1.12", "1.11"]),
    default="1.12",
    show_default=True,
    help="Avro: the Apache Avro parser of the registry (1.11: Confluent 7.x, 8.0.0-8.0.2, 8.1.0).",
)
@click.option("--prove", is_flag=True, help="Also prove compatible pairs with generated data.")
@output_options
def compat(
    new: Path,
    schema_type: str | None,
    level: str,
    previous: tuple[Path, ...],
    references: tuple[Path, ...],
    previous_references: tuple[Path, ...],
    new_references: tuple[Path, ...],
    proto_paths: tuple[Path, ...],
    previous_proto_paths: tuple[Path, ...],
    new_proto_paths: tuple[Path, ...],
    oneof_rules: str,
    avro_parser: str,
    prove: bool,
    output: OutputOptions,
) -> None:
    """Check NEW against --previous versions (oldest first) under --level."""
    from contractctl.commands.compat import run_compat
    from contractctl.model import SchemaType

    report = run_compat(
        SchemaType(schema_type.upper()) if schema_type else None,
        CompatibilityLevel.parse(level),
        list(previous),
        new,
        list(references),
        prove=prove,
        proto_paths=proto_paths,
        previous_proto_paths=previous_proto_paths,
        new_proto_paths=new_proto_paths,
        previous_references=previous_references,
        new_references=new_references,
        oneof_rules=oneof_rules,
        avro_parser=avro_parser,
    )
    sys.exit(emit(report, output))
