"""Protobuf contracts: compiled by protoc (grpcio-tools), judged by Confluent's Protobuf diff rules.

Heavy imports (grpc_tools, google.protobuf) happen only when something is compiled, so listing
contracts, naming subjects and fingerprinting stay cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from contractctl.formats.base import ExampleCodec, InvalidSchema, NameCandidates, Outline, ParsedSchema
from contractctl.formats.protobuf.compile import (
    Compiled,
    CompileFailed,
    Compiler,
    ProtocMessage,
    builtin_descriptors,
    contract_imports,
    with_source_info,
)
from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES, DiffMemo, OneofRules, compare
from contractctl.formats.protobuf.findings import (
    FORWARD_HINTS,
    INCOMPATIBLE_HINTS,
    editions_finding,
    invalid_finding,
    simple_invalid,
    wire_finding,
)
from contractctl.formats.protobuf.locate import nearest, positions
from contractctl.formats.protobuf.model import FileViews, SchemaView, schema_view
from contractctl.formats.protobuf.outline import first_token, name_candidates, normalized, read_outline
from contractctl.formats.protobuf.side_run import SideRun, side_run
from contractctl.formats.protobuf.text_positions import has_group, text_positions
from contractctl.formats.protobuf.wire_syntax import as_wire_reads, wire_differences
from contractctl.generic import stamped_file
from contractctl.generic.folder_reach import absent_folders, absent_folders_hint
from contractctl.generic.graph import reachable
from contractctl.model import Finding, FindingKind, SchemaText, SchemaType, Severity, SourcePosition

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto
    from google.protobuf.descriptor_pool import DescriptorPool

    from contractctl.formats.protobuf.kept import KeptDescriptors
    from contractctl.formats.vocabulary.change import Change
    from contractctl.formats.vocabulary.lint import Emitter
    from contractctl.formats.vocabulary.shapes import SchemaModel


@dataclass
class ProtobufSchema:
    """A compiled contract with the contracts it imports and its Wire-like view."""

    source: SchemaText
    references: tuple[ProtobufSchema, ...]
    compiled: Compiled
    view: SchemaView  # what comparisons read; it builds itself on first use (SchemaView)
    _positions: dict[str, SourcePosition] | None = field(default=None, repr=False)
    _pool: Any = field(default=None, repr=False)
    _described: Any = field(default=None, repr=False)
    # `reach()`'s answer once asked: a dict, or _MIXED (two schemas of one path below this one)
    _reach: Any = field(default=None, repr=False, compare=False)
    # the compiler that made `compiled`: it gives source info back (Compiler.described)
    compiler: Compiler | None = field(default=None, repr=False, compare=False)
    # references given that it does not import: contracts it reaches through include-folder files
    # (audit 26 N2), where a finding inside one of their types is located (audit 27 A1)
    beside: tuple[ProtobufSchema, ...] = field(default=(), repr=False, compare=False)

    @property
    def has_record_type(self) -> bool:
        """A file without a message (enums, extensions, services, options, re-exports only) is a valid
        schema and reference, but no topic's key or value: there is no record to serialize."""
        return bool(self.compiled.file.message_type)

    @property
    def described(self) -> FileDescriptorProto:
        """This file's descriptor with source info (positions, comments): what locating and linting
        read. Earlier versions, and the current ones when a check does not lint, are compiled
        without it; it is compiled again on first use."""
        if self._described is None:
            try:
                if self.compiler is not None:
                    self._described = self.compiler.described(self.compiled, self.source.text)
                else:
                    self._described = with_source_info(self.compiled, self.source.text)
            except CompileFailed:  # never seen: the same text with the same imports compiled once
                self._described = self.compiled.file  # positions unknown (line 1), never a crash
        return cast("FileDescriptorProto", self._described)

    def locate(self, pointer: str | None) -> SourcePosition | None:
        """Read from the text (`text_positions`), without compiling it again with source info,
        unless its descriptor has that already or it declares a proto2 group."""
        if self._positions is None:
            described = self._described is not None or self.compiled.file.HasField("source_code_info")
            if described or has_group(self.source.text):
                self._positions = positions(self.described)
            else:
                self._positions = text_positions(self.source.text)
        return nearest(self._positions, pointer)

    @property
    def pool(self) -> DescriptorPool:
        """A descriptor pool of this file and its imports (built on first use: only proofs need it)."""
        if self._pool is None:
            from google.protobuf.descriptor_pool import DescriptorPool

            pool = DescriptorPool()
            for file in self.compiled.closure:
                pool.Add(file)
            self._pool = pool
        return cast("DescriptorPool", self._pool)


