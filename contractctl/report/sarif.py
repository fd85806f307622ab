"""SARIF 2.1.0 for GitHub code scanning and other static-analysis dashboards.

Fingerprints leave out line numbers and version numbers, so an alert keeps its identity while the schema
around it is edited or history grows. Allowed breaks stay visible as suppressed results, with the reason.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

import contractctl
from contractctl.formats import rule_help as format_rule_help
from contractctl.model import RULE_HELP, Finding, Report, Severity, SubjectResult
from contractctl.report.summary import ordered

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "contractctlFinding/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

_FALLBACK_HELP = "See the result message for what failed and how to fix it."


# GitHub code scanning rejects a whole run of more results than this (and keeps the 5,000 most
# severe of a run it accepts): a break of a type thousands of contracts use reaches it.
MAX_RESULTS = 25_000


def render(report: Report, max_results: int = MAX_RESULTS) -> str:
    """A SARIF log with one run; rules sorted by id, results in a stable order. Above `max_results`
    results, the most severe are kept (failures, then warnings, then notes, each in that order) and
    a tool notification says how many were left out."""
    located: list[tuple[Finding, SubjectResult | None]] = [
        (f, r) for r in ordered(report.results) for f in r.findings
    ]
    located += [(f, None) for f in report.findings]
    left_out = max(0, len(located) - max_results)
    if left_out:
        weight = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        kept = sorted(
            range(len(located)), key=lambda i: (not located[i][0].fails, weight[located[i][0].severity])
        )
        located = [located[i] for i in sorted(kept[:max_results])]
    rule_ids = sorted({f.rule for f, _ in located})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    log: dict[str, Any] = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "contractctl",
                        "version": contractctl.__version__,
                        "rules": [_rule(rule, [f for f, _ in located]) for rule in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, r, index[f.rule]) for f, r in located],
            }
        ],
    }
    if left_out:
        notice = (
            f"{left_out} of {len(located) + left_out} results left out, the least severe: code "
            f"scanning rejects a run of more than {max_results}. --format json holds them all."
        )
        log["runs"][0]["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [{"level": "warning", "message": {"text": notice}}],
            }
        ]
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def help_for(rule: str, hint: str | None = None) -> tuple[str, str]:
    """(short description, help text) for a rule id, also when namespaced like "avro/TYPE_MISMATCH"."""
    known = format_rule_help(rule) or RULE_HELP.get(rule)
    if known:
        return known
    return f"contractctl rule {rule}.", hint or _FALLBACK_HELP


def _rule(rule: str, findings: list[Finding]) -> dict[str, Any]:
    hint = next((f.hint for f in findings if f.rule == rule and f.hint), None)
    short, help_text = help_for(rule, hint)
    return {"id": rule, "shortDescription": {"text": short}, "help": {"text": help_text}}


def _result(finding: Finding, context: SubjectResult | None, rule_index: int) -> dict[str, Any]:
    subject = finding.subject or (context.subject if context else None)
    registry = finding.registry or (context.registry if context else None)
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": "warning" if finding.allowed_reason is not None else _LEVELS[finding.severity],
        "message": {"text": _message(finding)},
    }
    if finding.file:
        out["locations"] = [{"physicalLocation": _physical_location(finding, finding.file)}]
    out["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(finding, subject, registry)}
    if finding.allowed_reason is not None:
        out["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.allowed_reason}
        ]
    properties = {
        "kind": finding.kind.value,
        "subject": subject,
        "registry": registry,
        "pointer": finding.pointer,
        "direction": finding.direction,
        "comparedWith": finding.compared_with,
    }
    out["properties"] = {key: value for key, value in properties.items() if value is not None}
    return out


def _message(finding: Finding) -> str:
    parts = [finding.message]
    if finding.compared_with:
        direction = f" ({finding.direction})" if finding.direction else ""
        parts.append(f"Compared with: {finding.compared_with}{direction}")
    if finding.hint:
        parts.append(f"Hint: {finding.hint}")
    return "\n".join(parts)


def _physical_location(finding: Finding, path: str) -> dict[str, Any]:
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        artifact = {"uri": "file://" + quote(posix)}
    else:
        artifact = {"uri": quote(posix.removeprefix("./")), "uriBaseId": "%SRCROOT%"}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if finding.line is not None and finding.line >= 1:  # SARIF lines and columns are 1-based
        region = {"startLine": finding.line}
        if finding.column is not None and finding.column >= 1:
            region["startColumn"] = finding.column
        physical["region"] = region
    return physical


def _fingerprint(finding: Finding, subject: str | None, registry: str | None) -> str:
    """Identity of the problem, not of its position: rule, subject, registry, file and schema path.

    The message is only mixed in when there is no pointer to tell findings of one rule apart.
    """
    parts = [finding.rule, subject, registry, finding.file, finding.pointer, finding.direction]
    if not finding.pointer:
        parts.append(finding.message)
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8"))
    return digest.hexdigest()[:32]
