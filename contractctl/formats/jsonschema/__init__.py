"""JSON Schema contracts (drafts 4, 6, 7, 2019-09, 2020-12), judged as Confluent Schema Registry judges them.

Registered in contractctl.formats for `.json` files; `FORMAT` implements the SchemaFormat protocol of
formats/base.py. A `$ref` to another contract names it by a path relative to the referencing file or
by its `$id`; the outline turns the path into one relative to the contracts root, which is the name a
contract defines (with its `$id`), so the repository finds the referenced contract by name.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from contractctl.formats.base import ExampleCodec, InvalidSchema, NameCandidates, Outline, ParsedSchema
from contractctl.formats.jsonschema.diff import Difference, compare
from contractctl.formats.jsonschema.differences import FORWARD_HINTS, HINTS, POLICIES
from contractctl.formats.jsonschema.document import JsonDocument, read_document, read_later
from contractctl.formats.jsonschema.explain import EXPLAINED, closest_branches, undecided_pattern
from contractctl.formats.jsonschema.loader import LoadError, child
from contractctl.formats.jsonschema.messages import describe
from contractctl.formats.jsonschema.model import OBJECT, Node
from contractctl.formats.jsonschema.refs import SchemaGraph, external_names
from contractctl.generic.fastjson import identity_text, strict_loads
from contractctl.model import Finding, FindingKind, SchemaText, SchemaType, SourcePosition

if TYPE_CHECKING:
    from contractctl.formats.vocabulary.change import Change
    from contractctl.formats.vocabulary.lint import Emitter
    from contractctl.formats.vocabulary.shapes import SchemaModel

SCHEMA_TYPE_NAME = "JSON"
"""Confluent's `schemaType` for JSON Schema."""


@dataclass
class JsonSchemaContract:
    """A parsed contract: its document, the model graph and the contracts it references by name."""

    document: JsonDocument
    graph: SchemaGraph
    references: dict[str, JsonSchemaContract] = field(default_factory=dict)

    @property
    def source(self) -> SchemaText:
        return self.document.source

    @property
    def root(self) -> Node:
        return self.graph.root

    def locate(self, pointer: str | None) -> SourcePosition | None:
        return self.document.locate(pointer)

    @property
    def has_record_type(self) -> bool:
        """Any valid JSON Schema can be a topic's key or value (ParsedSchema.has_record_type)."""
        return True


