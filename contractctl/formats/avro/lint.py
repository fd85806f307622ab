"""Lint rules over an Avro contract's JSON document, walked with JSON pointers so findings have lines.

Only the contract's own document is walked: types it takes from referenced contracts are linted in
the files that define them.
"""

from __future__ import annotations

import json
from typing import Any

from contractctl.formats.avro import AvroSchema
from contractctl.formats.vocabulary.lint import Emitter, follows_case, to_case
from contractctl.generic.jsonpos import escape_pointer_token
from contractctl.model import SourcePosition

IGNORE_PROPERTY = "contractctl:ignore"
_NAMED = ("record", "error", "enum", "fixed")


class AvroLinter:
    def __init__(self, schema: AvroSchema, emitter: Emitter) -> None:
        self.schema = schema
        self.out = emitter
        self.settings = emitter.settings

    def run(self) -> None:
        self._type(self.schema.document, "", frozenset())

    def _where(self, pointer: str) -> SourcePosition | None:
        """The element's name if it has one (the line that identifies it), else the element itself."""
        return self.schema.locate(f"{pointer}/name") or self.schema.locate(pointer)

    def _ignores(self, node: dict[str, Any], pointer: str, inherited: frozenset[str]) -> frozenset[str]:
        if IGNORE_PROPERTY not in node:
            return inherited
        raw = node[IGNORE_PROPERTY]
        names = [raw] if isinstance(raw, str) else raw
        at = f"{pointer}/{escape_pointer_token(IGNORE_PROPERTY)}"
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self.out.emit(
                "invalid-ignore",
                f'"{IGNORE_PROPERTY}" must be a list of rule ids, not {json.dumps(raw)}',
                ignored=inherited,
                pointer=at,
                position=self.schema.locate(at),
                hint=f'Write "{IGNORE_PROPERTY}": ["rule-id", ...].',
            )
            return inherited
        known, unknown = self.out.rule_ids(names)
        if unknown:
            self.out.emit(
                "invalid-ignore",
                f"{IGNORE_PROPERTY} names unknown rule(s): {', '.join(unknown)}",
                ignored=inherited,
                pointer=at,
                position=self.schema.locate(at),
                hint="Fix the rule id (see contractctl's lint rules), or remove it.",
            )
        return inherited | known

    def _type(self, node: Any, pointer: str, ignored: frozenset[str]) -> None:
        if isinstance(node, list):  # a union
            for index, branch in enumerate(node):
                self._type(branch, f"{pointer}/{index}", ignored)
            return
        if not isinstance(node, dict):
            return  # a primitive or a reference by name
        ignored = self._ignores(node, pointer, ignored)
        kind = node.get("type")
        if isinstance(kind, (dict, list)):
            self._type(kind, f"{pointer}/type", ignored)
        elif kind in _NAMED:
            self._named(node, kind, pointer, ignored)
        elif kind == "array":
            self._type(node.get("items"), f"{pointer}/items", ignored)
        elif kind == "map":
            self._type(node.get("values"), f"{pointer}/values", ignored)

    def _named(self, node: dict[str, Any], kind: str, pointer: str, ignored: frozenset[str]) -> None:
        name = str(node.get("name", "")).rsplit(".", 1)[-1]
        label = "record" if kind == "error" else kind
        case = self.settings.record_case
        if name and not follows_case(name, case):
            self.out.emit(
                "naming",
                f'{label} name "{name}" is not {case}',
                ignored=ignored,
                pointer=pointer,
                position=self._where(pointer),
                hint=f'Rename it to "{to_case(name, case)}" (if published, keep the old name in "aliases").',
            )
        if kind in ("record", "error"):
            self._documented(node, f'record "{name}"', pointer, ignored)
            fields = node.get("fields")
            for index, item in enumerate(fields if isinstance(fields, list) else []):
                if isinstance(item, dict):
                    self._field(item, f"{pointer}/fields/{index}", ignored)
        elif kind == "enum":
            self._enum(node, name, pointer, ignored)

    def _field(self, node: dict[str, Any], pointer: str, ignored: frozenset[str]) -> None:
        ignored = self._ignores(node, pointer, ignored)
        name = str(node.get("name", ""))
        case = self.settings.field_case
        if name and not follows_case(name, case):
            self.out.emit(
                "naming",
                f'field name "{name}" is not {case}',
                ignored=ignored,
                pointer=pointer,
                position=self._where(pointer),
                hint=f'Rename it to "{to_case(name, case)}" (if published, keep the old name in "aliases").',
            )
        self._documented(node, f'field "{name}"', pointer, ignored)
        self._nullable(node, name, pointer, ignored)
        self._type(node.get("type"), f"{pointer}/type", ignored)

    def _documented(self, node: dict[str, Any], what: str, pointer: str, ignored: frozenset[str]) -> None:
        doc = node.get("doc")
        if not (isinstance(doc, str) and doc.strip()):
            self.out.emit(
                "docs",
                f"{what} has no doc",
                ignored=ignored,
                pointer=pointer,
                position=self._where(pointer),
                hint='Add a "doc" saying what it means to consumers.',
            )

    def _nullable(self, node: dict[str, Any], name: str, pointer: str, ignored: frozenset[str]) -> None:
        branches = node.get("type")
        if not isinstance(branches, list) or not any(_is_null(b) for b in branches):
            return
        problems = []
        if not _is_null(branches[0]):
            problems.append('"null" is not the first branch of its union')
        if "default" not in node:
            problems.append("it has no default")
        elif node["default"] is not None:
            problems.append(f"it defaults to {json.dumps(node['default'])} instead of null")
        if problems:
            self.out.emit(
                "nullable-default-null",
                f'nullable field "{name}": {"; ".join(problems)}',
                ignored=ignored,
                pointer=pointer,
                position=self._where(pointer),
                hint='Write "type": ["null", ...] with "default": null, so readers can fill the field in.',
            )

    def _enum(self, node: dict[str, Any], name: str, pointer: str, ignored: frozenset[str]) -> None:
        symbols = node.get("symbols")
        for index, symbol in enumerate(symbols if isinstance(symbols, list) else []):
            if isinstance(symbol, str) and not follows_case(symbol, "UPPER_SNAKE_CASE"):
                at = f"{pointer}/symbols/{index}"
                self.out.emit(
                    "naming",
                    f'symbol "{symbol}" of enum "{name}" is not UPPER_SNAKE_CASE',
                    ignored=ignored,
                    pointer=at,
                    position=self.schema.locate(at),
                    hint=f'Rename it to "{to_case(symbol, "UPPER_SNAKE_CASE")}" (only if not yet published).',
                )
        if "default" not in node:
            self.out.emit(
                "enum-default",
                f'enum "{name}" has no default symbol',
                ignored=ignored,
                pointer=pointer,
                position=self._where(pointer),
                hint='Add "default": "<SYMBOL>" (e.g. an UNKNOWN symbol) so readers survive new symbols.',
            )


def _is_null(branch: Any) -> bool:
    return branch == "null" or (isinstance(branch, dict) and branch.get("type") == "null")