def _closure(references: Sequence[ParsedSchema], importer: str | None = None) -> list[ProtobufSchema]:
    """The schemas `references` reach, one per import path: where one path is reached with two texts,
    the one nearest the importer (its own imports first, in their order, then theirs, level by level).

    That happens when a version references what was current at its commit while an import not
    committed since still references the versions current at its own, older commit (the Envoy API's
    admin/v3/config_dump.proto reaches config/core/v3/*.proto directly and through older importers;
    googleapis' grafeas/v1/grafeas.proto reaches common.proto directly and through attestation.proto).
    The importer's own imports are what its author compiled it against. Schema Registry resolves
    references depth first, the first text met for a path holding it
    (AbstractSchemaProvider.resolveReferences), which in such a state can pick the older text, with
    which the version does not compile: a registry could not have accepted it. The walk used to take
    the last reference first, which failed the Envoy versions; depth first in import order failed
    the grafeas ones. Where each path is reached with one text, every order gives the same closure.

    `importer`: the text whose references these are, for its import order (a schema's own
    references are in that order already, see `_parsed`)."""
    ordered: list[ParsedSchema] = list(references)
    if importer is not None:
        rank = {path: i for i, path in enumerate(contract_imports(importer))}
        ordered.sort(key=lambda r: rank.get(r.source.import_path, len(rank)))  # stable: others last
    out: dict[str, ProtobufSchema] = {}
    level = ordered
    while level:
        below: list[ParsedSchema] = []
        for reference in level:
            assert isinstance(reference, ProtobufSchema)
            if reference.source.import_path not in out:
                out[reference.source.import_path] = reference
                below.extend(reference.references)
        level = below
    return list(out.values())


_MIXED = object()  # `_reach`: the schemas this one reaches hold two of one import path


def reach(schema: ProtobufSchema) -> dict[str, ProtobufSchema] | None:
    """Every schema `schema` reaches through its references (itself included), by import path, when
    each path is held by one schema object; None when some path is held by two.

    Then `_closure` of any references whose union is of one object per path picks that object for
    each path, whatever the walk's order, and the closure is `_consistent` (each reference's imports
    are the very objects chosen): `_union` answers a parse from these instead of walking the
    closure again (a deep import chain made that walk quadratic). Built once per schema when first
    asked (a schema nothing imports never asks), from its references' own answers.
    """
    if schema._reach is None:
        pending = [schema]  # iterative: an import chain may be deeper than the recursion limit
        while pending:
            current = pending[-1]
            waiting = [r for r in current.references if r._reach is None]
            if waiting:
                pending.extend(waiting)
                continue
            pending.pop()
            if current._reach is None:
                union = _union(current.references)
                if union is None or union.setdefault(current.source.import_path, current) is not current:
                    current._reach = _MIXED
                else:
                    current._reach = union
    return None if schema._reach is _MIXED else cast("dict[str, ProtobufSchema]", schema._reach)


_CAUSES_SHOWN = 3


def _failures_below(messages: Sequence[ProtocMessage], texts: Mapping[str, object]) -> str:
    """protoc's failures inside files that are no contract (an include folder's), which a
    contract's "Import ... had errors" stands for: a file found nowhere and where it is imported (an
    envoy tree's include folder missing cel/expr named only the contract's import), or an error in
    the file itself, where it is (a vendored file's syntax error was shown nowhere: audit 26 W-b)."""
    below = []
    for message in messages:
        if message.file in texts:
            continue
        where = _shown_path(message.file) + (f":{message.line}" if message.line else "")
        below.append(f"{where}: {message.message.rstrip('.')}")
    return "; ".join(below[:_CAUSES_SHOWN]) + "." if below else ""


