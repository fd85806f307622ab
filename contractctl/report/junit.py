"""JUnit XML so that CI test-report tooling shows each subject as a passing or failing test.

Each testcase is exactly one of passed, failure (incompatible or policy) or error (could not be checked:
invalid input or an unreachable registry), which keeps the suite counts consistent for every consumer.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from contractctl.model import Finding, FindingKind, Report, SubjectResult
from contractctl.report.summary import ordered

_ERROR_KINDS = frozenset({FindingKind.ENVIRONMENT, FindingKind.INVALID})
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GLOBAL_CLASS = "contractctl"
_GLOBAL_NAME = "global findings"


def render(report: Report) -> str:
    """One testsuite; one testcase per subject and registry, plus one for findings tied to no subject."""
    cases: list[tuple[str, str, str | None, list[Finding]]] = [
        (_registry(r), r.subject, r.path, r.findings) for r in ordered(report.results)
    ]
    if report.findings:
        cases.append((_GLOBAL_CLASS, _GLOBAL_NAME, None, report.findings))

    suite_name = _clean(f"contractctl {report.command}")
    root = ET.Element("testsuites", name=suite_name)
    suite = ET.SubElement(root, "testsuite", name=suite_name)
    failures = errors = 0
    for classname, name, path, findings in cases:
        case = ET.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(name))
        if path:
            case.set("file", _clean(path))
        failing = [f for f in findings if f.fails]
        if failing:
            blocking = [f for f in failing if f.kind in _ERROR_KINDS]
            tag = "error" if blocking else "failure"
            first = (blocking or failing)[0]
            element = ET.SubElement(case, tag, message=_clean(first.message), type=_clean(first.rule))
            element.text = _clean("\n\n".join(_describe(f) for f in failing))
            if blocking:
                errors += 1
            else:
                failures += 1
        others = [f for f in findings if not f.fails]
        if others:
            ET.SubElement(case, "system-out").text = _clean("\n\n".join(_describe(f) for f in others))

    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors), "skipped": "0"}
    for element in (root, suite):
        for key, value in counts.items():
            element.set(key, value)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _registry(result: SubjectResult) -> str:
    return result.registry if result.registry is not None else "local"


def _describe(finding: Finding) -> str:
    status = finding.severity.value
    if finding.allowed_reason is not None:
        status = f"allowed: {finding.allowed_reason}"
    lines = [f"[{status}] {finding.rule}: {finding.message}"]
    if finding.file:
        location = finding.file
        if finding.line is not None:
            location += f":{finding.line}"
            if finding.column is not None:
                location += f":{finding.column}"
        lines.append(f"  at {location}")
    if finding.pointer:
        lines.append(f"  pointer: {finding.pointer}")
    if finding.compared_with:
        direction = f" ({finding.direction})" if finding.direction else ""
        lines.append(f"  compared with: {finding.compared_with}{direction}")
    if finding.hint:
        lines.append(f"  hint: {finding.hint}")
    return "\n".join(lines)


def _clean(value: str) -> str:
    """ElementTree escapes markup but writes forbidden control characters as-is, making the file unreadable.

    Line endings are normalised too, since XML parsers turn a literal \\r\\n in text into \\n anyway.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("\ufffd", value)
