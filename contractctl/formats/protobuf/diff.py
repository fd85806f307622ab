"""Confluent Schema Registry's Protobuf diff (protobuf-provider .../diff), re-derived on our views.

`compare(original, update)` returns the differences Confluent's SchemaDiff.compare reports, with the same
types and `#/...` paths; a pair is compatible when every type is in COMPATIBLE_CHANGES. For a level
check, `original` is the schema the data was written with and `update` the one reading it.

Two rule sets for oneofs, because registries in the field answer differently:

* ``current``: since commit 3f5ff24387e (DGS-24604, 2026-06-19), in the build tags (`vX.Y.Z-N`) of
  7.5.16, 7.6.13, 7.7.11, 7.8.10, 7.9.9, 8.0.7, 8.1.5, 8.2.3, 8.3.0, 8.4.0 and 8.5.0, but not in the
  plain release tags of those versions (`v7.5.16` to `v8.3.1`, cut from branches without it).
  Fields are matched by tag across the whole message whatever oneof they are in; new mutual
  exclusivity is incompatible; moving a field out of a oneof is ONEOF_FIELD_MOVED_TO_TOP_LEVEL
  (compatible).
* ``legacy``: every older release, and those plain tags. Oneofs are matched by name, a top-level
  field moved into a oneof drops out of the comparison, and a field leaving a oneof is
  ONEOF_FIELD_REMOVED + FIELD_ADDED.

Where Confluent iterates a Java HashSet (message, enum and oneof names) the order here is sorted; the
differences are the same multiset.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from contractctl.formats.protobuf.model import (
    EnumView,
    FieldView,
    FileView,
    MapOf,
    MessageView,
    Named,
    Scalar,
    SchemaView,
    TypeInfo,
    TypeRef,
)

OneofRules = Literal["current", "legacy"]

DIFFERENCE_TYPES = (
    "PACKAGE_CHANGED",
    "MESSAGE_ADDED",
    "MESSAGE_REMOVED",
    "MESSAGE_MOVED",
    "ENUM_ADDED",
    "ENUM_REMOVED",
    "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED",
    "ENUM_CONST_REMOVED",
    "FIELD_ADDED",
    "FIELD_REMOVED",
    "FIELD_NAME_CHANGED",
    "FIELD_KIND_CHANGED",
    "FIELD_SCALAR_KIND_CHANGED",
    "FIELD_NAMED_TYPE_CHANGED",
    "FIELD_NUMERIC_LABEL_CHANGED",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "REQUIRED_FIELD_ADDED",
    "REQUIRED_FIELD_REMOVED",
    "ONEOF_ADDED",
    "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED",
    "ONEOF_FIELD_REMOVED",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
    "FIELD_MOVED_TO_EXISTING_ONEOF",
)

_COMPATIBLE_ALWAYS = frozenset(
    {
        "MESSAGE_ADDED",
        "MESSAGE_MOVED",
        "ENUM_ADDED",
        "ENUM_REMOVED",
        "ENUM_CONST_ADDED",
        "ENUM_CONST_CHANGED",
        "ENUM_CONST_REMOVED",
        "FIELD_ADDED",
        "FIELD_REMOVED",
        "FIELD_NAME_CHANGED",
        "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
        "ONEOF_ADDED",
        "ONEOF_REMOVED",
        "ONEOF_FIELD_ADDED",
    }
)
COMPATIBLE_CHANGES = {
    "current": _COMPATIBLE_ALWAYS | {"ONEOF_FIELD_MOVED_TO_TOP_LEVEL"},
    "legacy": _COMPATIBLE_ALWAYS,
}

_SCALAR_GROUPS = {
    "int32": "GENERAL_NUMBER",
    "int64": "GENERAL_NUMBER",
    "uint32": "GENERAL_NUMBER",
    "uint64": "GENERAL_NUMBER",
    "bool": "GENERAL_NUMBER",
    "sint32": "SIGNED_NUMBER",
    "sint64": "SIGNED_NUMBER",
    "string": "STRING_OR_BYTES",
    "bytes": "STRING_OR_BYTES",
    "fixed32": "FIXED32",
    "sfixed32": "FIXED32",
    "fixed64": "FIXED64",
    "sfixed64": "FIXED64",
    "float": "FLOAT",
    "double": "DOUBLE",
}


_READER = "the earlier version (the reader under FORWARD)"


@dataclass(unsafe_hash=True)  # read-only by convention: see model.Scalar
class Difference:
    type: str
    path: str  # Confluent's "#/Msg/3" form
    detail: str  # what changed from the old version to the new one, in words, for the finding's message
    # the import path of the new version's file that `path` points into, when the walk followed a field
    # into a referenced type (Confluent's path then starts at that type); None: the compared file
    within: str | None = dataclasses.field(default=None, compare=False)


class _Context:
    """The walk's state: where we are (path), what we found, which messages are being compared.

    Inside a walk into a referenced message type (a `sub` context) it also records what the walk's
    result depended on, so that `DiffMemo` can hand the result to later walks that would repeat it.
    """

    __slots__ = (
        "active",
        "base",
        "deps",
        "external",
        "forward",
        "found",
        "free",
        "local",
        "memo",
        "original",
        "path",
        "record",
        "reusable",
        "rules",
        "same_pairs",
        "update",
        "verdict",
        "within",
    )

    def __init__(
        self,
        original: SchemaView,
        update: SchemaView,
        rules: OneofRules,
        memo: DiffMemo | None = None,
        forward: bool = False,
        verdict: bool = False,
    ) -> None:
        self.original = original
        self.update = update
        self.rules: OneofRules = rules
        self.memo = memo
        self.forward = forward  # the original is the new version (FORWARD): see `gone`, `ordered`
        # only the incompatible differences are kept (`compare`'s verdict_only)
        self.verdict = verdict
        self.path: list[str] = []
        self.within: str | None = None  # see Difference.within
        self.found: list[Difference] = []
        # names both schemas take from their own files (`_same_body`): the update's own file's at
        # the top level (None until first asked), none in a walk into a referenced type
        self.local: frozenset[str] | None = None
        self.active: set[int] = set()  # ids of original messages under comparison (cycle guard)
        # what a sub walk depends on (recorded only when `record`): see DiffMemo
        self.record = False
        self.base: set[int] = set()  # `active` when this walk started: the enclosing walks' messages
        self.deps = _Deps()
        self.external: set[int] = set()  # messages the guard stopped because of `base` (see _Deps)
        self.reusable = True  # False: a lookup found no type (the key cannot be proven to hold)
        # the (old file, new file) pairs these two schemas call the same source: see DiffMemo
        self.same_pairs: frozenset[tuple[int, int]] = frozenset()
        # a context-free walk (DiffMemo.clean): follows every field, stops at no source, keeps no entry
        self.free = False

    def sub(self, root: str, within: str) -> _Context:
        """A walk into the referenced type `root`, defined in the new version's file `within`."""
        child = _Context(self.original, self.update, self.rules, self.memo, self.forward, self.verdict)
        child.local = _IN_SUB_WALK
        child.path = root.split(".")
        child.within = within
        child.active = set(self.active)
        if self.free:
            child.free = True
            child.base = set(self.active)
        elif self.memo is not None:
            child.record = True
            child.base = set(self.active)
            child.same_pairs = self.same_pairs
        return child

    def absorb(self, walk: _Context | _Entry) -> None:
        """What a walk nested in this one depended on becomes part of what this one depends on."""
        self.deps.parts.append(walk.deps)
        if isinstance(walk, _Context):
            self.external |= walk.external & self.base
            self.reusable = self.reusable and walk.reusable

    def add(self, kind: str, detail: str) -> None:
        if self.verdict and kind in COMPATIBLE_CHANGES[self.rules]:
            return
        self.found.append(Difference(kind, "#/" + "/".join(self.path), detail, self.within))

    def gone(self, kind: str, what: str) -> None:
        """`what` is in the original only: removed from the old version, or, under FORWARD (whose
        original is the new version), new in it. Worded as the user changed it, not as the swapped
        comparison sees it."""
        self.add(
            kind, f"{what} is new, and {_READER} does not have it" if self.forward else f"{what} was removed"
        )

    def came(self, kind: str, what: str) -> None:
        """`what` is in the update only: added, or, under FORWARD, removed from the new version."""
        self.add(
            kind, f"{what} was removed, and {_READER} still has it" if self.forward else f"{what} was added"
        )

    def ordered(self, before: str, after: str) -> tuple[str, str]:
        """The original's and the update's values as (the old version's, the new version's)."""
        return (after, before) if self.forward else (before, after)

    def compatible(self) -> bool:
        if self.verdict:
            return not self.found
        allowed = COMPATIBLE_CHANGES[self.rules]
        return all(d.type in allowed for d in self.found)


