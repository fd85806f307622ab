"""Machine output: a documented, versioned object (schema `contractctl.report/v1`).

{
  "schema": "contractctl.report/v1", "command": "check", "passed": bool, "exit_code": int,
  "summary": {"subjects", "verdicts": {verdict: count}, "registry_verdicts": {verdict: count},
              "errors", "warnings", "allowed"},   # see report/summary.py for what counts
  "results": [{"subject", "path", "schema_type", "level", "verdict", "registry", "compared_versions",
               "findings": [Finding...]}],  # with --prove, summary and results also hold
                                            # "proof": {"pairs": proven by data, "records": in all}
  "findings": [Finding...]          # not tied to one subject (e.g. a file that maps to no subject)
}
Finding: {"rule", "kind", "severity", "message", "file", "line", "column", "subject", "registry",
          "hint", "pointer", "compared_with", "direction", "allowed_reason"} (absent values are null).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from contractctl.model import Finding, Report
from contractctl.report.summary import summarize

SCHEMA_ID = "contractctl.report/v1"


def finding_dict(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["kind"] = finding.kind.value
    data["severity"] = finding.severity.value
    if finding.detail is None:
        del data["detail"]  # only with -v (see cli/output.py)
    return data


def _proof(proof: tuple[int, int]) -> dict[str, int]:
    return {"pairs": proof[0], "records": proof[1]}


def render(report: Report) -> str:
    summary = summarize(report)
    document: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "command": report.command,
        "passed": summary.passed,
        "exit_code": summary.exit_code,
        "summary": {
            "subjects": summary.subjects,
            "verdicts": summary.verdicts,
            "registry_verdicts": summary.registry_verdicts,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "allowed": summary.allowed,
        },
        "results": [
            {
                "subject": result.subject,
                "path": result.path,
                "schema_type": result.schema_type,
                "level": result.level,
                "verdict": result.verdict,
                "registry": result.registry,
                "compared_versions": result.compared_versions,
                "findings": [finding_dict(f) for f in result.findings],
            }
            for result in report.results
        ],
        "findings": [finding_dict(f) for f in report.findings],
    }
    if summary.proof is not None:
        document["summary"]["proof"] = _proof(summary.proof)
        for entry, result in zip(document["results"], report.results, strict=True):
            if result.proof is not None:
                entry["proof"] = _proof(result.proof)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
