"""`avro: {parser: "1.11"}`: Avro verdicts as Schema Registry gives them on Apache Avro 1.11.

Confluent Platform 7.x, 8.0.0-8.0.2 and 8.1.0 run Avro 1.11 (io.confluent:common's avro.version);
their AvroSchema parses with a plain ``new Schema.Parser()`` and ``setValidateDefaults(isNew())``.
Every case here was answered by the real Java Avro 1.11.4 and 1.12.1 (benchmarks/java_avro/avro111
and benchmarks/java_avro, through benchmarks/avro_java_differential.py); the comments name the
1.11 code (lang/java/avro/src/main/java/org/apache/avro/Schema.java at tag release-1.11.4) that
decides each. The default parser ("1.12") keeps Avro 1.12.1's answers: each case checks both.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats.avro import AvroFormat
from contractctl.formats.avro.compat import check_reader_writer
from contractctl.formats.base import InvalidSchema
from contractctl.model import SchemaText

V111, V112 = AvroFormat("1.11"), AvroFormat("1.12")


def _record(name: str, *fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, **extra, "fields": list(fields)}


def _enum(name: str, *symbols: str, **extra: Any) -> dict[str, Any]:
    return {"type": "enum", "name": name, **extra, "symbols": list(symbols)}


def _verdicts(engine: AvroFormat, document: Any, references: tuple[Any, ...] = ()) -> tuple[bool, bool]:
    """(valid as a new schema, valid as a registered one), references parsed first the same way."""
    answers = []
    for registered in (False, True):
        parse = engine.parse_registered if registered else engine.parse
        parsed: list[Any] = []
        try:
            for index, reference in enumerate(references):
                text = SchemaText(PurePosixPath(f"ref{index}.avsc"), json.dumps(reference))
                parsed.append(parse(text, list(parsed)))
            parse(SchemaText(PurePosixPath("x.avsc"), json.dumps(document)), parsed[::-1])
            answers.append(True)
        except InvalidSchema:
            answers.append(False)
    return answers[0], answers[1]


_BOTH, _NONE, _REG_ONLY = (True, True), (False, False), (False, True)

# name -> (document, references, Java 1.11.4's (new, registered), Java 1.12.1's (new, registered))
CASES: dict[str, tuple[Any, tuple[Any, ...], tuple[bool, bool], tuple[bool, bool]]] = {
    # 1. isValidDefault, case UNION: "union default: first branch" (1.12: any branch); defaults are
    # validated only for a new schema (VALIDATE_DEFAULTS, Confluent's setValidateDefaults(isNew())).
    "union-default-second-branch": (
        _record("R", {"name": "a", "type": ["null", "string"], "default": "x"}),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    "union-null-default-null-second": (
        _record("R", {"name": "a", "type": ["string", "null"], "default": None}),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    "union-default-first-branch": (
        _record("R", {"name": "a", "type": ["string", "null"], "default": "x"}),
        (),
        _BOTH,
        _BOTH,
    ),
    "union-default-inside-array": (
        _record("R", {"name": "a", "type": {"type": "array", "items": ["null", "string"]}, "default": ["x"]}),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    "union-default-inside-map": (
        _record("R", {"name": "a", "type": {"type": "map", "values": ["null", "int"]}, "default": {"k": 1}}),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    "union-default-inside-record-default": (
        _record(
            "R",
            {"name": "i", "type": _record("I", {"name": "u", "type": ["null", "int"]}), "default": {"u": 2}},
        ),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    "union-field-default-inside-record-default": (
        _record(
            "R",
            {
                "name": "i",
                "type": _record("I", {"name": "u", "type": ["null", "int"], "default": 3}),
                "default": {},
            },
        ),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    # 3. Names.put: "Can't redefine" for any name already there (1.12: an identical one is fine),
    # in both parses, a referenced contract's names included (Confluent parses them first, same parser).
    "identical-redefinition": (
        _record("A", {"name": "a", "type": _enum("E", "X")}, {"name": "b", "type": _enum("E", "X")}),
        (),
        _NONE,
        _BOTH,
    ),
    "redefinition-differing-in-doc": (
        _record("A", {"name": "a", "type": _enum("E", "X")}, {"name": "b", "type": _enum("E", "X", doc="d")}),
        (),
        _NONE,
        _BOTH,
    ),
    "redefinition-of-a-referenced-type": (
        _record("A", {"name": "a", "type": _enum("E", "X")}),
        (_enum("E", "X"),),
        _NONE,
        _BOTH,
    ),
    # 2. Schema.parse: a name is looked up in Names as read so far ("Undefined name", "is not a
    # defined name", "Type not supported" for {"type": "B"}); a record is in Names from its start.
    "forward-reference": (
        _record(
            "A",
            {"name": "f", "type": ["null", "B"], "default": None},
            {"name": "g", "type": _record("B")},
        ),
        (),
        _NONE,
        _BOTH,
    ),
    "forward-reference-as-type-object": (
        _record("A", {"name": "f", "type": {"type": "B"}}, {"name": "g", "type": _record("B")}),
        (),
        _NONE,
        _BOTH,
    ),
    "forward-reference-field-type": (
        _record("A", {"name": "f", "type": "E"}, {"name": "g", "type": _enum("E", "X")}),
        (),
        _NONE,
        _BOTH,
    ),
    "recursive-reference": (
        _record("Node", {"name": "next", "type": ["null", "Node"], "default": None}),
        (),
        _BOTH,
        _BOTH,
    ),
    # 6. Name(String, String) validates only the simple name: namespaces are never checked.
    "namespace-with-digit": (_record("R", namespace="1a.b"), (), _BOTH, _REG_ONLY),
    "namespace-with-empty-part": (_record("R", namespace="a..b"), (), _BOTH, _REG_ONLY),
    "namespace-unicode": (_record("R", namespace="é.x"), (), _BOTH, _REG_ONLY),
    "namespace-in-dotted-name": (_record("1a.R"), (), _BOTH, _REG_ONLY),
    # 7. validateName: Character.isLetter / isLetterOrDigit, for both parses (1.12 with Confluent's
    # strict validator: ASCII only for a new schema)
    "unicode-record-name": (_record("Ünï"), (), _BOTH, _REG_ONLY),
    "unicode-field-name": (_record("R", {"name": "grüße", "type": "int"}), (), _BOTH, _REG_ONLY),
    "unicode-enum-symbol": (_record("R", {"name": "e", "type": _enum("E", "Ä")}), (), _BOTH, _REG_ONLY),
    "unicode-alias": (_record("R", aliases=["Älter"]), (), _BOTH, _REG_ONLY),
    "digit-first-name": (_record("1R"), (), _NONE, _NONE),
    # 10. NamedSchema.addAlias makes a Name, validated in both parses (1.12 registered: not at all)
    "bad-record-alias": (_record("R", aliases=["1bad"]), (), _NONE, _REG_ONLY),
    # 8. No second look at defaults as placeholders resolve (1.11 has no placeholders): a referenced
    # recursive type's record default is not walked again for a schema using it.
    "referenced-recursive-default": (
        _record("Order", {"name": "price", "type": "Money"}),
        (
            _record(
                "Money",
                {
                    "name": "when",
                    "type": _record("Kind", {"name": "value", "type": ["null", "Money"]}),
                    "default": {"value": None},
                },
            ),
        ),
        _BOTH,
        _REG_ONLY,
    ),
    # ...and 1.11's own answer for a default reaching the record being read: false for a
    # non-object, getFields() throws ("Schema fields not set yet") for an object
    "default-reaching-the-record-being-read": (
        _record("Node", {"name": "n", "type": "Node", "default": {}}),
        (),
        _REG_ONLY,
        _REG_ONLY,
    ),
    # ...but a recursive reference inside a record read in full since is that record
    "default-reaching-a-finished-recursive-record": (
        _record(
            "M",
            {
                "name": "when",
                "type": _record("R2", {"name": "y", "type": {"type": "array", "items": "R2"}, "default": []}),
                "default": {"y": [{}]},
            },
        ),
        (),
        _BOTH,
        _BOTH,
    ),
    "default-reaching-the-record-being-read-second-branch": (
        _record("Node", {"name": "n", "type": ["Node", "null"], "default": None}),
        (),
        _REG_ONLY,
        _BOTH,
    ),
    # 4. Name: a leading dot is the null namespace, in a reference and in an alias
    "leading-dot-reference": (
        _record("R", {"name": "next", "type": ["null", ".R"], "default": None}),
        (),
        _BOTH,
        _NONE,
    ),
    "leading-dot-reference-from-a-namespace": (
        _record(
            "R",
            {"name": "e", "type": _enum("E", "A")},
            {"name": "i", "type": _record("I", {"name": "e", "type": ".E"}, namespace="x")},
        ),
        (),
        _BOTH,
        _NONE,
    ),
    # 5. Names.get: the current namespace, then the null one, among the names read so far, the
    # enclosing record included (1.12: its placeholder takes the qualified name only)
    "enclosing-null-namespace-record": (
        _record(
            "Outer",
            {
                "name": "i",
                "type": _record(
                    "Inner", {"name": "o", "type": ["null", "Outer"], "default": None}, namespace="x"
                ),
            },
        ),
        (),
        _BOTH,
        _NONE,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_validity_as_java_avro_111_and_112(name: str) -> None:
    document, references, java111, java112 = CASES[name]
    assert _verdicts(V111, document, references) == java111
    assert _verdicts(V112, document, references) == java112


def test_a_failure_names_the_1_11_rule() -> None:
    forward = _record("A", {"name": "f", "type": "B"}, {"name": "g", "type": _record("B")})
    with pytest.raises(InvalidSchema) as caught:
        V111.parse(SchemaText(PurePosixPath("a.avsc"), json.dumps(forward)), [])
    (finding,) = caught.value.findings
    assert finding.rule == "AVRO_UNKNOWN_TYPE" and "1.11" in finding.message
    twice = _record("A", {"name": "a", "type": _enum("E", "X")}, {"name": "b", "type": _enum("E", "X")})
    with pytest.raises(InvalidSchema) as caught:
        V111.parse(SchemaText(PurePosixPath("a.avsc"), json.dumps(twice)), [])
    assert [f.rule for f in caught.value.findings] == ["AVRO_DUPLICATE_NAME"]


def test_leading_dot_alias_is_the_null_namespace() -> None:
    """9/4: an alias ".Kind" of a namespaced record is "Kind" in 1.11, so it matches a writer named
    Kind in the null namespace (1.12 keeps ".Kind", which matches nothing)."""
    reader = _record("KindV2", {"name": "v", "type": "int"}, namespace="a", aliases=[".Kind"])
    writer = _record("Kind", {"name": "v", "type": "int"})
    found = {}
    for engine in (V111, V112):
        parsed = [
            engine.parse_registered(SchemaText(PurePosixPath(f"{side}.avsc"), json.dumps(doc)), [])
            for side, doc in (("r", reader), ("w", writer))
        ]
        found[engine.parser] = [
            item.type for item in check_reader_writer(parsed[0].resolved, parsed[1].resolved)
        ]
    assert found == {"1.11": [], "1.12": ["NAME_MISMATCH"]}


def test_parse_alone_agrees_with_parse() -> None:
    for name, (document, references, _, _) in CASES.items():
        if references:
            continue
        for registered in (False, True):
            alone = V111.parse_alone(SchemaText(PurePosixPath("x.avsc"), json.dumps(document)), registered)
            if alone is not None:
                assert _verdicts(V111, document)[registered], name


def test_an_unknown_parser_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.12"):
        AvroFormat("1.10")


def test_the_hint_says_first_branch() -> None:
    document = _record("R", {"name": "a", "type": ["null", "string"], "default": "x"})
    with pytest.raises(InvalidSchema) as caught:
        V111.parse(SchemaText(PurePosixPath("a.avsc"), json.dumps(document)), [])
    (finding,) = caught.value.findings
    assert finding.rule == "AVRO_BAD_DEFAULT" and "FIRST branch" in (finding.hint or "")


def test_other_rules_keep_their_hint() -> None:
    document = _record("R", {"name": "a", "type": "int"}, {"name": "a", "type": "int"})
    with pytest.raises(InvalidSchema) as caught:
        V111.parse(SchemaText(PurePosixPath("a.avsc"), json.dumps(document)), [])
    assert [f.hint for f in caught.value.findings] == ["Rename or remove one of the fields."]


# 11. ReaderWriterCompatibilityChecker.calculateCompatibility, reader not a union and writer one:
# 1.11 checks each branch with the two-argument getCompatibility(reader, s), a new location stack
# (so "/" is that reader node), where 1.12 passes the location on with the branch index. Java 1.11.4
# and 1.12.1's answers:
_INNER = _record("I", {"name": "x", "type": "int"})
_INNER_STRING = _record("I", {"name": "x", "type": "string"})
LOCATIONS = {
    "under-a-field": (
        _record("R", {"name": "a", "type": _INNER}),
        _record("R", {"name": "a", "type": ["null", _INNER_STRING]}),
        ["/", "/fields/0/type"],
        ["/fields/0/type/0", "/fields/0/type/1/fields/0/type"],
    ),
    "at-the-root": (
        _INNER,
        ["null", _INNER_STRING],
        ["/", "/fields/0/type"],
        ["/0", "/1/fields/0/type"],
    ),
}


@pytest.mark.parametrize("name", list(LOCATIONS))
def test_locations_under_a_writer_union(name: str) -> None:
    reader, writer, java111, java112 = LOCATIONS[name]
    for engine, expected in ((V111, java111), (V112, java112)):
        parsed = [
            engine.parse_registered(SchemaText(PurePosixPath(f"{side}.avsc"), json.dumps(doc)), [])
            for side, doc in (("r", reader), ("w", writer))
        ]
        findings = engine.check(parsed[0], parsed[1])
        assert [(f.rule, f.pointer) for f in findings] == [("TYPE_MISMATCH", where) for where in expected]
