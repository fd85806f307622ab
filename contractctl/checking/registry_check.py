"""The same change checked by each registry itself: what is really deployed decides.

Every (subject, registry) pair is asked concurrently. A registry that cannot answer never passes:
its pairs get an environment finding naming the registry and the reason (exit 3 unless a definite
failure elsewhere makes it 1).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from contractctl.formats import get_format
from contractctl.formats.base import ParsedSchema
from contractctl.levels import DIFFERENT_SCHEMA_TYPE, schema_type_changed
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaType, Severity, SubjectResult
from contractctl.registry.client import RegistryClient, SchemaRef
from contractctl.registry.errors import RegistryError
from contractctl.registry.fanout import close_pool, gather, settled
from contractctl.registry.payload import Payload, ReferenceVersions
from contractctl.registry.session import failure_finding

_ERROR_TYPE = re.compile(r"errorType:\s*'([A-Z_]+)'")
_DESCRIPTION = re.compile(r"description:\s*'(.*?)'(?:,\s*additionalInfo|\s*\}$)", re.DOTALL)
_PATH = re.compile(r"path '([^']*)'")
_OLD_VERSION = re.compile(r"oldSchemaVersion:\s*(\d+)")


@dataclass(frozen=True)
class RemoteTarget:
    """A changed contract to ask the registries about."""

    subject: str
    path: str
    schema_type: SchemaType
    level: CompatibilityLevel  # as declared in git
    schema: ParsedSchema
    payload: Payload  # text and references as a registry takes them
    group: str | None = None  # the compatibilityGroup git declares for the subject


class RemoteCheck:
    """Remote checks that start as soon as each target is known, answered in (subject, registry) order.

    The caller can keep preparing targets (or checking locally) while the first requests are out.
    A registry that fails is a result of its pairs (an environment finding), never a pass.
    """

    def __init__(self, clients: dict[str, RegistryClient], expected: int) -> None:
        self._clients = clients
        self._switch_interval = sys.getswitchinterval()  # restored on exit
        workers = max(1, sum(c.settings.max_concurrency for c in clients.values()))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="registry")
        self._versions = {name: ReferenceVersions(client) for name, client in clients.items()}
        self._pending: list[tuple[RemoteTarget, RegistryClient, Future[SubjectResult]]] = []
        # One GET /subjects replaces a versions request per listed subject, once the versions requests
        # would need more than one round of the registry's concurrency; below that a listing (of
        # possibly thousands of subjects) costs more than it saves. Only ever a proof of existence:
        # an unlisted subject is still asked about by itself (a listing may be filtered by permissions
        # or cut short), so "new" always rests on the registry's own 40401; a failed listing means
        # every subject is asked by itself, so each pair reports its own failure.
        self._listings: dict[str, Future[frozenset[str]]] = {
            name: self._pool.submit(lambda c=client: frozenset(c.subjects()))  # type: ignore[misc]
            for name, client in clients.items()
            if expected > client.settings.max_concurrency
        }

    def __enter__(self) -> RemoteCheck:
        # Its threads mostly wait for answers; each answer's thread must get the interpreter back soon
        # while another thread (or the caller's local checks) computes: Python hands over every 5 ms.
        sys.setswitchinterval(min(self._switch_interval, 0.0005))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, *_: object) -> None:
        try:
            close_pool(self._pool, error)
        finally:
            sys.setswitchinterval(self._switch_interval)

    def add(self, target: RemoteTarget) -> None:
        for client in self._clients.values():
            future = self._pool.submit(self._check, target, client)
            self._pending.append((target, client, future))

    def _check(self, target: RemoteTarget, client: RegistryClient) -> SubjectResult:
        return _check_one(target, client, self._versions[client.name], self._listed(client.name))

    def _listed(self, name: str) -> frozenset[str]:
        """The subjects the registry listed (a set built once, shared by its pairs); none if not asked
        or if the listing failed."""
        listing = self._listings.get(name)
        if listing is None:
            return frozenset()
        try:
            return listing.result()
        except RegistryError:
            return frozenset()

    def results(self) -> list[SubjectResult]:
        """Every pair's result; a registry error becomes that pair's environment finding."""
        gathered = gather([future for _, _, future in self._pending])
        outcomes = settled(gathered)
        return [
            _result(target, client.name, "error", [failure_finding(outcome, target.subject, target.path)])
            if isinstance(outcome, RegistryError)
            else outcome
            for (target, client, _), outcome in zip(self._pending, outcomes, strict=True)
        ]


def _result(target: RemoteTarget, registry: str, verdict: str, findings: list[Finding]) -> SubjectResult:
    return SubjectResult(
        subject=target.subject,
        path=target.path,
        schema_type=target.schema_type.value,
        level=target.level.value,
        verdict=verdict,
        registry=registry,
        findings=findings,
    )


def _check_one(
    target: RemoteTarget, client: RegistryClient, known: ReferenceVersions, listed: frozenset[str]
) -> SubjectResult:
    """Whether the registry has the subject, its level there, then its own verdict.

    (Current registries answer the all-versions compatibility test of a missing subject with a plain
    "compatible", so existence needs its own request, unless ``listed`` already shows the subject;
    old ones answer 40401, seen as not found.)
    """
    findings: list[Finding] = []
    if target.subject not in listed and not client.versions(target.subject):
        return _result(target, client.name, "new", findings)
    inline = get_format(target.schema_type).registry_text(target.schema)
    references: list[SchemaRef] = []
    if inline is not None:  # self-contained (Avro), so unregistered references cannot get in the way
        text = inline
    else:
        text = target.payload.text
        found = known.references(target.payload)
        if found is None:
            # answered from the lookups just made: the references the registry lacks, not all of them
            lacking = [
                name for name, referenced in target.payload.references if known.version_of(referenced) is None
            ]
            findings.append(_unregistered_reference(target, client.name, lacking))
            return _result(target, client.name, "skipped", findings)
        references = found
    answer = client.test_compatibility(
        target.subject,
        text,
        target.schema_type.value,
        references,
        version=None,
        contract=target.payload.contract,
    )
    remote_config = client.effective_config(target.subject)
    remote_level = remote_config.level
    if remote_config.group != target.group:
        findings.append(_group_drift(target, client.name, remote_config.group))
    if remote_level != target.level.value:
        findings.append(
            Finding(
                rule="LEVEL_DRIFT",
                message=f"registry {client.name} checks {target.subject} under {remote_level}, "
                f"git declares {target.level.value}",
                kind=FindingKind.ADVISORY,
                severity=Severity.WARNING,
                registry=client.name,
                subject=target.subject,
                file=target.path,
                hint="Align them: `contractctl publish` sets the level of new subjects; change existing ones "
                "deliberately.",
            )
        )
    verdict = "compatible" if answer.is_compatible else "incompatible"
    if not answer.is_compatible:
        findings.extend(_incompatibilities(target, client.name, answer.messages))
    return _result(target, client.name, verdict, findings)


def _group_drift(target: RemoteTarget, registry: str, remote_group: str | None) -> Finding:
    def said(group: str | None) -> str:
        return f"metadata property {group}" if group else "no compatibility group"

    return Finding(
        rule="GROUP_DRIFT",
        message=f"registry {registry} groups the versions of {target.subject} by {said(remote_group)}, git "
        f"by {said(target.group)}: the registry compares other versions than the local check",
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        registry=registry,
        subject=target.subject,
        file=target.path,
        hint="`contractctl publish` sets the group of new subjects; set an existing subject's "
        "compatibilityGroup deliberately (PUT /config/<subject>).",
    )


def _unregistered_reference(target: RemoteTarget, registry: str, lacking: Sequence[str]) -> Finding:
    """The registry lacks these references as the tree has them (audit 25 W1: every reference was
    named, held or not)."""
    missing = ", ".join(lacking)
    return Finding(
        rule="REMOTE_CHECK_SKIPPED",
        message=f"registry {registry} does not hold the referenced schemas yet ({missing}): the registry "
        "cannot test this version until they are published; the local check still applies",
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        registry=registry,
        subject=target.subject,
        file=target.path,
        hint="`contractctl publish` registers references first; rerun the check after it.",
    )


def _incompatibilities(target: RemoteTarget, registry: str, messages: Sequence[str]) -> list[Finding]:
    """Confluent's verbose messages as findings; the verdict never depends on parsing them."""
    old_version = next((m.group(1) for text in messages if (m := _OLD_VERSION.search(text))), None)
    compared = f"registry version {old_version}" if old_version else "the registry's versions"
    if any(DIFFERENT_SCHEMA_TYPE in text for text in messages):
        finding = schema_type_changed(target.schema_type, [(compared, None)], target.path)
        return [replace(finding, registry=registry, subject=target.subject)]
    findings = []
    for text in messages:
        error_type = _ERROR_TYPE.search(text)
        if error_type is None:
            continue
        description = _DESCRIPTION.search(text)
        path = _PATH.search(text)
        pointer = path.group(1) if path else None
        position = target.schema.locate(pointer)
        findings.append(
            Finding(
                rule=error_type.group(1),
                message=description.group(1) if description else text,
                kind=FindingKind.INCOMPATIBLE,
                registry=registry,
                subject=target.subject,
                file=target.path,
                line=position.line if position else 1,
                column=position.column if position else None,
                pointer=pointer,
                compared_with=compared,
                hint="The registry rejects this version: keep the change compatible, or allow the break "
                "explicitly.",
            )
        )
    if not findings:
        joined = " | ".join(messages) or "no details given"
        findings.append(
            Finding(
                rule="REGISTRY_INCOMPATIBLE",
                message=f"registry {registry} says the schema is incompatible: {joined}",
                kind=FindingKind.INCOMPATIBLE,
                registry=registry,
                subject=target.subject,
                file=target.path,
                line=1,
                compared_with=compared,
            )
        )
    return findings
