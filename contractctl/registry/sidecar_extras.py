"""A contract's sidecar as the Confluent metadata and ruleSet sent with its schema: the registry reads
the sidecar (never the other way round)."""

from __future__ import annotations

from pathlib import PurePosixPath

from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.model import SchemaType
from contractctl.registry.client import ContractExtras
from contractctl.repo.sidecar_paths import sidecar_path
from contractctl.sidecar.check_step import ContractFiles


def extras_from_sidecar(
    path: PurePosixPath, text: str, schema: ParsedSchema, schema_type: SchemaType
) -> ContractExtras:
    """A sidecar's Confluent metadata and ruleSet, as sent to a registry; InvalidSchema if it is bad."""
    from contractctl.sidecar import load_sidecar

    meta = load_sidecar(path, text, schema, schema_type)
    return ContractExtras(meta.registry_metadata(), meta.registry_rule_set())


def sidecar_extras(
    files: ContractFiles, schema: ParsedSchema, schema_type: SchemaType
) -> ContractExtras | None:
    """The registry metadata and ruleSet of a contract's sidecar in the checked tree (None without one;
    an invalid sidecar was already reported by the local check)."""
    path = sidecar_path(schema.source.path)
    text = files.read(path)
    if text is None:
        return None
    try:
        return extras_from_sidecar(path, text, schema, schema_type)
    except InvalidSchema:
        return None
