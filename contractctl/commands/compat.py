"""The `compat` command's core: files in, report out, no git and no config.

Avro files name the schemas they use with --reference (both sides), --previous-reference and
--new-reference (one side each), dependencies first. Protobuf imports (and JSON Schema `$ref`s by
relative path) are found in each side's own tree (compat_imports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from contractctl.commands.compat_imports import Side, parse_sides, read_schema
from contractctl.errors import UsageError
from contractctl.formats import (
    FORMATS,
    configure_sections,
    get_format,
    info,
    parse_registered,
    supported_extensions,
    type_for_path,
)
from contractctl.formats.base import FormatInfo, InvalidSchema, ParsedSchema, SchemaFormat
from contractctl.generic.wording import listing
from contractctl.levels import Earlier, check_level, prove_compatible_pairs, versions_to_check
from contractctl.model import (
    CompatibilityLevel,
    Finding,
    Report,
    SchemaText,
    SchemaType,
    SubjectResult,
)


def infer_type(paths: Sequence[Path]) -> SchemaType:
    """The schema type the files' extensions agree on; a mix or an unknown extension is a usage
    error, since guessing would check a schema under the other format's rules."""
    found: dict[SchemaType, Path] = {}
    for path in paths:
        schema_type = type_for_path(PurePosixPath(path.as_posix()))
        if schema_type is None:
            known = " or ".join(supported_extensions())
            raise UsageError(
                f"cannot tell the schema type of {path} from its extension (expected {known}); "
                f"give --type {listing((known.option for known in FORMATS), 'or')}"
            )
        found.setdefault(schema_type, path)
    if len(found) > 1:
        mixed = ", ".join(f"{path} is {t.value}" for t, path in found.items())
        raise UsageError(f"the files are of different schema types ({mixed}); give --type to choose one")
    return next(iter(found))


def _with_type_hint(findings: list[Finding], schema_type: SchemaType) -> list[Finding]:
    """A file that does not parse as the type asked for, but whose extension names the other type:
    say so in the hint, the likelier mistake being --type rather than the file."""
    out = []
    for finding in findings:
        other = type_for_path(PurePosixPath(finding.file or ""))
        if other is not None and other is not schema_type:
            hint = (
                f"{finding.file} looks like {other.value}, but --type is "
                f"{schema_type.value.lower()}; give --type {other.value.lower()} or leave --type out."
            )
            finding = replace(finding, hint=hint)
        out.append(finding)
    return out


def _by_path(by_path: bool) -> list[FormatInfo]:
    """The formats whose references are (or are not) found by path rather than given by --reference."""
    return [known for known in FORMATS if known.references_by_path is by_path]


def _given(*options: tuple[str, Sequence[Path]]) -> list[str]:
    """The options among `options` (name, values) that were given."""
    return [name for name, values in options if values]


def _parsed_references(
    schema_format: SchemaFormat, paths: Sequence[Path], before: list[ParsedSchema]
) -> list[ParsedSchema]:
    """`before` and the schemas at `paths` after it, each parsed with those before it: the order
    given is dependencies first (a side's own --previous-reference/--new-reference come after the
    --reference both sides share)."""
    parsed = list(before)
    for path in paths:
        parsed.append(schema_format.parse(read_schema(path), list(parsed)))
    return parsed


def _used(schema_format: SchemaFormat, text: SchemaText, given: list[ParsedSchema]) -> list[ParsedSchema]:
    """The references among `given` (dependencies first) that `text` uses, and those they use: a
    schema registers with its own references, so one that defines a type itself (a shared type
    inlined) is not handed the reference that defined it before, which would define it twice."""
    try:
        wanted = set(schema_format.outline(text).referenced_names)
        outlines = [schema_format.outline(reference.source) for reference in given]
    except InvalidSchema:
        return given  # the parse words the problem
    kept: set[int] = set()
    for index in range(len(given) - 1, -1, -1):  # a reference uses only those before it
        if wanted.intersection(outlines[index].defined_names):
            kept.add(index)
            wanted.update(outlines[index].referenced_names)
    return [reference for index, reference in enumerate(given) if index in kept]