class _Deps:
    """What a walk's result depended on (see DiffMemo): the ids of the original messages the cycle
    guard was asked about (`checked`), the files whose types were looked up, by id, and the (old
    file, new file) pairs found of the same source; its own, and those of the walks nested in it
    (`parts`), by reference. `flat()` unites them when a remembered walk is first asked whether it
    holds: copying each nested walk's into the enclosing one's made a walk down a chain of depth d
    copy d ids at each of its d levels (140 MB of a deep PR check's memo, most never asked)."""

    __slots__ = ("_flat", "checked", "new_files", "old_files", "parts", "true_pairs")

    def __init__(self) -> None:
        self.checked: set[int] = set()
        self.old_files: dict[int, FileView] = {}
        self.new_files: dict[int, FileView] = {}
        self.true_pairs: set[tuple[int, int]] = set()
        self.parts: list[_Deps] = []
        self._flat: _Deps | None = None

    def flat(self) -> _Deps:
        """These with every nested walk's united (once the walk is done: no part changes then)."""
        if not self.parts:
            return self
        if self._flat is None:
            out = _Deps()
            seen = {id(self)}
            pending = [self]
            while pending:  # iterative: nested walks are as deep as import chains
                deps = pending.pop()
                if deps._flat is not None and deps is not self:
                    deps = deps._flat  # united already: its parts need no visit
                out.checked |= deps.checked
                out.old_files.update(deps.old_files)
                out.new_files.update(deps.new_files)
                out.true_pairs |= deps.true_pairs
                for part in deps.parts:
                    if id(part) not in seen:
                        seen.add(id(part))
                        pending.append(part)
            self._flat = out
        return self._flat


