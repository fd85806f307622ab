"""Markdown report for pull-request comments and the GitHub step summary.

Everything that comes from schemas or the registry is escaped, so a message with pipes, backticks, HTML or
newlines can neither break a table nor inject markup into the page that shows it.
"""

from __future__ import annotations

import re

from contractctl.model import Finding, Report, Severity, SubjectResult, exit_code_for, one_line
from contractctl.report.summary import ordered, summarize

_OUTCOMES = {
    0: "✅ **Passed**",
    1: "❌ **Failed**: incompatible or policy-violating changes",
    2: "❌ **Failed**: invalid input",
    3: "⚠️ **Not checked**: an environment problem (registry or git) stopped the check",
}
_ROW_VERDICTS = {Severity.ERROR: "❌ fails", Severity.WARNING: "⚠️ warning", Severity.INFO: "💡 note"}
_HEADER = "| verdict | level | rule | location | message | hint |\n| --- | --- | --- | --- | --- | --- |"
# CommonMark treats a backslash before any ASCII punctuation as a literal; these are the ones that can
# start emphasis, links, HTML, entities, strikethrough or end a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!])")


def render(report: Report, limit: int | None = None) -> str:
    """Heading, overall verdict, a subject overview, a findings table per subject, then global findings.

    `limit`: at most this many bytes (UTF-8). A larger report keeps its verdict line, lists only the
    subjects with findings, and then as many findings tables, failing subjects first, as fit, saying
    what it left out (GitHub shows no step summary at all above its size limit: a large change's
    summary vanished)."""
    findings = report.all_findings()
    results = ordered(report.results)
    head = [f"# contractctl {text(report.command)}", "", _verdict_line(report, findings)]
    full = "\n".join([*head, *_overview(results), *_sections(report, results)]) + "\n"
    if limit is None or len(full.encode("utf-8")) <= limit:
        return full
    return _within(report, head, results, limit)


def _overview(results: list[SubjectResult], heading: str = "Subjects") -> list[str]:
    if not results:
        return []
    out = ["", f"## {heading}", "", "| subject | registry | verdict | compatibility | type | file |"]
    out.append("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        cells = [text(r.subject), text(_registry(r)), text(_versions(r)), text(r.level), text(r.schema_type)]
        out.append("| " + " | ".join([*cells, code(r.path)]) + " |")
    return out


def _sections(report: Report, results: list[SubjectResult]) -> list[str]:
    out: list[str] = []
    for r in results:
        if r.findings:
            out += ["", f"## {text(r.subject)} · {text(_registry(r))}", "", _HEADER]
            out += [_row(f) for f in r.findings]
    if report.findings:
        out += ["", "## Global findings", "", _HEADER]
        out += [_row(f) for f in report.findings]
    return out


def _within(report: Report, head: list[str], results: list[SubjectResult], limit: int) -> str:
    """The report in at most `limit` bytes (see `render`); "" when not even its verdict fits."""
    with_findings = [r for r in results if r.findings]
    # failing subjects first (a break is what a reviewer looks for), then warnings and notes
    sections = [
        (f"## {text(r.subject)} · {text(_registry(r))}", r.findings)
        for r in sorted(with_findings, key=lambda r: not any(f.fails for f in r.findings))
    ]
    if report.findings:
        global_ = ("## Global findings", report.findings)
        sections.insert(0 if any(f.fails for f in report.findings) else len(sections), global_)
    total = sum(len(found) for _, found in sections)
    left_out = len(results) - len(with_findings)
    room = limit - 400  # for the closing note
    lines = [*head, *_overview(with_findings, "Subjects with findings")]
    used = sum(len(line.encode("utf-8")) + 1 for line in lines)
    if used > room // 2:  # thousands of failing subjects: their sections name each one anyway
        lines = list(head)
        used = sum(len(line.encode("utf-8")) + 1 for line in lines)
    shown = 0
    for heading, found in sections:
        opening = ["", heading, "", _HEADER]
        cost = sum(len(line.encode("utf-8")) + 1 for line in opening)
        rows = []
        for finding in found:
            row = _row(finding)
            size = len(row.encode("utf-8")) + 1
            if used + cost + size > room:
                break
            rows.append(row)
            cost += size
        if not rows:
            break
        lines += [*opening, *rows]
        used += cost
        shown += len(rows)
        if len(rows) < len(found):
            break
    lines += [
        "",
        f"_Shortened to fit GitHub's step summary: {shown} of {total} findings shown; {left_out} "
        "subjects without findings are counted above, not listed. The job log's annotations and "
        "`--format json` hold the whole report._",
    ]
    document = "\n".join(lines) + "\n"
    return document if len(document.encode("utf-8")) <= limit else ""


def text(value: str) -> str:
    """Plain text that stays literal inside a table cell: markup escaped, newlines as <br>."""
    lines = _lines(value)
    return "<br>".join(_SPECIAL.sub(r"\\\1", line) for line in lines)


def code(value: str) -> str:
    """A code span that survives backticks in the value and pipes inside a table."""
    flat = " ".join(_lines(value))
    if not flat:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    escaped = flat.replace("|", "\\|")  # GFM splits cells before parsing code spans
    return f"{fence}{pad}{escaped}{pad}{fence}"


def _lines(value: str) -> list[str]:
    """The lines of a text, each with its other control characters escaped (an escape sequence in a
    registry's message must not reach a terminal that shows `--format markdown`)."""
    return [one_line(line) for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _registry(result: SubjectResult) -> str:
    return result.registry if result.registry is not None else "local"


def _versions(result: SubjectResult) -> str:
    if result.compared_versions:
        noun = "version" if result.compared_versions == 1 else "versions"
        return f"{result.verdict} ({result.compared_versions} {noun} compared)"
    return result.verdict


def _verdict_line(report: Report, findings: list[Finding]) -> str:
    code_ = exit_code_for(findings)
    failing = sum(1 for f in findings if f.fails)
    allowed = sum(1 for f in findings if f.allowed_reason is not None)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING and f.allowed_reason is None)
    subjects = summarize(report).subjects
    return (
        f"{_OUTCOMES.get(code_, f'❌ **Failed** (exit {code_})')} — "
        f"{subjects} subject{'s' if subjects != 1 else ''} checked, "
        f"{failing} failing, {warnings} warning{'s' if warnings != 1 else ''}, "
        f"{allowed} allowed break{'s' if allowed != 1 else ''}"
    )


def _row(finding: Finding) -> str:
    if finding.allowed_reason is not None:
        verdict = "✅ allowed: " + text(finding.allowed_reason)
    else:
        verdict = _ROW_VERDICTS[finding.severity]
    message = finding.message
    if finding.pointer:
        message += f"\nat {finding.pointer}"
    if finding.compared_with:
        message += f"\ncompared with {finding.compared_with}"
        if finding.direction:
            message += f" ({finding.direction})"
    cells = [
        verdict,
        finding.severity.value,
        code(finding.rule),
        code(_location(finding)),
        text(message),
        text(finding.hint or ""),
    ]
    return "| " + " | ".join(cells) + " |"


def _location(finding: Finding) -> str:
    if not finding.file:
        return ""
    if finding.line is None:
        return finding.file
    if finding.column is None:
        return f"{finding.file}:{finding.line}"
    return f"{finding.file}:{finding.line}:{finding.column}"
