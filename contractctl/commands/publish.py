"""Register in a registry every git version it lacks, references first; idempotent and all-or-nothing
up front: refusals (read-only or import mode) and incompatibilities are found before any write.

A registration that fails half way (registry gone, refused) stops that registry's run and says what
was registered and what remains; rerunning completes it, since every step is a lookup first.

No half-applied change: a new subject gets its level (and group) before its first version, and when
that first registration fails the subject's own config is put back as it was (removed, when it had
none); the report says what was set and what was undone, or plainly what could not be, and where.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from contractctl.config.project import Config
from contractctl.levels import DIFFERENT_SCHEMA_TYPE, schema_type_changed, split_by_type
from contractctl.model import CompatibilityLevel, Finding, FindingKind, Report, Severity, SubjectResult
from contractctl.registry.client import ContractExtras, OwnConfig, RegisteredSchema, RegistryClient, SchemaRef
from contractctl.registry.desired import Catalog, GitVersion
from contractctl.registry.errors import IncompatibleSchemaError, RegistryError
from contractctl.registry.fanout import fan_out_all
from contractctl.registry.history_breaks import history_breaks
from contractctl.registry.inherit import ConfigContract, same_contract, stored, to_send
from contractctl.registry.payload import Payload, ReferenceVersions, find_registered
from contractctl.registry.session import each_registry, failure_finding, open_session

T = TypeVar("T")
WRITABLE_MODE = "READWRITE"  # Confluent registers a schema without an id in no other mode (42205)


@dataclass
class RegistryPlan:
    """What one registry lacks, in registration order, and what must happen first."""

    registry: str
    pending: list[GitVersion] = field(default_factory=list)
    new_subjects: set[str] = field(default_factory=set)  # get the git level before their first version
    registered: dict[str, list[int]] = field(default_factory=dict)  # subject -> versions already there
    blocked: list[Finding] = field(default_factory=list)  # reasons to write nothing here
    # missing, but older than a git version the registry holds (soft-deleted there, or never
    # registered): registered now, it would become the subject's latest version; left out
    superseded: list[tuple[GitVersion, str]] = field(default_factory=list)  # with the reason
    # the metadata and rules to send per pending (subject, git number), where they differ from the
    # sidecar's: `{}` for a part git leaves out that the registry would copy from the latest version
    sends: dict[tuple[str, int], ContractExtras | None] = field(default_factory=dict)
    # new subjects whose config publish set (or sent, its answer unknown) and that have no version
    # from this run yet, with their own level and group before: what a failure must put back
    config_before: dict[str, OwnConfig | None] = field(default_factory=dict)
    # the level and compatibility group in force for each pending subject: git's for a new subject
    # (publish sets them), the registry's for one it holds (publish never changes those)
    levels: dict[str, CompatibilityLevel] = field(default_factory=dict)
    groups: dict[str, str | None] = field(default_factory=dict)

    def send_for(self, version: GitVersion) -> ContractExtras | None:
        return self.sends.get((version.subject, version.number), version.payload.contract)


def plan_registry(client: RegistryClient, catalog: Catalog, known: ReferenceVersions) -> RegistryPlan:
    plan = RegistryPlan(client.name)
    subjects = sorted(catalog.versions)
    existing = dict(zip(subjects, _each(client, subjects, client.versions), strict=True))
    plan.registered = existing
    newest_held: dict[str, int] = {}
    for version in catalog.in_order():
        if known.version_of(version.payload) is None:
            plan.pending.append(version)
        else:
            newest_held[version.subject] = max(newest_held.get(version.subject, 0), version.number)
    plan.pending, plan.superseded = _without_superseded(plan.pending, newest_held)
    pending_subjects = sorted({v.subject for v in plan.pending})
    plan.new_subjects = {s for s in pending_subjects if not existing[s]}
    modes = dict(zip(pending_subjects, _each(client, pending_subjects, client.effective_mode), strict=True))
    for subject, mode in modes.items():
        if mode != WRITABLE_MODE:
            plan.blocked.append(
                Finding(
                    rule="SUBJECT_NOT_WRITABLE",
                    message=f"{subject} is in {mode} mode in registry {client.name}: contractctl will not "
                    "register into it (nothing was registered there)",
                    kind=FindingKind.POLICY,
                    registry=client.name,
                    subject=subject,
                    file=catalog.paths.get(subject),
                    hint="IMPORT means a link writes here; otherwise ask the platform team "
                    "to set the subject (or its context, or the registry) to READWRITE.",
                )
            )
    plan.blocked.extend(_type_switches(catalog, plan))
    plan.blocked.extend(_references_nowhere(client, catalog, plan, known))
    plan.blocked.extend(_refused_as_new(client, catalog, plan))
    if not plan.blocked:
        plan.blocked.extend(_plan_contracts(client, catalog, plan, pending_subjects))
    if not plan.blocked:
        superseded = [version for version, _ in plan.superseded]
        plan.blocked.extend(
            history_breaks(
                catalog, plan.pending, plan.new_subjects, superseded, plan.levels, plan.groups, client.name
            )
        )
    return plan


def _plan_contracts(
    client: RegistryClient, catalog: Catalog, plan: RegistryPlan, subjects: list[str]
) -> list[Finding]:
    """Decide what metadata and rules each pending version is sent with, so the registry stores
    exactly the sidecar's; refuse a subject whose config would merge in more (nothing is written).

    Confluent copies a part the request leaves out from the latest live version, and merges the
    config's default and override metadata and rules into every registration (see
    registry/inherit.py). A new subject gets its own config from publish first, and then only that
    config's apply, not the context's or global ones (Config.mergeConfigs): none, unless one was left
    from before a delete, which registration then finds (`execute`)."""
    existing = [s for s in subjects if s not in plan.new_subjects]
    latest = dict(zip(existing, _each(client, existing, client.get_version), strict=True))
    in_force = dict(zip(existing, _each(client, existing, client.effective_config), strict=True))
    configs: dict[str, ConfigContract] = {s: config.contract for s, config in in_force.items()}
    for subject in subjects:
        if subject in in_force:
            plan.levels[subject] = CompatibilityLevel.parse(in_force[subject].level)
            plan.groups[subject] = in_force[subject].group
        else:
            plan.levels[subject] = catalog.levels[subject]
            plan.groups[subject] = catalog.groups.get(subject)
    previous: dict[str, ContractExtras | None] = {
        s: (record.contract or ContractExtras()) if record is not None else None
        for s, record in latest.items()
    }
    refused: dict[str, Finding] = {}
    for version in plan.pending:
        subject, declared = version.subject, version.payload.contract
        send = to_send(declared, previous.get(subject))
        held = stored(send, previous.get(subject), configs.get(subject, ConfigContract()))
        if send != declared:
            plan.sends[(subject, version.number)] = send
        previous[subject] = held
        if not same_contract(declared, held) and subject not in refused:
            refused[subject] = Finding(
                rule="CONTRACT_WOULD_DIFFER",
                message=f"registry {client.name} would store {version.label} of {subject} with metadata or "
                "rules its sidecar does not declare: the subject's config there (defaultMetadata, "
                "overrideMetadata, defaultRuleSet or overrideRuleSet) merges them into every version "
                "(nothing was registered there)",
                kind=FindingKind.POLICY,
                registry=client.name,
                subject=subject,
                file=catalog.paths.get(subject),
                hint="Declare those metadata and rules in the sidecar, or ask the platform team to remove "
                "them from the registry's config for this subject "
                "(GET /config/<subject>?defaultToGlobal=true shows them).",
            )
    return list(refused.values())


def _without_superseded(
    pending: list[GitVersion], newest_held: dict[str, int]
) -> tuple[list[GitVersion], list[tuple[GitVersion, str]]]:
    """Split off the versions older than one the registry already holds, and those referring to one.

    Confluent numbers a registration after every version it ever stored, soft-deleted ones included,
    so registering an older git version now would make it the latest (KafkaSchemaRegistry.register).
    """
    kept: list[GitVersion] = []
    superseded: list[tuple[GitVersion, str]] = []
    left_out: dict[tuple[object, ...], str] = {}
    for version in pending:
        newer = newest_held.get(version.subject, 0)
        reason: str | None = None
        if version.number < newer:
            reason = (
                f"{version.label} of {version.subject} is not live in the registry, but git version {newer}, "
                "which is newer, is: registering it now would make it the latest version there"
            )
        else:
            reason = next(
                (
                    f"{version.label} of {version.subject} refers to {ref.subject} as {left_out[ref.key]}"
                    for ref in _all_references(version.payload)
                    if ref.key in left_out
                ),
                None,
            )
        if reason is None:
            kept.append(version)
        else:
            superseded.append((version, reason))
            left_out[version.payload.key] = f"{version.label}, which is left out"
    return kept, superseded


def _all_references(payload: Payload) -> list[Payload]:
    out = []
    for _, reference in payload.references:
        out.extend(_all_references(reference))
        out.append(reference)
    return out


def _references_nowhere(
    client: RegistryClient, catalog: Catalog, plan: RegistryPlan, known: ReferenceVersions
) -> list[Finding]:
    """Pending versions that reference a schema neither the registry holds nor this run registers
    before them: an earlier version importing a contract deleted since (opentelemetry-proto's first
    profiles.proto imported pprofextended.proto). Found before anything is written: at its turn it
    stopped the run half way, as if the registry could not answer (exit 3, a network hint)."""
    pending = {id(v) for v in plan.pending}
    available = {v.payload.key for v in catalog.in_order() if id(v) not in pending}
    # git's own pending versions by key: a reference to one that is refused itself is named as such
    # (envoy: 194 of 199 refusals were of that kind, each said to be "no contract's version")
    pending_keys = {v.payload.key: v for v in plan.pending}
    findings: list[Finding] = []
    blocked: set[str] = set()
    for version in plan.pending:
        missing = next(
            (
                (name, referenced)
                for name, referenced in version.payload.references
                if referenced.key not in available and known.version_of(referenced) is None
            ),
            None,
        )
        if missing is None:
            available.add(version.payload.key)
            continue
        if version.subject in blocked:
            continue
        blocked.add(version.subject)
        name, referenced = missing
        refused = pending_keys.get(referenced.key)
        if refused is not None:
            findings.append(_refused_reference(client, catalog, version, name, refused))
            continue
        findings.append(
            _refusal(
                "REFERENCE_NOT_PUBLISHABLE",
                f"{version.label} of {version.subject} references {name} as its commit held it "
                f"(subject {referenced.subject}), a schema no contract in git at {catalog.ref} has as a "
                f"version and registry {client.name} does not hold: it cannot be registered (nothing "
                "was registered there)",
                f"Publish at a commit that still held {referenced.subject} first (`contractctl "
                f"publish --ref COMMIT` registers its versions), then again here; or leave "
                f"{version.subject} out (contracts.exclude) until it is registered.",
                client.name,
                version.subject,
                catalog,
            )
        )
    return findings


def _refused_reference(
    client: RegistryClient, catalog: Catalog, version: GitVersion, name: str, referenced: GitVersion
) -> Finding:
    """A pending version whose reference is a git version this run cannot register either."""
    return _refusal(
        "REFERENCE_NOT_PUBLISHABLE",
        f"{version.label} of {version.subject} references {name} as its commit held it: "
        f"{referenced.label} of {referenced.subject}, which registry {client.name} does not hold and "
        "this publish cannot register either (see its finding): it cannot be registered (nothing was "
        "registered there)",
        f"Clear what keeps {referenced.subject} from being registered; then publish again.",
        client.name,
        version.subject,
        catalog,
    )


def _refused_as_new(client: RegistryClient, catalog: Catalog, plan: RegistryPlan) -> list[Finding]:
    """Pending versions a registry would refuse as new schemas, which check compares (they parse as a
    registry parses a version it holds: registered before it parsed new ones strictly). Leaving one
    out would register the later versions under its number, so nothing is written."""
    findings: list[Finding] = []
    for version in plan.pending:
        if version.refused_as_new is None or any(f.subject == version.subject for f in findings):
            continue
        findings.append(
            _refusal(
                "HISTORY_NOT_PUBLISHABLE",
                f"{version.label} of {version.subject} parses only as a registry parses a version "
                f"it already holds (check compares it), not as a new schema ({version.refused_as_new}), "
                f"and registry {client.name} does not hold it: registering the versions after it would "
                "number them unlike git (nothing was registered there)",
                "Register that version where a registry still accepts it (and link or copy it here), "
                f"then publish again; or leave {version.subject} out (contracts.exclude).",
                client.name,
                version.subject,
                catalog,
                FindingKind.INVALID,
            )
        )
    return findings


def _type_switches(catalog: Catalog, plan: RegistryPlan) -> list[Finding]:
    """Pending versions whose level (as git declares it) compares them with a version of another
    schema type: the registry would refuse them, so nothing is written (as `check` reports them)."""
    findings = []
    for subject in sorted({v.subject for v in plan.pending}):
        versions = catalog.versions[subject]
        pending = {v.number for v in plan.pending if v.subject == subject}
        for index, version in enumerate(versions):
            if version.number not in pending:
                continue
            new_type = version.payload.schema_type
            earlier = [(v.payload.schema_type, v) for v in versions[:index]]
            _, foreign = split_by_type(new_type, earlier, catalog.levels[subject])
            if foreign:
                labelled = [(v.label, v.payload.schema_type) for v in foreign]
                finding = schema_type_changed(new_type, labelled, catalog.paths.get(subject))
                findings.append(
                    replace(
                        finding,
                        message=f"{version.label}: {finding.message} "
                        f"(nothing was registered in {plan.registry})",
                        registry=plan.registry,
                        subject=subject,
                    )
                )
                break
    return findings


def _each(client: RegistryClient, subjects: list[str], call: Callable[[str], T]) -> list[T]:
    """One call per subject, concurrently (the client caps requests in flight); errors re-raised."""
    tasks = [partial(call, subject) for subject in subjects]
    return fan_out_all(tasks, max(1, client.settings.max_concurrency))


def preflight(
    client: RegistryClient, catalog: Catalog, plan: RegistryPlan, known: ReferenceVersions
) -> list[Finding]:
    """The registry's own verdict on the first missing version of each existing subject."""
    findings = []
    first_pending: dict[str, GitVersion] = {}
    for version in plan.pending:
        first_pending.setdefault(version.subject, version)
    for subject, version in sorted(first_pending.items()):
        if subject in plan.new_subjects:
            continue
        references = known.references(version.payload)
        if references is None:
            continue  # its references are being published in this run: registration will tell
        answer = client.test_compatibility(
            subject,
            version.payload.text,
            version.payload.schema_type.value,
            references,
            version=None,
            contract=plan.send_for(version),
        )
        if not answer.is_compatible and any(DIFFERENT_SCHEMA_TYPE in m for m in answer.messages):
            finding = schema_type_changed(version.payload.schema_type, [("registry", None)], None)
            findings.append(
                replace(
                    finding,
                    message=f"registry {client.name} would reject {version.label} of {subject}: "
                    f"{finding.message}",
                    registry=client.name,
                    subject=subject,
                    file=catalog.paths.get(subject),
                    compared_with=None,
                )
            )
        elif not answer.is_compatible:
            findings.append(
                Finding(
                    rule="REGISTRY_INCOMPATIBLE",
                    message=f"registry {client.name} would reject {version.label} of {subject}: "
                    + (" | ".join(answer.messages) or "no details given"),
                    kind=FindingKind.INCOMPATIBLE,
                    registry=client.name,
                    subject=subject,
                    file=catalog.paths.get(subject),
                    hint="The registry compares it with the versions it holds: either it holds some git "
                    "does not (see `contractctl status`), or this version breaks with git's own earlier "
                    "ones under the subject's level (a break let through in git's history). Nothing was "
                    "registered there.",
                )
            )
    return findings


