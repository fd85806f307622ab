"""Load and validate a contract sidecar (``value.contract.yaml`` next to ``value.avsc``).

Every problem is an exit-2 finding naming the sidecar line (and column) where it is written; for a CEL
or JSONata error the column is inside the expression when the YAML scalar lets us map it back.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.formats.vocabulary.shapes import SchemaModel
from contractctl.model import Finding, FindingKind, SchemaType, SourcePosition
from contractctl.sidecar import cel
from contractctl.sidecar.meta import (
    ACTIONS,
    DESCRIPTION_PROPERTY,
    DOMAIN_MODES,
    KINDS,
    MIGRATION_MODES,
    MODES,
    OWNER_PROPERTY,
    RULE_TYPES,
    ContractMeta,
    Rule,
)
from contractctl.sidecar.shapes import resolve_path, schema_model, wildcard_match

if TYPE_CHECKING:
    import yaml

_TOP_KEYS = ("owner", "description", "properties", "tags", "sensitive", "rules", "ruleSet")
_RULES_KEYS = {
    "domain": "domain",
    "migration": "migration",
    "domainRules": "domain",
    "migrationRules": "migration",
}
_RULE_KEYS = (
    "name",
    "doc",
    "kind",
    "mode",
    "type",
    "expr",
    "tags",
    "params",
    "on_success",
    "on_failure",
    "disabled",
)
_RULE_ALIASES = {"onSuccess": "on_success", "onFailure": "on_failure"}
_RULE_NAME = re.compile(r"[^\W\d]\w*\Z")  # Java: a letter or _, then letters, digits or _
_DEK_ALGORITHMS = ("AES128_GCM", "AES256_GCM", "AES256_SIV")
_EXPR_TYPES = ("CEL", "CEL_FIELD", "JSONATA")


# ----------------------------------------------------------------------------------------------
# YAML with positions


def _yaml() -> Any:
    import yaml

    return yaml


class _Text:
    """Offsets to 1-based positions in the sidecar text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> SourcePosition:
        line = bisect.bisect_right(self.line_starts, index) - 1
        return SourcePosition(line + 1, index - self.line_starts[line] + 1)

    def locator(self, node: yaml.ScalarNode) -> Callable[[int], SourcePosition]:
        """Maps an offset inside the scalar's value to its place in the file.

        Each value character is found again in the raw scalar text, which skips quotes, block headers,
        indentation and folded line breaks; where escapes make that impossible the mapping stays at the
        last character that did match.
        """
        start, end = node.start_mark.index, node.end_mark.index
        raw = self.text[start:end]
        cursor = 0
        if node.style in ("|", ">"):
            newline = raw.find("\n")
            cursor = newline + 1 if newline >= 0 else len(raw)
        elif node.style in ("'", '"'):
            cursor = 1
        places: list[int] = []
        for char in node.value:
            found = raw.find(char, cursor, cursor + 80)
            if char == " " and node.style in (None, ">"):
                newline = raw.find("\n", cursor, found if found >= 0 else cursor + 80)
                found = newline if newline >= 0 else found
            if found < 0:
                places.append(cursor)
                continue
            places.append(found)
            cursor = found + 1
        places.append(cursor)

        def locate(offset: int) -> SourcePosition:
            offset = max(0, min(offset, len(places) - 1))
            return self.position(start + places[offset])

        return locate


