"""GitHub Actions output: workflow commands that become annotations on the pull request's diff.

The CLI prints `render` to stdout and appends `step_summary` to $GITHUB_STEP_SUMMARY; this module does no
I/O so that it stays trivially testable. GitHub shows at most 10 annotations of each level per step, so the
closing summary line carries the full counts.
"""

from __future__ import annotations

from contractctl.model import Finding, Report, Severity, SubjectResult, exit_code_for
from contractctl.report import markdown
from contractctl.report.summary import ordered, summarize

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report) -> str:
    """One workflow command per finding (subjects in a stable order, then global ones), then a summary."""
    lines = [_command(finding, result) for result in ordered(report.results) for finding in result.findings]
    lines += [_command(finding, None) for finding in report.findings]
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


# GitHub's limit on one step's summary: above it the whole summary is dropped (an error annotation
# says so), so a large change would show none.
STEP_SUMMARY_LIMIT = 1024 * 1024


def step_summary(report: Report, room: int = STEP_SUMMARY_LIMIT) -> str:
    """The Markdown for $GITHUB_STEP_SUMMARY: the document `--format markdown` prints, shortened to
    `room` bytes when longer (what the step's summary file can still take)."""
    return markdown.render(report, limit=room)


def escape_data(text: str) -> str:
    """Escape a command's message exactly as @actions/core's escapeData does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value exactly as @actions/core's escapeProperty does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(finding: Finding, result: SubjectResult | None) -> str:
    allowed = finding.allowed_reason is not None
    name = "warning" if allowed else _COMMANDS[finding.severity]
    props: list[tuple[str, str]] = []
    if finding.file:
        props.append(("file", finding.file))
        if finding.line is not None:
            props.append(("line", str(finding.line)))
            if finding.end_line is not None:
                props.append(("endLine", str(finding.end_line)))
            if finding.column is not None:
                props.append(("col", str(finding.column)))
                # GitHub takes a column range only within one line
                if finding.end_column is not None and finding.end_line in (None, finding.line):
                    props.append(("endColumn", str(finding.end_column)))
    props.append(("title", _title(finding, result)))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{name} {rendered}::{escape_data(_message(finding))}"


def _title(finding: Finding, result: SubjectResult | None) -> str:
    subject = finding.subject or (result.subject if result else None)
    registry = finding.registry or (result.registry if result else None)
    title = finding.rule
    if subject:
        title += f" in {subject}"
    if registry:
        title += f" (registry {registry})"
    return title


def _message(finding: Finding) -> str:
    parts = []
    if finding.allowed_reason is not None:
        parts.append(f"Allowed break ({finding.allowed_reason}): {finding.message}")
    else:
        parts.append(finding.message)
    if finding.pointer:
        parts.append(f"At: {finding.pointer}")
    if finding.compared_with:
        direction = f" ({finding.direction})" if finding.direction else ""
        parts.append(f"Compared with: {finding.compared_with}{direction}")
    if finding.hint:
        parts.append(f"Hint: {finding.hint}")
    return "\n".join(parts)


def _summary(report: Report) -> str:
    findings = report.all_findings()
    errors = sum(1 for f in findings if f.fails)
    allowed = sum(1 for f in findings if f.allowed_reason is not None)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING and f.allowed_reason is None)
    notes = sum(1 for f in findings if f.severity is Severity.INFO and f.allowed_reason is None)
    code = exit_code_for(findings)
    outcome = "passed" if code == 0 else f"failed (exit {code})"
    return (
        f"contractctl {report.command} {outcome}: {_count(summarize(report).subjects, 'subject')} checked, "
        f"{_count(errors, 'error')}, {_count(warnings, 'warning')}, {_count(notes, 'note')}, "
        f"{_count(allowed, 'allowed break')}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
