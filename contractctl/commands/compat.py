"""The `compat` command's core: files in, report out, no git and no config.

Avro files name the schemas they use with --reference (dependencies first). Protobuf imports (and
JSON Schema `$ref`s by relative path) are found next to the referencing file, then in each
--proto-path directory, as protoc's -I would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

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
    FindingKind,
    Report,
    SchemaText,
    SchemaType,
    SubjectResult,
)
from contractctl.repo.contracts import decode


def _read(path: Path, root: Path | None = None) -> SchemaText:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a schema file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    posix = PurePosixPath(path.as_posix())
    base = (root or path.parent).as_posix()
    return SchemaText(posix, decode(posix, data), "file", root=base)


class _ImportResolver:
    """Parses a Protobuf file after the files it imports, found by import path in the search dirs."""

    def __init__(self, schema_format: SchemaFormat, search_dirs: Sequence[Path]) -> None:
        self.schema_format = schema_format
        self.search_dirs = list(search_dirs)
        self._parsed: dict[str, ParsedSchema] = {}

    def parse(self, source: SchemaText, stack: tuple[str, ...] = ()) -> ParsedSchema:
        if source.import_path in stack:
            cycle = " -> ".join([*stack, source.import_path])
            raise InvalidSchema(
                [
                    Finding(
                        rule="REFERENCE_CYCLE",
                        message=f"imports form a cycle: {cycle}",
                        kind=FindingKind.INVALID,
                        file=str(source.path),
                        line=1,
                    )
                ]
            )
        references = []
        for imported in self.schema_format.outline(source).referenced_names:
            found = self._find(imported, Path(source.root))
            if found is None:
                continue  # the compiler reports the missing import with its line
            if imported not in self._parsed:
                self._parsed[imported] = self.parse(found, (*stack, source.import_path))
            references.append(self._parsed[imported])
        return self.schema_format.parse(source, references)

    def _find(self, import_path: str, own_dir: Path) -> SchemaText | None:
        for directory in (own_dir, *self.search_dirs):
            candidate = directory / import_path
            if candidate.is_file():
                return _read(candidate, directory)
        return None


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


def run_compat(
    schema_type: SchemaType | None,
    level: CompatibilityLevel,
    previous: list[Path],
    new: Path,
    references: list[Path],
    prove: bool = False,
    proto_paths: Sequence[Path] = (),
    oneof_rules: str = "current",
    avro_parser: str = "1.12",
) -> Report:
    """NEW against each of `previous` (oldest first) under `level`; `schema_type` None: from the
    files' extensions. At least one previous version is needed: nothing to compare is no verdict."""
    if not previous:
        raise UsageError("nothing to compare: give at least one --previous OLD (oldest first)")
    if schema_type is None:
        schema_type = infer_type([new, *previous, *references])
    # --oneof-rules and --avro-parser: contractctl.yaml's keys
    sections: dict[str, dict[str, object]] = {"protobuf": {"oneof_rules": oneof_rules}}
    if avro_parser != "1.12":
        sections["avro"] = {"parser": avro_parser}
    configure_sections(sections)
    by_path = info(schema_type).references_by_path
    if by_path:
        if references:
            found = listing(f"{known.name} {known.references_called}" for known in _by_path(True))
            raise UsageError(
                f"--reference is for {listing(known.name for known in _by_path(False))}; {found} are "
                "found by path, with -I/--proto-path"
            )
    elif proto_paths:
        raise UsageError(
            f"-I/--proto-path is for {listing(known.name for known in _by_path(True))}; "
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
            resolver = _ImportResolver(schema_format, proto_paths)
            new_schema = resolver.parse(_read(new))
            earlier = [
                Earlier(
                    f"previous {index} ({path})",
                    _ImportResolver(schema_format, proto_paths).parse(_read(path)),
                )
                for index, path in enumerate(previous, start=1)
            ]
        else:
            parsed_refs: list[ParsedSchema] = []
            for reference in references:  # in the order given: dependencies first
                parsed_refs.append(schema_format.parse(_read(reference), list(parsed_refs)))
            new_schema = schema_format.parse(_read(new), parsed_refs)
            earlier = [
                Earlier(f"previous {index} ({path})", parse_registered(_read(path), schema_type, parsed_refs))
                for index, path in enumerate(previous, start=1)
            ]
    except InvalidSchema as error:
        result.verdict = "invalid"
        result.findings = _with_type_hint(error.findings, schema_type)
        return report
    findings = check_level(schema_format, new_schema, earlier, level)
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
