"""Counts shared by every renderer, so all formats agree on what happened.

A subject is counted once however many results it has: the local check and each registry's answer
about it are results of one subject. A contract that does not parse far enough to name its subject
(its finding is a global, failing INVALID one with a file) is a subject too, counted as invalid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from contractctl.model import FindingKind, Report, Severity, SubjectResult, exit_code_for


@dataclass(frozen=True)
class Summary:
    subjects: int
    verdicts: dict[str, int]
    errors: int
    warnings: int
    allowed: int
    exit_code: int
    registry_verdicts: dict[str, int] = field(default_factory=dict)
    proof: tuple[int, int] | None = None  # with --prove: pairs proven by data, records in all

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def sentence(self) -> str:
        parts = [f"{_count(self.subjects, 'subject')} checked" + _in_brackets(self.verdicts)]
        registry_results = sum(self.registry_verdicts.values())
        if registry_results:
            parts.append(
                f"{_count(registry_results, 'registry result')}" + _in_brackets(self.registry_verdicts)
            )
        if self.proof is not None:
            parts.append(proof_phrase(*self.proof))
        parts.append(_count(self.errors, "error"))
        parts.append(_count(self.warnings, "warning"))
        if self.allowed:
            parts.append(f"{self.allowed} allowed")
        return ", ".join(parts)


def summarize(report: Report) -> Summary:
    findings = report.all_findings()
    local = [r for r in report.results if r.registry is None]
    subjects = {(r.subject, r.path) for r in report.results}
    paths = {r.path for r in report.results}
    broken = {
        f.file
        for f in report.findings
        if f.file and f.fails and f.kind is FindingKind.INVALID and f.file not in paths
    }
    verdicts = Counter(result.verdict for result in local)
    if broken:
        verdicts["invalid"] += len(broken)
    return Summary(
        subjects=len(subjects) + len(broken),
        verdicts=dict(verdicts),
        errors=sum(1 for f in findings if f.fails),
        warnings=sum(1 for f in findings if not f.fails and f.severity is Severity.WARNING),
        allowed=sum(1 for f in findings if f.allowed_reason),
        exit_code=exit_code_for(findings),
        registry_verdicts=dict(Counter(r.verdict for r in report.results if r.registry is not None)),
        proof=_proof_totals(report),
    )


def proof_phrase(pairs: int, records: int) -> str:
    """What `--prove` covered, e.g. "2 pairs proven by data with 50 records"."""
    return f"{_count(pairs, 'pair')} proven by data with {_count(records, 'record')}"


def _proof_totals(report: Report) -> tuple[int, int] | None:
    proofs = [r.proof for r in report.results if r.proof is not None]
    if not proofs:
        return None
    return sum(pairs for pairs, _ in proofs), sum(records for _, records in proofs)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _in_brackets(verdicts: dict[str, int]) -> str:
    listed = ", ".join(f"{count} {verdict}" for verdict, count in sorted(verdicts.items()))
    return f" ({listed})" if listed else ""


def ordered(results: list[SubjectResult]) -> list[SubjectResult]:
    """Subjects by name, the local check before registries, so that output never depends on check order."""
    return sorted(results, key=lambda r: (r.subject, r.registry is not None, r.registry or ""))