def _shown_path(path: str) -> str:
    """An include folder's file as the user can find it: relative to the working directory where it
    lies below it (protoc names it by its absolute path)."""
    if not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _union(references: Sequence[ParsedSchema]) -> dict[str, ProtobufSchema] | None:
    """The union of the references' `reach` (a new dict), or None where one import path is held by two
    schema objects. A reference already held by the union brings nothing: the union holds everything
    it reaches, as the same objects (a union of reaches is closed under references)."""
    parts = []
    for reference in references:
        assert isinstance(reference, ProtobufSchema)
        part = reach(reference)
        if part is None:
            return None
        parts.append((reference, part))
    if not parts:
        return {}
    parts.sort(key=lambda item: len(item[1]), reverse=True)
    union = dict(parts[0][1])
    for reference, part in parts[1:]:
        held = union.get(reference.source.import_path)
        if held is reference:
            continue
        if held is not None:
            return None
        for path, schema in part.items():
            if union.setdefault(path, schema) is not schema:
                return None
    return union


class _CompiledOf(Mapping[str, Compiled]):
    """`{path: schema.compiled}` over a union of reaches, without building it: compile_imported reads
    a few paths of it."""

    def __init__(self, schemas: Mapping[str, ProtobufSchema]) -> None:
        self._schemas = schemas

    def __getitem__(self, path: str) -> Compiled:
        return self._schemas[path].compiled

    def __iter__(self) -> Iterator[str]:
        return iter(self._schemas)

    def __len__(self) -> int:
        return len(self._schemas)


class ReferenceOrigin:
    """Where the types of a direct reference come from, as Confluent's FieldSchemaDiff tells two
    apart: a field whose message type comes from the same subject at the same version on both sides
    is not compared again (what that version references is what it referenced then, in a registry).

    The import path stands for the subject. The version is git's (SchemaText.version) where both
    sides know it: a check against git history, where a reference edited back to an earlier text,
    or the same text registered again as a new version (its sidecar, or what it references,
    changed), is told apart as a registry tells it. Where either side does not know it (a registry's
    schema, `compat`), the same text stands for the same version.
    """

    __slots__ = ("path", "text", "version")

    def __init__(self, path: str, text: str, version: object) -> None:
        self.path = path
        self.text = text
        self.version = version

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReferenceOrigin):
            return False
        if self.version is not None and other.version is not None:
            return self.path == other.path and bool(self.version == other.version)
        return self.path == other.path and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.path)  # equal versions may have other texts (a comment): the path only

    def __repr__(self) -> str:
        return f"ReferenceOrigin({self.path!r}, version={self.version!r})"


def _consistent(by_path: Mapping[str, ProtobufSchema]) -> bool:
    """Whether every file of a closure was compiled with the files the closure holds for its imports
    (references parsed at different commits can hold two texts of one path: then not)."""
    for reference in by_path.values():
        for imported in reference.references:
            chosen = by_path.get(imported.source.import_path)
            if chosen is None or chosen.compiled is not imported.compiled:
                return False
    return True


def _may_be_parsed(layers: Sequence[Mapping[str, str]]) -> set[str]:
    """Import paths a check or changelog will parse: those whose first text differs from all their
    other texts (a change, or a path without other versions), every path importing one of them
    (transitively, through any of its texts) and everything those import.

    Only a guess to save protoc work, never a verdict: a text left out is compiled when it is parsed.
    """
    texts: dict[str, list[str]] = {}
    for layer in layers:
        for path, text in layer.items():
            texts.setdefault(path, []).append(text)
    imports = {
        path: {i for t in versions for i in contract_imports(t) if i in texts}
        for path, versions in texts.items()
    }
    importers: dict[str, set[str]] = {}
    for path, imported in imports.items():
        for dependency in imported:
            importers.setdefault(dependency, set()).add(path)
    changed = [path for path, versions in texts.items() if versions[0] not in versions[1:]]
    affected = reachable(changed, importers)
    return reachable(affected, imports)