@dataclass(frozen=True)
class _Entry:
    """One remembered walk into a pair of message definitions, with what its result depended on."""

    original: MessageView
    update: MessageView
    found: tuple[Difference, ...]
    compatible: bool
    deps: _Deps

    def holds(self, ctx: _Context) -> bool:
        """Whether the walk, done again in `ctx`, would take the same turns (see DiffMemo)."""
        deps = self.deps.flat()
        same = ctx.same_pairs
        if not deps.true_pairs <= same:
            return False
        for old, new in same:
            if old in deps.old_files and new in deps.new_files and (old, new) not in deps.true_pairs:
                return False
        return ctx.active.isdisjoint(deps.checked)


def same_source_pairs(original: SchemaView, update: SchemaView) -> frozenset[tuple[int, int]]:
    """Every (old file, new file) pair whose types these two schemas take as the same source (both
    local, or the same direct reference with the same text): where the diff does not follow a field."""
    by_origin: dict[object, list[int]] = {}
    for key, origin in update.origin_files.items():
        by_origin.setdefault(origin, []).append(key)
    return frozenset(
        (old, new) for old, origin in original.origin_files.items() for new in by_origin.get(origin, ())
    )


_ENTRIES_PER_PAIR = 8  # walks of one pair in as many different settings: the rest are not kept


class DiffMemo:
    """Walks into referenced message types, remembered across compare() calls (and within one).

    Following a field into its message type's two definitions is the whole cost of a deep import
    chain: every importer's check walks the same definitions below it. The walk's result (the
    differences under the type's own `#/Type/...` path, and whether they are all compatible) is a
    function of:

    * the two definitions (`MessageView` objects, compared by identity; a view stands for one file
      content together with the views of its imports, recursively (model.FileViews), and so fixes
      every type name the walk resolves: `SchemaView.unique_names` makes sure no other definition of
      a name in the compared schemas' closures could answer instead);
    * the rule set, and the direction (it words the differences);
    * where the walk stops because both definitions come from the same source (both local, or the
      same direct reference with the same text): a question about a pair of files whose answer
      depends on the two schemas compared. An entry keeps the files its walk looked types up in and
      the pairs it found of the same source; it holds for two other schemas when those pairs are of
      the same source for them too, and no other pair of those files is (`same_source_pairs`: only
      each schema's own file and its direct references have a source, so these sets are small);
    * the cycle guard: the entry keeps every message the guard was asked about; it is reused only
      where none of them is already under comparison, and not kept if the guard stopped on a message
      of an enclosing walk.

    An entry is reused only when all of these are equal, so the differences are exactly those the
    walk would find (tests/unit/test_protobuf_diff_memo.py compares with the plain walk on views of
    their own, over the case corpus and generated trees).
    """

    def __init__(self) -> None:
        # by views, rules, direction, and whether compatible differences are left out
        self._entries: dict[tuple[int, int, str, bool, bool], list[_Entry]] = {}
        self.walks = 0  # walks done (each one a message pair followed from a field)
        self.reused = 0  # walks answered from an entry
        self.identical = 0  # walks not taken: one definition on both sides
        self.plain = 0  # walks not taken: one content naming no type on both sides (`_plain`)
        # by views, rules and direction: the answer of the pair's context-free walk (see `clean`)
        self._clean: dict[tuple[int, int, str, bool], tuple[MessageView, MessageView, bool]] = {}
        self.free_walks = 0  # context-free walks done
        self.clean_skips = 0  # walks not taken: nothing incompatible below, followed all the way

    def clean(
        self, ctx: _Context, original: MessageView, update: MessageView, root: str, within: str
    ) -> bool | None:
        """Whether the walk into this pair, following every field (no same-source stop) from an empty
        cycle guard, finds nothing incompatible; None where not known.

        For a verdict this answers every other setting too: a setting only adds places where the walk
        stops (same-source pairs, messages an enclosing walk is comparing), and a walk that stops
        sooner takes a part of the same turns, so it finds a part of the same differences. The
        contextual memo cannot give that answer: it keys a walk by its stops, which differ for every
        importer of a shared file whose own references moved (the deep PR shape: one walk down per
        importer). A context-free walk is taken once per pair, from a check's walk (never from
        inside another context-free walk, which walks on instead: `_free_walk`)."""
        key = (id(original), id(update), ctx.rules, ctx.forward)
        known = self._clean.get(key)
        if known is not None and known[0] is original and known[1] is update:
            if known[2] and not ctx.free:
                self.clean_skips += 1
            return known[2]
        if ctx.free:
            return None
        start = _Context(ctx.original, ctx.update, ctx.rules, self, ctx.forward, verdict=True)
        start.free = True
        _free_walk(start, original, update, root, within)
        known = self._clean.get(key)
        if known is None:
            return None
        if known[2]:
            self.clean_skips += 1
        return known[2]

    def remember(self, ctx: _Context, original: MessageView, update: MessageView, clean: bool) -> None:
        key = (id(original), id(update), ctx.rules, ctx.forward)
        self._clean[key] = (original, update, clean)

    def find(self, ctx: _Context, original: MessageView, update: MessageView) -> _Entry | None:
        for entry in self._entries.get((id(original), id(update), ctx.rules, ctx.forward, ctx.verdict), ()):
            if entry.original is original and entry.update is update and entry.holds(ctx):
                self.reused += 1
                return entry
        return None

    def keep(self, walk: _Context, original: MessageView, update: MessageView, compatible: bool) -> None:
        if not walk.reusable or walk.external:
            return
        key = (id(original), id(update), walk.rules, walk.forward, walk.verdict)
        entries = self._entries.setdefault(key, [])
        if len(entries) < _ENTRIES_PER_PAIR:
            entries.append(_Entry(original, update, tuple(walk.found), compatible, walk.deps))


