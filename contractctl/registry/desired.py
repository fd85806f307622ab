"""What git says each registry should hold: every version of every contract at a ref, as payloads.

Used by publish (register what is missing), status (drift) and can-deploy (--version). Versions are
`SchemaResolver.versions`: along the ref's first-parent history, oldest first, a new content or the
same content with a new version of a reference, each with its references as they were at its commit;
the registration order is commit order, references first.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from contractctl.config.project import Config
from contractctl.formats import configure_sections, type_for_path
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaType, Severity
from contractctl.registry.client import ContractExtras
from contractctl.registry.payload import Payload, payload_for
from contractctl.registry.sidecar_extras import extras_from_sidecar
from contractctl.repo.contracts import SubjectMapper, build_contract_set, contracts_prefix
from contractctl.repo.filters import stored_otherwise
from contractctl.repo.history import BlobStore, Git, HistoricVersion
from contractctl.repo.index_links import tree_contracts
from contractctl.repo.integrity import ensure_complete_history
from contractctl.repo.references import SchemaResolver, import_missing_finding, subject_history
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX, sidecar_path


@dataclass(frozen=True)
class GitVersion:
    subject: str
    number: int  # 1-based, in order of first appearance in history
    commit: str
    sequence: int  # position of the commit in the log
    path: str
    payload: Payload
    # the version as parsed for registering: publish compares it with the ones before (history_breaks)
    schema: ParsedSchema = field(compare=False, repr=False)
    # why a registry would refuse it as a new schema, when it parses only as a registry parses a
    # version it holds (check compares it): publish registers it nowhere, and where the registry
    # lacks it, none of the subject's versions after it either (`publish._refused_as_new`)
    refused_as_new: str | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return f"git version {self.number} ({self.commit[:7]})"


@dataclass
class Catalog:
    ref: str
    versions: dict[str, list[GitVersion]] = field(default_factory=dict)  # per subject, oldest first
    levels: dict[str, CompatibilityLevel] = field(default_factory=dict)
    groups: dict[str, str | None] = field(default_factory=dict)  # compatibilityGroup per subject
    types: dict[str, SchemaType] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # (subject, git number) -> why that version is left out (does not parse today): git numbers
    # every version, so the numbers publish registers have gaps (can-deploy --version names them)
    left_out: dict[tuple[str, int], str] = field(default_factory=dict)

    def nothing_publishable(self, subject: str, registry: str) -> Finding | None:
        """A subject git has versions of and publish can register none of (each left out: why), for
        this registry; None when it has a version to register. A release that passed would silently
        lack it, so publish fails (exit 2: git's versions do not compile) and status reports drift."""
        if self.versions.get(subject):
            return None
        reasons = [reason for (name, _), reason in sorted(self.left_out.items()) if name == subject]
        if not reasons:
            return None
        return Finding(
            rule="NOTHING_PUBLISHABLE",
            message=f"publish can register no git version of {subject} in registry {registry}: every one "
            f"is left out ({'; '.join(reasons)})",
            kind=FindingKind.INVALID,
            registry=registry,
            subject=subject,
            file=self.paths.get(subject),
            hint="Commit the contract again: that is a new version, compiled with its references as they "
            "are now, which publish registers; or leave it out (contracts.exclude).",
        )

    def in_order(self) -> list[GitVersion]:
        """Registration order: by commit; within a commit, the order references are resolved in."""
        every = [v for versions in self.versions.values() for v in versions]
        return sorted(every, key=lambda v: (v.sequence, _depth(v.payload), v.subject))


def _depth(payload: Payload) -> int:
    return 1 + max((_depth(reference) for _, reference in payload.references), default=0)


def load_catalog(config: Config, ref: str = "HEAD") -> Catalog:
    """Every version of every contract in the tree at `ref` (contracts deleted before it are left out)."""
    configure_sections(config.format_sections)
    git = Git.discover(config.directory)
    commit = git.resolve(ref)
    ensure_complete_history(git, commit, environ=os.environ)  # a cut history would publish a part
    prefix = contracts_prefix(config, git)
    mapper = SubjectMapper(config, prefix)
    store = BlobStore(git)
    entries, skipped = tree_contracts(git, store, commit, prefix)
    current = build_contract_set(mapper, entries, store, commit)
    current.validate_all()
    catalog = Catalog(ref=ref)
    catalog.findings.extend(
        f for f in skipped if f.rule != "SUBMODULE" or not mapper.excluded_folder(f.file or "")
    )
    catalog.findings.extend(f for findings in current.invalid.values() for f in findings)
    resolver = SchemaResolver(current, subject_history(git, commit, mapper, store, None))
    for subject, contract in current.contracts.items():
        catalog.levels[subject] = contract.compatibility
        catalog.groups[subject] = mapper.group_property_for(contract.path, subject)
        catalog.types[subject] = contract.schema_type
        catalog.paths[subject] = str(contract.path)
    latest = {
        id(parsed)
        for subject in resolver.history
        if subject in current.contracts and (known := resolver.versions(subject))
        if (parsed := resolver.parse_historic(subject, known[-1], registered=False)) is not None
    }
    extras_of = _sidecar_extras(git, commit, prefix, resolver, latest, catalog)
    for subject, contract in sorted(current.contracts.items()):
        try:
            resolver.parse_current(subject)  # invalid now: say so, and publish none of its versions
        except InvalidSchema as error:
            catalog.findings.extend(f.with_context(subject=subject) for f in error.findings)
            continue
        versions = []
        held_elsewhere = False  # in Git LFS, or through a filter
        for version in resolver.versions(subject):
            # publish sends a version the registry lacks as a new schema, which it parses strictly
            parsed = resolver.parse_historic(subject, version, registered=False)
            stored = (
                stored_otherwise(git, [version], _label, str(contract.path), subject)
                if parsed is None
                else {}
            )
            if stored:  # unreadable, not broken: publishing the others would number them unlike git
                catalog.findings.extend(stored.values())
                held_elsewhere = True
                break
            missing = (
                resolver.historic_import_missing(subject, version, registered=False)
                if parsed is None
                else None
            )
            if missing is not None:  # compiled where it was built: not broken either
                catalog.findings.append(import_missing_finding(version, missing, str(contract.path), subject))
                held_elsewhere = True
                break
            refused_as_new = None
            lenient = resolver.parse_historic(subject, version) if parsed is None else None
            if lenient is not None:  # check compares it: leaving it out would renumber the later ones
                why = resolver.historic_error(subject, version, registered=False)
                refused_as_new = why or "it does not parse as strictly as a new schema"
                parsed = lenient
            if parsed is None:
                why = resolver.historic_error(subject, version, registered=False)
                reason = (
                    f"git version {version.number} ({version.commit[:7]}) of {subject} does not parse today"
                )
                reason += f" ({why})" if why else ""
                catalog.left_out[subject, version.number] = reason
                catalog.findings.append(
                    Finding(
                        rule="HISTORY_UNPARSEABLE",
                        message=f"{reason}; it is left out",
                        kind=FindingKind.ADVISORY,
                        severity=Severity.WARNING,
                        subject=subject,
                        file=str(version.path),
                    )
                )
                continue
            versions.append(
                GitVersion(
                    subject=subject,
                    number=version.number,
                    commit=version.commit,
                    sequence=version.sequence,
                    path=str(version.path),
                    # an earlier version may be of another type than the contract is now
                    payload=payload_for(
                        parsed,
                        type_for_path(version.path) or contract.schema_type,
                        resolver.subject_of,
                        extras_of,
                    ),
                    schema=parsed,
                    refused_as_new=refused_as_new,
                )
            )
        if held_elsewhere:
            continue  # none of its versions, as for a contract invalid now
        catalog.versions[subject] = versions
    return catalog


def _sidecar_extras(
    git: Git, ref_commit: str, prefix: str, resolver: SchemaResolver, latest: set[int], catalog: Catalog
) -> Callable[[ParsedSchema], ContractExtras | None] | None:
    """Metadata and rules for each version from its sidecar: as at the version's commit, and for the
    latest version as at the ref (a sidecar-only change is a new registry version in Confluent)."""
    sidecars = [p for p in git.tree_blobs(ref_commit, prefix) if str(p).endswith(SIDECAR_SUFFIX)]
    if not sidecars and not _sidecar_ever(git, ref_commit, prefix):
        return None  # nothing to read: no process per version
    memo: dict[tuple[str, str], ContractExtras | None] = {}

    def extras_of(schema: ParsedSchema) -> ContractExtras | None:
        at_ref = id(schema) in latest
        commit = ref_commit if at_ref else schema.source.origin
        path = sidecar_path(schema.source.path)
        if at_ref:  # the sidecar beside the contract where it is now (moved since, the text unchanged)
            path = sidecar_path(PurePosixPath(catalog.paths.get(resolver.subject_of(schema), str(path))))
        key = (commit, str(path))
        if key not in memo:
            memo[key] = None
            data = git.read_at(commit, str(path))
            if data is not None:
                subject = resolver.subject_of(schema)
                text = data.decode("utf-8", "replace")
                try:
                    schema_type = type_for_path(schema.source.path) or catalog.types[subject]
                    memo[key] = extras_from_sidecar(path, text, schema, schema_type)
                except InvalidSchema as error:
                    catalog.findings.extend(f.with_context(subject=subject) for f in error.findings)
        return memo[key]

    return extras_of


def _sidecar_ever(git: Git, ref_commit: str, prefix: str) -> bool:
    """Whether a commit up to the ref touched a sidecar: one deleted since still gave its version its
    metadata and rules (one process, only when the ref has no sidecar)."""
    pattern = f":(glob){prefix + '/' if prefix else ''}**/*{SIDECAR_SUFFIX}"
    return bool(git.text("log", "-1", "--format=%H", ref_commit, "--", pattern))


def _label(version: HistoricVersion) -> str:
    return f"git version {version.number} ({version.commit[:7]})"
