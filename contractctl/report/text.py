"""Human output: one line per finding (file:line, rule, subject, message, hint) and a summary line.

Styles are applied with rich only when printing to a colour terminal (see `print_styled`), so the
pre-commit path does not pay rich's import when its output goes to a pipe.
"""

from __future__ import annotations

from contractctl.model import Finding, Report, Severity, SubjectResult, one_line
from contractctl.report.summary import proof_phrase, summarize

Segment = tuple[str, str]  # (text, rich style)

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _location(finding: Finding) -> str:
    if not finding.file:
        return ""
    location = one_line(finding.file)
    if finding.line:
        location += f":{finding.line}"
        if finding.column:
            location += f":{finding.column}"
    return location


def finding_segments(finding: Finding) -> list[Segment]:
    # every text is shown on its own lines with its control characters escaped: a registry's message,
    # a subject name it lists, a --reason or a contract's line must not start a line of its own (a
    # forged `::error::` or `passed:` in a CI log) nor reach the terminal as an escape sequence
    label = "allowed" if finding.allowed_reason else finding.severity.value
    style = "magenta" if finding.allowed_reason else _SEVERITY_STYLE[finding.severity]
    segments: list[Segment] = []
    location = _location(finding)
    if location:
        segments.append((f"{location}: ", "bold"))
    segments.append((f"{label} ", style))
    segments.append((finding.rule, style))
    where = [one_line(w) for w in (finding.subject, finding.registry and f"registry {finding.registry}") if w]
    if where:
        segments.append((f" [{' @ '.join(where)}]", "blue"))
    segments.append((f": {one_line(finding.message)}", ""))
    details = []
    if finding.pointer:
        details.append(f"at {finding.pointer}")
    if finding.direction:
        details.append(finding.direction)
    if finding.compared_with:
        details.append(f"against {finding.compared_with}")
    if details:
        segments.append((f" ({'; '.join(details)})", "dim"))
    if finding.allowed_reason:
        segments.append((f"\n    allowed: {one_line(finding.allowed_reason)}", "magenta"))
    if finding.hint:
        segments.append((f"\n    hint: {one_line(finding.hint)}", "green"))
    if finding.detail:
        lines = (_detail_line(line) for line in finding.detail.splitlines())
        segments.append(("\n" + "\n".join(f"    {line}" for line in lines), "dim"))
    return segments


def _detail_line(line: str) -> str:
    """A line of detail (a contract's source line, git's message) as one line of output: control
    characters escaped as in `one_line`, tabs kept so a caret under the line stays aligned."""
    return "\t".join(one_line(part) for part in line.split("\t"))


def _result_line(command: str, result: SubjectResult) -> list[Segment]:
    """One line for a subject with nothing to say but its verdict."""
    where = (
        f"[{one_line(result.subject)}" + (f" @ registry {result.registry}" if result.registry else "") + "]"
    )
    if command == "check" or command == "compat":
        plural = "s" if result.compared_versions != 1 else ""
        if result.verdict == "new":
            against = "no earlier version"
        elif result.registry:  # the registry compares with the versions it holds, as its level says
            against = "against the versions the registry holds"
        else:
            against = f"against {result.compared_versions} earlier version{plural}"
        detail = f": {result.verdict} under {result.level}, {against}"
        if result.verdict == "unchanged" and not result.registry:
            # `check --all` compared it all the same: "unchanged" alone reads as "not looked at"
            detail = (
                f": unchanged, compatible under {result.level} with {result.compared_versions} "
                f"earlier version{plural}"
                if result.compared_versions
                else f": unchanged under {result.level}, "
                + ("which compares nothing" if result.level == "NONE" else "its only version")
            )
        if result.proof is not None:
            detail += f"; {proof_phrase(*result.proof)}"
    else:
        detail = f": {result.verdict}"
    return [(f"{one_line(result.path)}: ", "bold"), ("ok ", "green"), (where, "blue"), (detail, "")]


def report_lines(report: Report, quiet: bool = False, banner: bool | None = None) -> list[list[Segment]]:
    """quiet: only failing findings, and no closing verdict line unless `banner` asks for it."""
    lines: list[list[Segment]] = []
    for finding in report.findings:
        if not quiet or finding.fails:
            lines.append(finding_segments(finding))
    for result in report.results:
        for finding in result.findings:
            if not quiet or finding.fails:
                lines.append(finding_segments(finding))
        if not quiet and not result.findings:
            lines.append(_result_line(report.command, result))
    summary = summarize(report)
    verdict = ("passed", "bold green") if summary.passed else ("failed", "bold red")
    if (not quiet) if banner is None else banner:
        lines.append([(f"{verdict[0]}: ", verdict[1]), (summary.sentence(), "")])
    return lines


def render(report: Report) -> str:
    return render_plain(report, quiet=False)


def print_styled(report: Report, quiet: bool, stream: object) -> None:
    """Coloured output on a terminal, through rich."""
    from rich.console import Console
    from rich.text import Text

    # the caller decided on colour (a pipe under --color always too): rich must not decide again
    console = Console(
        file=stream,  # type: ignore[arg-type]
        highlight=False,
        soft_wrap=True,
        force_terminal=True,
        no_color=False,
    )
    for line in report_lines(report, quiet):
        console.print(Text.assemble(*line))


def render_plain(report: Report, quiet: bool, banner: bool | None = None) -> str:
    lines = report_lines(report, quiet, banner)
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)