def _free_walk(ctx: _Context, original: MessageView, update: MessageView, root: str, within: str) -> None:
    """Inside a context-free walk (or starting one), walk into a pair and add a difference when the
    walk finds anything. Its answer is the pair's own, and remembered, when it is not clean, or when
    the cycle guard stopped it on no message an enclosing walk was comparing (such a stop may have
    kept it from a part of its own walk that the enclosing walk did not take either)."""
    memo = ctx.memo
    assert memo is not None
    sub = ctx.sub(root, within)
    _compare_messages(sub, original, update)
    memo.free_walks += 1
    clean = not sub.found
    ctx.external |= sub.external & ctx.base
    ctx.reusable = ctx.reusable and sub.reusable
    if not clean:
        ctx.add("FIELD_NAMED_TYPE_CHANGED", f"message {root} changed incompatibly")
    if sub.reusable and (not clean or not sub.external):
        memo.remember(ctx, original, update, clean)


def compare(
    original: SchemaView,
    update: SchemaView,
    rules: OneofRules = "current",
    memo: DiffMemo | None = None,
    forward: bool = False,
    verdict_only: bool = False,
) -> list[Difference]:
    """Confluent's SchemaDiff.compare(original, update). `memo`: walks into referenced message types
    shared with other calls (see DiffMemo); the differences are the same with or without it.
    `forward`: the original is the new version (FORWARD's swapped comparison); the types and paths
    are the same, the details say what changed from the old version to the new one.
    `verdict_only`: only the differences not in COMPATIBLE_CHANGES, in the same order: a check
    reports no other, and a deep chain's compatible ones (a field added to every shared file) were
    copied into each enclosing walk's list, level by level."""
    usable = memo is not None and original.unique_names and update.unique_names
    ctx = _Context(original, update, rules, memo if usable else None, forward, verdict_only)
    if usable:
        ctx.same_pairs = same_source_pairs(original, update)
    if original.file.package != update.file.package:
        old, new = ctx.ordered(original.file.package or "(none)", update.file.package or "(none)")
        ctx.add("PACKAGE_CHANGED", f"package {old} became {new}")
    _compare_types(ctx, original.file.messages, original.file.enums, update.file.messages, update.file.enums)
    return ctx.found


def _compare_types(
    ctx: _Context,
    original_messages: list[MessageView],
    original_enums: list[EnumView],
    update_messages: list[MessageView],
    update_enums: list[EnumView],
) -> None:
    path = ctx.path
    before = {m.name: (i, m) for i, m in enumerate(original_messages)}
    after = {m.name: (i, m) for i, m in enumerate(update_messages)}
    for name in sorted(before.keys() | after.keys()):
        path.append(name)
        if name not in after:
            ctx.gone("MESSAGE_REMOVED", f"message {before[name][1].full_name}")
        elif name not in before:
            ctx.came("MESSAGE_ADDED", f"message {after[name][1].full_name}")
        else:
            _compare_messages(ctx, before[name][1], after[name][1])
            if before[name][0] != after[name][0]:
                old, new = ctx.ordered(str(before[name][0]), str(after[name][0]))
                ctx.add("MESSAGE_MOVED", f"message {name} moved from position {old} to {new}")
        path.pop()
    if not original_enums and not update_enums:
        return
    old_enums = {e.name: e for e in original_enums}
    new_enums = {e.name: e for e in update_enums}
    for name in sorted(old_enums.keys() | new_enums.keys()):
        path.append(name)
        if name not in new_enums:
            ctx.gone("ENUM_REMOVED", f"enum {old_enums[name].full_name}")
        elif name not in old_enums:
            ctx.came("ENUM_ADDED", f"enum {new_enums[name].full_name}")
        else:
            _compare_enums(ctx, old_enums[name], new_enums[name])
        path.pop()