@dataclass(frozen=True)
class Step:
    subject: str
    message: str


def planned_steps(catalog: Catalog, plan: RegistryPlan) -> list[Step]:
    steps = []
    leveled: set[str] = set()
    for version in plan.pending:
        if version.subject in plan.new_subjects and version.subject not in leveled:
            leveled.add(version.subject)
            steps.append(Step(version.subject, _level_step(catalog, version.subject)))
        steps.append(
            Step(version.subject, f"register {version.label} of {version.subject}{_emptied(plan, version)}")
        )
    return steps


def _emptied(plan: RegistryPlan, version: GitVersion) -> str:
    """Says when a version is sent with explicit empty metadata or rules, and why."""
    if (version.subject, version.number) not in plan.sends:
        return ""
    return (
        " (with metadata or rules its sidecar leaves out sent empty, so the registry does not carry over "
        "the previous version's)"
    )


def _level_step(catalog: Catalog, subject: str) -> str:
    """The config a new subject gets before its first version: the level, and the compatibility
    group, without which the registry compares across groups and refuses a sanctioned break."""
    text = f"set the compatibility level of {subject} to {catalog.levels[subject].value}"
    group = catalog.groups.get(subject)
    return text + (f" with compatibility group {group}" if group else "")


def execute(
    client: RegistryClient, catalog: Catalog, plan: RegistryPlan, known: ReferenceVersions, done: list[Step]
) -> None:
    """Set levels and register, in order, appending each completed step; raises on the first failure."""
    for version in plan.pending:
        if known.version_of(version.payload) is not None:
            continue  # registered meanwhile (by a concurrent run)
        payload = version.payload
        if version.subject in plan.new_subjects:
            _set_level(client, catalog, plan, version.subject)
            done.append(Step(version.subject, _level_step(catalog, version.subject)))
        references = known.references(payload)
        if references is None:
            raise RegistryError(client.name, f"a reference of {version.subject} is still missing at its turn")
        schema_type = payload.schema_type.value
        schema_id = client.register(
            version.subject, payload.text, schema_type, references, contract=plan.send_for(version)
        )
        plan.config_before.pop(version.subject, None)  # it has a version: its level is git's to keep
        found, other = _find_after_register(client, payload, references)
        if found is None and other is not None and other.id == schema_id:
            raise RegistryError(
                client.name,
                f"registered {version.label} of {version.subject} (version {other.version}, id {schema_id}) "
                "but the registry stored other metadata or rules than its sidecar declares (its config "
                "merges them in): see `contractctl status`",
            )
        if found is None:
            raise RegistryError(
                client.name,
                f"registered {version.label} of {version.subject} (id {schema_id}) but the registry does "
                "not find it again by lookup: rerun publish to complete",
            )
        known.remember(payload, found.version)
        done.append(
            Step(
                version.subject,
                f"registered {version.label} of {version.subject} "
                f"as version {found.version} (id {schema_id}){_emptied(plan, version)}",
            )
        )