def _pack(groups: Sequence[Sequence[SchemaText]]) -> list[dict[str, str]]:
    """Groups of texts packed first-fit into layers holding one text per import path.

    Which layers a group cannot join is found with one bit per layer: those holding one of its paths
    with another text. A group is compared with the layers path by path, not layer by layer (a long
    history packs a thousand groups into hundreds of layers).
    """
    layers: list[dict[str, str]] = []
    holding: dict[str, int] = {}  # import path -> the layers holding it
    agreeing: dict[tuple[str, str], int] = {}  # (import path, text) -> the layers holding that text
    seen: set[frozenset[tuple[str, str]]] = set()
    for group in groups:
        # not `strip()`: a group is a whole closure, and a copy of each text was a tenth of a deep check
        texts = {s.import_path: s.text for s in group if s.text and not s.text.isspace()}
        identity = frozenset(texts.items())
        if identity in seen:
            continue  # another subject's version with the same texts: laid out once
        seen.add(identity)
        taken = 0
        for item in identity:
            taken |= holding.get(item[0], 0) & ~agreeing.get(item, 0)
        index = (taken ^ (taken + 1)).bit_length() - 1  # the first layer it fits in
        if index == len(layers):
            layers.append({})
        layer, bit = layers[index], 1 << index
        for item in identity:
            if item[0] not in layer:
                layer[item[0]] = item[1]
                holding[item[0]] = holding.get(item[0], 0) | bit
                agreeing[item] = agreeing.get(item, 0) | bit
    return layers


