"""Avro text as Confluent Schema Registry parses it (issue 22, and issue 18 item 9 as issue 22 corrects it).

Every expected answer cites the source it follows:
* Apache Avro Java 1.12.1, lang/java/avro/src/main/java/org/apache/avro/: ``Schema.java``,
  ``ParseContext.java``, ``SchemaCompatibility.java``, ``util/SchemaResolver.java``;
* confluentinc/schema-registry (8.x), client/src/main/java/io/confluent/kafka/schemaregistry/avro/:
  ``AvroSchema.java`` (``getParser``, the constructor) and ``AvroSchemaUtils.java``
  (``validateNames``).
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats import parse_registered
from contractctl.formats.avro import FORMAT, AvroSchema
from contractctl.formats.avro.compat import check_reader_writer, is_compatible
from contractctl.formats.avro.fastjson import strict_loads
from contractctl.formats.avro.resolve import Redefinition, ResolvedSchema, resolve
from contractctl.formats.base import InvalidSchema
from contractctl.generic.jsonpos import blank_comments
from contractctl.model import SchemaText, SchemaType


def _source(text: str) -> SchemaText:
    return SchemaText(PurePosixPath("contracts/x.avsc"), text)


def _parse(text: str) -> AvroSchema:
    return FORMAT.parse(_source(text), [])


def _invalid(text: str) -> list[tuple[str, int, int | None]]:
    with pytest.raises(InvalidSchema) as raised:
        _parse(text)
    return [(f.rule, f.line, f.column) for f in raised.value.findings]


def _rules(document: Any, registered: bool = False) -> list[str]:
    schema, problems = resolve(document, None, registered)
    assert (schema is None) == bool(problems)
    return [p.rule for p in problems]


def _rec(*fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": "R", "fields": list(fields), **extra}


# ---------------------------------------------------------------------------------------------
# 1. Comments. Schema.java (static initializer): FACTORY.enable(JsonParser.Feature.ALLOW_COMMENTS),
#    and Schema.Parser.parse(String) reads with that FACTORY.


def test_a_leading_block_comment_is_allowed() -> None:
    assert _parse('/* c */ "int"').resolved.root == "int"


COMMENTED = """{
  // an order
  "type": "record", /* inline */ "name": "R",
  "fields": [
    {"name": "url", "type": "string", "default": "http://x/*y*/"}, // a // inside a string is text
    /* a block
       over lines */
    {"name": "n", "type": "int", "default": "oops"}
  ]
}"""


def test_line_and_block_comments_are_allowed_and_positions_stay_right() -> None:
    # the bad default sits on line 8 after comments spanning lines: it is reported there
    line = COMMENTED.splitlines()[7]
    assert _invalid(COMMENTED) == [("AVRO_BAD_DEFAULT", 8, line.index('"oops"') + 1)]
    fixed = COMMENTED.replace('"oops"', "1")
    schema = _parse(fixed)
    assert schema.resolved.root["fields"][0]["default"] == "http://x/*y*/"  # type: ignore[index]
    name = schema.locate("/name")
    assert name is not None and (name.line, name.column) == (3, COMMENTED.splitlines()[2].index('"R"') + 1)


def test_a_comment_after_the_schema_is_dangling_content() -> None:
    # Schema.Parser.parse(JsonParser, allowDanglingContent=false, ...): whatever remains after the
    # schema's value, trimmed, must be empty ("dangling content after end of schema"): a comment too.
    assert _invalid('"int" // trailing') == [("INVALID_JSON", 1, 7)]
    assert _invalid('{"type": "int"}\n/* c */') == [("INVALID_JSON", 2, 1)]


def test_unterminated_comment_is_invalid_json() -> None:
    assert _invalid('/* never closed "int"')[0][0] == "INVALID_JSON"
    assert _invalid('{"type": / "int"}')[0] == ("INVALID_JSON", 1, 10)


def test_the_fast_path_reads_texts_without_comments_unchanged() -> None:
    # a text without comments is not rewritten (identity: no scan, no copy) ...
    plain = '{"type": "string", "doc": "a // b /* c */"}'
    no_slash = '{"a": 1}'
    assert blank_comments(no_slash) is no_slash and blank_comments(plain) == plain
    assert strict_loads(plain) == json.loads(plain)
    # ... and blanking keeps every offset: same length, line breaks where they were
    text = '/* a\nb */ {"x": // y\n 1}'
    blanked = blank_comments(text)
    assert len(blanked) == len(text) and [i for i, c in enumerate(text) if c == "\n"] == [
        i for i, c in enumerate(blanked) if c == "\n"
    ]
    assert strict_loads(text) == {"x": 1}


def test_comments_do_not_change_the_fingerprint() -> None:
    with_comments = FORMAT.fingerprint(_source('{"type": /* c */ "string"} '))
    assert with_comments == FORMAT.fingerprint(_source('{"type":"string"}'))


# ---------------------------------------------------------------------------------------------
# 2. Registered versions, parsed leniently. AvroSchema.getParser(): a schema not validated as new
#    gets `new Schema.Parser(NameValidator.NO_VALIDATION)` and `setValidateDefaults(false)`; the
#    AvroSchema constructor then runs AvroSchemaUtils.validateNames, which checks with
#    NameValidator.UTF_VALIDATOR the names of records, enums and fixed types, of fields and of
#    enum symbols, and nothing else (no namespace, no alias).

LENIENT_ONLY = [
    ("bad-default", _rec({"name": "a", "type": "int", "default": "x"})),
    ("empty-union-null-default", _rec({"name": "a", "type": [], "default": None})),
    ("dashed-namespace", _rec(namespace="my-ns")),
    ("dashed-namespace-in-name", {"type": "record", "name": "my-ns.R", "fields": []}),
    ("non-ascii-record-name", {"type": "record", "name": "Größe", "fields": []}),
    ("non-ascii-field-name", _rec({"name": "straße", "type": "int"})),
    ("non-ascii-symbol", {"type": "enum", "name": "E", "symbols": ["Ä"]}),
    ("odd-type-alias", _rec(aliases=["odd alias!", "1x"])),
]


@pytest.mark.parametrize("document", [c[1] for c in LENIENT_ONLY], ids=[c[0] for c in LENIENT_ONLY])
def test_registered_versions_accept_what_only_the_strict_parser_refuses(document: Any) -> None:
    assert _rules(document) != []  # a new schema: STRICT_VALIDATOR, default validation on
    assert _rules(document, registered=True) == []


STILL_INVALID_WHEN_REGISTERED = [
    # AvroSchemaUtils.validateNames, with UTF_VALIDATOR
    ("dashed-field", _rec({"name": "a-b", "type": "int"}), "AVRO_INVALID_NAME"),
    ("digit-first-symbol", {"type": "enum", "name": "E", "symbols": ["1X"]}, "AVRO_INVALID_NAME"),
    ("dashed-record", {"type": "record", "name": "my-rec", "fields": []}, "AVRO_INVALID_NAME"),
    # Java's char is UTF-16: a character beyond the BMP is two surrogates, neither a letter
    ("emoji-field", _rec({"name": "a\U0001f600", "type": "int"}), "AVRO_INVALID_NAME"),
    # Schema.EnumSchema's constructor, whatever the parser's settings
    (
        "enum-own-default",
        {"type": "enum", "name": "E", "symbols": ["A"], "default": "B"},
        "AVRO_ENUM_DEFAULT",
    ),
    # Schema.parseField: Double.parseDouble of a textual float/double default, before any validation
    ("double-text", _rec({"name": "a", "type": "double", "default": "abc"}), "AVRO_BAD_DEFAULT"),
    # RecordSchema.setFields, "Duplicate field"
    (
        "duplicate-field",
        _rec({"name": "a", "type": "int"}, {"name": "a", "type": "int"}),
        "AVRO_DUPLICATE_FIELD",
    ),
]


@pytest.mark.parametrize(
    ("document", "rule"),
    [c[1:] for c in STILL_INVALID_WHEN_REGISTERED],
    ids=[c[0] for c in STILL_INVALID_WHEN_REGISTERED],
)
def test_registered_versions_keep_the_checks_java_always_makes(document: Any, rule: str) -> None:
    assert _rules(document, registered=True) == [rule]


def test_the_new_schema_stays_strict() -> None:
    text = json.dumps(_rec({"name": "a", "type": "int", "default": "x"}, namespace="my-ns"))
    assert {rule for rule, _, _ in _invalid(text)} == {"AVRO_BAD_DEFAULT", "AVRO_INVALID_NAME"}
    registered = parse_registered(_source(text), SchemaType.AVRO, [])
    assert isinstance(registered, AvroSchema)
    assert registered.resolved.root["fields"][0]["default"] == "x"  # type: ignore[index]


def test_a_registered_version_with_an_invalid_default_still_compares() -> None:
    # Issue 22's example: previous a:int default "x", new a:long, FORWARD reads old data with the
    # new schema as writer: the old (reader) int cannot read long, TYPE_MISMATCH.
    previous = parse_registered(
        _source(json.dumps(_rec({"name": "a", "type": "int", "default": "x"}))), SchemaType.AVRO, []
    )
    new = _parse(json.dumps(_rec({"name": "a", "type": "long"})))
    assert [f.rule for f in FORMAT.check(previous, new)] == ["TYPE_MISMATCH"]


# ---------------------------------------------------------------------------------------------
# 3. Identical redefinitions. ParseContext.put (1.12.1) throws "Can't redefine" only when
#    `!schema.equals(alreadyKnownSchema)`; Schema.equals compares names, sizes, symbols, fields
#    (Field.equals: name, schema, default, order, properties) and properties, never docs, aliases
#    or an enum's default. A nested named type is put (and compared) before its record.

_FIXED = {"type": "fixed", "name": "F", "size": 4}
_A = {"type": "record", "name": "A", "fields": [{"name": "f", "type": _FIXED}]}


def _twice(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return _rec({"name": "a", "type": first}, {"name": "b", "type": second})


def test_a_record_with_a_nested_named_type_may_be_written_out_twice() -> None:
    assert _rules(_twice(_A, _A)) == []


SAME_FOR_JAVA = [
    ("doc", {**_A, "doc": "again"}),
    ("aliases", {**_A, "aliases": ["Old"]}),
    (
        "field-doc-and-aliases",
        {**_A, "fields": [{"name": "f", "type": _FIXED, "doc": "d", "aliases": ["g"]}]},
    ),
    ("nested-by-reference", {**_A, "fields": [{"name": "f", "type": "F"}]}),
    ("order-spelled-out", {**_A, "fields": [{"name": "f", "type": _FIXED, "order": "ASCENDING"}]}),
]


@pytest.mark.parametrize("second", [c[1] for c in SAME_FOR_JAVA], ids=[c[0] for c in SAME_FOR_JAVA])
def test_redefinitions_equal_for_java_are_valid(second: dict[str, Any]) -> None:
    assert _rules(_twice(_A, second)) == []


def test_an_enum_redefined_with_another_default_is_the_same_enum_for_java() -> None:
    enum = {"type": "enum", "name": "E", "symbols": ["X", "Y"], "default": "X"}
    assert _rules(_twice(enum, {**enum, "default": "Y"})) == []


DIFFERENT_FOR_JAVA = [
    ("nested-size", {**_A, "fields": [{"name": "f", "type": {**_FIXED, "size": 8}}]}),
    ("field-name", {**_A, "fields": [{"name": "g", "type": _FIXED}]}),
    ("field-order", {**_A, "fields": [{"name": "f", "type": _FIXED, "order": "descending"}]}),
    ("property", {**_A, "owner": "team"}),
]


@pytest.mark.parametrize("second", [c[1] for c in DIFFERENT_FOR_JAVA], ids=[c[0] for c in DIFFERENT_FOR_JAVA])
def test_redefinitions_java_finds_different_are_refused(second: dict[str, Any]) -> None:
    assert "AVRO_DUPLICATE_NAME" in _rules(_twice(_A, second))


def test_defaults_differing_as_jackson_nodes_are_different() -> None:
    # Field.defaultValueEquals compares JsonNodes: IntNode 1 is not DoubleNode 1.0
    one = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "double", "default": 1}]}
    other = {**one, "fields": [{"name": "x", "type": "double", "default": 1.0}]}
    assert _rules(_twice(one, other)) == ["AVRO_DUPLICATE_NAME"]


# ---------------------------------------------------------------------------------------------
# 4. Locations under a redefinition. The second definition is its own object in Java's tree
#    (Schema.parseRecord builds a new RecordSchema, ParseContext.put keeps the first by name, and
#    SchemaResolver.ResolvingVisitor copies per object identity); SchemaCompatibility's
#    ReaderWriter memo key compares `mReader == that.mReader && mWriter == that.mWriter`, so each
#    occurrence is compared, and reported, on its own.


def _resolved(document: Any) -> ResolvedSchema:
    schema, problems = resolve(document)
    assert schema is not None, problems
    return schema


def _two_occurrences(size: int) -> ResolvedSchema:
    fixed = {**_FIXED, "size": size}
    record = {**_A, "fields": [{"name": "f", "type": fixed}]}
    return _resolved(_twice(record, record))


def test_a_mismatch_is_reported_at_each_occurrence() -> None:
    reader, writer = _two_occurrences(4), _two_occurrences(8)
    found = check_reader_writer(reader, writer)
    assert [(i.type, i.location) for i in found] == [
        ("FIXED_SIZE_MISMATCH", "/fields/0/type/fields/0/type/size"),
        ("FIXED_SIZE_MISMATCH", "/fields/1/type/fields/0/type/size"),
    ]
    assert not is_compatible(reader, writer)
    assert is_compatible(reader, _two_occurrences(4))


def test_a_redefinition_is_still_its_name_for_everything_else() -> None:
    schema = _two_occurrences(4)
    second = schema.root["fields"][1]["type"]  # type: ignore[index]
    assert isinstance(second, Redefinition) and second == "A"
    assert json.loads(json.dumps(schema.root))["fields"][1]["type"] == "A"
    assert set(schema.names) == {"R", "A", "F"}


def test_a_redefinition_is_read_with_its_own_aliases() -> None:
    # The reader's second copy of A carries alias "W"; Java reads that copy at that place
    # (SchemaCompatibility.schemaNameEquals checks the reader's aliases), the first copy elsewhere.
    writer_record = {"type": "record", "name": "W", "fields": []}
    writer = _resolved(_twice(writer_record, writer_record))
    reader_record = {"type": "record", "name": "A", "fields": []}
    reader = _resolved(_twice(reader_record, {**reader_record, "aliases": ["W"]}))
    found = check_reader_writer(reader, writer)
    assert [(i.type, i.location) for i in found] == [("NAME_MISMATCH", "/fields/0/type/name")]
    assert not is_compatible(reader, writer)


# ---------------------------------------------------------------------------------------------
# 5. Defaults and duplicate keys (issue 18 item 9, settled by issue 22). Confluent validates
#    defaults of a new schema (AvroSchema.getParser: setValidateDefaults(true)); what that checks
#    is Schema.isValidDefault (1.12.1).

ACCEPTED = [
    # UNION: `schema.getTypes().stream().anyMatch(s -> isValidValue(s, defaultValue))`: any branch
    ("union-non-first-branch", ["null", "string"], "x"),
    # STRING/BYTES/ENUM/FIXED: `return defaultValue.isTextual()`: no symbol or length check
    ("enum-field-default-not-a-symbol", {"type": "enum", "name": "E", "symbols": ["A"]}, "Z"),
    ("fixed-default-wrong-length", {"type": "fixed", "name": "F", "size": 4}, "toolong"),
]


@pytest.mark.parametrize(("type_", "default"), [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_defaults_the_registry_accepts(type_: Any, default: Any) -> None:
    _parse(json.dumps(_rec({"name": "f", "type": type_, "default": default})))


def test_an_empty_union_with_a_null_default_is_refused() -> None:
    # UNION: anyMatch over no branch is false, so Field's validateDefault throws "Invalid default"
    text = json.dumps(_rec({"name": "f", "type": [], "default": None}))
    assert [rule for rule, _, _ in _invalid(text)] == ["AVRO_BAD_DEFAULT"]


def test_an_enum_types_own_default_must_be_a_symbol() -> None:
    # EnumSchema(...): "The Enum Default: ... is not in the enum symbol set"
    text = json.dumps({"type": "enum", "name": "E", "symbols": ["A"], "default": "B"})
    assert [rule for rule, _, _ in _invalid(text)] == ["AVRO_ENUM_DEFAULT"]


def test_duplicate_keys_keep_the_last_value_and_its_position() -> None:
    # Schema.java enables only ALLOW_COMMENTS on its JsonFactory: Jackson's
    # STRICT_DUPLICATE_DETECTION (parser) and FAIL_ON_READING_DUP_TREE_KEY (ObjectMapper) stay off,
    # so ObjectNode keeps the last value of a repeated key.
    assert _parse('{"type": "int", "type": "string"}').resolved.root == "string"
    text = '{"type": "record", "name": "R", "fields": [],\n "fields": [{"name": "a", "type": "nope"}]}'
    column = text.splitlines()[1].index('"nope"') + 1
    assert _invalid(text) == [("AVRO_UNKNOWN_TYPE", 2, column)]
