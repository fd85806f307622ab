"""What a registry is sent for a contract: its text and its references, resolved to registry versions.

A reference names a subject and a version in *that* registry, so the same git contract maps to
different reference versions in AWS and Azure. References are looked up (never guessed), depth first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from contractctl.formats import get_format
from contractctl.formats.base import ParsedSchema
from contractctl.model import SchemaType
from contractctl.registry.client import ContractExtras, RegisteredSchema, RegistryClient, SchemaRef
from contractctl.registry.errors import RegistryError
from contractctl.registry.inherit import same_contract, with_explicit_empties


@dataclass(frozen=True)
class Payload:
    subject: str
    schema_type: SchemaType
    text: str
    references: tuple[tuple[str, Payload], ...] = ()
    contract: ContractExtras | None = None  # metadata and ruleSet from the contract's sidecar

    @cached_property
    def key(self) -> tuple[object, ...]:
        """What tells registry versions apart: the text and extras, and each reference's own key (the
        same text with a new version of a reference is another schema, so another version). Computed
        once: publish's plan asks it of every version's every reference, deep graphs many times over
        (a protobuf-deep dry run spent 42% of its time rebuilding keys)."""
        extras = self.contract or ContractExtras()
        return (
            self.subject,
            self.text,
            tuple((name, reference.key) for name, reference in self.references),
            json.dumps(extras.metadata, sort_keys=True),
            json.dumps(extras.rule_set, sort_keys=True),
        )


def payload_for(
    schema: ParsedSchema,
    schema_type: SchemaType,
    subject_of: Callable[[ParsedSchema], str],
    extras_of: Callable[[ParsedSchema], ContractExtras | None] | None = None,
) -> Payload:
    """The registry form of a parsed contract, references included (recursively), each with the
    metadata and rules of its sidecar when `extras_of` finds one."""
    text, references = get_format(schema_type).registry_parts(schema)
    return Payload(
        subject_of(schema),
        schema_type,
        text,
        tuple(
            (name, payload_for(reference, schema_type, subject_of, extras_of))
            for name, reference in references
        ),
        extras_of(schema) if extras_of is not None else None,
    )


class ReferenceVersions:
    """Finds which version of each referenced schema a registry holds (per registry, memoized)."""

    def __init__(self, client: RegistryClient) -> None:
        self.client = client
        self._versions: dict[tuple[object, ...], int | None] = {}
        self._otherwise: dict[tuple[object, ...], int] = {}

    def references(self, payload: Payload) -> list[SchemaRef] | None:
        """SchemaRefs for the payload's references, or None when one is not registered there."""
        out = []
        for name, referenced in payload.references:
            version = self.version_of(referenced)
            if version is None:
                return None
            out.append(SchemaRef(name, referenced.subject, version))
        return out

    def version_of(self, payload: Payload) -> int | None:
        """The registry version holding exactly this payload, or None."""
        if payload.key not in self._versions:
            references = self.references(payload)
            found = None
            if references is not None:
                try:
                    found, other = find_registered(self.client, payload, references)
                except RegistryError as error:  # a 42201 on a lookup named no contract (asyncapi)
                    error.subject = error.subject or payload.subject
                    raise
                if other is not None:
                    self._otherwise[payload.key] = other.version
            self._versions[payload.key] = found.version if found else None
        return self._versions[payload.key]

    def held_otherwise(self, payload: Payload) -> int | None:
        """The version a lookup of this payload answered with other metadata or rules than git's
        (after `version_of` found none): the registry's inherited or out-of-band ones."""
        self.version_of(payload)
        return self._otherwise.get(payload.key)

    def remember(self, payload: Payload, version: int) -> None:
        self._versions[payload.key] = version


def find_registered(
    client: RegistryClient, payload: Payload, references: list[SchemaRef]
) -> tuple[RegisteredSchema | None, RegisteredSchema | None]:
    """(the version holding the payload's text with git's metadata and rules, or None; the version a
    lookup answered with other ones, or None).

    A registry's lookup does not settle it alone: one that finds nothing tries again with the metadata
    and rules a registration would copy from the latest version (Confluent since 7.6.6), so a schema
    whose sidecar dropped its rules is answered with a version holding them. A part git leaves out
    may also be held as `{}` (what publish sends to stop the copy), which only that form finds."""
    found = client.lookup(
        payload.subject, payload.text, payload.schema_type.value, references, contract=payload.contract
    )
    if found is not None and same_contract(payload.contract, found.contract):
        return found, None
    explicit = with_explicit_empties(payload.contract)
    if explicit == payload.contract:
        return None, found  # git declares both parts: no other form to ask for
    again = client.lookup(
        payload.subject, payload.text, payload.schema_type.value, references, contract=explicit
    )
    if again is not None and same_contract(payload.contract, again.contract):
        return again, None
    return None, found or again
