"""Drift between git and each registry: versions missing or unexpected, levels and modes that differ,
subjects only the registry knows. `adopt` brings a registry-only subject under git."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from contractctl.config.project import Config
from contractctl.errors import UsageError
from contractctl.formats import get_format, info, is_supported
from contractctl.model import Finding, FindingKind, Report, SchemaText, SchemaType, Severity, SubjectResult
from contractctl.registry.client import RegistryClient
from contractctl.registry.desired import Catalog
from contractctl.registry.fanout import fan_out_all
from contractctl.registry.payload import Payload, ReferenceVersions
from contractctl.registry.session import each_registry, open_session


@dataclass(frozen=True)
class _Drift:
    rule: str
    message: str
    hint: str


def status(config: Config, names: Sequence[str], ref: str, fail_on_drift: bool) -> Report:
    """`contractctl status`: git at ``ref`` against each named registry."""
    from contractctl.registry.desired import load_catalog

    with open_session(config, names) as clients:  # bad registry settings fail before any work
        return status_of(load_catalog(config, ref), clients, fail_on_drift)


def status_of(catalog: Catalog, clients: dict[str, RegistryClient], fail_on_drift: bool) -> Report:
    report = Report(command="status")
    report.findings.extend(catalog.findings)
    for _, outcome in each_registry(clients, lambda client: _status_one(client, catalog, fail_on_drift)):
        if isinstance(outcome, Finding):
            report.findings.append(outcome)
        else:
            results, extra = outcome
            report.results.extend(results)
            report.findings.extend(extra)
    return report


def _status_one(
    client: RegistryClient, catalog: Catalog, fail_on_drift: bool
) -> tuple[list[SubjectResult], list[Finding]]:
    known = ReferenceVersions(client)
    subjects = sorted(catalog.versions)
    tasks: list[Callable[[], list[_Drift]]] = [
        lambda s=subject: _subject_drift(client, catalog, known, s)  # type: ignore[misc]
        for subject in subjects
    ]
    results = []
    for subject, outcome in zip(
        subjects, fan_out_all(tasks, max(1, client.settings.max_concurrency)), strict=True
    ):
        findings = [_finding(d, client.name, subject, catalog.paths[subject], fail_on_drift) for d in outcome]
        drifting = any(d.rule != "MODE" for d in outcome)
        results.append(
            SubjectResult(
                subject=subject,
                path=catalog.paths[subject],
                schema_type=catalog.types[subject].value,
                level=catalog.levels[subject].value,
                verdict="drift" if drifting else "in sync",
                registry=client.name,
                compared_versions=len(catalog.versions[subject]),
                findings=findings,
            )
        )
    only_there = sorted(set(client.subjects()) - set(catalog.versions))
    extra = [
        _finding(
            _Drift(
                "REGISTRY_ONLY_SUBJECT",
                f"registry {client.name} has subject {subject}, which git does not",
                f"Bring it under git: `contractctl status --adopt {subject} --registry {client.name}`; or "
                "delete it in the registry if it is obsolete.",
            ),
            client.name,
            subject,
            None,
            fail_on_drift,
        )
        for subject in only_there
    ]
    return results, extra


def _subject_drift(
    client: RegistryClient, catalog: Catalog, known: ReferenceVersions, subject: str
) -> list[_Drift]:
    registered = client.versions(subject)
    drift: list[_Drift] = []
    matched: set[int] = set()
    missing: list[tuple[int, int]] = []  # (index in drift, git number): superseded ones told apart below
    newest_held = 0  # the newest git version the registry holds
    unpublishable = catalog.nothing_publishable(subject, client.name)
    if unpublishable is not None:  # git has versions of it, none the registry could get: not in sync
        drift.append(_Drift(unpublishable.rule, unpublishable.message, unpublishable.hint or ""))
    git_of: dict[int, int] = {}  # registry version -> the git version it holds (the newest such)
    for version in catalog.versions[subject]:
        found = known.version_of(version.payload)
        if found is None:
            # the registry answered with this text but other metadata or rules (its lookup fills in
            # what the request leaves out from the latest version), or has it only without them
            bare = known.held_otherwise(version.payload)
            if bare is None and version.payload.contract is not None:
                bare = _lookup_without_contract(client, known, version.payload)
            if bare is not None:
                matched.add(bare)
                drift.append(_contract_differs(version.label, subject, client.name, bare, version.payload))
                continue
        if found is None:
            missing.append((len(drift), version.number))
            drift.append(
                _Drift(
                    "VERSION_NOT_REGISTERED",
                    f"{version.label} of {subject} is not registered in {client.name}",
                    "Run `contractctl publish` for this registry."
                    if version.refused_as_new is None
                    # publish refuses it (HISTORY_NOT_PUBLISHABLE): "run publish" could not help
                    else f"A registry would refuse it as a new schema ({version.refused_as_new}): register "
                    "it where a registry still accepts it (and link or copy it here), or leave the subject "
                    "out (contracts.exclude).",
                )
            )
        else:
            matched.add(found)
            newest_held = version.number
            git_of[found] = version.number
    for index, number in missing:
        if number < newest_held:
            drift[index] = _Drift(
                "VERSION_NOT_REGISTERED",
                f"{drift[index].message}, but git version {newest_held}, which is newer, is",
                "Publish leaves it out: registered now, it would become the latest version there. If it "
                "was soft-deleted on purpose, nothing is to be done.",
            )
    newest = catalog.versions[subject][-1] if catalog.versions[subject] else None
    at = known.version_of(newest.payload) if newest is not None else None
    if newest is not None and at is not None and registered and max(registered) != at:
        latest = max(registered)
        if latest in git_of:
            drift.append(
                _Drift(
                    "LATEST_NOT_NEWEST",
                    f"the latest version of {subject} in {client.name} is version {latest}, which holds git "
                    f"version {git_of[latest]}, not git's newest ({newest.label}, registry version {at}): "
                    "producers using the latest version write the older schema, and the next version is "
                    "checked against it",
                    "publish cannot fix this (a registry answers a schema it holds live with its existing "
                    f"version): soft-delete version {latest} there, so git's newest is the latest again.",
                )
            )
    unmatched = sorted(set(registered) - matched)
    newer = [n for n in unmatched if matched and n > max(matched)]
    if unmatched and matched:
        unmatched = _without_metadata_history(
            client, subject, [n for n in unmatched if n not in newer], matched
        )
    for number in newer:
        if _same_schema_as(client, subject, number, matched):
            drift.append(
                _Drift(
                    "METADATA_DRIFT",
                    f"{client.name} holds version {number} of {subject}, newer than git's, with git's "
                    "schema but other metadata or rules (registered out of band): clients using the latest "
                    "version get those, not the sidecar's",
                    "Run `contractctl publish` to register the sidecar's metadata and rules again as the "
                    "latest version, and find who registered this one.",
                )
            )
        else:
            unmatched.append(number)
    for number in sorted(unmatched):
        drift.append(
            _Drift(
                "UNEXPECTED_VERSION",
                f"{client.name} holds version {number} of {subject}, which matches no version in git "
                "(registered out of band, e.g. by a serializer's auto-registration)",
                "Disable auto.register.schemas in producers; adopt the version into git or delete it.",
            )
        )
    if registered:
        drift.extend(_reference_subject_drift(client, catalog, subject))
        config = client.effective_config(subject)
        level, declared = config.level, catalog.levels[subject].value
        group = catalog.groups.get(subject)
        if config.group != group:
            drift.append(
                _Drift(
                    "GROUP_DIFFERS",
                    f"{client.name} groups the versions of {subject} by {_group_text(config.group)}, git by "
                    f"{_group_text(group)}",
                    "Set the subject's compatibilityGroup in the registry (PUT /config/<subject>) to git's, "
                    "or change compatibility_group in contractctl.yaml: until they agree the registry "
                    "refuses breaks that check passes, or passes ones it refuses.",
                )
            )
        if level != declared:
            drift.append(
                _Drift(
                    "LEVEL_DIFFERS",
                    f"{client.name} checks {subject} under {level}, git declares {declared}",
                    "Set the subject's level in the registry deliberately, or change contractctl.yaml.",
                )
            )
        mode = client.effective_mode(subject)
        if mode != "READWRITE":
            drift.append(_Drift("MODE", f"{subject} is in {mode} mode in {client.name}", "For information."))
    return drift


def _group_text(group: str | None) -> str:
    return f"metadata property {group}" if group else "no compatibility group"


def _same_schema_as(client: RegistryClient, subject: str, number: int, matched: set[int]) -> bool:
    record = client.get_version(subject, number)
    if record is None:
        return False
    for known in matched:
        other = client.get_version(subject, known)
        if other is not None and (other.schema, other.references) == (record.schema, record.references):
            return True
    return False


def _reference_subject_drift(client: RegistryClient, catalog: Catalog, subject: str) -> list[_Drift]:
    """References the registry's latest version resolves under other subjects than git names them
    (e.g. registered by a serializer's DefaultReferenceSubjectNameStrategy while git used record
    names): publishing would create duplicates, and can-deploy would answer about the wrong ones.
    Asked only for subjects whose git versions have references."""
    versions = catalog.versions[subject]
    git_names = {
        name: payload.subject for version in versions for name, payload in version.payload.references
    }
    if not git_names:
        return []
    latest = client.get_version(subject, "latest")
    if latest is None:
        return []
    return [
        _Drift(
            "REFERENCE_SUBJECT_DIFFERS",
            f"{client.name} version {latest.version} of {subject} takes reference {reference.name} from "
            f"subject {reference.subject}, git names it {git_names[reference.name]}",
            "Set protobuf.reference_naming in contractctl.yaml to the naming the registry uses "
            "(import_path, qualified or record), or re-register under git's names.",
        )
        for reference in latest.references
        if reference.name in git_names and reference.subject != git_names[reference.name]
    ]


def _without_metadata_history(
    client: RegistryClient, subject: str, unmatched: list[int], matched: set[int]
) -> list[int]:
    """Drop registry versions, older than git's newest, that hold the schema of a version git has with
    earlier metadata or rules: that version's history, not out of band. A newer one is drift."""

    def shape(number: int) -> tuple[str, tuple[object, ...]] | None:
        record = client.get_version(subject, number)
        return None if record is None else (record.schema, record.references)

    known = {shape(number) for number in matched}
    return [number for number in unmatched if shape(number) not in known]


