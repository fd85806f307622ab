"""The order and uniqueness of findings every output shows (Report.in_order)."""

from __future__ import annotations

from dataclasses import replace

from contractctl.model import Finding, FindingKind, Report, SubjectResult


def _finding(file: str | None, line: int | None, column: int | None = None, rule: str = "R") -> Finding:
    return Finding(rule=rule, message="m", kind=FindingKind.INVALID, file=file, line=line, column=column)


def test_findings_by_file_line_column_and_each_once() -> None:
    late, early, same_line = _finding("b.proto", 9, 1), _finding("b.proto", 2, 7), _finding("b.proto", 2, 3)
    file_wide = _finding("b.proto", None)
    duplicate = _finding("a.proto", 1, rule="NO_RECORD_TYPE")
    result = SubjectResult(
        "s", "b.proto", "PROTOBUF", "BACKWARD", "invalid", findings=[late, early, same_line]
    )
    result.findings.append(file_wide)
    report = Report("check", [result], [duplicate, duplicate])
    ordered = report.in_order()
    assert ordered.results[0].findings == [file_wide, same_line, early, late]
    assert ordered.findings == [duplicate]
    assert report.results[0].findings[0] is late  # the original report is left as it was


def test_results_by_path_local_before_registries() -> None:
    def result(path: str, registry: str | None) -> SubjectResult:
        return SubjectResult(path, path, "AVRO", "BACKWARD", "new", registry=registry)

    report = Report("check", [result("b", "aws"), result("b", None), result("a", "azure")])
    assert [(r.path, r.registry) for r in report.in_order().results] == [
        ("a", "azure"),
        ("b", None),
        ("b", "aws"),
    ]


def test_a_finding_several_subjects_made_alike_is_shown_once_by_its_file() -> None:
    """A broken file each importer compiled: its error once, in its own contract's result; a finding
    that differs (another message) is another finding; a result left with only copies keeps them."""
    syntax = Finding(
        rule="PROTO_SYNTAX", message="Expected ;", kind=FindingKind.INVALID, file="s.proto", line=3
    )
    other_text = replace(syntax, message="Expected }")
    importer, other_importer = (_finding(f, 1, rule="INVALID_REFERENCE") for f in ("a.proto", "c.proto"))
    results = [
        SubjectResult("A", "a.proto", "PROTOBUF", "BACKWARD", "invalid", findings=[importer, syntax]),
        SubjectResult(
            "B", "b.proto", "PROTOBUF", "BACKWARD", "invalid", findings=[replace(syntax, subject="B")]
        ),
        SubjectResult(
            "C", "c.proto", "PROTOBUF", "BACKWARD", "invalid", findings=[other_importer, other_text]
        ),
        SubjectResult(
            "S", "s.proto", "PROTOBUF", "BACKWARD", "invalid", findings=[replace(syntax, subject="S")]
        ),
    ]
    shown = {r.subject: r.findings for r in Report("check", results).in_order().results}
    assert shown == {
        "A": [importer],
        "B": [replace(syntax, subject="B")],
        "C": [other_importer, other_text],
        "S": [replace(syntax, subject="S")],
    }