def _compare_enums(ctx: _Context, original: EnumView, update: EnumView) -> None:
    old, new = original.values, update.values
    if old == new:
        return  # the same numbers with the same names: nothing to report
    path = ctx.path
    for number in sorted(old.keys() | new.keys()):
        path.append(str(number))
        if number not in new:
            ctx.gone("ENUM_CONST_REMOVED", f"{original.name}.{old[number]} = {number}")
        elif number not in old:
            ctx.came("ENUM_CONST_ADDED", f"{update.name}.{new[number]} = {number}")
        elif old[number] != new[number]:
            was, now = ctx.ordered(old[number], new[number])
            ctx.add("ENUM_CONST_CHANGED", f"{original.name} value {number} renamed {was} -> {now}")
        path.pop()


def _describe(message: MessageView, field: FieldView) -> str:
    where = f"oneof {field.oneof} of " if field.oneof else ""
    return f"field {field.name} = {field.number} in {where}message {message.full_name}"


def _compare_messages(ctx: _Context, original: MessageView, update: MessageView) -> None:
    key = id(original)
    if ctx.record:
        ctx.deps.checked.add(key)
    if key not in ctx.active:
        ctx.active.add(key)
        try:
            if original.fields is update.fields and original.oneofs is update.oneofs:
                _same_body(ctx, original, update)
            elif ctx.rules == "legacy":
                _compare_fields_legacy(ctx, original, update)
            else:
                _compare_fields(ctx, original, update)
        finally:
            ctx.active.discard(key)
    elif (ctx.record or ctx.free) and key in ctx.base:
        ctx.external.add(key)
    if original.messages or update.messages or original.enums or update.enums:
        _compare_types(ctx, original.messages, original.enums, update.messages, update.enums)


_IN_SUB_WALK: frozenset[str] = frozenset()  # `_Context.local` in a walk into a referenced type: none


def _same_body(ctx: _Context, original: MessageView, update: MessageView) -> None:
    """`_compare_fields` (or its legacy form) of two messages that share their fields (one file
    content: model.rewrapped): only fields naming a type can differ, by what that name stands for in
    each schema. The others are the same scalar with the same label; moved fields and oneof changes
    need two different bodies. At the top level (the own files' messages) a type the own file
    defines cannot differ either: both schemas take it from their own file (origin "local", where
    the diff stops) with the same kind. The fields left are compared in the order and at the paths
    the whole pass visits them, so the differences come out alike
    (tests/unit/test_protobuf_same_body.py)."""
    local = ctx.local
    if local is None:
        local = ctx.local = _defined(ctx.update.file)
    foreign = [f for f in _all_fields(update).values() if _names_foreign(f.type, local)]
    if not foreign:
        return
    path = ctx.path
    if ctx.rules == "legacy":  # oneof members by oneof name and tag, then top-level fields by tag
        foreign.sort(key=lambda f: (f.oneof is None, f.oneof or "", f.number))
    else:
        foreign.sort(key=lambda f: f.number)
    for field in foreign:
        if field.oneof is not None:
            path += (field.oneof, str(field.number))
            _compare_field(ctx, update, field, field)
            del path[-2:]
        else:
            path.append(str(field.number))
            _compare_field(ctx, update, field, field)
            path.pop()


def _names_foreign(ref: TypeRef, local: frozenset[str]) -> bool:
    """Whether a type names (directly or as a map's key or value) a type not in `local`."""
    kind = type(ref)
    if kind is Scalar:
        return False
    if kind is MapOf:
        assert isinstance(ref, MapOf)
        return _names_foreign(ref.key, local) or _names_foreign(ref.value, local)
    assert isinstance(ref, Named)
    return ref.full_name not in local


def _defined(file: FileView) -> frozenset[str]:
    """Every full name a file defines (messages and enums, nested ones too)."""
    names: list[str] = []
    pending: list[MessageView] = list(file.messages)
    names.extend(e.full_name for e in file.enums)
    while pending:
        message = pending.pop()
        names.append(message.full_name)
        names.extend(e.full_name for e in message.enums)
        pending.extend(message.messages)
    return frozenset(names)


def _plain(message: MessageView) -> bool:
    """Whether a message, its nested messages included, has only scalar and map-of-scalar fields."""
    pending = [message]
    while pending:
        current = pending.pop()
        for field in current.fields:
            if not _scalar_only(field.type):
                return False
        for _name, members in current.oneofs:
            for field in members:
                if not _scalar_only(field.type):
                    return False
        pending.extend(current.messages)
    return True


def _scalar_only(ref: TypeRef) -> bool:
    kind = type(ref)
    if kind is Scalar:
        return True
    if kind is MapOf:
        assert isinstance(ref, MapOf)
        return type(ref.key) is Scalar and type(ref.value) is Scalar
    return False


def _all_fields(message: MessageView) -> dict[int, FieldView]:
    by_tag = {f.number: f for f in message.fields}
    for _name, members in message.oneofs:
        by_tag.update({f.number: f for f in members})
    return by_tag


