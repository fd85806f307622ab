"""Counts shared by every renderer, so all formats agree on what happened."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from contractctl.model import Report, Severity, SubjectResult, exit_code_for


@dataclass(frozen=True)
class Summary:
    subjects: int
    verdicts: dict[str, int]
    errors: int
    warnings: int
    allowed: int
    exit_code: int

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def sentence(self) -> str:
        verdicts = ", ".join(f"{count} {verdict}" for verdict, count in sorted(self.verdicts.items()))
        parts = [
            f"{self.subjects} subject{'s' if self.subjects != 1 else ''} checked"
            + (f" ({verdicts})" if verdicts else "")
        ]
        parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        parts.append(f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")
        if self.allowed:
            parts.append(f"{self.allowed} allowed")
        return ", ".join(parts)


def summarize(report: Report) -> Summary:
    findings = report.all_findings()
    return Summary(
        subjects=len(report.results),
        verdicts=dict(Counter(result.verdict for result in report.results)),
        errors=sum(1 for f in findings if f.fails),
        warnings=sum(1 for f in findings if not f.fails and f.severity is Severity.WARNING),
        allowed=sum(1 for f in findings if f.allowed_reason),
        exit_code=exit_code_for(findings),
    )


def ordered(results: list[SubjectResult]) -> list[SubjectResult]:
    """Subjects by name, the local check before registries, so that output never depends on check order."""
    return sorted(results, key=lambda r: (r.subject, r.registry is not None, r.registry or ""))
