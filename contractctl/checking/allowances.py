"""The escape hatch for an intended breaking change: an explicit, reasoned allowance per subject.

An allowed break is never hidden: its findings stay in the report, marked with the reason, so every
format shows what was let through and why. Invalid input is never allowable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from contractctl.errors import UsageError
from contractctl.model import Finding, FindingKind, Report, Severity

ALLOWABLE = {FindingKind.INCOMPATIBLE}


def pair_allowances(subjects: Sequence[str], reasons: Sequence[str]) -> dict[str, str]:
    """--allow-breaking S (repeatable) with --reason R: one reason for all, or one per subject."""
    if not subjects:
        if reasons:
            raise UsageError("--reason needs --allow-breaking SUBJECT")
        return {}
    cleaned = [reason.strip() for reason in reasons]
    if not cleaned or any(not reason for reason in cleaned):
        raise UsageError("--allow-breaking needs a non-empty --reason: say why the break is intended")
    if len(cleaned) == 1:
        return {subject: cleaned[0] for subject in subjects}
    if len(cleaned) != len(subjects):
        raise UsageError(
            f"{len(subjects)} --allow-breaking subjects but {len(cleaned)} --reason values: give one reason "
            "for all, or one per subject in the same order"
        )
    return dict(zip(subjects, cleaned, strict=True))


def apply_allowances(report: Report, allowances: Mapping[str, str]) -> None:
    """Mark the allowed subjects' incompatibilities as allowed; note allowances that matched nothing."""
    used: set[str] = set()
    for result in report.results:
        reason = allowances.get(result.subject)
        if reason is None:
            continue
        allowed_any = False
        findings = []
        for finding in result.findings:
            if finding.kind in ALLOWABLE and finding.fails:
                finding = replace(finding, allowed_reason=reason)
                allowed_any = True
            findings.append(finding)
        result.findings = findings
        if allowed_any:
            used.add(result.subject)
            if not any(f.fails for f in findings):
                result.verdict = "allowed"
    for subject in sorted(set(allowances) - used):
        report.findings.append(
            Finding(
                rule="ALLOWANCE_UNUSED",
                message=f"--allow-breaking {subject}: no incompatible change of that subject was found",
                kind=FindingKind.ADVISORY,
                severity=Severity.WARNING,
                subject=subject,
                hint="Remove the allowance (or the PR label) once the change no longer needs it.",
            )
        )