def _contract_differs(label: str, subject: str, registry: str, held: int, payload: Payload) -> _Drift:
    if payload.contract is not None:
        return _Drift(
            "CONTRACT_METADATA_DIFFERS",
            f"{label} of {subject} is registered in {registry} (version {held}) but with other metadata or "
            "rules than its sidecar",
            "Run `contractctl publish`: the sidecar's metadata and rules become a new version.",
        )
    return _Drift(
        "CONTRACT_METADATA_DIFFERS",
        f"{label} of {subject} is registered in {registry} (version {held}) but with metadata or rules "
        "git does not declare (a registry copies the previous version's into a registration that leaves "
        "them out): clients there still apply them",
        "Run `contractctl publish`: it registers the version with empty metadata and rules, so the registry "
        "stops carrying them over.",
    )


def _lookup_without_contract(
    client: RegistryClient, known: ReferenceVersions, payload: Payload
) -> int | None:
    references = known.references(payload)
    if references is None:
        return None
    found = client.lookup(payload.subject, payload.text, payload.schema_type.value, references)
    return found.version if found else None


def _finding(drift: _Drift, registry: str, subject: str, path: str | None, fail_on_drift: bool) -> Finding:
    informational = drift.rule == "MODE"
    failing = fail_on_drift and not informational
    return Finding(
        rule=drift.rule,
        message=drift.message,
        kind=FindingKind.POLICY if failing else FindingKind.ADVISORY,
        severity=Severity.ERROR if failing else (Severity.INFO if informational else Severity.WARNING),
        registry=registry,
        subject=subject,
        file=path,
        hint=drift.hint,
    )