@dataclass
class _Loader:
    path: str
    text: _Text
    schema_type: SchemaType
    model: SchemaModel | None = None
    findings: list[Finding] = field(default_factory=list)
    positions: dict[str, SourcePosition] = field(default_factory=dict)

    # -- findings ----------------------------------------------------------------------------

    def mark(self, node: Any) -> SourcePosition:
        return SourcePosition(node.start_mark.line + 1, node.start_mark.column + 1)

    def error(
        self, rule: str, message: str, where: SourcePosition | Any | None, hint: str | None = None
    ) -> None:
        position = where if isinstance(where, SourcePosition) or where is None else self.mark(where)
        self.findings.append(
            Finding(
                rule=rule,
                message=message,
                kind=FindingKind.INVALID,
                file=self.path,
                line=position.line if position else 1,
                column=position.column if position else None,
                hint=hint,
            )
        )

    # -- node helpers ------------------------------------------------------------------------

    def mapping(self, node: Any, where: str, allowed: Iterable[str] | None) -> dict[str, tuple[Any, Any]]:
        yaml = _yaml()
        if not isinstance(node, yaml.MappingNode):
            self.error("CONTRACT_SIDECAR_VALUE", f"{where} must be a mapping", node)
            return {}
        out: dict[str, tuple[Any, Any]] = {}
        known = tuple(allowed) if allowed is not None else None
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:null":
                self.error("CONTRACT_SIDECAR_KEY", f"{where}: keys must be strings", key_node)
                continue
            key = str(key_node.value)
            if key in out:
                self.error("CONTRACT_SIDECAR_KEY", f"{where}: key {key!r} is repeated", key_node)
                continue
            if known is not None and key not in known:
                self.error(
                    "CONTRACT_SIDECAR_KEY",
                    f"{where}: unknown key {key!r}",
                    key_node,
                    hint=f"Known keys: {', '.join(known)}.",
                )
                continue
            out[key] = (key_node, value_node)
        return out

    def string(self, node: Any, where: str, allow_scalars: bool = True) -> str | None:
        """A scalar's text as written: YAML 1.1 reads `off`, `yes` or `2` as other types, but a rule named
        off or an expr `true` mean the text."""
        yaml = _yaml()
        scalar = isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null"
        if scalar and (node.tag == "tag:yaml.org,2002:str" or allow_scalars):
            return str(node.value)
        quoted = f" (quote it: '{node.value}')" if scalar else ""
        self.error(
            "CONTRACT_SIDECAR_VALUE", f"{where} must be a string, got {_node_kind(node)}{quoted}", node
        )
        return None

    def strings(self, node: Any, where: str) -> list[tuple[str, Any]]:
        """A list of strings. A lone scalar is refused: Confluent's shapes are sets, and `tags: {f: PII}`
        would otherwise be read differently by every tool."""
        yaml = _yaml()
        if not isinstance(node, yaml.SequenceNode):
            example = f" ([{node.value}])" if isinstance(node, yaml.ScalarNode) and node.value else ""
            self.error(
                "CONTRACT_SIDECAR_VALUE",
                f"{where} must be a list of strings, got {_node_kind(node)}",
                node,
                hint=f"Write it as a list{example}.",
            )
            return []
        out = []
        for item in node.value:
            text = self.string(item, f"{where} entry")
            if text is not None:
                out.append((text, item))
        return out

    def string_map(self, node: Any, where: str) -> dict[str, tuple[str, Any]]:
        out = {}
        for key, (key_node, value_node) in self.mapping(node, where, None).items():
            value = self.string(value_node, f"{where}.{key}")
            if value is not None:
                out[key] = (value, key_node)
        return out

    # -- the document ------------------------------------------------------------------------

    def load(self, root: Any, schema: ParsedSchema) -> ContractMeta:
        yaml = _yaml()
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == "tag:yaml.org,2002:null"):
            top: dict[str, tuple[Any, Any]] = {}
        else:
            top = self.mapping(root, "the sidecar", _TOP_KEYS)
        for key, (key_node, _) in top.items():
            self.positions[key] = self.mark(key_node)
        owner = self.string(top["owner"][1], "owner", allow_scalars=False) if "owner" in top else None
        description = (
            self.string(top["description"][1], "description", allow_scalars=False)
            if "description" in top
            else None
        )
        properties: dict[str, str] = {}
        if "properties" in top:
            for key, (value, key_node) in self.string_map(top["properties"][1], "properties").items():
                self.positions[f"properties/{key}"] = self.mark(key_node)
                if key in (OWNER_PROPERTY, DESCRIPTION_PROPERTY) and key in top:
                    self.error(
                        "CONTRACT_SIDECAR_KEY",
                        f"properties.{key} repeats the top-level {key!r} (registered as this property)",
                        key_node,
                    )
                    continue
                properties[key] = value
        if self.needs_model(top):
            try:
                self.model = schema_model(schema, self.schema_type)
            except (KeyError, IndexError, ValueError) as error:  # a schema view we cannot build
                self.error("CONTRACT_SIDECAR_SCHEMA", f"cannot read the schema's fields: {error}", None)
        tags = self.tags(top["tags"][1]) if "tags" in top else {}
        sensitive = (
            self.sensitive(top["sensitive"][1], properties, owner, description) if "sensitive" in top else []
        )
        domain, migration = self.rule_sets(top)
        self.check_rule_tags(domain, tags)
        return ContractMeta(
            owner=owner,
            description=description,
            tags={key: tuple(value) for key, value in tags.items()},
            properties=properties,
            sensitive=tuple(sensitive),
            domain_rules=tuple(domain),
            migration_rules=tuple(migration),
            path=self.path,
            positions=dict(self.positions),
        )

    def needs_model(self, top: dict[str, tuple[Any, Any]]) -> bool:
        return any(key in top for key in ("tags", "rules", "ruleSet", "sensitive"))

    # -- tags ------------------------------------------------------------------------------

    def tags(self, node: Any) -> dict[str, list[str]]:
        """Field tags in Confluent's shape; keys may be Confluent patterns or field paths from the root."""
        out: dict[str, list[str]] = {}
        full_names = sorted(self.model.full_names()) if self.model else []
        for key, (key_node, value_node) in self.mapping(node, "tags", None).items():
            values = [text for text, _ in self.strings(value_node, f"tags.{key}")]
            self.positions[f"tags/{key}"] = self.mark(key_node)
            if self.model is None:
                continue
            for pattern in self.tag_patterns(key, full_names, key_node):
                merged = out.setdefault(pattern, [])
                merged.extend(value for value in values if value not in merged)
        return out

    def tag_patterns(self, key: str, full_names: list[str], key_node: Any) -> list[str]:
        """The full names (or pattern) a tag key means; a JSON pointer (formats that offer them) may
        mean several. Unknown keys are reported and mean nothing."""
        assert self.model is not None
        if self.model.pointers and key.startswith(("/", "#/", "#")):
            # a pointer into the data reaches every item of an array through any index
            spelled = key if key.startswith("#") else re.sub(r"(?<=/)(\d+|-)(?=/|$)", "*", key)
            known = self.model.pointers.get(spelled)
            if known:
                return list(known)
            self.error(
                "CONTRACT_TAG_UNKNOWN_FIELD",
                f"tags: the JSON pointer {key!r} names no property of the schema",
                key_node,
                hint="Point into the data (/customer/email, /lines/*/sku) or at the property in the "
                "contract (#/properties/customer/properties/email). " + _full_name_hint(full_names),
            )
            return []
        pattern = self.tag_pattern(key, full_names, key_node)
        return [] if pattern is None else [pattern]

    def tag_pattern(self, key: str, full_names: list[str], key_node: Any) -> str | None:
        assert self.model is not None
        if any(char in key for char in "*?"):
            if any(wildcard_match(name, key) for name in full_names):
                return key
            self.error(
                "CONTRACT_TAG_UNKNOWN_FIELD",
                f"tags: the pattern {key!r} matches no field of the schema",
                key_node,
                hint=_full_name_hint(full_names),
            )
            return None
        if key in full_names:
            return key
        resolved = resolve_path(self.model, key)
        if isinstance(resolved, str):
            self.error(
                "CONTRACT_TAG_UNKNOWN_FIELD",
                f"tags: {key!r} names no field: {resolved}",
                key_node,
                hint="Write a field path from the top-level record (lines.sku) or a Confluent full name. "
                + _full_name_hint(full_names),
            )
            return None
        record, item = resolved
        return f"{record.full_name}.{item.name}"

    def sensitive(
        self, node: Any, properties: dict[str, str], owner: str | None, description: str | None
    ) -> list[str]:
        """Confluent's `sensitive` names metadata properties whose values are secret, not fields."""
        names = set(properties)
        names |= {OWNER_PROPERTY} if owner is not None else set()
        names |= {DESCRIPTION_PROPERTY} if description is not None else set()
        out = []
        for text, item in self.strings(node, "sensitive"):
            if text not in names:
                field_hint = ""
                if self.model is not None and text in self.model.field_names():
                    field_hint = (
                        f" {text!r} is a field: mark it with a tag instead (tags: {{{text}: [PII]}})."
                    )
                self.error(
                    "CONTRACT_SENSITIVE_UNKNOWN",
                    f"sensitive: {text!r} is not a property of this sidecar",
                    item,
                    hint="In Confluent's metadata, `sensitive` lists property names whose values must not be "
                    "shown." + field_hint,
                )
                continue
            out.append(text)
        return out

    # -- rules -----------------------------------------------------------------------------

    def rule_sets(self, top: dict[str, tuple[Any, Any]]) -> tuple[list[Rule], list[Rule]]:
        if "rules" in top and "ruleSet" in top:
            self.error("CONTRACT_SIDECAR_KEY", "write either rules or ruleSet, not both", top["ruleSet"][0])
            return [], []
        key = "rules" if "rules" in top else "ruleSet" if "ruleSet" in top else None
        if key is None:
            return [], []
        allowed = ("domain", "migration") if key == "rules" else ("domainRules", "migrationRules")
        groups = self.mapping(top[key][1], key, allowed)
        result: dict[str, list[Rule]] = {"domain": [], "migration": []}
        for name, (key_node, value_node) in groups.items():
            phase = _RULES_KEYS[name]
            self.positions[f"rules/{phase}"] = self.mark(key_node)
            result[phase] = self.rules(value_node, phase, f"{key}.{name}")
        return result["domain"], result["migration"]

    def rules(self, node: Any, phase: str, where: str) -> list[Rule]:
        yaml = _yaml()
        if not isinstance(node, yaml.SequenceNode):
            self.error("CONTRACT_SIDECAR_VALUE", f"{where} must be a list of rules", node)
            return []
        out: list[Rule] = []
        names: set[str] = set()
        for index, item in enumerate(node.value):
            self.positions[f"rules/{phase}/{index}"] = self.mark(item)
            rule = self.rule(item, phase, f"{where}[{index}]")
            if rule is None:
                continue
            if rule.name in names:
                self.error("CONTRACT_RULE_INVALID", f"{where}: rule name {rule.name!r} is repeated", item)
                continue
            names.add(rule.name)
            out.append(rule)
        return out

    def rule(self, node: Any, phase: str, where: str) -> Rule | None:
        yaml = _yaml()
        raw = self.mapping(node, where, (*_RULE_KEYS, *_RULE_ALIASES))
        if not raw and not isinstance(node, yaml.MappingNode):
            return None
        entries: dict[str, tuple[Any, Any]] = {}
        for key, value in raw.items():
            canonical = _RULE_ALIASES.get(key, key)
            if canonical in entries:
                self.error("CONTRACT_SIDECAR_KEY", f"{where}: {key!r} repeats {canonical!r}", value[0])
                continue
            entries[canonical] = value
        before = len(self.findings)
        name = self.required(entries, "name", where, node)
        if name is not None and not _RULE_NAME.match(name):
            self.error(
                "CONTRACT_RULE_INVALID",
                f"{where}: rule name {name!r} is not valid",
                entries["name"][1],
                hint="Confluent rule names start with a letter or _ and hold only letters, digits and _.",
            )
        label = f"rule {name!r}" if name else where
        modes = DOMAIN_MODES if phase == "domain" else MIGRATION_MODES
        kind = self.choice(
            entries, "kind", KINDS, label, node, default_note="Confluent defaults to TRANSFORM"
        )
        mode = self.choice(
            entries, "mode", modes, label, node, default_note="Confluent defaults to WRITEREAD"
        )
        rule_type = self.choice(entries, "type", RULE_TYPES, label, node)
        expr_node = entries.get("expr", (None, None))[1]
        expr = self.string(expr_node, f"{label}: expr") if expr_node is not None else None
        tags = (
            [text for text, _ in self.strings(entries["tags"][1], f"{label}: tags")]
            if "tags" in entries
            else []
        )
        params = {}
        if "params" in entries:
            params = {k: v for k, (v, _) in self.string_map(entries["params"][1], f"{label}: params").items()}
        doc = self.string(entries["doc"][1], f"{label}: doc") if "doc" in entries else None
        disabled = (
            self.boolean(entries["disabled"][1], f"{label}: disabled") if "disabled" in entries else False
        )
        on_success = self.action(entries, "on_success", mode, label)
        on_failure = self.action(entries, "on_failure", mode, label)
        if rule_type in _EXPR_TYPES and expr is None and "expr" not in entries:
            self.error("CONTRACT_RULE_INVALID", f"{label}: a {rule_type} rule needs expr", node)
        if rule_type == "ENCRYPT":
            self.check_encrypt(kind, tags, params, label, entries, node)
        if rule_type and expr is not None and expr_node is not None:
            self.check_expression(rule_type, phase, expr, expr_node, label)
        if len(self.findings) > before or name is None or kind is None or mode is None or rule_type is None:
            return None
        return Rule(
            name=name,
            kind=kind,
            mode=mode,
            type=rule_type,
            expr=expr,
            tags=tuple(tags),
            params=params,
            on_success=on_success,
            on_failure=on_failure,
            disabled=disabled,
            doc=doc,
            position=self.mark(node),
        )

    def required(self, entries: dict[str, tuple[Any, Any]], key: str, label: str, node: Any) -> str | None:
        if key not in entries:
            self.error("CONTRACT_RULE_INVALID", f"{label}: {key} is missing", node)
            return None
        return self.string(entries[key][1], f"{label}: {key}")

    def choice(
        self,
        entries: dict[str, tuple[Any, Any]],
        key: str,
        allowed: tuple[str, ...],
        label: str,
        node: Any,
        default_note: str | None = None,
    ) -> str | None:
        if key not in entries:
            note = f" ({default_note}: write it out)" if default_note else ""
            self.error("CONTRACT_RULE_INVALID", f"{label}: {key} is missing{note}", node)
            return None
        value = self.string(entries[key][1], f"{label}: {key}")
        if value is None:
            return None
        if value not in allowed:
            extra = ""
            if key == "mode" and value in MODES:
                extra = " here: domain rules run on WRITE/READ, migration rules on UPGRADE/DOWNGRADE"
            elif key == "type" and value == "ENCRYPT_PAYLOAD":
                extra = ": it is an encoding rule, which contractctl sidecars do not carry"
            self.error(
                "CONTRACT_RULE_INVALID",
                f"{label}: {key} {value!r} is not allowed{extra}",
                entries[key][1],
                hint=f"Use one of: {', '.join(allowed)}.",
            )
            return None
        return value

    def boolean(self, node: Any, where: str) -> bool:
        yaml = _yaml()
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in ("true", "yes", "on", "y")
        self.error("CONTRACT_SIDECAR_VALUE", f"{where} must be true or false", node)
        return False

    def action(
        self, entries: dict[str, tuple[Any, Any]], key: str, mode: str | None, label: str
    ) -> str | None:
        if key not in entries:
            return None
        node = entries[key][1]
        value = self.string(node, f"{label}: {key}")
        if value is None:
            return None
        parts = [part.strip() for part in value.split(",")]
        if len(parts) > 2 or (len(parts) == 2 and mode not in ("WRITEREAD", "UPDOWN")):
            self.error(
                "CONTRACT_RULE_INVALID",
                f"{label}: {key} {value!r}: a pair of actions is only for WRITEREAD or UPDOWN rules",
                node,
                hint="The first action applies on write (or upgrade), the second on read (or downgrade).",
            )
            return None
        for part in parts:
            if part not in ACTIONS:
                self.error(
                    "CONTRACT_RULE_INVALID",
                    f"{label}: {key} action {part!r} is not one of {', '.join(ACTIONS)}",
                    node,
                )
                return None
        return value

    def check_encrypt(
        self,
        kind: str | None,
        tags: list[str],
        params: dict[str, str],
        label: str,
        entries: dict[str, tuple[Any, Any]],
        node: Any,
    ) -> None:
        if kind is not None and kind != "TRANSFORM":
            self.error(
                "CONTRACT_RULE_INVALID", f"{label}: an ENCRYPT rule is a TRANSFORM", entries["kind"][1]
            )
        if not tags:
            self.error(
                "CONTRACT_RULE_INVALID",
                f"{label}: an ENCRYPT rule needs tags: it encrypts the fields carrying them",
                node,
            )
        algorithm = params.get("encrypt.dek.algorithm")
        if algorithm is not None and algorithm not in _DEK_ALGORITHMS:
            self.error(
                "CONTRACT_RULE_INVALID",
                f"{label}: encrypt.dek.algorithm {algorithm!r} is not one of {', '.join(_DEK_ALGORITHMS)}",
                entries["params"][1],
            )

    def check_expression(self, rule_type: str, phase: str, expr: str, node: Any, label: str) -> None:
        locate = self.text.locator(node)
        if rule_type == "JSONATA":
            failure = _jsonata_problem(expr)
            if failure is not None:
                message, offset = failure
                self.error(
                    "CONTRACT_JSONATA_SYNTAX", f"{label}: JSONata does not parse: {message}", locate(offset)
                )
            return
        compiled, problems = cel.compile_cached(expr)
        for problem in problems:
            self.error("CONTRACT_CEL_SYNTAX", f"{label}: {problem.message}", locate(problem.offset))
        if compiled is None or phase != "domain" or self.model is None:
            return  # migration rules read another version's fields: only their syntax is checked
        for problem in cel.check_references(compiled, self.model, rule_type):
            self.error(
                "CONTRACT_CEL_REFERENCE",
                f"{label}: {problem.message}",
                locate(problem.offset),
                hint="A CEL rule sees the record as `message`; field names are the schema's.",
            )

    def check_rule_tags(self, rules: list[Rule], tags: dict[str, list[str]]) -> None:
        """A rule limited to tags no field carries would silently do nothing."""
        if self.model is None:
            return
        carried = {tag for values in tags.values() for tag in values}
        carried |= {tag for values in self.model.inline_tags().values() for tag in values}
        for rule in rules:
            for tag in rule.tags:
                if tag not in carried:
                    self.error(
                        "CONTRACT_RULE_TAG_UNUSED",
                        f"rule {rule.name!r} applies to tag {tag!r}, but no field carries it",
                        rule.position,
                        hint="Tag the fields under `tags:` (or inline in the schema), or fix the tag name.",
                    )


