"""The order and uniqueness of findings every output shows (Report.in_order)."""

from __future__ import annotations

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
