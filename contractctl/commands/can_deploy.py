"""The producer's deploy gate: is this exact schema registered under the subject everywhere it runs?

Unknown is not yes: a registry that cannot answer makes the gate fail (exit 3), and a schema that is
registered with different ids in different registries is not linked, so it fails too (a consumer in
one cloud could not resolve the id a producer in the other cloud wrote).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from contractctl.config.project import Config
from contractctl.errors import UsageError
from contractctl.formats import configure_sections, get_format, supported_extensions, type_for_path
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.generic.wording import listing
from contractctl.model import Finding, FindingKind, Report, SchemaText, Severity, SubjectResult
from contractctl.registry.client import ContractExtras, RegisteredSchema, RegistryClient
from contractctl.registry.payload import Payload, ReferenceVersions, find_registered, payload_for
from contractctl.registry.session import each_registry, open_session
from contractctl.registry.sidecar_extras import extras_from_sidecar, sidecar_extras
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX
from contractctl.sidecar.check_step import ContractFiles

if TYPE_CHECKING:
    from contractctl.registry.desired import Catalog


@dataclass(frozen=True)
class Candidate:
    subject: str
    label: str  # what is being deployed, for messages
    path: str
    payload: Payload


def candidate_from_version(config: Config, subject: str, number: int) -> Candidate:
    from contractctl.registry.desired import load_catalog

    catalog = load_catalog(config)
    versions = catalog.versions.get(subject)
    if versions is None:
        raise UsageError(f"git has no contract for subject {subject!r} at HEAD")
    match = next((v for v in versions if v.number == number), None)
    if match is None:
        raise UsageError(_no_such_version(catalog, subject, number))
    return Candidate(subject, match.label, match.path, match.payload)


def _no_such_version(catalog: Catalog, subject: str, number: int) -> str:
    """Why git version `number` is no candidate: numbers count every version in git's history, and a
    version that does not parse today is left out of what publish registers, so the numbers have gaps."""
    left_out = catalog.left_out.get((subject, number))
    if left_out is not None:
        return f"{left_out}: publish registers it nowhere, so it cannot be deployed"
    numbers = [v.number for v in catalog.versions[subject]]
    known = ", ".join(str(n) for n in numbers) if numbers else "none"
    return f"{subject} has no git version {number} (its versions that publish registers: {known})"


def candidate_from_file(config: Config, subject: str, path: Path) -> Candidate:
    """The file parsed with the references it uses, taken from the contracts in the working tree."""
    from contractctl.commands.check import working_tree_contracts
    from contractctl.repo.references import SchemaResolver

    schema_type = type_for_path(PurePosixPath(path.name))
    if schema_type is None:
        raise UsageError(f"{path}: not a schema file (expected {listing(supported_extensions(), 'or')})")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None
    configure_sections(config.format_sections)  # include folders, as check and publish read them
    current = working_tree_contracts(config)
    resolver = SchemaResolver(current, {})
    source = SchemaText(PurePosixPath(path.as_posix()), text, "file", current.root)
    outline = get_format(schema_type).outline(source)
    dependencies = resolver.defining(tuple(outline.referenced_names), subject)
    references = []
    for dependency in dependencies:
        try:
            references.append(resolver.parse_current(dependency))
        except InvalidSchema as error:
            where = current.file(dependency).path
            raise UsageError(
                f"{path}: its reference {where} is invalid: {error.findings[0].message}"
            ) from None
    try:
        parsed = get_format(schema_type).parse(source, references)
    except InvalidSchema as error:
        raise UsageError(f"{path}: invalid schema: {error.findings[0].message}") from None

    def subject_of(schema: ParsedSchema) -> str:
        return subject if schema is parsed else resolver.subject_of(schema)

    files = ContractFiles(current.store.git, current.store, None)

    def extras_of(schema: ParsedSchema) -> ContractExtras | None:
        if schema is not parsed:
            return sidecar_extras(files, schema, schema_type)
        sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)  # next to the file the producer ships
        if not sidecar.is_file():
            return None
        text = sidecar.read_text(encoding="utf-8")
        try:
            return extras_from_sidecar(PurePosixPath(sidecar.as_posix()), text, parsed, schema_type)
        except InvalidSchema as error:
            raise UsageError(f"{sidecar}: invalid sidecar: {error.findings[0].message}") from None

    return Candidate(subject, str(path), str(path), payload_for(parsed, schema_type, subject_of, extras_of))


def can_deploy(
    config: Config, subject: str, registries: Sequence[str], schema_file: Path | None, version: int | None
) -> Report:
    """`contractctl can-deploy`: the schema file, or git's version ``version`` of the subject, looked
    up in every named registry (exactly one of ``schema_file`` and ``version``)."""
    with open_session(config, registries) as clients:  # bad registry settings fail before any work
        if schema_file is not None:
            candidate = candidate_from_file(config, subject, schema_file)
        else:
            assert version is not None
            candidate = candidate_from_version(config, subject, version)
        return check_candidate(candidate, clients)


def check_candidate(candidate: Candidate, clients: dict[str, RegistryClient]) -> Report:
    report = Report(command="can-deploy")
    ids: dict[str, int] = {}
    for client, outcome in each_registry(clients, lambda client: _lookup(client, candidate.payload)):
        result = SubjectResult(
            subject=candidate.subject,
            path=candidate.path,
            schema_type=candidate.payload.schema_type.value,
            level="",
            verdict="registered",
            registry=client.name,
        )
        if isinstance(outcome, Finding):
            result.verdict = "error"
            result.findings.append(outcome.with_context(subject=candidate.subject))
        elif outcome is None:
            result.verdict = "not registered"
            result.findings.append(
                Finding(
                    rule="NOT_REGISTERED",
                    message=f"{candidate.label} is not registered under {candidate.subject} in {client.name}",
                    kind=FindingKind.POLICY,
                    registry=client.name,
                    subject=candidate.subject,
                    hint="Publish it (the release job) before deploying a producer that writes it. If "
                    "publish has nothing to register, the file uses newer versions of its references "
                    "than its last commit did (a reference changed since): publish registers what "
                    "commits registered, so commit the file again (any edit, a comment) and publish "
                    "that new version.",
                )
            )
        else:
            ids[client.name] = outcome.id
            result.findings.append(
                Finding(
                    rule="REGISTERED",
                    message=f"registered under {candidate.subject} as version {outcome.version}, "
                    f"schema id {outcome.id}",
                    kind=FindingKind.ADVISORY,
                    severity=Severity.INFO,
                    registry=client.name,
                    subject=candidate.subject,
                )
            )
        report.results.append(result)
    if len(set(ids.values())) > 1:
        listed = ", ".join(f"{name}: {schema_id}" for name, schema_id in sorted(ids.items()))
        report.findings.append(
            Finding(
                rule="IDS_DIFFER",
                message=f"the schema has different ids in different registries ({listed}): not linked",
                kind=FindingKind.POLICY,
                subject=candidate.subject,
                hint="Promote through the link (`contractctl promote`) so every registry serves the same id.",
            )
        )
    return report


def _lookup(client: RegistryClient, payload: Payload) -> RegisteredSchema | None:
    references = ReferenceVersions(client).references(payload)
    if references is None:
        return None
    # the sidecar's metadata and rules exactly: a registry's lookup may answer with inherited ones
    return find_registered(client, payload, references)[0]