def _compare_fields(ctx: _Context, original: MessageView, update: MessageView) -> None:
    """The current rules: one pass by tag over top-level fields and oneof members together."""
    path = ctx.path
    old = _all_fields(original)
    new = _all_fields(update)
    if original.oneofs or update.oneofs:
        _compare_oneofs(ctx, original, update, old, new)
    for tag in sorted(old.keys() | new.keys()):
        before, after = old.get(tag), new.get(tag)
        if after is None:
            assert before is not None
            if before.oneof is not None:
                if not _oneof_deleted(before.oneof, original, update, new):
                    path += (before.oneof, str(tag))
                    ctx.gone("ONEOF_FIELD_REMOVED", _describe(original, before))
                    del path[-2:]
            else:
                path.append(str(tag))
                _removed(ctx, original, before)
                path.pop()
        elif before is None:
            if after.oneof is not None:
                path += (after.oneof, str(tag))
                ctx.came("ONEOF_FIELD_ADDED", _describe(update, after))
                del path[-2:]
            else:
                path.append(str(tag))
                _added(ctx, update, after)
                path.pop()
        else:
            if before.oneof is not None and after.oneof is None:
                path.append(str(tag))
                move = "into" if ctx.forward else "out of"
                ctx.add(
                    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
                    f"field {after.name} = {tag} moved {move} oneof {before.oneof} of message "
                    f"{update.full_name}",
                )
                path.pop()
            if after.oneof is not None:
                path += (after.oneof, str(tag))
                _compare_field(ctx, update, before, after)
                del path[-2:]
            else:
                path.append(str(tag))
                _compare_field(ctx, update, before, after)
                path.pop()


def _oneof_deleted(name: str, original: MessageView, update: MessageView, new: dict[int, FieldView]) -> bool:
    """A oneof gone from the update, none of whose members is anywhere in it: reported as removed,
    its members not one by one."""
    if any(existing == name for existing, _members in update.oneofs):
        return False
    members = next(members for existing, members in original.oneofs if existing == name)
    return not any(f.number in new for f in members)


def _compare_oneofs(
    ctx: _Context,
    original: MessageView,
    update: MessageView,
    old: dict[int, FieldView],
    new: dict[int, FieldView],
) -> None:
    path = ctx.path
    for name, members in update.oneofs:
        groups: set[str] = set()
        moved_top_level = 0
        for member in members:
            before = old.get(member.number)
            if before is None:
                continue
            if before.oneof is not None:
                groups.add(f"oneof:{before.oneof}")
            else:
                groups.add(f"field:{member.number}")
                moved_top_level += 1
        if len(groups) > 1:
            path.append(name)
            if moved_top_level > 1:
                backward = (
                    f"oneof {name} of message {update.full_name} now makes {moved_top_level} "
                    "formerly independent fields mutually exclusive"
                )
                ctx.add(
                    "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
                    _gathered(ctx, name, update, backward, f"{moved_top_level} "),
                )
            else:
                backward = (
                    f"oneof {name} of message {update.full_name} gathers fields that were not exclusive"
                )
                ctx.add("FIELD_MOVED_TO_EXISTING_ONEOF", _gathered(ctx, name, update, backward))
            path.pop()
    old_oneofs = {name: members for name, members in original.oneofs}
    new_oneofs = {name: members for name, members in update.oneofs}
    for name in sorted(old_oneofs.keys() | new_oneofs.keys()):
        if name not in new_oneofs:
            path.append(name)
            ctx.gone("ONEOF_REMOVED", f"oneof {name} of message {original.full_name}")
            path.pop()
        elif name not in old_oneofs:
            path.append(name)
            ctx.came("ONEOF_ADDED", f"oneof {name} of message {update.full_name}")
            path.pop()


def _compare_fields_legacy(ctx: _Context, original: MessageView, update: MessageView) -> None:
    """The rules before DGS-24604: oneofs matched by name, moved fields dropped from the comparison."""
    path = ctx.path
    old_top = {f.number: f for f in original.fields}
    new_top = {f.number: f for f in update.fields}
    old_members = {f.number: f for _name, members in original.oneofs for f in members}
    for name, members in update.oneofs:
        moved = existing = 0
        for member in members:
            if old_top.pop(member.number, None) is not None:
                moved += 1
            elif member.number in old_members:
                existing += 1
        path.append(name)
        if moved > 1:
            backward = f"oneof {name} of message {update.full_name} takes in {moved} top-level fields"
            ctx.add("MULTIPLE_FIELDS_MOVED_TO_ONEOF", _gathered(ctx, name, update, backward, f"{moved} "))
        elif moved == 1 and existing > 0:
            backward = f"a top-level field moved into the existing oneof {name} of message {update.full_name}"
            ctx.add("FIELD_MOVED_TO_EXISTING_ONEOF", _gathered(ctx, name, update, backward))
        path.pop()
    old_oneofs = {name: members for name, members in original.oneofs}
    new_oneofs = {name: members for name, members in update.oneofs}
    for name in sorted(old_oneofs.keys() | new_oneofs.keys()):
        path.append(name)
        if name not in new_oneofs:
            ctx.gone("ONEOF_REMOVED", f"oneof {name} of message {original.full_name}")
        elif name not in old_oneofs:
            ctx.came("ONEOF_ADDED", f"oneof {name} of message {update.full_name}")
        else:
            before_members = {f.number: f for f in old_oneofs[name]}
            after_members = {f.number: f for f in new_oneofs[name]}
            for tag in sorted(before_members.keys() | after_members.keys()):
                path.append(str(tag))
                if tag not in after_members:
                    ctx.gone("ONEOF_FIELD_REMOVED", _describe(original, before_members[tag]))
                elif tag not in before_members:
                    ctx.came("ONEOF_FIELD_ADDED", _describe(update, after_members[tag]))
                else:
                    _compare_field(ctx, update, before_members[tag], after_members[tag])
                path.pop()
        path.pop()
    for tag in sorted(old_top.keys() | new_top.keys()):
        path.append(str(tag))
        if tag not in new_top:
            _removed(ctx, original, old_top[tag])
        elif tag not in old_top:
            _added(ctx, update, new_top[tag])
        else:
            _compare_field(ctx, update, old_top[tag], new_top[tag])
        path.pop()