def _set_level(client: RegistryClient, catalog: Catalog, plan: RegistryPlan, subject: str) -> None:
    """Give a new subject git's level and group, first noting its own config to put back if its
    first registration then fails.

    Before, not after, that registration: the first version is compared with nothing whatever the
    level, but a subject's own config decides which metadata and rules registration merges in (only
    its own, not the context's or global ones: Config.mergeConfigs), and a level set only after the
    first version could fail and leave a version under the wrong level, which no undo can take back
    without deleting a registered schema."""
    before = client.own_config(subject)  # a failure here has changed nothing
    plan.config_before[subject] = before  # from here the PUT may take effect, even if its answer is lost
    try:
        # the group too when git declares none: a subject re-created after a soft delete keeps its
        # old config, and PUT /config merges (an absent field keeps the old group)
        client.set_compatibility(
            subject, catalog.levels[subject].value, catalog.groups.get(subject), replace_group=True
        )
    except RegistryError as error:
        if error.status is not None and 400 <= error.status < 500:
            plan.config_before.pop(subject)  # the registry answered and refused: nothing was set
        raise
    plan.new_subjects.discard(subject)


def undo_levels(client: RegistryClient, catalog: Catalog, plan: RegistryPlan) -> list[Finding]:
    """After a failed run: put back the own config of each new subject whose level publish set and
    that got no version (in practice the one whose first registration failed). One whose failed
    registration took effect after all (its answer lost) holds a version: its level is kept."""
    if plan.config_before:
        client.ask_again()  # a registry that just could not be reached may be back: worth every retry
    findings = [
        _undo_level(client, catalog, subject, before) for subject, before in plan.config_before.items()
    ]
    plan.config_before.clear()
    return findings


