"""`link plan|apply|status|verify` as reports: the core the CLI renders."""

from __future__ import annotations

from dataclasses import dataclass

from contractctl.config.project import Config
from contractctl.linking import exporter as exporter_ops
from contractctl.linking.settings import LinkSettings, link_named
from contractctl.linking.verify import SubjectParity, link_parity, wait_for_parity
from contractctl.model import Finding, FindingKind, Report, Severity, SubjectResult
from contractctl.registry import exporters
from contractctl.registry.client import RegistryClient
from contractctl.registry.errors import RegistryError
from contractctl.registry.session import failure_finding, open_session


def _note(rule: str, message: str, link: LinkSettings, severity: Severity = Severity.INFO) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        kind=FindingKind.ADVISORY,
        severity=severity,
        registry=link.source,
        subject=f"link {link.name}",
    )


def _result(
    link: LinkSettings, verdict: str, findings: list[Finding], registry: str | None = None
) -> SubjectResult:
    return SubjectResult(
        subject=f"link {link.name}",
        path=f"links.{link.name}",
        schema_type="",
        level=link.context_type,
        verdict=verdict,
        registry=registry or link.source,
        findings=findings,
    )


@dataclass
class _Clients:
    by_name: dict[str, RegistryClient]

    def pair(self, link: LinkSettings) -> tuple[RegistryClient, RegistryClient]:
        return self.by_name[link.source], self.by_name[link.destination]


def _names(links: list[LinkSettings]) -> list[str]:
    return [n for link in links for n in (link.source, link.destination)]


def plan_or_apply(config: Config, name: str | None, apply: bool) -> tuple[Report, bool]:
    """Returns the report and whether changes were (or would be) made."""
    links = link_named(config, name)
    report = Report(command="link apply" if apply else "link plan")
    pending = False
    with open_session(config, _names(links)) as by_name:
        clients = _Clients(by_name)
        for link in links:
            source, _ = clients.pair(link)
            try:
                plan = run_link(config, link, source, apply)
            except RegistryError as error:
                report.results.append(_result(link, "error", [failure_finding(error)]))
                continue
            pending = pending or plan[0]
            report.results.append(plan[1])
    return report, pending


def run_link(
    config: Config, link: LinkSettings, source: RegistryClient, apply: bool
) -> tuple[bool, SubjectResult]:
    from contractctl.registry.settings import RegistrySettings

    destination = RegistrySettings.from_config(
        link.destination, config.registry_settings(link.destination), config.path
    )
    exporter_config = exporter_ops.exporter_config(link, destination)
    plan = exporter_ops.plan_link(source, link, exporter_config)
    if not plan.pending:
        return False, _result(
            link,
            "in sync",
            [_note("LINK_IN_SYNC", f"exporter {link.name} is as declared ({plan.state})", link)],
        )
    if not apply:
        findings = [_note("LINK_PLANNED", f"would {change}", link) for change in plan.changes]
        return True, _result(link, f"would {plan.action}", findings)
    done = exporter_ops.apply_link(source, plan, exporter_config)
    return True, _result(
        link,
        f"{plan.action}d" if plan.action != "none" else "in sync",
        [_note("LINK_APPLIED", d, link) for d in done],
    )


def status(config: Config, name: str | None) -> Report:
    links = link_named(config, name)
    report = Report(command="link status")
    with open_session(config, _names(links)) as by_name:
        clients = _Clients(by_name)
        for link in links:
            source, _ = clients.pair(link)
            try:
                state = exporters.get_status(source, link.name)
            except RegistryError as error:
                report.results.append(_result(link, "error", [failure_finding(error)]))
                continue
            message = f"exporter {link.name}: {state.state}, offset {state.offset}, ts {state.ts}"
            findings = [_note("LINK_STATE", message, link)]
            if state.trace:
                findings.append(
                    Finding(
                        rule="LINK_ERROR_TRACE",
                        message=f"exporter {link.name} reports an error: {state.trace}",
                        kind=FindingKind.ENVIRONMENT,
                        registry=link.source,
                        subject=f"link {link.name}",
                        hint="Fix the cause (destination down, credentials, IMPORT mode, id conflicts), then "
                        "`contractctl link apply` or resume the exporter.",
                    )
                )
            report.results.append(_result(link, state.state.lower(), findings))
    return report