def _gathered(ctx: _Context, name: str, update: MessageView, backward: str, count: str = "") -> str:
    """MULTIPLE_FIELDS_MOVED_TO_ONEOF's and FIELD_MOVED_TO_EXISTING_ONEOF's words: the update's oneof
    holds fields the original sets independently, which under FORWARD the new version did to the
    old one's oneof (`count`: how many, "3 ")."""
    if not ctx.forward:
        return backward
    where = f"oneof {name} of message {update.full_name}"
    return f"the new version takes {count}fields out of {where}, which {_READER} holds mutually exclusive"


def _removed(ctx: _Context, message: MessageView, field: FieldView) -> None:
    ctx.gone(
        "REQUIRED_FIELD_REMOVED" if field.label == "required" else "FIELD_REMOVED", _describe(message, field)
    )


def _added(ctx: _Context, message: MessageView, field: FieldView) -> None:
    ctx.came(
        "REQUIRED_FIELD_ADDED" if field.label == "required" else "FIELD_ADDED", _describe(message, field)
    )


def _compare_field(ctx: _Context, update: MessageView, before: FieldView, after: FieldView) -> None:
    if before.name != after.name:
        was, now = ctx.ordered(before.name, after.name)
        ctx.add("FIELD_NAME_CHANGED", f"field {after.number} renamed {was} -> {now}")
    old_type, new_type = before.type, after.type
    if (
        type(old_type) is Scalar
        and type(new_type) is Scalar
        and old_type.name == new_type.name
        and before.label == after.label
    ):
        return  # the same scalar with the same label: _compare_types_of would find nothing
    _compare_types_of(ctx, update, after, before.label, after.label, old_type, new_type)


def _kind(view: SchemaView, ref: TypeRef) -> str:
    if isinstance(ref, Scalar):
        return "SCALAR"
    if isinstance(ref, MapOf):
        return "MAP"
    info = view.types.get(ref.full_name)
    return "SCALAR" if info is not None and isinstance(info.view, EnumView) else "MESSAGE"


def _spell(ref: TypeRef) -> str:
    if isinstance(ref, Scalar):
        return ref.name
    if isinstance(ref, MapOf):
        return f"map<{_spell(ref.key)}, {_spell(ref.value)}>"
    return ref.full_name


def _compare_types_of(
    ctx: _Context,
    update: MessageView,
    field: FieldView,
    before_label: str | None,
    after_label: str | None,
    before: TypeRef,
    after: TypeRef,
    part: str = "",
) -> None:
    """`part`: " (map key)" / " (map value)" inside a map, for the finding's wording."""
    old_kind, new_kind = _kind(ctx.original, before), _kind(ctx.update, after)
    if old_kind != new_kind:
        was, now = ctx.ordered(old_kind.lower(), new_kind.lower())
        change = " -> ".join(ctx.ordered(_spell(before), _spell(after)))
        ctx.add("FIELD_KIND_CHANGED", f"{_describe(update, field)}{part}: {was} became {now} ({change})")
    elif old_kind == "SCALAR":
        old_group = _scalar_group(ctx.original, before)
        new_group = _scalar_group(ctx.update, after)
        if old_group != new_group:
            change = " -> ".join(ctx.ordered(_spell(before), _spell(after)))
            ctx.add(
                "FIELD_SCALAR_KIND_CHANGED",
                f"{_describe(update, field)}{part}: {change} crosses wire-compatible groups",
            )
        elif before_label is not None and after_label is not None and before_label != after_label:
            kind = (
                "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
                if old_group == "STRING_OR_BYTES"
                else ("FIELD_NUMERIC_LABEL_CHANGED")
            )
            was, now = ctx.ordered(before_label, after_label)
            ctx.add(kind, f"{_describe(update, field)}{part}: label {was} became {now}")
    elif old_kind == "MESSAGE":
        assert isinstance(before, Named) and isinstance(after, Named)
        _compare_message_types(ctx, update, field, part, before, after)
    else:
        assert isinstance(before, MapOf) and isinstance(after, MapOf)
        _compare_types_of(ctx, update, field, None, None, before.key, after.key, part + " (map key)")
        _compare_types_of(ctx, update, field, None, None, before.value, after.value, part + " (map value)")