def _undo_level(client: RegistryClient, catalog: Catalog, subject: str, before: OwnConfig | None) -> Finding:
    set_text = OwnConfig(catalog.levels[subject].value, catalog.groups.get(subject)).describe()
    try:
        held = client.versions(subject)
    except RegistryError as error:
        return _undo_failed(
            client.name,
            subject,
            catalog,
            f"could not undo the {set_text} publish set on {subject}: asking whether its failed registration "
            f"took effect failed ({error.reason}). Left in {client.name}: {subject} may have that level as "
            "its own config and no version",
        )
    if held:
        listed = ", ".join(str(v) for v in held)
        return _note(
            "PUBLISH_LEVEL_KEPT",
            f"kept the {set_text} of {subject}: it holds version {listed} although its registration "
            "reported a failure (the registry applied it), so git's level applies to it",
            client.name,
            subject,
            catalog,
        )
    try:
        if before is None:
            removed = client.delete_config(subject)
            done = (
                f"removed the {set_text} publish set on {subject}"
                if removed
                else f"{subject} has no config of its own to remove (the {set_text} never took effect)"
            )
        elif before == OwnConfig(catalog.levels[subject].value, catalog.groups.get(subject)):
            done = f"{subject} had the {set_text} already: nothing to put back"
        else:
            client.put_back_compatibility(subject, before)
            now = client.own_config(subject)
            if now != before:
                held_now = now.describe() if now is not None else "no config of its own"
                raise RegistryError(
                    client.name, f"after putting back {before.describe()} the registry holds {held_now}"
                )
            done = f"put back the {before.describe()} {subject} had, in place of the {set_text}"
    except RegistryError as error:
        return _undo_failed(
            client.name,
            subject,
            catalog,
            f"could not undo the {set_text} publish set on {subject}: {error.reason}. Left in "
            f"{client.name}: {subject} has that level as its own config and no version",
        )
    return _note(
        "PUBLISH_UNDONE",
        f"undid in {client.name}: {done}. {subject} got no version before publish stopped, and its config "
        "is as it was before publish",
        client.name,
        subject,
        catalog,
    )


