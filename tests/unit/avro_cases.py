"""Avro reader/writer compatibility cases with the verdict Confluent (Avro Java 1.12) gives.

Each case lists the expected incompatibilities as (type, location) in Java's order; an empty tuple
means compatible. Many verdicts restate, in this corpus's own structure, those asserted by Avro
Java's TestSchemaCompatibility* suites and Confluent's AvroCompatibilityTest (``source`` says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Expected = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Case:
    id: str
    reader: Any
    writer: Any
    expected: Expected = ()
    source: str = ""

    @property
    def compatible(self) -> bool:
        return not self.expected


def rec(name: str, *fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": list(fields), **extra}


def fld(name: str, type_: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **extra}


def enum(name: str, *symbols: str, **extra: Any) -> dict[str, Any]:
    return {"type": "enum", "name": name, "symbols": list(symbols), **extra}


def fixed(name: str, size: int, **extra: Any) -> dict[str, Any]:
    return {"type": "fixed", "name": name, "size": size, **extra}


def arr(items: Any) -> dict[str, Any]:
    return {"type": "array", "items": items}


def amap(values: Any) -> dict[str, Any]:
    return {"type": "map", "values": values}


TM, MUB, NM = "TYPE_MISMATCH", "MISSING_UNION_BRANCH", "NAME_MISMATCH"
FSM, MES, RFMD = "FIXED_SIZE_MISMATCH", "MISSING_ENUM_SYMBOLS", "READER_FIELD_MISSING_DEFAULT_VALUE"
AMBIGUOUS = "AMBIGUOUS_READER_FIELD"
JAVA = "avro TestSchemaCompatibility"
CONFLUENT = "confluent AvroCompatibilityTest"

# Record fixtures in the spirit of Avro Java's TestSchemas.
EMPTY_R1 = rec("Record1")
A_INT = rec("Record1", fld("a", "int"))
A_LONG = rec("Record1", fld("a", "long"))
A_DINT = rec("Record1", fld("a", "int", default=0))
A_INT_B_INT = rec("Record1", fld("a", "int"), fld("b", "int"))
A_INT_B_DINT = rec("Record1", fld("a", "int"), fld("b", "int", default=0))
A_DINT_B_DINT = rec("Record1", fld("a", "int", default=0), fld("b", "int", default=0))
INT_LIST = rec("List", fld("head", "int"), fld("tail", "List"))
LONG_LIST = rec("List", fld("head", "long"), fld("tail", "List"))
OPT_LIST_INT = rec("Node", fld("value", "int"), fld("next", ["null", "Node"], default=None))
OPT_LIST_LONG = rec("Node", fld("value", "long"), fld("next", ["null", "Node"], default=None))
OPT_LIST_STR = rec("Node", fld("value", "string"), fld("next", ["null", "Node"], default=None))

# Confluent's AvroCompatibilityTest schemas.
C1 = rec("myrecord", fld("f1", "string"))
C2 = rec("myrecord", fld("f1", "string"), fld("f2", "string", default="foo"))
C3 = rec("myrecord", fld("f1", "string"), fld("f2", "string"))
C4 = rec("myrecord", fld("f1_new", "string", aliases=["f1"]))
C6 = rec("myrecord", fld("f1", ["null", "string"], doc="doc of f1"))
C7 = rec("myrecord", fld("f1", ["null", "string", "int"], doc="doc of f1"))


def _primitive_cases() -> list[Case]:
    allowed = [
        ("null", "null"),
        ("boolean", "boolean"),
        ("int", "int"),
        ("long", "int"),
        ("long", "long"),
        ("float", "int"),
        ("float", "long"),
        ("float", "float"),
        ("double", "int"),
        ("double", "long"),
        ("double", "float"),
        ("double", "double"),
        ("string", "string"),
        ("bytes", "bytes"),
        ("string", "bytes"),
        ("bytes", "string"),
    ]
    refused = [
        ("null", "int"),
        ("null", "long"),
        ("boolean", "int"),
        ("int", "null"),
        ("int", "boolean"),
        ("int", "long"),
        ("int", "float"),
        ("int", "double"),
        ("long", "float"),
        ("long", "double"),
        ("float", "double"),
        ("double", "string"),
        ("string", "boolean"),
        ("string", "int"),
        ("bytes", "null"),
        ("bytes", "int"),
        ("int", "string"),
    ]
    cases = [Case(f"promote-{w}-to-{r}", r, w, (), JAVA) for r, w in allowed]
    cases += [Case(f"refuse-{w}-to-{r}", r, w, ((TM, "/"),), JAVA) for r, w in refused]
    return cases


def _container_cases() -> list[Case]:
    return [
        Case("array-same", arr("int"), arr("int"), (), JAVA),
        Case("array-int-to-long", arr("long"), arr("int"), (), JAVA),
        Case("array-long-to-int", arr("int"), arr("long"), ((TM, "/items"),), JAVA),
        Case("map-int-to-long", amap("long"), amap("int"), (), JAVA),
        Case("map-long-to-int", amap("int"), amap("long"), ((TM, "/values"),), JAVA),
        Case("map-reads-array", amap("int"), arr("int"), ((TM, "/"),), JAVA),
        Case("array-reads-map", arr("int"), amap("int"), ((TM, "/"),), JAVA),
        Case("array-reads-string", arr("string"), "string", ((TM, "/"),)),
        Case(
            "array-of-records-new-field-no-default",
            arr(rec("Item", fld("a", "int"), fld("b", "string"))),
            arr(rec("Item", fld("a", "int"))),
            ((RFMD, "/items/fields/1"),),
        ),
        Case(
            "map-of-records-field-type",
            amap(rec("Item", fld("a", "string"))),
            amap(rec("Item", fld("a", "int"))),
            ((TM, "/values/fields/0/type"),),
        ),
        Case("nested-array-map", arr(amap(arr("double"))), arr(amap(arr("int"))), ()),
        Case(
            "nested-array-map-bad",
            arr(amap(arr("int"))),
            arr(amap(arr("double"))),
            ((TM, "/items/values/items"),),
        ),
    ]


def _union_cases() -> list[Case]:
    return [
        Case("union-empty-both", [], [], (), JAVA),
        Case("union-float-reads-empty", ["float"], [], (), JAVA),
        Case("union-float-reads-int", ["float"], ["int"], (), JAVA),
        Case("union-float-reads-int-long", ["float"], ["int", "long"], (), JAVA),
        Case("union-order-irrelevant", ["int", "string"], ["string", "int"], (), JAVA),
        Case("union-string-reads-bytes", ["string"], ["bytes"], (), JAVA),
        Case("union-double-reads-int-float", ["double"], ["int", "float"], (), JAVA),
        Case("plain-float-reads-int-float-union", "float", ["int", "float"], (), JAVA),
        Case("plain-double-reads-numeric-union", "double", ["int", "long", "float", "double"], (), JAVA),
        Case("singleton-union-reads-plain", ["int"], "int", (), JAVA),
        Case("plain-reads-singleton-union", "int", ["int"], (), JAVA),
        Case("union-lacks-writer-branch", ["int", "string"], ["int", "string", "long"], ((MUB, "/2"),), JAVA),
        Case("union-lacks-first-branch", ["string"], ["int", "string"], ((MUB, "/0"),), JAVA),
        Case(
            "union-lacks-several",
            ["int"],
            ["int", "long", "float", "double"],
            ((MUB, "/1"), (MUB, "/2"), (MUB, "/3")),
            JAVA,
        ),
        Case("union-lacks-record", ["int"], ["int", A_INT], ((MUB, "/1"),), JAVA),
        Case("union-lacks-enum", ["int"], ["int", enum("Enum1", "A", "B")], ((MUB, "/1"),), JAVA),
        Case("union-lacks-fixed", ["int"], ["int", fixed("Fixed", 4)], ((MUB, "/1"),), JAVA),
        Case("union-lacks-null", ["int"], ["int", "null"], ((MUB, "/1"),), JAVA),
        Case("union-lacks-array", ["int"], ["int", arr("int")], ((MUB, "/1"),), JAVA),
        Case(
            "union-record-name-differs",
            ["int", rec("Record1", fld("field1", "int"))],
            ["int", rec("Record2", fld("field1", "int"))],
            ((MUB, "/1"),),
            JAVA,
        ),
        Case("plain-reads-union-bad-branch", "long", ["int", "float"], ((TM, "/1"),), JAVA),
        Case(
            "plain-float-reads-double-branch",
            "float",
            ["int", "long", "float", "double"],
            ((TM, "/3"),),
            JAVA,
        ),
        Case("reader-union-lacks-plain-writer", ["int"], "long", ((MUB, "/"),)),
        Case("reader-union-lacks-plain-writer-boolean", ["null", "string"], "boolean", ((MUB, "/"),)),
        Case("union-promotes-in-branch", ["null", "long"], ["null", "int"], ()),
        Case("union-cannot-demote-branch", ["null", "int"], ["null", "long"], ((MUB, "/1"),)),
        Case("union-string-and-bytes-reads-bytes", ["string", "bytes"], "bytes", ()),
        Case(
            "record-field-union-missing-branch",
            rec("Record1", fld("a", "int", default=0), fld("b", ["int"], default=0)),
            rec("Record1", fld("a", "int", default=0), fld("b", ["int", "string"], default=0)),
            ((MUB, "/fields/1/type/1"),),
            JAVA,
        ),
        Case(
            "optional-writer-mandatory-reader",
            rec("Account", fld("age", "int")),
            rec("Account", fld("age", ["null", "int"], default=None)),
            ((TM, "/fields/0/type/0"),),
            JAVA,
        ),
        Case("field-to-optional-union", C6, C1, (), CONFLUENT),
        Case("field-optional-to-plain", C1, C6, ((TM, "/fields/0/type/0"),), CONFLUENT),
        Case("union-adds-branch", C7, C6, (), CONFLUENT),
        Case("union-removes-branch", C6, C7, ((MUB, "/fields/0/type/2"),), CONFLUENT),
        Case(
            "union-of-records-reads-record",
            ["null", rec("R", fld("a", "int"), fld("b", "string", default=""))],
            rec("R", fld("a", "int")),
            (),
        ),
    ]


def _record_cases() -> list[Case]:
    return [
        Case("record-empty-same", EMPTY_R1, EMPTY_R1, (), JAVA),
        Case(
            "error-record-adds-field-with-default",
            rec("Failure", fld("code", "int"), fld("reason", "string", default=""), type="error"),
            rec("Failure", fld("code", "int"), type="error"),
            (),
            "java: an error is a Schema.Type.RECORD, checked as one",
        ),
        Case("record-drops-field", EMPTY_R1, A_INT, (), JAVA),
        Case("record-same-field", A_INT, A_INT, (), JAVA),
        Case("record-adds-default", A_DINT, A_INT, (), JAVA),
        Case("record-removes-default", A_INT, A_DINT, (), JAVA),
        Case("record-field-int-to-long", A_LONG, A_INT, (), JAVA),
        Case("record-field-long-to-int", A_INT, A_LONG, ((TM, "/fields/0/type"),)),
        Case("record-reads-subset", A_INT, A_INT_B_INT, (), JAVA),
        Case("record-new-field-with-default", A_INT_B_DINT, A_INT, (), JAVA),
        Case("record-all-defaults-read-empty", A_DINT_B_DINT, EMPTY_R1, (), JAVA),
        Case("record-missing-field-no-default", A_INT, EMPTY_R1, ((RFMD, "/fields/0"),), JAVA),
        Case("record-first-field-no-default", A_INT_B_DINT, EMPTY_R1, ((RFMD, "/fields/0"),), JAVA),
        Case("record-name-mismatch", rec("Record2"), EMPTY_R1, ((NM, "/name"),), JAVA),
        Case("record-reads-plain-int", A_INT, "int", ((TM, "/"),), JAVA),
        Case(
            "record-namespace-move",
            rec("R", fld("a", "int"), namespace="ns1"),
            rec("ns2.R", fld("a", "int")),
            (),
        ),
        Case(
            "record-namespace-dropped",
            rec("Record", fld("f1", "int")),
            rec("ns.Record", fld("f1", "int")),
            (),
            JAVA,
        ),
        Case(
            "record-inner-namespace-differs",
            rec("Record1", fld("f1", ["null", arr(rec("InnerRecord1", fld("a", "int"), namespace="ns1"))])),
            rec("Record1", fld("f1", ["null", arr(rec("InnerRecord1", fld("a", "int"), namespace="ns2"))])),
            (),
            JAVA,
        ),
        Case("confluent-add-field-with-default", C2, C1, (), CONFLUENT),
        Case("confluent-add-field-without-default", C3, C1, ((RFMD, "/fields/1"),), CONFLUENT),
        Case("confluent-rename-with-alias", C4, C1, (), CONFLUENT),
        Case("confluent-remove-default-vs-default", C3, C2, (), CONFLUENT),
        Case("confluent-forward-drop-field", C1, C2, (), CONFLUENT),
        Case(
            "confluent-three-fields",
            rec(
                "myrecord",
                fld("f1", "string"),
                fld("f2", "string", default="foo"),
                fld("f3", "string", default="bar"),
            ),
            C2,
            (),
            CONFLUENT,
        ),
        Case(
            "record-alias-to-writer-full-name",
            rec("com.acme.NewName", fld("a", "int"), aliases=["com.acme.OldName"]),
            rec("com.acme.OldName", fld("a", "int")),
            (),
        ),
        Case(
            "record-alias-qualified-by-reader-namespace",
            rec("NewName", fld("a", "int"), namespace="com.acme", aliases=["OldName"]),
            rec("com.acme.OldName", fld("a", "int")),
            (),
        ),
        Case(
            "record-alias-in-wrong-namespace",
            rec("a.NewName", fld("a", "int"), aliases=["OldName"]),
            rec("b.OldName", fld("a", "int")),
            ((NM, "/name"),),
        ),
        Case(
            "record-alias-leading-dot-in-namespaced-reader",
            rec("NewName", fld("a", "int"), namespace="com.acme", aliases=[".OldName"]),
            rec("OldName", fld("a", "int")),
            ((NM, "/name"),),
            "java getAliases() returns '.OldName' for a namespaced type: it never matches",
        ),
        Case(
            "record-alias-leading-dot-without-namespace",
            rec("NewName", fld("a", "int"), aliases=[".OldName"]),
            rec("OldName", fld("a", "int")),
            (),
            "java getAliases() returns the full name 'OldName' for a type without namespace",
        ),
        Case(
            "record-writer-alias-does-not-count",
            rec("NewName", fld("a", "int")),
            rec("OldName", fld("a", "int"), aliases=["NewName"]),
            ((NM, "/name"),),
        ),
        Case(
            "field-alias-renames",
            rec("R", fld("renamed", "long", aliases=["original"])),
            rec("R", fld("original", "int")),
            (),
        ),
        Case(
            "field-alias-type-checked",
            rec("R", fld("renamed", "int", aliases=["original"])),
            rec("R", fld("original", "string")),
            ((TM, "/fields/0/type"),),
        ),
        Case(
            "field-name-and-alias-both-match",
            rec("R", fld("b", "int", aliases=["a"])),
            rec("R", fld("a", "int"), fld("b", "int")),
            ((AMBIGUOUS, "/fields/0"),),
            "java lookupWriterField throws; confluent reports incompatible",
        ),
        Case(
            "nested-record-field-missing-default",
            rec("Outer", fld("inner", rec("Inner", fld("x", "int"), fld("y", "int")))),
            rec("Outer", fld("inner", rec("Inner", fld("x", "int")))),
            ((RFMD, "/fields/0/type/fields/1"),),
        ),
        Case(
            "same-named-type-twice-memoized",
            rec("R", fld("a", rec("Money", fld("amount", "int"))), fld("b", "Money")),
            rec("R", fld("a", rec("Money", fld("amount", "string"))), fld("b", "Money")),
            ((TM, "/fields/0/type/fields/0/type"), (TM, "/fields/0/type/fields/0/type")),
            "java memoizes per schema object, locations included",
        ),
        Case(
            "union-trial-result-reused-with-fresh-location",
            rec("R", fld("a", ["null", rec("Inner", fld("x", "int"))]), fld("b", "Inner")),
            rec("R", fld("a", rec("Other", fld("x", "int"))), fld("b", "Other")),
            ((MUB, "/fields/0/type"), (NM, "/name")),
            "java evaluates reader union branches from a fresh location and memoizes that",
        ),
    ]


def _enum_cases() -> list[Case]:
    e1_ab = enum("Enum1", "A", "B")
    e1_abc = enum("Enum1", "A", "B", "C")
    return [
        Case("enum-same", e1_ab, e1_ab, (), JAVA),
        Case("enum-adds-symbol", e1_abc, e1_ab, (), JAVA),
        Case("enum-missing-symbol", e1_ab, e1_abc, ((MES, "/symbols"),), JAVA),
        Case("enum-missing-first-symbol", enum("Enum1", "B", "C"), e1_abc, ((MES, "/symbols"),), JAVA),
        Case("enum-reader-default-covers", enum("Enum1", "A", "B", default="A"), e1_abc, (), JAVA),
        Case("enum-name-mismatch", e1_ab, enum("Enum2", "A", "B"), ((NM, "/name"),), JAVA),
        Case(
            "enum-name-and-symbols",
            enum("Enum1", "A"),
            enum("Enum2", "A", "B"),
            ((NM, "/name"), (MES, "/symbols")),
        ),
        Case("enum-namespace-move", enum("Enum1", "A", "B", namespace="namespace1"), e1_ab, (), JAVA),
        Case(
            "enum-two-namespaces",
            enum("Enum1", "A", "B", namespace="namespace1"),
            enum("Enum1", "A", "B", namespace="namespace2"),
            (),
            JAVA,
        ),
        Case(
            "enum-in-record-missing-symbol",
            rec("Record1", fld("field1", e1_ab)),
            rec("Record1", fld("field1", e1_abc)),
            ((MES, "/fields/0/type/symbols"),),
            JAVA,
        ),
        Case(
            "enum-in-record-name-mismatch",
            rec("Record1", fld("a", "int", default=0), fld("b", e1_ab)),
            rec("Record1", fld("a", "int", default=0), fld("b", enum("Enum2", "A", "B"))),
            ((NM, "/fields/1/type/name"),),
            JAVA,
        ),
        Case(
            "enum-defaults-on-both-levels",
            rec("Record", fld("Field", enum("Schema", "A", "B", default="B"), default="A")),
            rec("Record", fld("Field", enum("Schema", "A", "B", "C", default="A"), default="B")),
            (),
            JAVA,
        ),
        Case(
            "enum-default-record",
            rec("Record", fld("Field", enum("Schema", "A", "B", default="A"))),
            rec("Record", fld("Field", enum("Schema", "A", "B", "C", default="A"))),
            (),
            JAVA,
        ),
        Case(
            "enum-default-does-not-fill-missing-field",
            rec("Record1", fld("field1", enum("Enum", "A", "B", default="A"))),
            rec("Record1", fld("field2", enum("Enum2", "A", "B"))),
            ((TM, "/fields/0/type"),),
            "java compares the enum with the writer record (ENUM vs RECORD)",
        ),
        Case("enum-reads-string", e1_ab, "string", ((TM, "/"),)),
        Case("int-reads-enum", "int", enum("Enum2", "A", "B"), ((TM, "/"),), JAVA),
        Case("enum-reads-int", enum("Enum2", "A", "B"), "int", ((TM, "/"),), JAVA),
    ]


def _fixed_cases() -> list[Case]:
    f4, f8 = fixed("Fixed", 4), fixed("Fixed", 8)
    return [
        Case("fixed-same", f4, f4, (), JAVA),
        Case("fixed-grows", f4, f8, ((FSM, "/size"),), JAVA),
        Case("fixed-shrinks", f8, f4, ((FSM, "/size"),), JAVA),
        Case(
            "fixed-in-record",
            rec("Record1", fld("a", "int", default=0), fld("b", f8)),
            rec("Record1", fld("a", "int", default=0), fld("b", f4)),
            ((FSM, "/fields/1/type/size"),),
            JAVA,
        ),
        Case("fixed-name-mismatch", f4, fixed("AnotherName", 4), ((NM, "/name"),), JAVA),
        Case("fixed-name-and-size", f4, fixed("Other", 8), ((NM, "/name"), (FSM, "/size"))),
        Case("fixed-reads-string", f4, "string", ((TM, "/"),), JAVA),
        Case("fixed-reads-bytes", f4, "bytes", ((TM, "/"),)),
        Case(
            "fixed-empty-namespace-alias",
            rec("R", fld("f", fixed("HashV2", 16, namespace="", aliases=["Hash"])), namespace="a"),
            rec("R", fld("f", fixed("Hash", 16, namespace="")), namespace="a"),
            (),
            'java Schema.Name: an empty "namespace" is the null one, so the alias Hash is the full name Hash',
        ),
        Case("bytes-reads-fixed", "bytes", f4, ((TM, "/"),)),
    ]


def _logical_cases() -> list[Case]:
    date = {"type": "int", "logicalType": "date"}
    ts = {"type": "long", "logicalType": "timestamp-millis"}
    dec = {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}
    dec_wide = {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 4}
    return [
        Case("logical-date-reads-int", date, "int", ()),
        Case("logical-int-reads-date", "int", date, ()),
        Case("logical-timestamp-reads-date", ts, date, ()),
        Case("logical-decimal-precision-change", dec, dec_wide, ()),
        Case("logical-uuid-reads-string", {"type": "string", "logicalType": "uuid"}, "string", ()),
        Case("logical-date-reads-long", date, "long", ((TM, "/"),)),
        Case(
            "logical-decimal-fixed-size",
            fixed("Amount", 8, logicalType="decimal", precision=10, scale=2),
            fixed("Amount", 16, logicalType="decimal", precision=10, scale=2),
            ((FSM, "/size"),),
        ),
        Case("logical-invalid-ignored", {"type": "int", "logicalType": "no-such-type"}, "int", ()),
    ]


def _recursive_cases() -> list[Case]:
    return [
        Case("recursive-same", INT_LIST, INT_LIST, (), JAVA),
        Case("recursive-promotes", LONG_LIST, INT_LIST, (), JAVA),
        Case("recursive-refuses", INT_LIST, LONG_LIST, ((TM, "/fields/0/type"),), JAVA),
        Case("recursive-optional-same", OPT_LIST_INT, OPT_LIST_INT, ()),
        Case("recursive-optional-promotes", OPT_LIST_LONG, OPT_LIST_INT, ()),
        Case("recursive-optional-refuses", OPT_LIST_STR, OPT_LIST_INT, ((TM, "/fields/0/type"),)),
        Case(
            "recursive-tree",
            rec("Tree", fld("label", "string"), fld("children", arr("Tree"), default=[])),
            rec("Tree", fld("label", "bytes"), fld("children", arr("Tree"))),
            (),
        ),
        Case(
            "mutual-recursion",
            rec("A", fld("b", ["null", rec("B", fld("a", ["null", "A"]), fld("n", "long"))])),
            rec("A", fld("b", ["null", rec("B", fld("a", ["null", "A"]), fld("n", "int"))])),
            (),
        ),
    ]


def _multiple_case() -> Case:
    """Avro Java's TestSchemaCompatibilityMultiple, restated."""
    reader = rec(
        "base",
        fld("check_enum_symbols_field", enum("check_enum_symbols_type", "A", "C")),
        fld("check_enum_name_field", enum("check_enum_name_type", "A", "B", "C", "D")),
        fld("type_mismatch_field", "string"),
        fld(
            "sub_record",
            rec(
                "sub_record_type",
                fld("identical_1_field", "long", default=42),
                fld("extra_no_default_field", "long"),
                fld("fixed_length_mismatch_field", fixed("fixed_length_mismatch_type", 4)),
                fld("union_missing_branches_field", ["boolean"]),
                fld("reader_union_does_not_support_type_field", ["boolean"]),
                fld(
                    "record_fqn_mismatch_field",
                    rec(
                        "recordA",
                        fld("A_field_0", "boolean", default=True),
                        fld("array_type_mismatch_field", arr("string")),
                        namespace="not_nsA",
                    ),
                ),
            ),
        ),
    )
    writer = rec(
        "base",
        fld("check_enum_symbols_field", enum("check_enum_symbols_type", "A", "B", "C", "D")),
        fld("check_enum_name_field", enum("check_enum_name_type_ERR", "A", "B", "C", "D")),
        fld("type_mismatch_field", "long"),
        fld(
            "sub_record",
            rec(
                "sub_record_type",
                fld("identical_1_field", "long", default=42),
                fld("fixed_length_mismatch_field", fixed("fixed_length_mismatch_type", 8)),
                fld("union_missing_branches_field", ["boolean", "double", "string"]),
                fld("reader_union_does_not_support_type_field", "long"),
                fld(
                    "record_fqn_mismatch_field",
                    rec(
                        "recordA",
                        fld("A_field_0", "boolean", default=True),
                        fld("array_type_mismatch_field", arr("boolean")),
                        namespace="nsA",
                    ),
                ),
            ),
        ),
    )
    expected = (
        (MES, "/fields/0/type/symbols"),
        (NM, "/fields/1/type/name"),
        (TM, "/fields/2/type"),
        (RFMD, "/fields/3/type/fields/1"),
        (FSM, "/fields/3/type/fields/2/type/size"),
        (MUB, "/fields/3/type/fields/3/type/1"),
        (MUB, "/fields/3/type/fields/3/type/2"),
        (MUB, "/fields/3/type/fields/4/type"),
        (TM, "/fields/3/type/fields/5/type/fields/1/type/items"),
    )
    return Case(
        "java-multiple-incompatibilities", reader, writer, expected, "avro TestSchemaCompatibilityMultiple"
    )


CASES: list[Case] = [
    *_primitive_cases(),
    *_container_cases(),
    *_union_cases(),
    *_record_cases(),
    *_enum_cases(),
    *_fixed_cases(),
    *_logical_cases(),
    *_recursive_cases(),
    _multiple_case(),
]

CASES_BY_ID = {case.id: case for case in CASES}
assert len(CASES_BY_ID) == len(CASES), "case ids must be unique"
