"""Proof by data for a "compatible" verdict: documents valid under the writer must be valid under the
reader, checked with `jsonschema` (the library Confluent's Python client validates with).

The verdict stays Confluent's. Its diff ignores some keywords (`if`/`then`/`else`, `format`,
`propertyNames`, `contains`' schema, draft-04's boolean exclusive limits), so data can disagree; such
a document becomes a warning naming it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.generate import generated_documents
from contractctl.model import Finding, FindingKind, Severity

if TYPE_CHECKING:
    from contractctl.formats.jsonschema import JsonSchemaContract

_SHOWN = 160


def validator(contract: JsonSchemaContract) -> Any:
    """A jsonschema validator for the contract, its referenced contracts registered under their names."""
    jsonschema: Any = importlib.import_module("jsonschema")
    from referencing import Registry

    cls: Any = {
        Draft.DRAFT_4: jsonschema.Draft4Validator,
        Draft.DRAFT_6: jsonschema.Draft6Validator,
        Draft.DRAFT_7: jsonschema.Draft7Validator,
        Draft.DRAFT_2019_09: jsonschema.Draft201909Validator,
        Draft.DRAFT_2020_12: jsonschema.Draft202012Validator,
    }[contract.document.draft]
    resources: list[tuple[str, Any]] = []
    pending = [contract]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        value = current.document.value
        base = value.get(current.document.draft.id_keyword, "") if isinstance(value, dict) else ""
        base = base if isinstance(base, str) else ""
        for name, reference in current.references.items():
            resource = _spec(reference).create_resource(reference.document.value)
            resources.append((name, resource))
            resources.append((urljoin(base, name), resource))
            pending.append(reference)
    registry: Any = Registry().with_resources(resources)
    return cls(contract.document.value, registry=registry)


def _spec(contract: JsonSchemaContract) -> Any:
    from referencing import jsonschema as specs

    return {
        Draft.DRAFT_4: specs.DRAFT4,
        Draft.DRAFT_6: specs.DRAFT6,
        Draft.DRAFT_7: specs.DRAFT7,
        Draft.DRAFT_2019_09: specs.DRAFT201909,
        Draft.DRAFT_2020_12: specs.DRAFT202012,
    }[contract.document.draft]


def prove_documents(
    reader: JsonSchemaContract, writer: JsonSchemaContract, documents: Sequence[tuple[str, Any]]
) -> list[Finding]:
    """A warning for each named document valid under `writer` but not under `reader`."""
    write_check, read_check = validator(writer), validator(reader)
    findings = []
    reported: set[tuple[str, str]] = set()
    for name, document in documents:
        if not write_check.is_valid(document):
            continue
        error = next(iter(read_check.iter_errors(document)), None)
        if error is None:
            continue
        where = "#" + "".join(f"/{p}" for p in error.absolute_path)
        if (where, str(error.validator)) in reported:
            continue  # one warning per place and reason: the first document that shows it
        reported.add((where, str(error.validator)))
        findings.append(
            Finding(
                rule="PROOF_REJECTED",
                message=f"{name} is valid under the writer schema but the reader schema rejects it at "
                f"{where}: {_short(error.message)} (document: {_short(json.dumps(document))})",
                kind=FindingKind.ADVISORY,
                severity=Severity.WARNING,
                pointer=where,
                hint="Compatible by Confluent's rules, but a consumer validating with the new schema "
                "rejects this data: Confluent's diff ignores some keywords (if/then/else, format, "
                "propertyNames, contains).",
            )
        )
    return findings


def prove(reader: JsonSchemaContract, writer: JsonSchemaContract, samples: int, seed: int) -> list[Finding]:
    """Generated documents of the writer (those it accepts) must be accepted by the reader."""
    return prove_counted(reader, writer, samples, seed)[0]


def prove_counted(
    reader: JsonSchemaContract, writer: JsonSchemaContract, samples: int, seed: int
) -> tuple[list[Finding], int]:
    """`prove`, and how many documents it proved with: the distinct generated ones the writer accepts
    (up to `samples`; fewer when the writer admits fewer)."""
    documents = generated_documents(writer.root, samples, seed)
    named = [(f"generated document {index + 1} (seed {seed})", doc) for index, doc in enumerate(documents)]
    write_check = validator(writer)
    return prove_documents(reader, writer, named), sum(1 for _, doc in named if write_check.is_valid(doc))


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
