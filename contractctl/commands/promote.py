"""`promote --from A --to B`: publish to A, make B match (through the declared link, or by copying in
IMPORT mode with the same ids and versions), then prove parity. Every step is idempotent, so running it
again after an interruption at any point completes the job; nothing is ever deleted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from contractctl.commands.link import run_link, verify_pair
from contractctl.commands.publish import publish_catalog
from contractctl.config.project import Config
from contractctl.errors import ConfigError
from contractctl.linking.levels import WantedConfig, align_levels
from contractctl.linking.settings import LinkSettings, load_links
from contractctl.linking.verify import covers, destination_subject
from contractctl.model import Finding, FindingKind, Report, Severity, exit_code_for
from contractctl.registry.client import RegistryClient, SchemaRef
from contractctl.registry.desired import Catalog, load_catalog
from contractctl.registry.errors import RegistryError, RegistryRefusal
from contractctl.registry.session import failure_finding, open_session
from contractctl.repo.contracts import SubjectMapper, contracts_prefix
from contractctl.repo.history import Git

ID_CONFLICT = 42205
_CONFLICT_HINT = (
    "The destination has registrations of its own where the copy must go: promote into a context "
    "reserved for the copy (the registry's context setting), or remove the destination's own versions "
    "there, then rerun. Retrying as is gives the same refusal."
)


@dataclass(frozen=True)
class PromoteOptions:
    source: str
    destination: str
    via: str = "link"  # or "copy"
    wait: bool = False
    timeout: float = 120.0
    dry_run: bool = False


def _link_for(config: Config, options: PromoteOptions) -> LinkSettings:
    for link in load_links(config).values():
        if link.source == options.source and link.destination == options.destination:
            return link
    raise ConfigError(
        f"{config.path}: links: no link from {options.source} to {options.destination} is declared "
        "(declare one, or use --via copy)"
    )


def promote(config: Config, options: PromoteOptions) -> Report:
    report = Report(command="promote")
    link = _link_for(config, options) if options.via == "link" else None
    catalog = load_catalog(config)
    with open_session(config, [options.source, options.destination]) as clients:
        source, destination = clients[options.source], clients[options.destination]
        published = publish_catalog(catalog, {options.source: source}, options.dry_run)
        report.results.extend(published.results)
        report.findings.extend(published.findings)
        if exit_code_for(published.all_findings()) != 0:
            report.findings.append(_stopped("publishing to " + options.source))
            return report
        subjects = sorted(catalog.versions)
        if link is not None:
            try:
                _, result = run_link(config, link, source, apply=not options.dry_run)
            except RegistryError as error:
                report.findings.append(failure_finding(error))
                report.findings.append(_stopped("the link"))
                return report
            report.results.append(result)
            target = link
        else:
            target = LinkSettings(
                "copy", options.source, options.destination, "NONE", subjects=tuple(subjects)
            )
            try:
                report.findings.extend(copy_subjects(source, destination, subjects, options.dry_run))
            except RegistryError as error:
                report.findings.append(failure_finding(error))
                report.findings.append(_stopped("copying"))
                return report
        try:
            wanted = _wanted_configs(config, catalog, source, target)
            report.findings.extend(align_levels(destination, wanted, options.dry_run))
        except RegistryError as error:
            report.findings.append(failure_finding(error))
        if not options.dry_run:
            report.results.extend(
                verify_pair(source, destination, target, options.wait, options.timeout, link is not None)
            )
    return report


def _wanted_configs(
    config: Config, catalog: Catalog, source: RegistryClient, link: LinkSettings
) -> list[WantedConfig]:
    """The level (and compatibility group) git declares for each subject the link covers."""
    mapper = SubjectMapper(config, contracts_prefix(config, Git.discover(config.directory)))
    return [
        WantedConfig(
            subject,
            destination_subject(link, source, subject),
            catalog.levels[subject],
            mapper.group_property_for(PurePosixPath(catalog.paths[subject]), subject),
        )
        for subject in sorted(catalog.versions)
        if covers(link.subjects, subject)
    ]


def _stopped(step: str) -> Finding:
    return Finding(
        rule="PROMOTE_STOPPED",
        message=f"promotion stopped at {step}; what was done stays done: rerun promote to complete it",
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
    )


def copy_subjects(
    source: RegistryClient, destination: RegistryClient, subjects: list[str], dry_run: bool
) -> list[Finding]:
    """Register every source version of the subjects into the destination with the same id and
    version (IMPORT mode), oldest id first so references exist before their users."""
    records = []
    for subject in subjects:
        for number in source.versions(subject):
            record = source.get_version(subject, number)
            if record is not None:
                records.append(record)
    records.sort(key=lambda r: (r.id, r.subject, r.version))
    notes: list[Finding] = []
    imported: set[str] = set()
    for record in records:
        existing = destination.get_version(record.subject, record.version)
        if existing is not None:
            if existing.id != record.id:
                raise RegistryRefusal(
                    destination.name,
                    f"{record.subject} version {record.version} has id {existing.id} in "
                    f"{destination.name} but {record.id} in {source.name}: refusing to copy over it",
                    error_code=ID_CONFLICT,
                    hint=_CONFLICT_HINT,
                )
            continue
        if dry_run:
            notes.append(
                _copy_note(
                    f"would copy {record.subject} version {record.version} (id {record.id})", destination
                )
            )
            continue
        if record.subject not in imported and destination.effective_mode(record.subject) != "IMPORT":
            destination.set_mode(record.subject, "IMPORT", force=True)
            imported.add(record.subject)
            notes.append(_copy_note(f"set {record.subject} to IMPORT mode", destination))
        references = [SchemaRef(r.name, r.subject, r.version) for r in record.references]
        try:
            destination.register(
                record.subject,
                record.schema,
                record.schema_type,
                references,
                normalize=False,
                schema_id=record.id,
                version=record.version,
                contract=record.contract,  # part of what the id names: a copy without it is another schema
            )
        except RegistryError as error:
            if error.error_code != ID_CONFLICT:
                raise
            holders = destination.versions_of_id(record.id)
            held = (
                ", ".join(f"{subject} version {version}" for subject, version in holders) or "another schema"
            )
            raise RegistryRefusal(
                destination.name,
                f"id {record.id} is {record.subject} version {record.version} in {source.name}, but in "
                f"{destination.name} the id already holds a different schema ({held}) (42205)",
                error_code=ID_CONFLICT,
                hint=_CONFLICT_HINT,
            ) from None
        notes.append(
            _copy_note(f"copied {record.subject} version {record.version} (id {record.id})", destination)
        )
    return notes


def _copy_note(message: str, destination: RegistryClient) -> Finding:
    return Finding(
        rule="COPIED",
        message=message,
        kind=FindingKind.ADVISORY,
        severity=Severity.INFO,
        registry=destination.name,
    )