class JsonSchemaFormat:
    """The JSON Schema format.

    policy: Confluent's compatibilityPolicy, "STRICT" (default) or "LENIENT".
    validate_fields: as a registry with `validateFields` on (`schema.validate.fields`; off by
        default), a new schema whose root object has a property named with a `$$` prefix is invalid
        (JsonSchema.validate(strict)); earlier versions are never held to it.
    """

    def __init__(self, policy: str = "STRICT", validate_fields: bool = False) -> None:
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {sorted(POLICIES)}, not {policy!r}")
        self.policy = policy
        self.compatible_changes = POLICIES[policy]
        self.validate_fields = validate_fields

    schema_type = SchemaType.JSON
    compiles = False
    include_folders: tuple[str, ...] = ()
    include_setting = None

    def builtin_import(self, import_path: str) -> bool:
        return False

    # -- reading ------------------------------------------------------------------------------------

    def outline(self, source: SchemaText) -> Outline:
        document = read_document(source, validate=False)
        value = document.value
        defined: list[str] = []
        title = value.get("title") if isinstance(value, dict) else None
        identifier = value.get(document.draft.id_keyword) if isinstance(value, dict) else None
        base = _without_fragment(identifier) if isinstance(identifier, str) else ""
        if base:
            defined.append(base)
        defined.append(source.import_path)
        # subject under the record strategy: the title, else the $id (Confluent names by title)
        primary = title if isinstance(title, str) and title else (base or None)
        here = posixpath.dirname(source.import_path)
        # no "$ref" spelled plainly nor through an escape: no reference, no walk to look for one
        names = external_names(value, document.draft) if _may_refer(source.text) else ()
        referenced = tuple(dict.fromkeys(n for name in names for n in _contract_names(name, here, base)))
        return Outline(tuple(defined), referenced, primary, primary)

    def parse(self, source: SchemaText, references: Sequence[ParsedSchema]) -> JsonSchemaContract:
        return self._parse(source, references, validate=True)

    def parse_registered(self, source: SchemaText, references: Sequence[ParsedSchema]) -> JsonSchemaContract:
        """An earlier version, as registered: its model must load, the meta-schema is not re-checked
        (history was accepted once; checking 20,000 old texts against a meta-schema costs seconds)."""
        return self._parse(source, references, validate=False)

    def parse_alone(self, source: SchemaText, registered: bool = False) -> JsonSchemaContract | None:
        """The full parse of a text that references no other contract; None for one that does or
        that does not parse (the full way then names the references or the problem)."""
        try:
            document = read_document(source, validate=not registered)
            if _may_refer(source.text) and external_names(document.value, document.draft):
                return None
            return self._load(document, (), new=not registered)
        except (InvalidSchema, RecursionError):
            return None

    def prepare(
        self,
        sources: Sequence[SchemaText],
        all_parsed: bool = False,
        groups: Sequence[Sequence[SchemaText]] = (),
        source_info: bool = True,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Nothing to compile: each text is parsed when asked."""

    def name_candidates(self, text: str) -> NameCandidates | None:
        return None  # a JSON document's names are strings, escapes included: outlined instead

    def compile_aside(self, sources: Sequence[SchemaText], source_info: bool = True) -> None:
        """Nothing to compile."""

    def finish(self) -> None:
        """Nothing kept between runs."""

    def _parse(
        self, source: SchemaText, references: Sequence[ParsedSchema], validate: bool
    ) -> JsonSchemaContract:
        return self._load(read_document(source, validate=validate), references, new=validate)

    def _load(
        self, document: JsonDocument, references: Sequence[ParsedSchema], new: bool = False
    ) -> JsonSchemaContract:
        """`new`: a schema about to be registered (validate_fields applies), not an earlier version."""
        named = _references_by_name(document, references)
        externals = {name: r.graph for name, r in named.items()}
        graph = SchemaGraph(document.value, document.draft, externals, document.source.text)
        try:
            graph.root  # noqa: B018 - loads the whole reachable graph, resolving every $ref
        except LoadError as error:
            finding = document.invalid(error.rule, error.message, error.pointer)
            raise InvalidSchema([replace(finding, hint=error.hint) if error.hint else finding]) from None
        except RecursionError:
            raise InvalidSchema(
                [document.invalid("INVALID_SCHEMA", "schema nested too deeply", "")]
            ) from None
        except (TypeError, AttributeError):  # a keyword of the wrong shape: only unvalidated history
            message = "not a valid JSON Schema (a keyword holds a value of the wrong type)"
            raise InvalidSchema([document.invalid("INVALID_SCHEMA", message, "")]) from None
        if new and self.validate_fields:
            _check_field_names(document, graph.root)
        return JsonSchemaContract(document, graph, named)

    # -- judging ------------------------------------------------------------------------------------

    def differences(self, original: JsonSchemaContract, update: JsonSchemaContract) -> list[Difference]:
        """Every difference, compatible ones included: Confluent's SchemaDiff.compare(original, update)."""
        return compare(original.root, update.root, self.compatible_changes)

    def check(self, reader: ParsedSchema, writer: ParsedSchema, forward: bool = False) -> list[Finding]:
        """Confluent's verdict on reading `writer`'s data with `reader`: compare(writer, reader).

        BACKWARD calls this with (new, old), i.e. Confluent's compare(old, new); FORWARD with (old, new),
        whose differences are worded (and hinted) as the opposite change, the one the user made.
        """
        assert isinstance(reader, JsonSchemaContract) and isinstance(writer, JsonSchemaContract)
        same = _same_known_text(reader, writer)
        if same and not reader.references and not writer.references:
            return []  # identical schemas differ only in compatible ways (object defaults), if at all
        allowed = self.compatible_changes
        try:
            differences = compare(writer.root, reader.root, allowed, verdict_only=True, texts_differ=not same)
        except RecursionError:
            return [
                Finding(
                    rule="SCHEMA_TOO_DEEP",
                    message="the schemas are nested too deeply to compare",
                    kind=FindingKind.INVALID,
                    pointer="#/",
                )
            ]
        findings = []
        for kind, path in differences:
            if kind in allowed:
                continue
            causes = (
                closest_branches(writer.root, reader.root, kind, path, allowed) if kind in EXPLAINED else []
            )
            message = describe(kind, forward)  # the rule id and the pointer are fields of their own
            if causes:
                named = "; ".join(f"{describe(cause, forward)} (at {where})" for cause, where in causes[:3])
                more = f"; and {len(causes) - 3} more" if len(causes) > 3 else ""
                message = f"{message}; the closest branches differ in: {named}{more}"
            pattern = undecided_pattern(writer.root, reader.root, kind, path)
            if pattern is not None:
                message += (
                    f'; contractctl cannot tell whether Java\'s regex "{pattern}" matches the name (it '
                    "uses features with no exact equivalent here) and took it as not matching: the "
                    "registry may find the property covered"
                )
            shown = causes[0][0] if causes else kind
            findings.append(
                Finding(
                    rule=kind,
                    message=message,
                    kind=FindingKind.INCOMPATIBLE,
                    pointer=path,
                    hint=(forward and FORWARD_HINTS.get(shown)) or HINTS.get(shown),
                )
            )
        return findings

    def fingerprint(self, source: SchemaText) -> str:
        """The document with its keys sorted (generic.fastjson.identity_text). Kept per text: a
        check compares texts it fingerprinted, and the parse of the same text reuses the JSON."""
        text = source.text
        found = _IDENTITY.get(text)
        if found is None:
            try:
                value, by_orjson = strict_loads(text)
                found = identity_text(value, by_orjson)
                if _may_spell_decimals(text):
                    found = _spelled_identity(text, found)
            except (ValueError, RecursionError):
                try:
                    found = identity_text(_lenient_json(text), False)  # NaN: never valid, still told apart
                except (ValueError, RecursionError):
                    return text
            else:
                read_later(text, value)
            if len(_IDENTITY) >= _IDENTITY_LIMIT:
                _IDENTITY.clear()
            _IDENTITY[text] = found
        return found

    def registry_parts(self, schema: ParsedSchema) -> tuple[str, list[tuple[str, ParsedSchema]]]:
        """The text to register and its references, each named by the `$ref` URI that uses it."""
        assert isinstance(schema, JsonSchemaContract)
        return schema.source.text, [(name, reference) for name, reference in schema.references.items()]

    def registry_text(self, schema: ParsedSchema) -> str | None:
        """None: a `$ref` to another contract is not inlined; the registry gets the references."""
        assert isinstance(schema, JsonSchemaContract)
        return None if schema.references else schema.source.text

    def adopted_text(self, registered: str) -> str:
        import json

        return json.dumps(json.loads(registered), indent=2, ensure_ascii=False) + "\n"

    def prove(self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int) -> list[Finding]:
        from contractctl.formats.jsonschema.prove import prove

        assert isinstance(reader, JsonSchemaContract) and isinstance(writer, JsonSchemaContract)
        return prove(reader, writer, samples=samples, seed=seed)

    def prove_counted(
        self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int
    ) -> tuple[list[Finding], int]:
        """`prove`, and the number of documents it proved with (see levels.prove_compatible_pairs)."""
        from contractctl.formats.jsonschema.prove import prove_counted

        assert isinstance(reader, JsonSchemaContract) and isinstance(writer, JsonSchemaContract)
        return prove_counted(reader, writer, samples, seed)

    # -- sidecar, lint, changelog (formats/jsonschema/{lint,changelog,examples,shapes,help}.py)

    @property
    def lint_rules(self) -> frozenset[str]:
        from contractctl.formats.jsonschema.lint import LINT_RULES

        return LINT_RULES

    def lint(self, schema: ParsedSchema, emitter: Emitter, earlier: Sequence[ParsedSchema]) -> None:
        from contractctl.formats.jsonschema.lint import JsonSchemaLinter

        assert isinstance(schema, JsonSchemaContract)
        document = schema.document
        JsonSchemaLinter(document.value, document.locate, emitter, document.draft.modern).run()

    def reads_history_for_lint(self) -> bool:
        return False

    def changelog(self, old: ParsedSchema, new: ParsedSchema, directions: frozenset[str]) -> list[Change]:
        from contractctl.formats.jsonschema.changelog import diff_json_schema

        assert isinstance(old, JsonSchemaContract) and isinstance(new, JsonSchemaContract)
        return diff_json_schema(old.root, new.root, directions, self.compatible_changes)

    def example_codec(self, schema: ParsedSchema) -> ExampleCodec:
        from contractctl.formats.jsonschema.examples import JsonSchemaCodec

        assert isinstance(schema, JsonSchemaContract)
        return JsonSchemaCodec(schema)

    def shapes(self, schema: ParsedSchema) -> SchemaModel:
        from contractctl.formats.jsonschema.shapes import schema_model

        assert isinstance(schema, JsonSchemaContract)
        return schema_model(schema)

    def rule_help(self) -> Mapping[str, tuple[str, str]]:
        from contractctl.formats.jsonschema.help import RULE_HELP

        return RULE_HELP


_IDENTITY: dict[str, str] = {}
"""Text -> fingerprint, for the texts fingerprinted in this process (bounded by _IDENTITY_LIMIT)."""
_IDENTITY_LIMIT = 50_000


_DECIMAL_LITERAL = re.compile(r"[:,\[]\s*-?[0-9]+[.eE]")


def _may_spell_decimals(text: str) -> bool:
    """Whether an enum or const may hold a decimal literal, whose spelling then tells versions apart.
    Only these make a verdict of a spelling (a re-spelt `minimum` is compared as a number): the scan
    for a literal (tens of us on a large text) runs only on texts naming either keyword, plainly or
    through a \\u escape; wrong only towards reading the text again."""
    return ('"enum"' in text or '"const"' in text or "\\u" in text) and bool(_DECIMAL_LITERAL.search(text))


def _spelled_identity(text: str, found: str) -> str:
    """An identity that keeps each decimal's spelling: the registry's Jackson keeps 1.50 apart from 1.5
    (exact BigDecimals), so a version changing only that is a new version, and an enum's 1.5 -> 1.50
    is a change (model.value_key). The spellings are written as strings tagged with a lone surrogate,
    which no decimal-free document's identity holds where a number stands."""
    import json

    try:
        value = json.loads(text, parse_float=lambda literal: "\ud800" + literal)
        return "spelled:" + json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (ValueError, RecursionError):
        return found


def _check_field_names(document: JsonDocument, root: Node) -> None:
    """Confluent's JsonSchema.validate(strict): the properties of a root object schema (not of a
    combined or referring root, nor nested ones) may not be named with a `$$` prefix."""
    if root.kind != OBJECT:
        return
    for name in root.properties:
        if name.startswith("$$"):
            pointer = child("/properties", name)
            message = f"property {name!r}: field names cannot start with the $$ prefix (validate_fields)"
            raise InvalidSchema([document.invalid("INVALID_SCHEMA", message, pointer)])


def _same_known_text(a: JsonSchemaContract, b: JsonSchemaContract) -> bool | None:
    """Whether two contracts are the same document, None when that is not known without reading
    both again (the diff finds identical schemas quickly anyway: shared nodes, structural keys)."""
    if a.source.text == b.source.text:
        return True
    first, second = _IDENTITY.get(a.source.text), _IDENTITY.get(b.source.text)
    return None if first is None or second is None else first == second


def _may_refer(text: str) -> bool:
    """Whether a text may hold a `$ref`: spelled plainly, or possibly through a \\u escape."""
    return '"$ref"' in text or "\\u" in text


def _without_fragment(uri: str) -> str:
    return uri.split("#", 1)[0]


def _contract_names(name: str, here: str, base: str) -> tuple[str, ...]:
    """The names a `$ref`'s target contract may define: `_contract_name`, and for a relative
    reference in a document with an absolute `$id`, also its path relative to this file. Confluent
    registers a reference under its name resolved against the `$id`, which is where Everit resolves
    the `$ref`: the registry finds the file so named whatever `$id` it declares (CycloneDX keeps
    `$id`s and references its other files by path). A contract declaring the resolved `$id` wins."""
    first = _contract_name(name, here, base)
    if "://" not in base or "://" in name or name.startswith("urn:"):
        return (first,)
    return first, posixpath.normpath(posixpath.join(here, name))


def _contract_name(name: str, here: str, base: str) -> str:
    """The name a `$ref`'s target contract defines: an absolute URI (written so, or relative to the
    document's absolute `$id`) is an `$id`; anything else a path, made relative to the contracts root."""
    from urllib.parse import urljoin

    if "://" in name or name.startswith("urn:"):
        return name
    if "://" in base:
        return _without_fragment(urljoin(base, name))
    return posixpath.normpath(posixpath.join(here, name))


def _lenient_json(text: str) -> Any:
    import json

    return json.loads(text)


def _references_by_name(
    document: JsonDocument, references: Sequence[ParsedSchema]
) -> dict[str, JsonSchemaContract]:
    """Each external `$ref` name of the document mapped to the reference contract it means: by the
    reference's `$id`, its path under the contracts root, or its path relative to this file."""
    if not references:
        return {}
    candidates: dict[str, JsonSchemaContract] = {}
    here = posixpath.dirname(document.source.import_path)
    value = document.value
    own_id = value.get(document.draft.id_keyword) if isinstance(value, dict) else None
    base = _without_fragment(own_id) if isinstance(own_id, str) else ""
    for reference in references:
        assert isinstance(reference, JsonSchemaContract)
        value = reference.document.value
        identifier = value.get(reference.document.draft.id_keyword) if isinstance(value, dict) else None
        if isinstance(identifier, str):
            candidates.setdefault(identifier.split("#")[0], reference)
        candidates.setdefault(reference.source.import_path, reference)
    named: dict[str, JsonSchemaContract] = {}
    for name in external_names(document.value, document.draft):
        match = candidates.get(name) or next(
            (candidates[n] for n in _contract_names(name, here, base) if n in candidates), None
        )
        if match is not None:
            named[name] = match
    return named


FORMAT = JsonSchemaFormat()
