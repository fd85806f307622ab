"""Protobuf schema pairs with the differences Confluent Schema Registry's SchemaDiff reports.

`backward` is compare(old, new) (what BACKWARD checks), `forward` is compare(new, old) (FORWARD's swapped
pair), both as (type, path) multisets under the current oneof rules; `legacy_*` give the answer of
registries before the 2026-06 oneof change where it differs. The verdicts were derived from reading
Confluent's protobuf-provider diff sources and its published examples; the cases are our own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Diffs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Case:
    id: str
    old: str
    new: str
    backward: Diffs = ()
    forward: Diffs = ()
    legacy_backward: Diffs | None = None  # None: same as under the current rules
    legacy_forward: Diffs | None = None
    old_deps: dict[str, str] = field(default_factory=dict)  # import path -> text
    new_deps: dict[str, str] = field(default_factory=dict)


def p3(body: str, package: str | None = None, imports: tuple[str, ...] = ()) -> str:
    head = 'syntax = "proto3";\n'
    if package:
        head += f"package {package};\n"
    head += "".join(f'import "{i}";\n' for i in imports)
    return head + body + "\n"


def p2(body: str, package: str | None = None) -> str:
    return 'syntax = "proto2";\n' + (f"package {package};\n" if package else "") + body + "\n"


ADDED, REMOVED = "FIELD_ADDED", "FIELD_REMOVED"
NAME, KIND, SCALAR, NAMED = (
    "FIELD_NAME_CHANGED",
    "FIELD_KIND_CHANGED",
    "FIELD_SCALAR_KIND_CHANGED",
    ("FIELD_NAMED_TYPE_CHANGED"),
)
M1 = "#/M/1"

COMMON_V1 = p3("message Address { string city = 1; }", "acme.common")
COMMON_V2_COMPATIBLE = p3("message Address { string city = 1; string zip = 2; }", "acme.common")
COMMON_V2_BREAKING = p3("message Address { int64 city = 1; }", "acme.common")
COMMON_OTHER_PACKAGE = p3("message Address { string city = 1; }", "acme.geo")
USES_ADDRESS = p3("message M { acme.common.Address a = 1; }", "acme.app", ("common/address.proto",))

CASES: tuple[Case, ...] = (
    # --- fields
    Case(
        "field-added",
        p3("message M { int32 a = 1; }"),
        p3("message M { int32 a = 1; string b = 2; }"),
        ((ADDED, "#/M/2"),),
        ((REMOVED, "#/M/2"),),
    ),
    Case(
        "field-renamed",
        p3("message M { int32 a = 1; }"),
        p3("message M { int32 renamed = 1; }"),
        ((NAME, M1),),
        ((NAME, M1),),
    ),
    Case(
        "field-number-changed-is-remove-plus-add",
        p3("message M { int32 a = 1; }"),
        p3("message M { int32 a = 2; }"),
        ((REMOVED, M1), (ADDED, "#/M/2")),
        ((ADDED, M1), (REMOVED, "#/M/2")),
    ),
    Case(
        "reserved-number-reused",
        p3("message M { int32 a = 1; reserved 2; }"),
        p3("message M { int32 a = 1; string b = 2; }"),
        ((ADDED, "#/M/2"),),
        ((REMOVED, "#/M/2"),),
    ),
    Case("int32-to-int64", p3("message M { int32 a = 1; }"), p3("message M { int64 a = 1; }")),
    Case("int64-to-int32-lossy", p3("message M { int64 a = 1; }"), p3("message M { int32 a = 1; }")),
    Case("uint64-to-bool", p3("message M { uint64 a = 1; }"), p3("message M { bool a = 1; }")),
    Case(
        "int32-to-sint32",
        p3("message M { int32 a = 1; }"),
        p3("message M { sint32 a = 1; }"),
        ((SCALAR, M1),),
        ((SCALAR, M1),),
    ),
    Case("fixed32-to-sfixed32", p3("message M { fixed32 a = 1; }"), p3("message M { sfixed32 a = 1; }")),
    Case(
        "fixed32-to-fixed64",
        p3("message M { fixed32 a = 1; }"),
        p3("message M { fixed64 a = 1; }"),
        ((SCALAR, M1),),
        ((SCALAR, M1),),
    ),
    Case(
        "float-to-double",
        p3("message M { float a = 1; }"),
        p3("message M { double a = 1; }"),
        ((SCALAR, M1),),
        ((SCALAR, M1),),
    ),
    Case("string-to-bytes", p3("message M { string a = 1; }"), p3("message M { bytes a = 1; }")),
    Case(
        "int32-to-new-enum",
        p3("message M { int32 a = 1; }"),
        p3("message M { E a = 1; } enum E { ZERO = 0; ONE = 1; }"),
        (("ENUM_ADDED", "#/E"),),
        (("ENUM_REMOVED", "#/E"),),
    ),
    Case(
        "enum-to-other-enum",
        p3("message M { E a = 1; } enum E { A = 0; } enum F { B = 0; }"),
        p3("message M { F a = 1; } enum E { A = 0; } enum F { B = 0; }"),
    ),
    Case(
        "enum-to-string",
        p3("message M { E a = 1; } enum E { A = 0; }"),
        p3("message M { string a = 1; } enum E { A = 0; }"),
        ((SCALAR, M1),),
        ((SCALAR, M1),),
    ),
    Case(
        "enum-to-sint64",
        p3("message M { E a = 1; } enum E { A = 0; }"),
        p3("message M { sint64 a = 1; } enum E { A = 0; }"),
        ((SCALAR, M1),),
        ((SCALAR, M1),),
    ),
    Case(
        "message-to-bytes",
        p3("message M { S a = 1; } message S { int32 x = 1; }"),
        p3("message M { bytes a = 1; } message S { int32 x = 1; }"),
        ((KIND, M1),),
        ((KIND, M1),),
    ),
    Case(
        "string-to-wrapper",
        p3("message M { string a = 1; }", imports=("google/protobuf/wrappers.proto",)),
        p3("message M { google.protobuf.StringValue a = 1; }", imports=("google/protobuf/wrappers.proto",)),
        ((KIND, M1),),
        ((KIND, M1),),
    ),
    Case(
        "map-to-repeated-entry",
        p3("message M { map<string, int32> a = 1; }"),
        p3("message M { repeated E a = 1; message E { string key = 1; int32 value = 2; } }"),
        ((KIND, M1), ("MESSAGE_ADDED", "#/M/E")),
        ((KIND, M1), ("MESSAGE_REMOVED", "#/M/E")),
    ),
    Case(
        "map-value-widened",
        p3("message M { map<string, int32> a = 1; }"),
        p3("message M { map<string, int64> a = 1; }"),
    ),
    Case(
        "map-key-changed",
        p3("message M { map<string, int32> a = 1; }"),
        p3("message M { map<int32, int32> a = 1; }"),
        ((SCALAR, M1),),
        ((SCALAR, M1),),
    ),
    Case(
        "map-field-added-has-no-entry-message",
        p3("message M { int32 a = 1; }"),
        p3("message M { int32 a = 1; map<string, S> m = 2; } message S { int32 x = 1; }"),
        ((ADDED, "#/M/2"), ("MESSAGE_ADDED", "#/S")),
        ((REMOVED, "#/M/2"), ("MESSAGE_REMOVED", "#/S")),
    ),
    Case(
        "message-type-renamed",
        p3("message M { A a = 1; } message A { int32 x = 1; } message B { int32 x = 1; }"),
        p3("message M { B a = 1; } message A { int32 x = 1; } message B { int32 x = 1; }"),
        ((NAMED, M1),),
        ((NAMED, M1),),
    ),
    # --- labels
    Case(
        "proto2-required-added",
        p2("message M { optional int32 a = 1; }"),
        p2("message M { optional int32 a = 1; required int32 b = 2; }"),
        (("REQUIRED_FIELD_ADDED", "#/M/2"),),
        (("REQUIRED_FIELD_REMOVED", "#/M/2"),),
    ),
    Case(
        "proto2-numeric-optional-to-required",
        p2("message M { optional int32 a = 1; }"),
        p2("message M { required int32 a = 1; }"),
        (("FIELD_NUMERIC_LABEL_CHANGED", M1),),
        (("FIELD_NUMERIC_LABEL_CHANGED", M1),),
    ),
    Case(
        "proto2-string-optional-to-required",
        p2("message M { optional string a = 1; }"),
        p2("message M { required string a = 1; }"),
        (("FIELD_STRING_OR_BYTES_LABEL_CHANGED", M1),),
        (("FIELD_STRING_OR_BYTES_LABEL_CHANGED", M1),),
    ),
    Case(
        "proto2-message-optional-to-required",
        p2("message M { optional S a = 1; } message S { optional int32 x = 1; }"),
        p2("message M { required S a = 1; } message S { optional int32 x = 1; }"),
    ),
    Case(
        "proto3-implicit-to-repeated",
        p3("message M { int32 a = 1; }"),
        p3("message M { repeated int32 a = 1; }"),
    ),
    Case(
        "proto3-optional-to-repeated",
        p3("message M { optional int32 a = 1; }"),
        p3("message M { repeated int32 a = 1; }"),
        (("FIELD_NUMERIC_LABEL_CHANGED", M1),),
        (("FIELD_NUMERIC_LABEL_CHANGED", M1),),
    ),
    Case(
        "proto3-optional-string-to-repeated",
        p3("message M { optional string a = 1; }"),
        p3("message M { repeated string a = 1; }"),
        (("FIELD_STRING_OR_BYTES_LABEL_CHANGED", M1),),
        (("FIELD_STRING_OR_BYTES_LABEL_CHANGED", M1),),
    ),
    Case(
        "proto3-implicit-to-optional-no-synthetic-oneof",
        p3("message M { int32 a = 1; }"),
        p3("message M { optional int32 a = 1; }"),
    ),
    Case(
        "message-field-to-repeated",
        p3("message M { optional S a = 1; } message S { int32 x = 1; }"),
        p3("message M { repeated S a = 1; } message S { int32 x = 1; }"),
    ),
    Case(
        "proto2-group-is-invisible",
        p2("message M { optional int32 a = 1; }"),
        p2("message M { optional int32 a = 1; optional group G = 2 { optional int32 x = 3; } }"),
    ),
    # --- messages, enums, package
    Case(
        "message-added",
        p3("message M { int32 a = 1; }"),
        p3("message M { int32 a = 1; } message N { int32 b = 1; }"),
        (("MESSAGE_ADDED", "#/N"),),
        (("MESSAGE_REMOVED", "#/N"),),
    ),
    Case(
        "messages-reordered",
        p3("message M { int32 a = 1; } message N { int32 b = 1; }"),
        p3("message N { int32 b = 1; } message M { int32 a = 1; }"),
        (("MESSAGE_MOVED", "#/M"), ("MESSAGE_MOVED", "#/N")),
        (("MESSAGE_MOVED", "#/M"), ("MESSAGE_MOVED", "#/N")),
    ),
    Case(
        "enum-between-messages-does-not-move-them",
        p3("message M { int32 a = 1; } message N { int32 b = 1; }"),
        p3("message M { int32 a = 1; } enum E { Z = 0; } message N { int32 b = 1; }"),
        (("ENUM_ADDED", "#/E"),),
        (("ENUM_REMOVED", "#/E"),),
    ),
    Case(
        "nested-message-removed",
        p3("message M { int32 a = 1; message In { int32 x = 1; } }"),
        p3("message M { int32 a = 1; }"),
        (("MESSAGE_REMOVED", "#/M/In"),),
        (("MESSAGE_ADDED", "#/M/In"),),
    ),
    Case(
        "nested-field-type-changed",
        p3("message M { In i = 1; message In { int32 x = 1; } }"),
        p3("message M { In i = 1; message In { string x = 1; } }"),
        ((SCALAR, "#/M/In/1"),),
        ((SCALAR, "#/M/In/1"),),
    ),
    Case(
        "recursive-message",
        p3("message M { M child = 1; int32 a = 2; }"),
        p3("message M { M child = 1; string a = 2; }"),
        ((SCALAR, "#/M/2"),),
        ((SCALAR, "#/M/2"),),
    ),
    Case(
        "enum-values-changed",
        p3("message M { E e = 1; } enum E { A = 0; B = 1; }"),
        p3("message M { E e = 1; } enum E { A = 0; C = 1; D = 2; }"),
        (("ENUM_CONST_CHANGED", "#/E/1"), ("ENUM_CONST_ADDED", "#/E/2")),
        (("ENUM_CONST_CHANGED", "#/E/1"), ("ENUM_CONST_REMOVED", "#/E/2")),
    ),
    Case(
        "nested-enum-removed",
        p3("message M { int32 a = 1; enum Unused { U = 0; } }"),
        p3("message M { int32 a = 1; }"),
        (("ENUM_REMOVED", "#/M/Unused"),),
        (("ENUM_ADDED", "#/M/Unused"),),
    ),
    Case(
        "package-changed",
        p3("message M { int32 a = 1; }", "acme.v1"),
        p3("message M { int32 a = 1; }", "acme.v2"),
        (("PACKAGE_CHANGED", "#/"),),
        (("PACKAGE_CHANGED", "#/"),),
    ),
    Case(
        "package-added",
        p3("message M { int32 a = 1; }"),
        p3("message M { int32 a = 1; }", "acme"),
        (("PACKAGE_CHANGED", "#/"),),
        (("PACKAGE_CHANGED", "#/"),),
    ),
    Case(
        "comments-options-formatting-only",
        p3("message M { int32 a = 1; }"),
        p3(
            'option java_package = "x";\n// a comment\nmessage   M {\n  int32 a = 1 [deprecated = true];\n}',
        ),
    ),
    # --- oneofs
    Case(
        "oneof-added-with-new-fields",
        p3("message M { int32 x = 1; }"),
        p3("message M { int32 x = 1; oneof o { int32 a = 2; string b = 3; } }"),
        (("ONEOF_ADDED", "#/M/o"), ("ONEOF_FIELD_ADDED", "#/M/o/2"), ("ONEOF_FIELD_ADDED", "#/M/o/3")),
        (("ONEOF_REMOVED", "#/M/o"),),
        legacy_backward=(("ONEOF_ADDED", "#/M/o"),),
    ),
    Case(
        "oneof-member-added",
        p3("message M { oneof o { int32 a = 1; } }"),
        p3("message M { oneof o { int32 a = 1; string b = 2; } }"),
        (("ONEOF_FIELD_ADDED", "#/M/o/2"),),
        (("ONEOF_FIELD_REMOVED", "#/M/o/2"),),
    ),
    Case(
        "one-field-into-new-oneof",
        p3("message M { int32 a = 1; int32 b = 2; }"),
        p3("message M { int32 a = 1; oneof o { int32 b = 2; } }"),
        (("ONEOF_ADDED", "#/M/o"),),
        (("ONEOF_REMOVED", "#/M/o"), ("ONEOF_FIELD_MOVED_TO_TOP_LEVEL", "#/M/2")),
        legacy_forward=(("ONEOF_REMOVED", "#/M/o"), (ADDED, "#/M/2")),
    ),
    Case(
        "field-out-of-oneof",
        p3("message M { oneof o { int32 a = 1; int32 b = 2; } }"),
        p3("message M { int32 a = 1; oneof o { int32 b = 2; } }"),
        (("ONEOF_FIELD_MOVED_TO_TOP_LEVEL", M1),),
        (("FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/o"),),
        legacy_backward=(("ONEOF_FIELD_REMOVED", "#/M/o/1"), (ADDED, M1)),
        legacy_forward=(("FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/o"), ("ONEOF_FIELD_ADDED", "#/M/o/1")),
    ),
    Case(
        "two-fields-into-oneof",
        p3("message M { int32 a = 1; int32 b = 2; }"),
        p3("message M { oneof o { int32 a = 1; int32 b = 2; } }"),
        (("MULTIPLE_FIELDS_MOVED_TO_ONEOF", "#/M/o"), ("ONEOF_ADDED", "#/M/o")),
        (
            ("ONEOF_REMOVED", "#/M/o"),
            ("ONEOF_FIELD_MOVED_TO_TOP_LEVEL", M1),
            ("ONEOF_FIELD_MOVED_TO_TOP_LEVEL", "#/M/2"),
        ),
        legacy_forward=(("ONEOF_REMOVED", "#/M/o"), (ADDED, M1), (ADDED, "#/M/2")),
    ),
    Case(
        "oneof-renamed",
        p3("message M { oneof o { int32 a = 1; string b = 2; } }"),
        p3("message M { oneof p { int32 a = 1; string b = 2; } }"),
        (("ONEOF_REMOVED", "#/M/o"), ("ONEOF_ADDED", "#/M/p")),
        (("ONEOF_ADDED", "#/M/o"), ("ONEOF_REMOVED", "#/M/p")),
    ),
    Case(
        "oneof-renamed-hides-type-change-in-legacy",
        p3("message M { oneof o { int32 a = 1; string b = 2; } }"),
        p3("message M { oneof p { string a = 1; string b = 2; } }"),
        (("ONEOF_REMOVED", "#/M/o"), ("ONEOF_ADDED", "#/M/p"), (SCALAR, "#/M/p/1")),
        (("ONEOF_ADDED", "#/M/o"), ("ONEOF_REMOVED", "#/M/p"), (SCALAR, "#/M/o/1")),
        legacy_backward=(("ONEOF_REMOVED", "#/M/o"), ("ONEOF_ADDED", "#/M/p")),
        legacy_forward=(("ONEOF_ADDED", "#/M/o"), ("ONEOF_REMOVED", "#/M/p")),
    ),
    Case(
        "member-moved-between-oneofs",
        p3("message M { oneof o { int32 a = 1; int32 b = 2; } oneof p { int32 c = 3; } }"),
        p3("message M { oneof o { int32 a = 1; } oneof p { int32 b = 2; int32 c = 3; } }"),
        (("FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/p"),),
        (("FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/o"),),
        legacy_backward=(("ONEOF_FIELD_REMOVED", "#/M/o/2"), ("ONEOF_FIELD_ADDED", "#/M/p/2")),
        legacy_forward=(("ONEOF_FIELD_ADDED", "#/M/o/2"), ("ONEOF_FIELD_REMOVED", "#/M/p/2")),
    ),
    Case(
        "whole-oneof-removed",
        p3("message M { int32 x = 1; oneof o { int32 a = 2; string b = 3; } }"),
        p3("message M { int32 x = 1; }"),
        (("ONEOF_REMOVED", "#/M/o"),),
        (("ONEOF_ADDED", "#/M/o"), ("ONEOF_FIELD_ADDED", "#/M/o/2"), ("ONEOF_FIELD_ADDED", "#/M/o/3")),
        legacy_forward=(("ONEOF_ADDED", "#/M/o"),),
    ),
    Case(
        "oneof-member-removed",
        p3("message M { oneof o { int32 a = 1; int32 b = 2; } }"),
        p3("message M { oneof o { int32 a = 1; } }"),
        (("ONEOF_FIELD_REMOVED", "#/M/o/2"),),
        (("ONEOF_FIELD_ADDED", "#/M/o/2"),),
    ),
    # --- references and built-ins
    Case(
        "reference-changed-compatibly",
        USES_ADDRESS,
        USES_ADDRESS,
        ((ADDED, "#/Address/2"),),
        ((REMOVED, "#/Address/2"),),
        old_deps={"common/address.proto": COMMON_V1},
        new_deps={"common/address.proto": COMMON_V2_COMPATIBLE},
    ),
    Case(
        "reference-changed-incompatibly",
        USES_ADDRESS,
        USES_ADDRESS,
        ((SCALAR, "#/Address/1"), (NAMED, M1)),
        ((SCALAR, "#/Address/1"), (NAMED, M1)),
        old_deps={"common/address.proto": COMMON_V1},
        new_deps={"common/address.proto": COMMON_V2_BREAKING},
    ),
    Case(
        "reference-package-ignored",
        USES_ADDRESS,
        p3("message M { acme.geo.Address a = 1; }", "acme.app", ("geo/address.proto",)),
        old_deps={"common/address.proto": COMMON_V1},
        new_deps={"geo/address.proto": COMMON_OTHER_PACKAGE},
    ),
    Case(
        "local-message-moved-to-import",
        p3("message M { Address a = 1; } message Address { string city = 1; }", "acme.common"),
        p3("message M { Address a = 1; }", "acme.common", ("common/address.proto",)),
        (("MESSAGE_REMOVED", "#/Address"),),
        (("MESSAGE_ADDED", "#/Address"),),
        new_deps={"common/address.proto": COMMON_V1},
    ),
    Case(
        "timestamp-to-duration",
        p3(
            "message M { google.protobuf.Timestamp t = 1; }",
            imports=("google/protobuf/timestamp.proto", "google/protobuf/duration.proto"),
        ),
        p3(
            "message M { google.protobuf.Duration t = 1; }",
            imports=("google/protobuf/timestamp.proto", "google/protobuf/duration.proto"),
        ),
        ((NAMED, M1),),
        ((NAMED, M1),),
    ),
    Case(
        "int32-to-google-type-dayofweek",
        p3("message M { int32 d = 1; }", imports=("google/type/dayofweek.proto",)),
        p3("message M { google.type.DayOfWeek d = 1; }", imports=("google/type/dayofweek.proto",)),
    ),
    Case(
        "confluent-decimal-and-meta-unchanged",
        p3(
            "message M { confluent.type.Decimal amount = 1; }",
            imports=("confluent/type/decimal.proto", "confluent/meta.proto"),
        ),
        p3(
            'message M { confluent.type.Decimal amount = 1 [(confluent.field_meta).doc = "minor units"]; }',
            imports=("confluent/type/decimal.proto", "confluent/meta.proto"),
        ),
    ),
    # --- files without a message (issue 14): Confluent's SchemaDiff compares the package and the
    # top-level messages and enums only; extensions, services and options are not compared at all.
    Case(
        "enum-only-file-const-added",
        p3("enum Status { STATUS_UNSPECIFIED = 0; }", "acme.common"),
        p3("enum Status { STATUS_UNSPECIFIED = 0; STATUS_OK = 1; }", "acme.common"),
        (("ENUM_CONST_ADDED", "#/Status/1"),),
        (("ENUM_CONST_REMOVED", "#/Status/1"),),
    ),
    Case(
        "enum-only-file-enum-added",
        p3("enum Status { STATUS_UNSPECIFIED = 0; }", "acme.common"),
        p3("enum Status { STATUS_UNSPECIFIED = 0; } enum Kind { KIND_UNSPECIFIED = 0; }", "acme.common"),
        (("ENUM_ADDED", "#/Kind"),),
        (("ENUM_REMOVED", "#/Kind"),),
    ),
    Case(
        "enum-only-file-package-changed",
        p3("enum Status { STATUS_UNSPECIFIED = 0; }", "acme.common"),
        p3("enum Status { STATUS_UNSPECIFIED = 0; }", "acme.shared"),
        (("PACKAGE_CHANGED", "#/"),),
        (("PACKAGE_CHANGED", "#/"),),
    ),
    Case(
        "extension-only-file-changes-are-not-compared",
        p3(
            "extend google.protobuf.FieldOptions { string pii = 50001; }",
            "acme.options",
            ("google/protobuf/descriptor.proto",),
        ),
        p3(
            "extend google.protobuf.FieldOptions { int32 pii = 50001; bool masked = 50002; }",
            "acme.options",
            ("google/protobuf/descriptor.proto",),
        ),
    ),
    Case(
        "service-only-file-changes-are-not-compared",
        p3(
            "service Orders { rpc Get(google.protobuf.Empty) returns (google.protobuf.Empty); }",
            "acme.api",
            ("google/protobuf/empty.proto",),
        ),
        p3("service Orders { }", "acme.api", ("google/protobuf/empty.proto",)),
    ),
    Case(
        "options-only-file-changes-are-not-compared",
        p3('option java_package = "com.acme.a";', "acme.opts"),
        p3('option java_package = "com.acme.b";\noption go_package = "acme/b";', "acme.opts"),
    ),
    Case(
        "public-reexport-file-changes-are-not-compared",
        p3("", "acme.reexport", ("common/address.proto",)).replace("import ", "import public "),
        p3("", "acme.reexport", ("common/other.proto",)).replace("import ", "import public "),
        old_deps={"common/address.proto": COMMON_V1},
        new_deps={"common/other.proto": COMMON_OTHER_PACKAGE},
    ),
)

CASES_BY_ID = {case.id: case for case in CASES}