def scalar_group(name: str) -> str:
    """The wire-compatible group of one of the 15 scalar types."""
    return _SCALAR_GROUPS[name]


def _scalar_group(view: SchemaView, ref: TypeRef) -> str:
    if isinstance(ref, Named):
        return "GENERAL_NUMBER"  # an enum
    assert isinstance(ref, Scalar)
    return _SCALAR_GROUPS[ref.name]


def _local_name(full_name: str, info: TypeInfo) -> str:
    prefix = f"{info.package}." if info.package else ""
    return full_name[len(prefix) :] if prefix and full_name.startswith(prefix) else full_name


def _named_change(ctx: _Context, before: Named, after: Named) -> str:
    return " -> ".join(ctx.ordered(before.full_name, after.full_name))


def _compare_message_types(
    ctx: _Context, update: MessageView, field: FieldView, part: str, before: Named, after: Named
) -> None:
    old_info = ctx.original.types.get(before.full_name)
    new_info = ctx.update.types.get(after.full_name)
    if old_info is None or new_info is None:
        ctx.reusable = False  # a name the schemas do not define: keep such a walk out of the memo
        if before.full_name != after.full_name:
            ctx.add(
                "FIELD_NAMED_TYPE_CHANGED",
                f"{_describe(update, field)}{part}: type {_named_change(ctx, before, after)}",
            )
        return
    old_local = _local_name(before.full_name, old_info)
    new_local = _local_name(after.full_name, new_info)
    if old_local != new_local:
        ctx.add(
            "FIELD_NAMED_TYPE_CHANGED",
            f"{_describe(update, field)}{part}: type {_named_change(ctx, before, after)}",
        )
        return
    if ctx.record:  # the origins of these two files decided the short-cut below
        ctx.deps.old_files[id(old_info.file)] = old_info.file
        ctx.deps.new_files[id(new_info.file)] = new_info.file
    same_source = (
        old_info.origin is not None and new_info.origin is not None and old_info.origin == new_info.origin
    )
    if same_source and not ctx.free:
        if ctx.record:
            ctx.deps.true_pairs.add((id(old_info.file), id(new_info.file)))
        return
    old_view, new_view = old_info.view, new_info.view
    assert isinstance(old_view, MessageView) and isinstance(new_view, MessageView)
    if _plain(old_view) and (old_view is new_view or old_view == new_view):
        # two equal definitions (MessageView's equality: names, fields, oneofs, nested messages and
        # enums) naming no type: each field is the same scalar or map of scalars on both sides, so
        # the walk finds nothing, under any name resolution, origin or cycle guard, and depends on
        # nothing. A deep chain's Tag-like messages were a walk each, once per importer: their views
        # differ wherever the files below them (or the rest of their own file) do.
        if ctx.memo is not None:
            ctx.memo.plain += 1
        return
    memo = ctx.memo
    if memo is not None and old_view is new_view:
        # one definition on both sides: under the memo's premise (see DiffMemo: a view fixes every
        # name its walk resolves) the walk compares each thing with itself and finds nothing, in any
        # setting, so it depends on nothing either (a recursive tree, the Envoy API's, walked the
        # same unchanged configs from every importer, a cycle stopping each before it could be kept)
        memo.identical += 1
        return
    # the file of the new version's definition: under FORWARD the original is the new version
    defined_in = (old_info if ctx.forward else new_info).file.name
    if memo is not None and ctx.verdict:
        clean = memo.clean(ctx, old_view, new_view, old_local, defined_in)
        if clean:
            return  # nothing incompatible below, followed all the way: none in this setting either
        if ctx.free:
            if clean is False:  # known to find something: no need to look again
                ctx.add("FIELD_NAMED_TYPE_CHANGED", f"message {old_local} changed incompatibly")
            else:
                _free_walk(ctx, old_view, new_view, old_local, defined_in)
            return
    entry = memo.find(ctx, old_view, new_view) if memo is not None else None
    if entry is not None:
        ctx.found.extend(entry.found)
        compatible = entry.compatible
        if ctx.record:
            ctx.absorb(entry)
    else:
        sub = ctx.sub(old_local, defined_in)
        _compare_messages(sub, old_view, new_view)
        ctx.found.extend(sub.found)
        compatible = sub.compatible()
        if memo is not None:
            memo.walks += 1
            memo.keep(sub, old_view, new_view, compatible)
            if ctx.record:
                ctx.absorb(sub)
    if not compatible:
        ctx.add(
            "FIELD_NAMED_TYPE_CHANGED",
            f"{_describe(update, field)}{part}: message {old_local} (in {defined_in}) changed incompatibly "
            "between the two versions of its definition",
        )
