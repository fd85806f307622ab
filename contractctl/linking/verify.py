"""Parity between two registries: the destination holds every covered source version under the same
version number, with the same schema id, the same schema text (byte for byte, as an exporter
copies it) and the same metadata and rules, in the link's destination context and with its rename
format applied."""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from contractctl.linking.settings import LinkSettings
from contractctl.registry.client import RegisteredSchema, RegistryClient
from contractctl.registry.errors import RegistryError
from contractctl.registry.fanout import fan_out_all

SUBJECT_NOT_FOUND = 40401
VERSION_NOT_FOUND = 40402


@dataclass
class SubjectParity:
    subject: str
    destination_subject: str
    source_versions: int = 0
    missing: list[int] = field(default_factory=list)  # source versions the destination lacks
    mismatched: list[str] = field(default_factory=list)  # same version number, different id or text

    @property
    def in_parity(self) -> bool:
        return not self.missing and not self.mismatched


def covers(patterns: Sequence[str], subject: str) -> bool:
    """Exporter subject filters: literal names, `*` (default context), `:*:` (all), prefix globs."""
    qualified = subject.startswith(":")
    for pattern in patterns:
        if pattern == ":*:" or (pattern == "*" and not qualified) or pattern == subject:
            return True
        if "*" in pattern and pattern not in ("*", ":*:") and fnmatch.fnmatchcase(subject, pattern):
            return True
    return False


def _qualified(context: str | None, subject: str) -> str:
    return f":{context}:{subject}" if context else subject


def destination_subject(link: LinkSettings, source: RegistryClient, subject: str) -> str:
    """Where a source subject lands at the link's destination: its context, renamed."""
    return _qualified(link.destination_context(source.settings.context), link.destination_subject(subject))


def _get(client: RegistryClient, path: str, not_found: set[int]) -> Any:
    return client.request("GET", path, not_found=not_found)


def _subject_parity(
    source: RegistryClient, destination: RegistryClient, link: LinkSettings, subject: str
) -> SubjectParity:
    target = destination_subject(link, source, subject)
    parity = SubjectParity(subject, target)
    source_versions = source.versions(subject)
    parity.source_versions = len(source_versions)
    encoded = quote(target, safe="")
    present = _get(destination, f"/subjects/{encoded}/versions", {SUBJECT_NOT_FOUND}) or []
    if not isinstance(present, list):
        raise RegistryError(destination.name, f"unexpected response: versions of {target} is not a list")
    for number in source_versions:
        if number not in present:
            parity.missing.append(number)
            continue
        original = source.get_version(subject, number)
        copy = _get(
            destination, f"/subjects/{encoded}/versions/{number}", {SUBJECT_NOT_FOUND, VERSION_NOT_FOUND}
        )
        if original is None or copy is None:
            parity.missing.append(number)
            continue
        if not isinstance(copy, dict):
            raise RegistryError(destination.name, f"unexpected response: version {number} of {target}")
        if copy.get("id") != original.id:
            parity.mismatched.append(
                f"version {number}: id {original.id} at source, {copy.get('id')} at destination"
            )
        elif copy.get("schema") != original.schema:
            parity.mismatched.append(f"version {number}: same id {original.id} but different schema text")
        elif (copy.get("metadata"), copy.get("ruleSet")) != (original.metadata, original.rule_set):
            parity.mismatched.append(_contract_mismatch(number, original))
    return parity


def _contract_mismatch(number: int, original: RegisteredSchema) -> str:
    return (
        f"version {number}: same id {original.id} and schema text but different metadata or rules "
        "(the data contract a client applies)"
    )


def _unqualified(subject: str, context: str | None) -> str:
    prefix = f":{context}:" if context else ""
    return subject[len(prefix) :] if prefix and subject.startswith(prefix) else subject


def _bulk_parity(
    source: RegistryClient, destination: RegistryClient, link: LinkSettings
) -> list[SubjectParity] | None:
    """Two requests in all (GET /schemas on each side), when both registries offer it."""
    source_context = source.settings.context
    destination_context = link.destination_context(source_context)
    originals = source.schemas(_qualified(source_context, ""))
    if originals is None:
        return None
    copies = destination.schemas(_qualified(destination_context, ""))
    if copies is None:
        return None
    by_subject: dict[str, dict[int, RegisteredSchema]] = {}
    for record in originals:
        subject = _unqualified(record.subject, source_context)
        if covers(link.subjects, subject):
            by_subject.setdefault(subject, {})[record.version] = record
    present = {
        (_qualified(destination_context, _unqualified(r.subject, destination_context)), r.version): r
        for r in copies
    }
    results = []
    for subject, versions in sorted(by_subject.items()):
        target = _qualified(destination_context, link.destination_subject(subject))
        parity = SubjectParity(subject, target, source_versions=len(versions))
        for number, original in sorted(versions.items()):
            copy = present.get((target, number))
            if copy is None:
                parity.missing.append(number)
            elif copy.id != original.id:
                parity.mismatched.append(
                    f"version {number}: id {original.id} at source, {copy.id} at destination"
                )
            elif copy.schema != original.schema:
                parity.mismatched.append(f"version {number}: same id {original.id} but different schema text")
            elif (copy.metadata, copy.rule_set) != (original.metadata, original.rule_set):
                parity.mismatched.append(_contract_mismatch(number, original))
        results.append(parity)
    return results


def link_parity(
    source: RegistryClient, destination: RegistryClient, link: LinkSettings
) -> list[SubjectParity]:
    """Per subject the link covers: two bulk requests where both registries offer GET /schemas,
    else subject by subject."""
    bulk = _bulk_parity(source, destination, link)
    if bulk is not None:
        return bulk
    subjects = sorted(s for s in source.subjects() if covers(link.subjects, s))
    tasks: list[Callable[[], SubjectParity]] = [
        lambda s=subject: _subject_parity(source, destination, link, s)  # type: ignore[misc]
        for subject in subjects
    ]
    workers = max(1, min(source.settings.max_concurrency, destination.settings.max_concurrency))
    return fan_out_all(tasks, workers)


def wait_for_parity(
    check: Callable[[], list[SubjectParity]],
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[SubjectParity], bool]:
    """Poll with backoff until every subject is in parity or `timeout` seconds pass."""
    deadline = clock() + timeout
    delay = 0.2
    while True:
        results = check()
        if all(r.in_parity for r in results):
            return results, True
        remaining = deadline - clock()
        if remaining <= 0:
            return results, False
        sleep(min(delay, remaining))
        delay = min(delay * 1.6, 3.0)