def _undo_failed(registry: str, subject: str, catalog: Catalog, what: str) -> Finding:
    return Finding(
        rule="PUBLISH_UNDO_FAILED",
        message=f"registry {registry}: {what} (a half-applied change)",
        kind=FindingKind.ENVIRONMENT,
        registry=registry,
        subject=subject,
        file=catalog.paths.get(subject),
        hint=f"Rerun publish, which registers {subject} at that level, or remove the level by hand "
        f"(DELETE /config/<subject> on {registry}; GET /config/<subject> shows it).",
    )


def _find_after_register(
    client: RegistryClient, payload: Payload, references: list[SchemaRef]
) -> tuple[RegisteredSchema | None, RegisteredSchema | None]:
    """The version just registered, by lookup, asked again (with the registry's retry backoff) while
    the registry says it has none: a registry behind a load balancer registers on its leader but
    answers lookups from a follower that may not have read the write yet."""
    retries = client.settings.retries
    delay = retries.backoff_initial
    for attempt in range(retries.max + 1):
        found, other = find_registered(client, payload, references)
        if found is not None or other is not None or attempt == retries.max:
            return found, other
        time.sleep(min(delay, retries.backoff_max))
        delay *= 2
    return None, None


def publish(config: Config, registries: Sequence[str], ref: str, dry_run: bool) -> Report:
    """`contractctl publish`: git's versions at ``ref`` into each named registry."""
    from contractctl.registry.desired import load_catalog

    with open_session(config, registries) as clients:  # bad registry settings fail before any work
        return publish_catalog(load_catalog(config, ref), clients, dry_run)