def run_compat(
    schema_type: SchemaType | None,
    level: CompatibilityLevel,
    previous: list[Path],
    new: Path,
    references: list[Path],
    prove: bool = False,
    proto_paths: Sequence[Path] = (),
    previous_proto_paths: Sequence[Path] = (),
    new_proto_paths: Sequence[Path] = (),
    previous_references: Sequence[Path] = (),
    new_references: Sequence[Path] = (),
    oneof_rules: str = "current",
    avro_parser: str = "1.12",
) -> Report:
    """NEW against each of `previous` (oldest first) under `level`; `schema_type` None: from the
    files' extensions. At least one previous version is needed: nothing to compare is no verdict."""
    if not previous:
        raise UsageError("nothing to compare: give at least one --previous OLD (oldest first)")
    if schema_type is None:
        schema_type = infer_type([new, *previous, *references, *previous_references, *new_references])
    # --oneof-rules and --avro-parser: contractctl.yaml's keys
    sections: dict[str, dict[str, object]] = {"protobuf": {"oneof_rules": oneof_rules}}
    if avro_parser != "1.12":
        sections["avro"] = {"parser": avro_parser}
    configure_sections(sections)
    by_path = info(schema_type).references_by_path
    if by_path:
        given = _given(("--reference", references), ("--previous-reference", previous_references))
        given += _given(("--new-reference", new_references))
        if given:
            found = listing(f"{known.name} {known.references_called}" for known in _by_path(True))
            raise UsageError(
                f"{listing(given)} {'is' if len(given) == 1 else 'are'} for "
                f"{listing(known.name for known in _by_path(False))}; {found} are found by path, with "
                "-I/--proto-path"
            )
    elif proto_paths or previous_proto_paths or new_proto_paths:
        given = _given(("-I/--proto-path", proto_paths), ("--previous-proto-path", previous_proto_paths))
        given += _given(("--new-proto-path", new_proto_paths))
        raise UsageError(
            f"{listing(given)} {'is' if len(given) == 1 else 'are'} for "
            f"{listing(known.name for known in _by_path(True))}; "
            f"{listing(known.name for known in _by_path(False))} references are given with --reference"
        )
    schema_format = get_format(schema_type)
    report = Report(command="compat")
    result = SubjectResult(
        subject=new.name,
        path=str(new),
        schema_type=schema_type.value,
        level=level.value,
        verdict="compatible",
    )
    report.results.append(result)
    try:
        if by_path:
            new_schema, parsed = parse_sides(
                schema_format,
                Side("previous", tuple(previous), tuple(previous_proto_paths), tuple(proto_paths)),
                Side("new", (new,), tuple(new_proto_paths), tuple(proto_paths)),
            )
            earlier = [
                Earlier(f"previous {index} ({path})", schema)
                for index, (path, schema) in enumerate(zip(previous, parsed, strict=True), start=1)
            ]
        else:
            shared = _parsed_references(schema_format, references, [])
            new_refs = _parsed_references(schema_format, new_references, shared)
            previous_refs = _parsed_references(schema_format, previous_references, shared)
            new_text = read_schema(new)
            new_schema = schema_format.parse(new_text, _used(schema_format, new_text, new_refs))
            earlier = []
            for index, path in enumerate(previous, start=1):
                text = read_schema(path)
                used = _used(schema_format, text, previous_refs)
                earlier.append(
                    Earlier(f"previous {index} ({path})", parse_registered(text, schema_type, used))
                )
    except InvalidSchema as error:
        result.verdict = "invalid"
        result.findings = _with_type_hint(error.findings, schema_type)
        return report
    findings = check_level(schema_format, new_schema, earlier, level, Path.cwd())
    result.findings.extend(findings)
    result.compared_versions = len(versions_to_check(level, earlier))
    if prove:
        proof = prove_compatible_pairs(schema_format, new_schema, earlier, level, findings, 25, 0)
        result.findings.extend(proof.findings)
        result.proof = (proof.pairs, proof.records)
    if not earlier:
        result.verdict = "new"
    if any(f.fails for f in result.findings):
        result.verdict = "incompatible"
    return report
