"""The `compat` command's core: files in, report out, no git and no config."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from contractctl.compat import Earlier, check_level, prove_compatible_pairs, versions_to_check
from contractctl.errors import UsageError
from contractctl.formats import get_format
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.model import CompatibilityLevel, Report, SchemaText, SchemaType, SubjectResult
from contractctl.repo import decode


def _read(path: Path) -> SchemaText:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a schema file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    posix = PurePosixPath(path.as_posix())
    return SchemaText(posix, decode(posix, data), "file", root=posix.parent.as_posix())


def run_compat(
    schema_type: SchemaType,
    level: CompatibilityLevel,
    previous: list[Path],
    new: Path,
    references: list[Path],
    prove: bool = False,
) -> Report:
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
        parsed_refs: list[ParsedSchema] = []
        for reference in references:  # in the order given: dependencies first
            parsed_refs.append(schema_format.parse(_read(reference), list(parsed_refs)))
        new_schema = schema_format.parse(_read(new), parsed_refs)
        earlier = [
            Earlier(f"previous {index} ({path})", schema_format.parse(_read(path), parsed_refs))
            for index, path in enumerate(previous, start=1)
        ]
    except InvalidSchema as error:
        result.verdict = "invalid"
        result.findings = error.findings
        return report
    findings = check_level(schema_format, new_schema, earlier, level)
    result.findings.extend(findings)
    result.compared_versions = len(versions_to_check(level, earlier))
    if prove:
        result.findings.extend(
            prove_compatible_pairs(schema_format, new_schema, earlier, level, findings, 25, 0)
        )
    if not earlier:
        result.verdict = "new"
    if any(f.fails for f in result.findings):
        result.verdict = "incompatible"
    return report
