"""Proof by data for a "compatible" verdict: documents valid under the writer must be valid under the
reader, checked with `jsonschema` (the library Confluent's Python client validates with).

The verdict stays Confluent's. Its diff ignores some keywords (`if`/`then`/`else`, `format`,
`propertyNames`, `contains`' schema, draft-04's boolean exclusive limits), so data can disagree; such
a document becomes a warning naming it.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.generate import generated_documents
from contractctl.formats.jsonschema.javaregex import data_pattern, python_reads
from contractctl.model import Finding, FindingKind, Severity

if TYPE_CHECKING:
    from contractctl.formats.jsonschema import JsonSchemaContract

_SHOWN = 160
_NEVER = "(?!)"  # a patternProperties name without a Python reading matches no property


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
    additional = cls.VALIDATORS["additionalProperties"]

    def additional_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        for error in additional(validator, value, instance, schema):  # the names are Python readings
            head, found, _ = error.message.partition(" not match any of the regexes: ")
            error.message = f"{head} not match any patternProperties name" if found else error.message
            yield error

    cls = jsonschema.validators.extend(
        cls, {"pattern": _pattern, "additionalProperties": additional_properties}
    )
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
            resource = _spec(reference).create_resource(_java_patterns(reference.document.value))
            resources.append((name, resource))
            resources.append((urljoin(base, name), resource))
            pending.append(reference)
    registry: Any = Registry().with_resources(resources)
    return cls(_java_patterns(contract.document.value), registry=registry)


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    """`pattern` read as java.util.regex reads it (Everit, the registry), not as Python's `re`."""
    python = data_pattern(pattern) if isinstance(pattern, str) else None
    if python is not None and validator.is_type(instance, "string") and not re.search(python, instance):
        error: Any = importlib.import_module("jsonschema").ValidationError
        yield error(f"{instance!r} does not match {pattern!r}")


def _java_patterns(value: Any) -> Any:
    """The schema with each patternProperties name replaced by its `data_pattern` (jsonschema also
    matches those names for additionalProperties); one without a reading never matches, nor do all of
    an object's when joined they do not compile (a group name twice, a flag not at the start)."""
    if isinstance(value, list):
        return [_java_patterns(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in ("const", "enum", "default", "examples"):
            out[key] = item  # data, not schemas
        elif key == "patternProperties" and isinstance(item, dict):
            out[key] = _python_names(item)
        else:
            out[key] = _java_patterns(item)
    return out


def _python_names(patterns: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pattern, schema in patterns.items():
        python = data_pattern(pattern) or _NEVER + re.escape(pattern)
        while python in out:  # two texts, one reading (`A`, `\x41`): keep both schemas
            python = f"(?:{python})"
        out[python] = _java_patterns(schema)
    if not python_reads("|".join(out)):  # jsonschema joins them for additionalProperties
        return {_NEVER + re.escape(pattern): _java_patterns(schema) for pattern, schema in patterns.items()}
    return out


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