def verify(config: Config, name: str | None, wait: bool, timeout: float) -> Report:
    links = link_named(config, name)
    report = Report(command="link verify")
    with open_session(config, _names(links)) as by_name:
        clients = _Clients(by_name)
        for link in links:
            source, destination = clients.pair(link)
            report.results.extend(verify_pair(source, destination, link, wait, timeout))
    return report


def verify_pair(
    source: RegistryClient,
    destination: RegistryClient,
    link: LinkSettings,
    wait: bool,
    timeout: float,
    exporter: bool = True,
) -> list[SubjectResult]:
    """Parity per subject; when it is not reached and ``exporter`` (the link is a real exporter, not
    promote's copy), also the exporter's own account of why, when it has one."""
    try:
        results, in_parity = wait_for_parity(
            lambda: link_parity(source, destination, link), timeout if wait else 0.0
        )
    except RegistryError as error:
        return [_result(link, "error", [failure_finding(error)], destination.name)]
    waited = f" after waiting up to {timeout:g} s" if wait and not in_parity else ""
    checked = [_parity_result(link, destination.name, parity, waited) for parity in results]
    stuck = _exporter_trouble(source, link) if exporter and not in_parity else None
    return checked if stuck is None else [*checked, stuck]


def _exporter_trouble(source: RegistryClient, link: LinkSettings) -> SubjectResult | None:
    """The exporter's error trace, or its not running: the cause of the lag, which waiting longer does
    not cure (an id taken at the destination, a destination refusing IMPORT mode, credentials)."""
    try:
        state = exporters.get_status(source, link.name)
    except RegistryError:
        return None  # verify's verdict stands; `link status` tells more
    if state.trace:
        message = f"exporter {link.name} is {state.state} and reports an error: {state.trace}"
    elif state.state not in ("RUNNING", "STARTING"):  # STARTING passes, however long it takes
        message = f"exporter {link.name} is {state.state}, not RUNNING"
    else:
        return None
    finding = Finding(
        rule="LINK_ERROR_TRACE",
        message=message,
        kind=FindingKind.ENVIRONMENT,
        registry=link.source,
        subject=f"link {link.name}",
        hint="The exporter cannot copy: fix the cause (id conflicts, IMPORT mode, credentials, destination "
        "down), then `contractctl link apply` or resume the exporter; waiting longer does not help.",
    )
    return _result(link, state.state.lower(), [finding])


def _parity_result(link: LinkSettings, destination: str, parity: SubjectParity, waited: str) -> SubjectResult:
    findings = []
    if parity.missing:
        findings.append(
            Finding(
                rule="LINK_LAG",
                message=f"{destination} lacks version(s) {', '.join(map(str, parity.missing))} of "
                f"{parity.subject} (as {parity.destination_subject}){waited}",
                kind=FindingKind.POLICY,
                registry=destination,
                subject=parity.subject,
                hint="Check `contractctl link status`; run again with --wait to give the exporter time.",
            )
        )
    findings.extend(
        Finding(
            rule="LINK_MISMATCH",
            message=f"{parity.subject} -> {parity.destination_subject}: {problem}",
            kind=FindingKind.POLICY,
            registry=destination,
            subject=parity.subject,
            hint="Something other than the link wrote to the destination; ids must match across clouds.",
        )
        for problem in parity.mismatched
    )
    verdict = "in parity" if parity.in_parity else ("mismatch" if parity.mismatched else "lagging")
    return SubjectResult(
        subject=parity.subject,
        path=f"links.{link.name}",
        schema_type="",
        level=link.context_type,
        verdict=verdict,
        registry=destination,
        compared_versions=parity.source_versions,
        findings=findings,
    )