def adopt(config: Config, registry: str, subjects: list[str]) -> list[Path]:
    """Write registry-only subjects' latest versions into the contracts root; never overwrites.

    Each file is placed where the subject strategy maps it back to the same subject, or refused with
    the config line that would make it so.
    """
    with open_session(config, [registry]) as clients:
        return _adopt(config, clients[registry], subjects)


def _adopt(config: Config, client: RegistryClient, subjects: list[str]) -> list[Path]:
    from contractctl.repo.contracts import SubjectMapper, contracts_prefix
    from contractctl.repo.history import Git

    git = Git.discover(config.directory)
    mapper = SubjectMapper(config, contracts_prefix(config, git))
    root = git.toplevel / mapper.root_prefix if mapper.root_prefix else git.toplevel
    planned: list[tuple[Path, str]] = []
    for subject in subjects:
        latest = client.get_version(subject, "latest")
        if latest is None:
            raise UsageError(f"registry {client.name} has no subject {subject!r} to adopt")
        if not is_supported(latest.schema_type):
            raise UsageError(f"{subject}: {latest.schema_type} schemas are not supported")
        schema_type = SchemaType(latest.schema_type)
        path = _adopted_path(root, subject, info(schema_type).extensions)
        _refuse_escape(path, root, subject)
        relative = PurePosixPath(path.relative_to(git.toplevel).as_posix())
        text = get_format(schema_type).adopted_text(latest.schema)
        source = SchemaText(relative, text, root=mapper.root_prefix)
        named = mapper.subject_for(relative, lambda s=source, t=schema_type: get_format(t).outline(s))  # type: ignore[misc]
        if named != subject:
            raise UsageError(
                f"{subject}: {relative} would map to subject {named!r}; add `{{match: {relative}, subject: "
                f"{subject}}}` under subjects: in contractctl.yaml, then adopt again"
            )
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path}: exists already; not overwriting (adopt writes new files only)")
        planned.append((path, text))
    written = []
    for path, text in planned:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:  # never through a link made meanwhile
                handle.write(text)
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror}") from None
        written.append(path)
    return written


