"""Shared loading for the contract sidecar/examples/groups tests (fixtures under contract_cases/)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from contractctl.formats import get_format
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.model import Finding, SchemaText, SchemaType
from contractctl.sidecar import ContractMeta, load_sidecar

CASES = Path(__file__).parent
ROOT = "tests/unit/contract_cases"
_EXPECT = re.compile(r"#\s*expect:\s*(\w+)(?:@(\S+))?")


def case_text(name: str) -> str:
    return (CASES / name).read_text(encoding="utf-8")


def parse(schema_type: SchemaType, text: str, name: str | None = None) -> ParsedSchema:
    name = name or ("orders.avsc" if schema_type is SchemaType.AVRO else "shipping.proto")
    source = SchemaText(PurePosixPath(f"{ROOT}/{name}"), text, root=ROOT)
    return get_format(schema_type).parse(source, [])


def orders() -> ParsedSchema:
    return parse(SchemaType.AVRO, case_text("orders.avsc"))


def shipping() -> ParsedSchema:
    return parse(SchemaType.PROTOBUF, case_text("shipping.proto"))


def load(
    text: str, schema: ParsedSchema | None = None, schema_type: SchemaType = SchemaType.AVRO
) -> ContractMeta:
    if schema is None:
        schema = orders() if schema_type is SchemaType.AVRO else shipping()
    return load_sidecar(PurePosixPath(f"{ROOT}/value.contract.yaml"), text, schema, schema_type)


def load_errors(text: str, schema_type: SchemaType = SchemaType.AVRO) -> list[Finding]:
    try:
        load(text, schema_type=schema_type)
    except InvalidSchema as error:
        return error.findings
    raise AssertionError("the sidecar was accepted")


def expected_marks(text: str) -> set[tuple[int, str, int | None]]:
    """(line, rule, column) from `# expect: RULE[@token]` comments; the column is where `token` first
    appears after `expr:` on that line (None: any column)."""
    out = set()
    for number, line in enumerate(text.splitlines(), start=1):
        found = _EXPECT.search(line)
        if not found:
            continue
        column = None
        if found.group(2):
            start = line.index("expr:") if "expr:" in line else 0
            column = line.index(found.group(2), start) + 1
        out.add((number, found.group(1), column))
    return out
