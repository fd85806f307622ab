"""Avro: what changed between two versions of a contract, element by element, in schema order.

Both sides are resolved schemas (references inlined by name), so a change in a referenced contract
shows up as changes of the fields where this contract uses the type. Nested named types are followed
recursively and reported once, at the first place they are used (`lines[].sku`); `[]` steps into
array items and `{}` into map values. Whether a change is breaking is asked of the Avro Java
compatibility engine (contractctl.formats.avro.compat) on the two nodes concerned, in the directions
the subject's compatibility level checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from contractctl.formats.avro.compat import Incompatibility, check_reader_writer
from contractctl.formats.avro.resolve import PRIMITIVES, Node, ResolvedSchema, deref, type_of
from contractctl.formats.vocabulary.change import Change
from contractctl.formats.vocabulary.markup import code, names, short, value

_NAMED_KINDS = frozenset({"RECORD", "ENUM", "FIXED"})
_NAMED_OWN_KEYS = frozenset(
    {"type", "name", "namespace", "doc", "aliases", "fields", "symbols", "default", "size"}
)
_FIELD_OWN_KEYS = frozenset({"name", "type", "default", "doc", "aliases"})
_LOGICAL_KEYS = ("logicalType", "precision", "scale")
_TYPE_ONLY = frozenset({"TYPE_MISMATCH", "MISSING_UNION_BRANCH"})


def simple_name(full: str) -> str:
    return full.rsplit(".", 1)[-1]


def _namespace(full: str) -> str:
    return full.rsplit(".", 1)[0] if "." in full else "(none)"


def render_type(node: Node) -> str:
    """Compact type text for a changelog line: `long`, `[null, string]`, `array<Line>`, `map<string>`."""
    if isinstance(node, str):
        return node if node in PRIMITIVES else simple_name(node)
    if isinstance(node, list):
        return "[" + ", ".join(render_type(branch) for branch in node) + "]"
    kind = str(node["type"])
    if kind in ("record", "error", "enum", "fixed"):
        return simple_name(str(node["name"]))
    if kind == "array":
        return f"array<{render_type(node['items'])}>"
    if kind == "map":
        return f"map<{render_type(node['values'])}>"
    logical = node.get("logicalType")
    if logical == "decimal":
        return f"{kind} (decimal {node.get('precision')},{node.get('scale', 0)})"
    return f"{kind} ({logical})" if isinstance(logical, str) else kind


def _logical(node: Node) -> tuple[Any, ...]:
    if isinstance(node, dict):
        return (node["type"], *(node.get(key) for key in _LOGICAL_KEYS))
    return (node,)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _props(node: Mapping[str, Any], own: frozenset[str]) -> dict[str, Any]:
    return {key: item for key, item in node.items() if key not in own}


def _segments(location: str) -> list[str]:
    return [segment for segment in location.split("/") if segment]


class AvroDiff:
    """One comparison; `directions` holds "backward" and/or "forward" (what the level checks)."""

    def __init__(self, old: ResolvedSchema, new: ResolvedSchema, directions: frozenset[str]) -> None:
        self.old = old
        self.new = new
        self.directions = directions
        self.changes: list[Change] = []
        self._visited: set[tuple[str, str]] = set()

    def run(self) -> list[Change]:
        self._position("", "schema", self.old.root, self.new.root)
        return self.changes

    def _add(self, kind: str, element: str, detail: str, breaking: bool | None) -> None:
        self.changes.append(Change(kind, element, detail, breaking))

    # -- the compatibility engine on two nodes ----------------------------------------------------

    def _engine(self, old: Node, new: Node) -> dict[str, list[Incompatibility]]:
        """Incompatibilities per checked direction, the nodes taken as whole schemas."""
        old_schema = ResolvedSchema(old, self.old.names, (), frozenset())
        new_schema = ResolvedSchema(new, self.new.names, (), frozenset())
        out: dict[str, list[Incompatibility]] = {}
        if "backward" in self.directions:
            out["backward"] = check_reader_writer(new_schema, old_schema)
        if "forward" in self.directions:
            out["forward"] = check_reader_writer(old_schema, new_schema)
        return out

    def _type_breaking(self, old: Node, new: Node) -> bool:
        """Only this position's own type counts: nested records' fields are judged where they change."""
        return any(
            item.type in _TYPE_ONLY and "fields" not in _segments(item.location)
            for found in self._engine(old, new).values()
            for item in found
        )

    # -- types and positions ------------------------------------------------------------------------

    def _same_named(self, old: dict[str, Any], new: dict[str, Any], loose: bool) -> bool:
        """The same named type: same full name, an alias naming the old one, or (loose) a plain rename."""
        if type_of(old, self.old.names) != type_of(new, self.new.names):
            return False
        old_name, new_name = str(old["name"]), str(new["name"])
        if old_name == new_name or old_name in new.get("aliases", []):
            return True
        return loose and old_name not in self.new.names and new_name not in self.old.names

    def _equivalent(self, old: Node, new: Node) -> bool:
        old_def, new_def = deref(old, self.old.names), deref(new, self.new.names)
        kind = type_of(old_def, self.old.names)
        if kind != type_of(new_def, self.new.names):
            return False
        if isinstance(old_def, list) and isinstance(new_def, list):
            return len(old_def) == len(new_def) and all(map(self._equivalent, old_def, new_def))
        if kind in _NAMED_KINDS:
            assert isinstance(old_def, dict) and isinstance(new_def, dict)
            return self._same_named(old_def, new_def, loose=True)
        if kind == "ARRAY":
            assert isinstance(old_def, dict) and isinstance(new_def, dict)
            return self._equivalent(old_def["items"], new_def["items"])
        if kind == "MAP":
            assert isinstance(old_def, dict) and isinstance(new_def, dict)
            return self._equivalent(old_def["values"], new_def["values"])
        return _logical(old_def) == _logical(new_def)

    def _position(self, path: str, element: str, old: Node, new: Node) -> None:
        self._type_change(element, old, new)
        self._descend(path, old, new)

    def _type_change(self, element: str, old: Node, new: Node) -> None:
        if not self._equivalent(old, new):
            detail = f"{code(render_type(old))} -> {code(render_type(new))}"
            self._add("type-changed", element, detail, self._type_breaking(old, new))

    def _descend(self, path: str, old: Node, new: Node) -> None:
        """Follow both sides into the types they share (union branches paired), looking for changes."""
        old_def, new_def = deref(old, self.old.names), deref(new, self.new.names)
        olds: list[Node] = list(old_def) if isinstance(old_def, list) else [old_def]
        news: list[Node] = list(new_def) if isinstance(new_def, list) else [new_def]
        for old_branch, new_branch in self._pairs(olds, news):
            self._descend_single(path, old_branch, new_branch)

    def _pairs(self, olds: list[Node], news: list[Node]) -> list[tuple[Node, Node]]:
        pairs: list[tuple[Node, Node]] = []
        used: set[int] = set()
        for loose in (False, True):
            for new in news:
                if any(new is paired for _, paired in pairs):
                    continue
                for index, old in enumerate(olds):
                    if index not in used and self._branch_match(old, new, loose):
                        used.add(index)
                        pairs.append((old, new))
                        break
        return pairs

    def _branch_match(self, old: Node, new: Node, loose: bool) -> bool:
        old_def, new_def = deref(old, self.old.names), deref(new, self.new.names)
        kind = type_of(old_def, self.old.names)
        if kind != type_of(new_def, self.new.names):
            return False
        if kind in _NAMED_KINDS:
            assert isinstance(old_def, dict) and isinstance(new_def, dict)
            return self._same_named(old_def, new_def, loose)
        return True

    def _descend_single(self, path: str, old: Node, new: Node) -> None:
        old_def, new_def = deref(old, self.old.names), deref(new, self.new.names)
        if not isinstance(old_def, dict) or not isinstance(new_def, dict):
            return
        kind = type_of(old_def, self.old.names)
        if kind == "ARRAY":
            self._position(
                path + "[]", f"items of {code(path or 'schema')}", old_def["items"], new_def["items"]
            )
        elif kind == "MAP":
            values = f"values of {code(path or 'schema')}"
            self._position(path + "{}", values, old_def["values"], new_def["values"])
        elif kind in _NAMED_KINDS:
            self._named(path, old_def, new_def)

    # -- named types ----------------------------------------------------------------------------------

    def _named(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_name, new_name = str(old["name"]), str(new["name"])
        if (old_name, new_name) in self._visited:
            return
        self._visited.add((old_name, new_name))
        kind = type_of(new, self.new.names).lower()
        element = f"{kind} {code(simple_name(new_name))}"
        if old_name != new_name:
            breaking = any(
                item.type == "NAME_MISMATCH" and item.location == "/name"
                for found in self._engine(old, new).values()
                for item in found
            )
            if simple_name(old_name) != simple_name(new_name):
                kept = ", old name kept as alias" if old_name in new.get("aliases", []) else ""
                self._add("renamed", element, f"{code(old_name)} -> {code(new_name)}{kept}", breaking)
            else:
                detail = f"namespace {code(_namespace(old_name))} -> {code(_namespace(new_name))}"
                self._add("moved", element, detail, breaking)
        self._annotations(element, old, new, _NAMED_OWN_KEYS)
        if kind == "record":
            self._fields(path, element, old, new)
        elif kind == "enum":
            self._enum(element, old, new)
        elif old["size"] != new["size"]:
            breaking = any(
                item.type == "FIXED_SIZE_MISMATCH"
                for found in self._engine(old, new).values()
                for item in found
            )
            self._add("size-changed", element, f"{old['size']} -> {new['size']} bytes", breaking)

    def _annotations(
        self, element: str, old: Mapping[str, Any], new: Mapping[str, Any], own: frozenset[str]
    ) -> None:
        """Docs, aliases and custom properties: never breaking, worth a line in release notes."""
        if old.get("doc") != new.get("doc"):
            if "doc" not in old:
                detail = f"added: {code(short(str(new['doc'])))}"
            elif "doc" not in new:
                detail = f"removed (was {code(short(str(old['doc'])))})"
            else:
                detail = f"{code(short(str(old['doc'])))} -> {code(short(str(new['doc'])))}"
            self._add("doc-changed", element, detail, False)
        old_aliases, new_aliases = list(old.get("aliases", [])), list(new.get("aliases", []))
        if old_aliases != new_aliases:
            added = [a for a in new_aliases if a not in old_aliases]
            removed = [a for a in old_aliases if a not in new_aliases]
            parts = ([f"added {names(added)}"] if added else []) + (
                [f"removed {names(removed)}"] if removed else []
            )
            self._add("aliases-changed", element, "; ".join(parts) or "reordered", False)
        old_props, new_props = _props(old, own), _props(new, own)
        for key in sorted(old_props.keys() | new_props.keys()):
            if _same(old_props.get(key, _MISSING), new_props.get(key, _MISSING)):
                continue
            before = value(old_props[key]) if key in old_props else "(none)"
            after = value(new_props[key]) if key in new_props else "(none)"
            self._add("property-changed", element, f"{code(key)}: {before} -> {after}", False)

    def _fields(self, path: str, element: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_fields = {str(f["name"]): f for f in old["fields"]}
        matched: dict[str, str] = {}  # new name -> old name
        for field in new["fields"]:
            if field["name"] in old_fields:
                matched[field["name"]] = field["name"]
        taken = set(matched.values())
        for field in new["fields"]:
            if field["name"] in matched:
                continue
            alias = next((a for a in field.get("aliases", []) if a in old_fields and a not in taken), None)
            if alias is not None:
                matched[field["name"]] = alias
                taken.add(alias)
        order_before = [str(f["name"]) for f in old["fields"] if f["name"] in taken]
        order_after = [matched[str(f["name"])] for f in new["fields"] if f["name"] in matched]
        if order_before != order_after:
            self._add("fields-reordered", element, f"{names(order_before)} -> {names(order_after)}", False)
        for field in new["fields"]:
            name = str(field["name"])
            where = _join(path, name)
            field_element = f"field {code(where)}"
            if name not in matched:
                breaking = "backward" in self.directions and "default" not in field
                self._add("added", field_element, _field_summary(field), breaking)
                continue
            before = old_fields[matched[name]]
            if matched[name] != name:
                breaking = "forward" in self.directions and "default" not in before
                self._add(
                    "renamed",
                    field_element,
                    f"{code(matched[name])} -> {code(name)}, old name kept as alias",
                    breaking,
                )
            self._field(where, field_element, before, field)
        for field in old["fields"]:
            if field["name"] not in taken:
                breaking = "forward" in self.directions and "default" not in field
                where = _join(path, str(field["name"]))
                self._add("removed", f"field {code(where)}", _field_summary(field), breaking)

    def _field(self, where: str, element: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        self._type_change(element, old["type"], new["type"])
        if not _same(old.get("default", _MISSING), new.get("default", _MISSING)):
            if "default" not in old:
                self._add("default-added", element, value(new["default"]), False)
            elif "default" not in new:
                self._add("default-removed", element, f"was {value(old['default'])}", False)
            else:
                self._add(
                    "default-changed", element, f"{value(old['default'])} -> {value(new['default'])}", False
                )
        self._annotations(element, old, new, _FIELD_OWN_KEYS)
        self._descend(where, old["type"], new["type"])

    def _enum(self, element: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_symbols, new_symbols = list(old["symbols"]), list(new["symbols"])
        added = [s for s in new_symbols if s not in old_symbols]
        removed = [s for s in old_symbols if s not in new_symbols]
        engine = self._engine(old, new) if added or removed else {}

        def missing(direction: str) -> bool:
            return any(item.type == "MISSING_ENUM_SYMBOLS" for item in engine.get(direction, []))

        if added:
            self._add("symbols-added", element, names(added), missing("forward"))
        if removed:
            self._add("symbols-removed", element, names(removed), missing("backward"))
        if not added and not removed and old_symbols != new_symbols:
            self._add("symbols-reordered", element, f"{names(old_symbols)} -> {names(new_symbols)}", False)
        if old.get("default") != new.get("default"):
            before = code(str(old["default"])) if "default" in old else "(none)"
            after = code(str(new["default"])) if "default" in new else "(none)"
            self._add("default-changed", element, f"{before} -> {after}", False)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def _same(old: Any, new: Any) -> bool:
    """JSON equality: Python's would take 1 for 1.0 and 0 for false."""
    if old is _MISSING or new is _MISSING:
        return old is new
    return json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)


def _field_summary(field: Mapping[str, Any]) -> str:
    summary = code(render_type(field["type"]))
    return f"{summary}, default {value(field['default'])}" if "default" in field else f"{summary}, no default"


def diff_avro(old: ResolvedSchema, new: ResolvedSchema, directions: frozenset[str]) -> list[Change]:
    """Every change from `old` to `new`; `directions` says which compatibility directions count."""
    return AvroDiff(old, new, directions).run()