class ProtobufFormat:
    """The Protobuf format.

    oneof_rules: "current" answers like Schema Registry builds holding Confluent's mid-2026 oneof
    change (oneof members matched by tag across oneofs, moving a field out of a oneof is
    compatible); "legacy" like those without it (oneofs matched by name). Which releases hold it:
    see contractctl.formats.protobuf.diff.
    """

    schema_type = SchemaType.PROTOBUF
    compiles = True
    lint_rules = frozenset(
        {
            "naming",
            "protobuf-enum-value-prefix",
            "docs",
            "enum-default",
            "protobuf-reserved-removed",
            "protobuf-package-version",
            "invalid-ignore",
        }
    )

    def __init__(self, oneof_rules: OneofRules = "current", include: Sequence[str] = ()) -> None:
        if oneof_rules not in COMPATIBLE_CHANGES:
            raise ValueError(f"oneof_rules must be 'current' or 'legacy', not {oneof_rules!r}")
        self.oneof_rules: OneofRules = oneof_rules
        self.compiler = Compiler(include)
        self._file_views = FileViews()
        self.diff_memo = DiffMemo()  # walks into referenced message types, shared by every check
        self._aside: SideRun | None = None  # the current texts compiling aside (`compile_aside`)

    @property
    def include_folders(self) -> Sequence[str]:
        return self.compiler.include

    include_setting = "protobuf.include"

    def builtin_import(self, import_path: str) -> bool:
        from contractctl.formats.protobuf.builtins import is_builtin

        return is_builtin(import_path)

    def outline(self, source: SchemaText) -> Outline:
        outline = read_outline(source.text)
        scope = f"{outline.package}." if outline.package else ""
        primary = f"{scope}{outline.first_message}" if outline.first_message else None
        enum = f"{scope}{outline.first_enum}" if outline.first_enum else None
        return Outline((source.import_path,), contract_imports(source.text), primary, primary or enum)

    def name_candidates(self, text: str) -> NameCandidates | None:
        return name_candidates(text)

    def compile_aside(self, sources: Sequence[SchemaText], source_info: bool = True) -> None:
        """Start compiling the texts a check of a large change will compile first (the current
        ones) in a forked process (side_run.py), while this one reads the history and works out the
        earlier versions: `prepare` takes the answer when it covers what it compiles.

        Not where the answers of an earlier pre-commit run are kept (they answer without protoc)."""
        if self.compiler.lays_out_every_text:
            return
        if self._aside is not None:  # a check that ended before `prepare` took it
            self._aside.close()
            self._aside = None
        if self._kept_answers():
            return
        files: dict[str, str] = {}
        for source in sources:
            if source.text.strip():
                files.setdefault(source.import_path, source.text)
        self._aside = side_run(files, source_info, include=self.compiler.include)

    def finish(self) -> None:
        """Keep what the checks compiled on demand (an earlier version whose closure mixes texts of
        several commits, which no layer of `prepare` held): `prepare` kept only its own answers."""
        if self.compiler.kept is not None:
            self.compiler.kept.save()

    def _kept_answers(self) -> KeptDescriptors | None:
        """What earlier pre-commit runs kept (kept.py), where this run may keep files (a run folder).
        The built-in descriptors are read from there now too: with every answer kept, no protoc run
        would ask for them before the parses do, when the folder is no longer this run's."""
        if stamped_file.run_folder is not None:
            self.compiler.keep_between_runs(stamped_file.run_folder)
            builtin_descriptors()
        return self.compiler.kept

    def prepare(
        self,
        sources: Sequence[SchemaText],
        all_parsed: bool = False,
        groups: Sequence[Sequence[SchemaText]] = (),
        source_info: bool = True,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Compile many contracts in as few protoc runs as possible, so later parse() calls hit the cache.

        Texts are grouped into layers holding one text per import path (the first text of each path,
        the one being checked, goes to the first layer; other versions of a path to later layers); each
        layer is one protoc run. Only paths that may be parsed are compiled now (see `_may_be_parsed`);
        the rest waits in the compiler until a parse asks for one of them.

        `groups`: texts that will be compiled together (an earlier version with its imports as they
        were at its commit): each group is compiled, whole, in the first extra layer where none of its
        import paths holds another text, so versions from many commits share protoc runs instead of
        one run each. Only a way to fill the cache: a parse still compiles whatever it misses.

        `meanwhile`: called while the base's side run compiles, if one does (see base.py).

        `source_info` False (a check that does not lint): the current texts are compiled without
        positions and comments too, as earlier versions always are. They are most of what protoc
        writes and this process reads back (a third of protoc's time on a 5,000-file tree), and a
        check reads them only to place its findings: `ProtobufSchema.described` compiles a file
        with a finding again, alone, with its imports handed over as descriptors.
        """
        self.compiler.parse_source_info = source_info
        layers: list[dict[str, str]] = []
        for source in sources:
            if not source.text.strip():
                continue
            for layer in layers:
                if source.import_path not in layer:
                    layer[source.import_path] = source.text
                    break
            else:
                layers.append({source.import_path: source.text})
        # an audit (`all_parsed`) parses every text: deferring would only split the work (and repeat
        # it in every worker process of a large check)
        wanted = set().union(*layers) if all_parsed else _may_be_parsed(layers)
        self.compiler.contract_paths = frozenset().union(*layers)
        earlier = _pack(groups)
        kept = self._kept_answers()
        # the first layer of earlier versions is usually the base's whole tree: protoc compiles it in
        # a forked process while this one compiles the current tree (side_run.py); not where answers
        # are kept (a side run would compile again what they hold)
        side = (
            side_run(earlier[0], source_info=False, split=True, include=self.compiler.include)
            if earlier and not self.compiler.lays_out_every_text and not kept  # this process soon waits
            else None
        )
        aside, self._aside = self._aside, None
        current = [{p: t for p, t in layer.items() if p in wanted} for layer in layers]
        try:
            # `wanted` is closed under imports, so where the aside tree holds the first layer's texts
            # its answer holds their descriptors (`SideRun.covers`)
            self.compiler.compile_many(current, source_info=source_info, side=aside)
            if side is not None:  # while it compiles the base's tree: what each worker would do again
                self._file_views.warm(self.compiler.first_layer_files(), self.compiler.imported_files())
                if meanwhile is not None:
                    meanwhile()
            self.compiler.defer(layers, set().union(*layers) - wanted)
            # earlier versions: only a finding's position or a lint rule reads their source info
            self.compiler.compile_many(earlier, source_info=False, side=side)
        finally:
            for started in (aside, side):
                if started is not None:
                    started.close()
        if kept is not None:
            kept.save()

    def parse(self, source: SchemaText, references: Sequence[ParsedSchema]) -> ProtobufSchema:
        if not source.text.strip():
            raise InvalidSchema([simple_invalid(source, "EMPTY_FILE", "file is empty")])
        if first_token(source.text) == "edition":
            # the registry refuses it whatever else is wrong (its imports may be editions files too,
            # which makes protoc's first words "Import ... was not found or had errors")
            raise InvalidSchema([editions_finding(source)])
        union = _union(references)
        if union is not None and source.import_path not in union:
            # one schema per path below: the closure `_closure` would walk, and consistent (see `reach`)
            compiled = self.compiler.compile_imported(source.import_path, source.text, _CompiledOf(union))
            if compiled is not None:
                return self._registrable(self._parsed(source, compiled, union, references))
        return self._registrable(self._parse_closure(source, references))

    @staticmethod
    def _registrable(schema: ProtobufSchema) -> ProtobufSchema:
        """protoc compiles editions files; the registry parses the text with Wire, which refuses them,
        and some other text protoc accepts (wire_syntax.py)."""
        if schema.compiled.file.syntax == "editions":
            raise InvalidSchema([editions_finding(schema.source)])
        differences = wire_differences(schema.source.text)
        if differences:
            raise InvalidSchema([wire_finding(schema.source, difference) for difference in differences])
        return schema

    def _parse_closure(self, source: SchemaText, references: Sequence[ParsedSchema]) -> ProtobufSchema:
        """`parse` walking the references' closure: where `_union` does not answer."""
        closure = _closure(references, source.text)
        by_path = {r.source.import_path: r for r in closure}
        try:
            compiled = (
                self.compiler.compile_imported(
                    source.import_path, source.text, {path: r.compiled for path, r in by_path.items()}
                )
                if source.import_path not in by_path and _consistent(by_path)
                else None
            )
            if compiled is None:
                available = {path: r.source.text for path, r in by_path.items()}
                available[source.import_path] = source.text
                compiled = self.compiler.compile(source.import_path, available)
        except CompileFailed as failure:
            raise InvalidSchema(self._compile_findings(source, by_path, failure)) from None
        return self._parsed(source, compiled, by_path, references)

    def _parsed(
        self,
        source: SchemaText,
        compiled: Compiled,
        by_path: Mapping[str, ProtobufSchema],
        given: Sequence[ParsedSchema] = (),
    ) -> ProtobufSchema:
        """The schema of `source` compiled, its references the schemas of its direct imports; those
        of `given` (the references handed to the parse) it does not import are kept `beside`."""
        mine: list[ProtobufSchema] = []
        origins: dict[str, object] = {}
        for path in compiled.file.dependency:
            reference = by_path.get(path)
            if reference is not None:
                mine.append(reference)
                origins[path] = ReferenceOrigin(path, reference.source.text, reference.source.version)
        imported = set(compiled.file.dependency)
        return ProtobufSchema(
            source,
            tuple(mine),
            compiled,
            schema_view(compiled.closure, origins, self._file_views),
            compiler=self.compiler,
            beside=tuple(
                g for g in given if isinstance(g, ProtobufSchema) and g.source.import_path not in imported
            ),
        )

    def _compile_findings(
        self, source: SchemaText, by_path: dict[str, ProtobufSchema], failure: CompileFailed
    ) -> list[Finding]:
        texts = {path: (str(r.source.path), r.source.text) for path, r in by_path.items()}
        texts[source.import_path] = (str(source.path), source.text)
        known = [m for m in failure.messages if m.file in texts]
        chosen = known or failure.messages
        findings = []
        seen: set[tuple[str | None, int | None, int | None, str]] = set()
        for message in chosen:
            file, text = texts.get(message.file, (str(source.path), None))
            finding = invalid_finding(message, file, text)
            identity = (finding.file, finding.line, finding.column, finding.message)
            if identity not in seen:  # protoc repeats one error once per nesting level it unwinds
                seen.add(identity)
                findings.append(finding)
        causes = _failures_below(failure.messages, texts) if known else ""
        if causes:
            findings = [
                replace(f, message=f"{f.message} Below it: {causes}")
                if f.rule == "PROTO_IMPORT_NOT_FOUND" and f.message.endswith("or had errors.")
                else f
                for f in findings
            ]
        absent = absent_folders(self.compiler.include)
        if absent:
            hint = absent_folders_hint(self.include_setting, absent)
            findings = [replace(f, hint=hint) if f.rule == "PROTO_IMPORT_NOT_FOUND" else f for f in findings]
        own = str(source.path)
        return sorted(findings, key=lambda f: (f.file != own, f.line or 0))

    def check(self, reader: ParsedSchema, writer: ParsedSchema, forward: bool = False) -> list[Finding]:
        """Confluent's verdict on reading `writer`'s data with `reader`: compare(writer, reader).

        BACKWARD calls this with (new, old), so Confluent's compare(old, new); FORWARD with (old, new),
        so compare(new, old), which is the registry's swapped `latest.isBackwardCompatible(new)`: an
        added message is its MESSAGE_REMOVED, worded (and hinted) as the addition it is.
        """
        assert isinstance(reader, ProtobufSchema) and isinstance(writer, ProtobufSchema)
        hints = FORWARD_HINTS if forward else {}
        findings = [
            (
                Finding(
                    rule=difference.type,
                    message=difference.detail,
                    kind=FindingKind.INCOMPATIBLE,
                    pointer=difference.path,
                    hint=hints.get(difference.type) or INCOMPATIBLE_HINTS.get(difference.type),
                ),
                difference.within,
            )
            for difference in compare(
                writer.view, reader.view, self.oneof_rules, self.diff_memo, forward, verdict_only=True
            )
        ]
        return _located_in_references(findings, writer if forward else reader, self.compiler.include)

    def differences(self, original: ProtobufSchema, update: ProtobufSchema) -> list[tuple[str, str]]:
        """Every difference, compatible ones included, as (type, path): Confluent's SchemaDiff.compare."""
        return [
            (d.type, d.path) for d in compare(original.view, update.view, self.oneof_rules, self.diff_memo)
        ]

    def registry_parts(self, schema: ParsedSchema) -> tuple[str, list[tuple[str, ParsedSchema]]]:
        """The text to register and its references: Confluent names a Protobuf reference by its import
        path."""
        assert isinstance(schema, ProtobufSchema)
        return schema.source.text, [
            (reference.source.import_path, reference) for reference in schema.references
        ]

    def parse_registered(self, source: SchemaText, references: Sequence[ParsedSchema]) -> ProtobufSchema:
        """The registry parses registered Protobuf versions as it parses new ones, and compares the
        numbers Wire read: a version with a leading-zero number (`010`, which the check refuses in a
        new version, PROTO_OCTAL_NUMBER) is compiled as Wire reads it, never passed over."""
        try:
            return self.parse(source, references)
        except InvalidSchema as error:  # only then: the usual version pays no second scan
            if not error.findings or any(f.rule != "PROTO_OCTAL_NUMBER" for f in error.findings):
                raise
        wire_text = as_wire_reads(source.text)
        assert wire_text is not None  # differences, none of them refused
        schema = self.parse(replace(source, text=wire_text), references)
        return replace(schema, source=source)  # the file's own text: positions are the same

    def parse_alone(self, source: SchemaText, registered: bool = False) -> ProtobufSchema | None:
        """No shortcut: imports are only known from the outline."""
        return None

    def registry_text(self, schema: ParsedSchema) -> str | None:
        """Imports cannot be written inline: the registry needs the registered references."""
        return None

    def adopted_text(self, registered: str) -> str:
        return registered

    def fingerprint(self, source: SchemaText) -> str:
        try:
            canonical = normalized(source.text)
        except RecursionError:
            canonical = source.text
        return canonical  # compared for equality only: no digest (and no hashlib import) needed

    def prove_counted(
        self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int
    ) -> tuple[list[Finding], int]:
        return self.prove(reader, writer, samples, seed), samples  # every message type has a value

    def prove(self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int) -> list[Finding]:
        from contractctl.formats.protobuf.prove import prove

        assert isinstance(reader, ProtobufSchema) and isinstance(writer, ProtobufSchema)
        findings = []
        for issue in prove(reader, writer, samples=samples, seed=seed):
            lossy = issue.lossy
            findings.append(
                Finding(
                    rule="PROOF_LOSSY" if lossy else "PROOF_ENGINE_ERROR",
                    message=f"{issue.message} (example value: {issue.value})",
                    kind=FindingKind.ADVISORY if lossy else FindingKind.POLICY,
                    severity=Severity.WARNING if lossy else Severity.ERROR,
                    pointer=issue.pointer,
                    hint=(
                        "Compatible by Confluent's rules, but some values change when read."
                        if lossy
                        else "contractctl judged this pair compatible but data disagrees: please report it."
                    ),
                )
            )
        return findings

    def lint(self, schema: ParsedSchema, emitter: Emitter, earlier: Sequence[ParsedSchema]) -> None:
        from contractctl.formats.protobuf.lint import ProtobufLinter

        assert isinstance(schema, ProtobufSchema)
        ProtobufLinter(schema, emitter, earlier).run()

    def reads_history_for_lint(self) -> bool:
        """Removed fields must stay reserved: checked against every earlier version."""
        return True

    def changelog(self, old: ParsedSchema, new: ParsedSchema, directions: frozenset[str]) -> list[Change]:
        from contractctl.formats.protobuf.changelog import diff_protobuf

        assert isinstance(old, ProtobufSchema) and isinstance(new, ProtobufSchema)
        return diff_protobuf(old, new, directions)

    def example_codec(self, schema: ParsedSchema) -> ExampleCodec:
        from contractctl.formats.protobuf.examples import ProtobufCodec

        assert isinstance(schema, ProtobufSchema)
        return ProtobufCodec(schema)

    def shapes(self, schema: ParsedSchema) -> SchemaModel:
        from contractctl.formats.protobuf.shapes import schema_model

        assert isinstance(schema, ProtobufSchema)
        return schema_model(schema)

    def rule_help(self) -> Mapping[str, tuple[str, str]]:
        from contractctl.formats.protobuf.help import RULE_HELP

        return RULE_HELP


def _located_in_references(
    findings: list[tuple[Finding, str | None]], new: ProtobufSchema, include: Sequence[str] = ()
) -> list[Finding]:
    """Each finding about a difference inside a referenced type located in the new version's file
    that defines the type (`within`, an import path): its path (`#/Money/1`) starts at that type, so
    in the compared file it would find only the package line. A type from an include folder (a
    vendored file, no contract) is located in the file the new version compiled against, named by
    its absolute path (the caller makes it repository-relative). The others are located in the
    compared file (levels.check_level)."""
    own = new.source.import_path
    if all(within in (None, own) for _, within in findings):
        return [finding for finding, _ in findings]
    defining = {schema.source.import_path: schema for schema in _closure([new, *new.beside])}
    vendored: dict[str, tuple[str, dict[str, SourcePosition]] | None] = {}
    out = []
    for finding, within in findings:
        schema = defining.get(within) if within not in (None, own) else None
        if schema is not None:
            finding = finding.placed(str(schema.source.path), schema.locate(finding.pointer))
        elif within not in (None, own) and include:
            if within not in vendored:
                vendored[within] = _vendored_positions(within, include)
            found = vendored[within]
            if found is not None:
                finding = finding.placed(found[0], nearest(found[1], finding.pointer))
        out.append(finding)
    return out


_VENDORED_READ_LIMIT = 1 << 20  # a larger include file is not read to locate a finding


def _vendored_positions(
    import_path: str, include: Sequence[str]
) -> tuple[str, dict[str, SourcePosition]] | None:
    """(absolute path, element positions) of the include-folder file protoc finds first for this
    import (the built-ins are never one: they shadow every folder); None when none holds it."""
    from contractctl.formats.protobuf.builtins import is_builtin

    if is_builtin(import_path):
        return None
    for folder in include:
        candidate = os.path.join(folder, import_path)
        try:
            if os.path.getsize(candidate) > _VENDORED_READ_LIMIT:
                return None
            with open(candidate, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        return candidate, text_positions(text)
    return None


FORMAT = ProtobufFormat()