# Longest file name most file systems take (bytes), less room for an extension.
_MAX_NAME_BYTES = 240


def _adopted_path(root: Path, subject: str, extensions: tuple[str, ...]) -> Path:
    """The file the subject strategy maps back to the subject: <topic>/value|key; a reference named
    by its path (`common/address.proto`, as Confluent's serializers name imports) at that path under
    the root; else by name under `adopted/`.

    Each part of the subject becomes one path segment; a part that cannot be one (`..-value`,
    `/abs-value`, a control character, a name too long for a file system) is refused, naming it."""
    extension = extensions[0]
    if PurePosixPath(subject).suffix in extensions:
        parts = subject.split("/")
        return root.joinpath(*(_segment(part, subject) for part in parts))
    for role in ("value", "key"):
        if subject.endswith(f"-{role}") and len(subject) > len(role) + 1:
            return root / _segment(subject[: -len(role) - 1], subject) / f"{role}{extension}"
    return root / "adopted" / f"{_segment(subject, subject)}{extension}"


def _segment(name: str, subject: str) -> str:
    problem = None
    if name in (".", "..") or name.startswith("."):
        problem = "it would name a hidden or parent directory"
    elif any(c in name for c in "/\\") or not name.isprintable():
        problem = "it holds a path separator or a control character"
    elif len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        problem = f"it is longer than a file name may be ({_MAX_NAME_BYTES} bytes)"
    if problem is not None:
        shown = repr(subject) if len(subject) <= 80 else repr(subject[:77] + "...")
        raise UsageError(
            f"cannot adopt subject {shown} into the contracts root: {problem}; write its contract by hand "
            "and map it with `subjects: [{match: <path>, subject: <name>}]` in contractctl.yaml"
        )
    return name


def _refuse_escape(path: Path, root: Path, subject: str) -> None:
    """The file must land inside the contracts root (itself checked to be inside the repository), with
    no symlink on the way leading elsewhere."""
    from contractctl.repo.worktree import is_within

    landing = path.parent.resolve()
    if not is_within(landing, root.resolve()):
        raise UsageError(
            f"cannot adopt subject {subject!r}: {path.parent} leads outside the contracts root "
            f"(to {landing}); not following it"
        )
