"""Lint rules over a JSON Schema contract's own document, walked by JSON pointer so findings have lines.

Only the contract's document is walked (as for Avro): schemas it takes from referenced contracts are
linted in the files that define them. Every subschema keyword of every draft is visited, so a property
nested in `allOf` or `items` is checked like a top-level one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from contractctl.formats.jsonschema.loader import child
from contractctl.formats.vocabulary.lint import Emitter, follows_case, to_case
from contractctl.model import SourcePosition

IGNORE_PROPERTY = "contractctl:ignore"
LINT_RULES = frozenset(
    {"naming", "docs", "json-additional-properties", "json-string-max-length", "invalid-ignore"}
)

_ONE = ("additionalProperties", "additionalItems", "not", "if", "then", "else", "contains",
        "propertyNames", "unevaluatedProperties", "unevaluatedItems", "contentSchema")  # fmt: skip
_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPS = ("patternProperties", "dependentSchemas")
_DEFINITIONS = ("definitions", "$defs")
_BOUNDED_STRING = ("maxLength", "enum", "const", "format")


class JsonSchemaLinter:
    """One contract's lint run: `locate` turns pointers into positions, `out` collects findings."""

    def __init__(
        self,
        document: Any,
        locate: Callable[[str | None], SourcePosition | None],
        emitter: Emitter,
        modern: bool,
    ) -> None:
        self.document = document
        self.locate = locate
        self.out = emitter
        self.settings = emitter.settings
        self.modern = modern  # 2019-09 and later: unevaluatedProperties also closes an object

    def run(self) -> None:
        if isinstance(self.document, dict):
            ignored = self._ignores(self.document, "", frozenset())
            self._documented(self.document, "the root schema", "", ignored)
            self._schema(self.document, "", ignored)

    def _emit(
        self, rule: str, message: str, *, ignored: frozenset[str], pointer: str, at: str, hint: str
    ) -> None:
        """Report a finding positioned at `at`; positions are only looked up (the document scanned)
        for findings that are reported, so a clean or silenced contract costs no scan."""
        if self.out.wants(rule, ignored):
            position = self.locate(at) or self.locate("")
            self.out.emit(rule, message, ignored=ignored, pointer=pointer, position=position, hint=hint)

    def _ignores(self, node: dict[str, Any], pointer: str, inherited: frozenset[str]) -> frozenset[str]:
        if IGNORE_PROPERTY not in node:
            return inherited
        raw = node[IGNORE_PROPERTY]
        names = [raw] if isinstance(raw, str) else raw
        at = child(pointer, IGNORE_PROPERTY)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self._emit(
                "invalid-ignore",
                f'"{IGNORE_PROPERTY}" must be a list of rule ids, not {json.dumps(raw)}',
                ignored=inherited,
                pointer=at,
                at=at,
                hint=f'Write "{IGNORE_PROPERTY}": ["rule-id", ...].',
            )
            return inherited
        known, unknown = self.out.rule_ids(names)
        if unknown:
            self._emit(
                "invalid-ignore",
                f"{IGNORE_PROPERTY} names unknown rule(s): {', '.join(unknown)}",
                ignored=inherited,
                pointer=at,
                at=at,
                hint="Fix the rule id (see contractctl's lint rules), or remove it.",
            )
        return inherited | known

    def _schema(self, node: dict[str, Any], pointer: str, ignored: frozenset[str]) -> None:
        """Rules on one schema object, then on every subschema below it."""
        self._open_or_closed(node, pointer, ignored)
        self._bounded(node, pointer, ignored)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                self._property(name, sub, child(pointer, "properties", name), ignored)
        for keyword in _DEFINITIONS:
            definitions = node.get(keyword)
            if isinstance(definitions, dict):
                for name, sub in definitions.items():
                    self._definition(name, sub, child(pointer, keyword, name), ignored)
        for sub, at in _subschemas(node, pointer):
            self._visit(sub, at, ignored)

    def _visit(self, sub: Any, pointer: str, ignored: frozenset[str]) -> None:
        if isinstance(sub, dict):
            self._schema(sub, pointer, self._ignores(sub, pointer, ignored))

    def _property(self, name: str, sub: Any, pointer: str, ignored: frozenset[str]) -> None:
        if isinstance(sub, dict):
            ignored = self._ignores(sub, pointer, ignored)
        case = self.settings.field_case
        if not follows_case(name, case):
            self._emit(
                "naming",
                f'property name "{name}" is not {case}',
                ignored=ignored,
                pointer=pointer,
                at=pointer,
                hint=f'Rename it to "{to_case(name, case)}" (a published name is part of the data: '
                "only rename it in a new property).",
            )
        if isinstance(sub, dict):
            self._documented(sub, f'property "{name}"', pointer, ignored)
            self._schema(sub, pointer, ignored)

    def _definition(self, name: str, sub: Any, pointer: str, ignored: frozenset[str]) -> None:
        if not isinstance(sub, dict):
            return
        ignored = self._ignores(sub, pointer, ignored)
        case = self.settings.record_case
        if not follows_case(name, case):
            self._emit(
                "naming",
                f'definition name "{name}" is not {case}',
                ignored=ignored,
                pointer=pointer,
                at=pointer,
                hint=f'Rename it to "{to_case(name, case)}" and update the "$ref"s that use it.',
            )
        self._documented(sub, f'definition "{name}"', pointer, ignored)
        self._schema(sub, pointer, ignored)

    def _documented(self, node: dict[str, Any], what: str, pointer: str, ignored: frozenset[str]) -> None:
        description = node.get("description")
        if not (isinstance(description, str) and description.strip()):
            self._emit(
                "docs",
                f"{what} has no description",
                ignored=ignored,
                pointer=pointer,
                at=pointer,
                hint='Add a "description" saying what it means to consumers.',
            )

    def _open_or_closed(self, node: dict[str, Any], pointer: str, ignored: frozenset[str]) -> None:
        if not isinstance(node.get("properties"), dict) or "$ref" in node:
            return
        if "additionalProperties" in node or (self.modern and "unevaluatedProperties" in node):
            return
        self._emit(
            "json-additional-properties",
            "object schema does not say whether it accepts unknown properties",
            ignored=ignored,
            pointer=pointer,
            at=child(pointer, "properties"),
            hint='Add "additionalProperties": false (closed: optional properties can be added later) or '
            "true (open: properties can be removed later).",
        )

    def _bounded(self, node: dict[str, Any], pointer: str, ignored: frozenset[str]) -> None:
        kind = node.get("type")
        is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
        if not is_string or any(keyword in node for keyword in _BOUNDED_STRING):
            return
        at = child(pointer, "type")
        self._emit(
            "json-string-max-length",
            "string schema has no maxLength",
            ignored=ignored,
            pointer=at,
            at=at,
            hint='Add "maxLength" (the longest value consumers must store).',
        )


def _subschemas(node: dict[str, Any], pointer: str) -> Iterator[tuple[Any, str]]:
    """The subschemas of one schema object other than `properties` and definitions, with pointers."""
    for keyword in _ONE:
        if keyword in node:
            yield node[keyword], child(pointer, keyword)
    items = node.get("items")
    if isinstance(items, list):
        yield from ((sub, child(pointer, "items", index)) for index, sub in enumerate(items))
    elif items is not None:
        yield items, child(pointer, "items")
    for keyword in _LISTS:
        branches = node.get(keyword)
        if isinstance(branches, list):
            yield from ((sub, child(pointer, keyword, index)) for index, sub in enumerate(branches))
    for keyword in _MAPS:
        entries = node.get(keyword)
        if isinstance(entries, dict):
            yield from ((sub, child(pointer, keyword, name)) for name, sub in entries.items())
    dependencies = node.get("dependencies")
    if isinstance(dependencies, dict):  # draft 4-7: a list of names, or a schema
        for name, sub in dependencies.items():
            yield sub, child(pointer, "dependencies", name)
