"""The GitHub step summary within GitHub's per-step limit (round 16): above 1 MiB GitHub shows no
summary at all, which a large change's report passed (googleapis' 300-commit change: 2.7 MB as JSON).
Shortened, it keeps the verdict line, the failing subjects first, and says what it left out;
`--format markdown` stays whole."""

from __future__ import annotations

from contractctl.model import Finding, FindingKind, Report, Severity, SubjectResult
from contractctl.report import github, markdown


def _report(failing: int, passing: int, warned: int = 0) -> Report:
    results = []
    for number in range(failing):
        findings = [
            Finding(
                rule="READER_FIELD_MISSING_DEFAULT_VALUE",
                message=f"reader field 'f{i}' has no default and the writer has no such field " + "x" * 80,
                kind=FindingKind.INCOMPATIBLE,
                file=f"contracts/t{number}/value.avsc",
                line=i + 1,
                subject=f"t{number}-value",
                hint="Add a default to the new field so readers can fill it in for old data.",
            )
            for i in range(5)
        ]
        results.append(
            SubjectResult(
                f"t{number}-value",
                f"contracts/t{number}/value.avsc",
                "AVRO",
                "BACKWARD",
                "incompatible",
                1,
                findings=findings,
            )
        )
    for number in range(warned):
        note = Finding(rule="LINT", message="a note", kind=FindingKind.ADVISORY, severity=Severity.WARNING)
        results.append(
            SubjectResult(
                f"a{number}-w",
                f"contracts/w{number}/value.avsc",
                "AVRO",
                "BACKWARD",
                "compatible",
                1,
                findings=[note],
            )
        )
    for number in range(passing):
        results.append(
            SubjectResult(
                f"p{number}-value", f"contracts/p{number}/value.avsc", "AVRO", "BACKWARD", "compatible", 1
            )
        )
    return Report(command="check", results=results)


def test_a_report_within_the_limit_is_the_markdown_report_whole() -> None:
    report = _report(3, 10)
    assert github.step_summary(report) == markdown.render(report)


def test_a_large_report_is_shortened_below_the_limit_and_says_what_it_left_out() -> None:
    report = _report(3000, 4000)
    whole = markdown.render(report)
    assert len(whole.encode()) > github.STEP_SUMMARY_LIMIT  # the case GitHub drops
    summary = github.step_summary(report)
    assert len(summary.encode()) <= github.STEP_SUMMARY_LIMIT
    assert summary.startswith(whole.split("\n## ")[0])  # heading and verdict line as in the full report
    assert "15000 findings" not in summary.split("_Shortened")[0]
    shown = summary.count("| ❌ fails |")
    assert 1000 < shown < 15000
    assert (
        f"_Shortened to fit GitHub's step summary: {shown} of 15000 findings shown; 4000 subjects" in summary
    )
    assert "p17-value" not in summary  # passing subjects are counted, not listed


def test_failing_subjects_come_before_warnings_when_shortened() -> None:
    report = _report(2000, 0, warned=2000)
    summary = github.step_summary(report, 200_000)
    assert len(summary.encode()) <= 200_000
    assert "## t0-value" in summary and "## a0-w" not in summary  # a0-w sorts first by name


def test_no_room_left_writes_nothing() -> None:
    assert github.step_summary(_report(3000, 0), 0) == ""
    assert github.step_summary(_report(3000, 0), 300) == ""