def publish_catalog(catalog: Catalog, clients: dict[str, RegistryClient], dry_run: bool) -> Report:
    """Every named registry concurrently; one registry's failure never hides another's result."""
    report = Report(command="publish")
    report.findings.extend(catalog.findings)
    for _, outcome in each_registry(clients, lambda client: _publish_one(client, catalog, dry_run)):
        if isinstance(outcome, Finding):
            report.findings.append(outcome)
        else:
            report.results.extend(outcome)
    return report


def _publish_one(client: RegistryClient, catalog: Catalog, dry_run: bool) -> list[SubjectResult]:
    known = ReferenceVersions(client)
    plan = plan_registry(client, catalog, known)
    findings: dict[str, list[Finding]] = {subject: [] for subject in catalog.versions}
    pending = {version.subject for version in plan.pending}
    verdicts = {subject: ("pending" if subject in pending else "up to date") for subject in findings}
    for subject in findings:  # git has versions of it, and every one is left out: not up to date
        unpublishable = catalog.nothing_publishable(subject, client.name)
        if unpublishable is not None:
            verdicts[subject] = "nothing publishable"
            findings[subject].append(unpublishable)
    for version, reason in plan.superseded:
        findings[version.subject].append(
            Finding(
                rule="VERSION_LEFT_OUT",
                message=f"{reason}; publish leaves it out of {client.name}",
                kind=FindingKind.ADVISORY,
                severity=Severity.WARNING,
                registry=client.name,
                subject=version.subject,
                file=catalog.paths.get(version.subject),
                hint="It was soft-deleted there (listed with ?deleted=true), or never registered while a "
                "later one was. A registry never puts a version back in its old place: leave it out, or "
                "register it by hand knowing it becomes the latest.",
            )
        )

    blocking = plan.blocked or preflight(client, catalog, plan, known)
    if blocking:
        for finding in blocking:
            assert finding.subject in findings  # refusals always name a subject of the catalog
            findings[finding.subject].append(finding)
            verdicts[finding.subject] = "refused"
        return _results(catalog, client.name, findings, verdicts)
    if dry_run:
        for step in planned_steps(catalog, plan):
            findings[step.subject].append(
                _note("PLANNED", f"would {step.message}", client.name, step.subject, catalog)
            )
        return _results(
            catalog, client.name, findings, {s: v.replace("pending", "planned") for s, v in verdicts.items()}
        )

    done: list[Step] = []
    try:
        execute(client, catalog, plan, known, done)
    except RegistryError as error:
        undone = undo_levels(client, catalog, plan)
        # lookups are memoized from planning, so this asks the (possibly failing) registry nothing
        failing = next((v for v in plan.pending if known.version_of(v.payload) is None), plan.pending[0])
        subject = failing.subject
        if isinstance(error, IncompatibleSchemaError):
            failure = Finding(
                rule="REGISTRY_INCOMPATIBLE",
                message=f"registry {client.name} refused {failing.label} of {subject}: "
                + (" | ".join(error.messages) or error.reason),
                kind=FindingKind.INCOMPATIBLE,
                registry=client.name,
                subject=subject,
                file=catalog.paths.get(subject),
            )
        else:
            failure = failure_finding(error, subject, catalog.paths.get(subject))
        remaining = sum(1 for v in plan.pending if known.version_of(v.payload) is None)
        for finding in undone:
            assert finding.subject is not None
            findings[finding.subject].append(finding)
        findings[subject].append(
            _note(
                "PUBLISH_INCOMPLETE",
                f"stopped after {len(done)} step(s); {remaining} version(s) remain unregistered in "
                f"{client.name}: rerun publish to complete (it registers nothing twice)",
                client.name,
                subject,
                catalog,
            )
        )
        findings[subject].append(failure)
        verdicts[subject] = "error"
    completed: dict[str, list[Finding]] = {}
    for step in done:  # in the order they were done, as the dry run lists them, before any failure
        completed.setdefault(step.subject, []).append(
            _note("PUBLISHED", step.message, client.name, step.subject, catalog)
        )
        if verdicts[step.subject] == "pending":
            verdicts[step.subject] = "published"
    for subject, notes in completed.items():
        findings[subject][:0] = notes
    return _results(catalog, client.name, findings, verdicts)


def _refusal(
    rule: str,
    message: str,
    hint: str,
    registry: str,
    subject: str,
    catalog: Catalog,
    kind: FindingKind = FindingKind.POLICY,
) -> Finding:
    """Why nothing is written for a subject in a registry (an error, at the subject's file)."""
    return Finding(
        rule=rule,
        message=message,
        kind=kind,
        registry=registry,
        subject=subject,
        file=catalog.paths.get(subject),
        hint=hint,
    )


def _note(rule: str, message: str, registry: str, subject: str, catalog: Catalog) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        kind=FindingKind.ADVISORY,
        severity=Severity.INFO,
        registry=registry,
        subject=subject,
        file=catalog.paths.get(subject),
    )


def _results(
    catalog: Catalog, registry: str, findings: dict[str, list[Finding]], verdicts: dict[str, str]
) -> list[SubjectResult]:
    return [
        SubjectResult(
            subject=subject,
            path=catalog.paths[subject],
            schema_type=catalog.types[subject].value,
            level=catalog.levels[subject].value,
            verdict=verdicts[subject],
            registry=registry,
            compared_versions=len(catalog.versions[subject]),
            findings=findings[subject],
        )
        for subject in sorted(catalog.versions)
    ]