def _node_kind(node: Any) -> str:
    """How a sidecar message names what YAML read (`5` is a number, `yes` a boolean)."""
    yaml = _yaml()
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kinds = {
        "int": "a number",
        "float": "a number",
        "bool": "a boolean",
        "null": "nothing",
        "str": "a string",
    }
    return kinds.get(str(node.tag).rsplit(":", 1)[-1], "a scalar")


def _full_name_hint(full_names: list[str]) -> str:
    shown = ", ".join(full_names[:8]) + (", ..." if len(full_names) > 8 else "")
    return f"Field full names: {shown}." if full_names else ""


def _jsonata_problem(expr: str) -> tuple[str, int] | None:
    """(message, 0-based offset) when jsonata-python rejects the expression; None when it parses."""
    from jsonata import jexception  # type: ignore[import-untyped]
    from jsonata.jsonata import Jsonata  # type: ignore[import-untyped]

    try:
        Jsonata(expr)
    except jexception.JException as error:
        location = getattr(error, "location", None)
        offset = max(int(location) - 1, 0) if isinstance(location, int) else 0
        return str(error), min(offset, len(expr))
    except (RecursionError, ValueError, TypeError, IndexError, AttributeError) as error:
        return f"{type(error).__name__}: {error}", 0
    return None


def load_sidecar(
    path: PurePosixPath, text: str, schema: ParsedSchema, schema_type: SchemaType
) -> ContractMeta:
    """The validated sidecar; raises InvalidSchema with every problem found (file, line, column)."""
    from contractctl.generic.yaml_guard import YamlProblem, compose

    source = _Text(text)
    loader = _Loader(str(path), source, schema_type)
    try:
        root = compose(text)  # duplicate keys and alias bombs refused before anything walks the nodes
    except YamlProblem as problem:
        position = SourcePosition(problem.line, problem.column or 1) if problem.line else None
        loader.error("CONTRACT_SIDECAR_YAML", problem.message, position)
        raise InvalidSchema(loader.findings) from None
    meta = loader.load(root, schema)
    if loader.findings:
        raise InvalidSchema(sorted(loader.findings, key=lambda f: (f.line or 0, f.column or 0)))
    return meta
