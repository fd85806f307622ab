"""contractctl lint: every rule each way for both formats, severities, inline and path ignores, lines,
the Protobuf history rule and validation of the `lint:` settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from contractctl.errors import ConfigError
from contractctl.formats import get_format
from contractctl.formats.base import ParsedSchema
from contractctl.lint import RULES, SEVERITIES, LintSettings, lint, rule_help
from contractctl.model import Finding, FindingKind, SchemaText, SchemaType, Severity

DEFAULTS = LintSettings()


def parse(schema_type: SchemaType, text: str, path: str = "") -> ParsedSchema:
    path = path or ("contracts/t/value.avsc" if schema_type is SchemaType.AVRO else "contracts/t/value.proto")
    return get_format(schema_type).parse(SchemaText(PurePosixPath(path), text, root="contracts"), [])


def run(
    schema_type: SchemaType,
    text: str,
    settings: LintSettings = DEFAULTS,
    earlier: Sequence[str] = (),
    path: str = "",
) -> list[Finding]:
    old = [parse(schema_type, e, path) for e in earlier]
    return lint(parse(schema_type, text, path), schema_type, settings, old)


def fired(findings: list[Finding]) -> set[str]:
    return {f.rule.removeprefix("lint/") for f in findings}


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle` (so tables can say where a finding belongs)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


# -- Avro ---------------------------------------------------------------------------------------------

AVRO_CLEAN = """{
  "type": "record",
  "name": "OrderPlaced",
  "namespace": "com.acme.orders",
  "doc": "A customer placed an order.",
  "fields": [
    {"name": "order_id", "doc": "The order.", "type": "string"},
    {"name": "coupon_code", "doc": "A coupon.", "type": ["null", "string"], "default": null},
    {
      "name": "status",
      "doc": "Where the order is.",
      "type": {"type": "enum", "name": "Status", "symbols": ["UNKNOWN", "PAID"], "default": "UNKNOWN"},
      "default": "UNKNOWN"
    },
    {"name": "digest", "doc": "Checksum.", "type": {"type": "fixed", "name": "Md5", "size": 16}},
    {
      "name": "lines",
      "doc": "What was ordered.",
      "type": {"type": "array", "items": {
        "type": "record", "name": "OrderLine", "doc": "One line.",
        "fields": [{"name": "sku", "doc": "Item.", "type": "string"}]
      }}
    }
  ]
}
"""

# (case id, replace this, with this, expected rule, a text on the finding's line)
AVRO_FIRES = [
    ("record-name", '"name": "OrderPlaced"', '"name": "order_placed"', "naming", '"order_placed"'),
    ("nested-record-name", '"OrderLine"', '"orderLine"', "naming", '"orderLine"'),
    ("field-name", '"name": "order_id"', '"name": "orderId"', "naming", '"orderId"'),
    ("nested-field-name", '"name": "sku"', '"name": "SKU"', "naming", '"SKU"'),
    ("enum-name", '"name": "Status"', '"name": "status_t"', "naming", '"status_t"'),
    ("enum-symbol", '"PAID"]', '"paid"]', "naming", '"paid"'),
    ("fixed-name", '"name": "Md5"', '"name": "md5"', "naming", '"md5"'),
    ("record-doc", '"doc": "A customer placed an order.",', "", "docs", '"name": "OrderPlaced"'),
    ("field-doc", '"doc": "The order.", ', "", "docs", '"order_id"'),
    ("blank-doc", '"doc": "Item."', '"doc": "  "', "docs", '"sku"'),
    ("nested-record-doc", '"doc": "One line.",', "", "docs", '"OrderLine"'),
    ("nullable-no-default", ', "default": null}', "}", "nullable-default-null", '"coupon_code"'),
    ("nullable-null-last", '["null", "string"], "default": null', '["string", "null"], "default": "x"',
     "nullable-default-null", '"coupon_code"'),
    ("nullable-non-null-default", '"default": null', '"default": "x"', "nullable-default-null",
     '"coupon_code"'),
    ("nullable-null-record", '["null", "string"], "default": null', '[{"type": "null"}, "string"]',
     "nullable-default-null", '"coupon_code"'),
    ("enum-no-default", ', "default": "UNKNOWN"}', "}", "enum-default", '"name": "Status"'),
]  # fmt: skip


def test_avro_clean_schema_has_no_findings() -> None:
    assert run(SchemaType.AVRO, AVRO_CLEAN) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "where"), [c[1:] for c in AVRO_FIRES], ids=[c[0] for c in AVRO_FIRES]
)
def test_avro_rule_fires_on_the_elements_line(old: str, new: str, rule: str, where: str) -> None:
    assert old in AVRO_CLEAN
    text = AVRO_CLEAN.replace(old, new, 1)
    findings = run(SchemaType.AVRO, text)
    assert [f.rule for f in findings] == [f"lint/{rule}"]
    finding = findings[0]
    assert finding.line == line_of(text, where)
    assert finding.file == "contracts/t/value.avsc"
    assert finding.pointer is not None and finding.hint and "\n" not in finding.hint
    default = RULES[rule].default_severity
    assert finding.severity is (Severity.ERROR if default == "error" else Severity.WARNING)


def test_avro_finding_points_at_the_element() -> None:
    text = AVRO_CLEAN.replace('"name": "sku"', '"name": "SKU"')
    (finding,) = run(SchemaType.AVRO, text)
    assert finding.pointer == "/fields/4/type/items/fields/0"
    assert 'field name "SKU" is not snake_case' in finding.message
    assert '"sku"' in (finding.hint or "")


def test_avro_nullable_message_names_every_problem() -> None:
    text = AVRO_CLEAN.replace('["null", "string"], "default": null', '["string", "null"]')
    (finding,) = run(SchemaType.AVRO, text)
    assert '"null" is not the first branch' in finding.message and "no default" in finding.message


@pytest.mark.parametrize(
    ("settings", "field", "record"),
    [
        (LintSettings(field_case="camelCase"), "orderId", "OrderPlaced"),
        (LintSettings(field_case="any"), "Order_ID", "OrderPlaced"),
        (LintSettings(record_case="snake_case"), "order_id", "order_placed"),
        (LintSettings(field_case="PascalCase", record_case="camelCase"), "OrderId", "orderPlaced"),
    ],
)
def test_avro_naming_follows_the_configured_cases(settings: LintSettings, field: str, record: str) -> None:
    fields = f'[{{"name": "{field}", "doc": "F.", "type": "int"}}]'
    text = f'{{"type": "record", "name": "{record}", "doc": "R.", "fields": {fields}}}'
    assert run(SchemaType.AVRO, text, settings) == []
    if settings.field_case != "any":
        assert fired(run(SchemaType.AVRO, text.replace(f'"{field}"', '"Order_iD"'), settings)) == {"naming"}


def test_avro_full_name_is_checked_by_its_last_segment() -> None:
    text = AVRO_CLEAN.replace('"name": "OrderPlaced"', '"name": "com.acme.OrderPlaced"')
    assert run(SchemaType.AVRO, text) == []


def test_avro_top_level_union_and_enum_are_walked() -> None:
    text = '[\n  "null",\n  {"type": "enum", "name": "Color", "symbols": ["red"]}\n]\n'
    findings = run(SchemaType.AVRO, text)
    assert sorted(fired(findings)) == ["enum-default", "naming"]
    assert {f.line for f in findings} == {3}


# -- Protobuf -----------------------------------------------------------------------------------------

PROTO_CLEAN = """syntax = "proto3";

package acme.orders.v1;

// A customer placed an order.
message OrderPlaced {
  // The order.
  string order_id = 1;
  Status status = 2;  // Where the order is.
  map<string, string> labels = 3;  // Free-form labels.
  oneof payment {
    // By card.
    string card_token = 4;
    // By invoice.
    string invoice_id = 5;
  }
  // Optional note.
  optional string note = 6;

  // One line of the order.
  message Line {
    // Item.
    string sku = 1;
  }

  enum Status {
    STATUS_UNSPECIFIED = 0;
    STATUS_PAID = 1;
  }
}

enum Channel {
  CHANNEL_UNKNOWN = 0;
  CHANNEL_WEB = 1;
}
"""

PROTO_FIRES = [
    ("message-name", "message OrderPlaced", "message order_placed", "naming", "message order_placed"),
    ("nested-message-name", "message Line", "message line_item", "naming", "message line_item"),
    ("field-name", "string order_id = 1", "string orderId = 1", "naming", "orderId"),
    ("nested-field-name", "string sku = 1", "string SKU = 1", "naming", "SKU"),
    ("oneof-name", "oneof payment", "oneof PaymentMethod", "naming", "oneof PaymentMethod"),
    ("enum-name", "enum Channel", "enum channel_t", "naming", "enum channel_t"),
    ("enum-value", "STATUS_PAID = 1", "StatusPaid = 1", "naming", "StatusPaid"),
    ("message-docs", "// A customer placed an order.\n", "", "docs", "message OrderPlaced"),
    ("nested-message-docs", "// One line of the order.\n", "", "docs", "message Line"),
    ("field-docs", "  // The order.\n", "", "docs", "order_id"),
    ("trailing-field-docs", "  // Where the order is.", "", "docs", "Status status"),
    ("oneof-member-docs", "    // By card.\n", "", "docs", "card_token"),
    ("detached-comment-is-no-docs", "// A customer placed an order.\n", "// Detached.\n\n", "docs",
     "message OrderPlaced"),
    ("zero-not-unspecified", "STATUS_UNSPECIFIED = 0", "STATUS_NEW = 0", "enum-default", "STATUS_NEW"),
    ("package-version", "package acme.orders.v1;", "package acme.orders;", "protobuf-package-version",
     "package acme.orders;"),
    ("no-package", "package acme.orders.v1;", "", "protobuf-package-version", 'syntax = "proto3";'),
]  # fmt: skip


def test_protobuf_clean_schema_has_no_findings() -> None:
    enabled = LintSettings(severities={rule: "error" for rule in RULES})
    assert run(SchemaType.PROTOBUF, PROTO_CLEAN, enabled) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "where"), [c[1:] for c in PROTO_FIRES], ids=[c[0] for c in PROTO_FIRES]
)
def test_protobuf_rule_fires_on_the_elements_line(old: str, new: str, rule: str, where: str) -> None:
    assert old in PROTO_CLEAN
    text = PROTO_CLEAN.replace(old, new, 1)
    findings = run(SchemaType.PROTOBUF, text)
    assert [f.rule for f in findings] == [f"lint/{rule}"]
    finding = findings[0]
    assert finding.line == line_of(text, where)
    assert finding.file == "contracts/t/value.proto"
    assert finding.pointer and finding.pointer.startswith("#/")
    assert finding.hint and "\n" not in finding.hint


def test_protobuf_pointer_is_a_confluent_path_that_locates_the_same_line() -> None:
    text = PROTO_CLEAN.replace("string sku = 1", "string SKU = 1")
    schema = parse(SchemaType.PROTOBUF, text)
    (finding,) = lint(schema, SchemaType.PROTOBUF, DEFAULTS)
    assert finding.pointer == "#/OrderPlaced/Line/1"
    position = schema.locate(finding.pointer)
    assert position is not None and position.line == finding.line


def test_protobuf_proto2_enum_without_zero_value() -> None:
    text = 'syntax = "proto2";\npackage a.v1;\n// M.\nmessage M {\n  enum Kind { KIND_A = 1; }\n}\n'
    (finding,) = run(SchemaType.PROTOBUF, text)
    assert (finding.rule, finding.line) == ("lint/enum-default", 5)
    assert "no zero value" in finding.message


@pytest.mark.parametrize("zero", ["UNSPECIFIED", "UNKNOWN", "KIND_UNSPECIFIED", "KIND_UNKNOWN"])
def test_protobuf_zero_value_names_that_pass(zero: str) -> None:
    text = f'syntax = "proto3";\npackage a.v1;\n// M.\nmessage M {{}}\nenum Kind {{ {zero} = 0; B = 1; }}\n'
    assert run(SchemaType.PROTOBUF, text) == []


def test_protobuf_enum_value_prefix_is_off_by_default_and_fires_when_enabled() -> None:
    text = PROTO_CLEAN.replace("STATUS_PAID = 1", "PAID = 1")
    assert run(SchemaType.PROTOBUF, text) == []
    (finding,) = run(
        SchemaType.PROTOBUF, text, LintSettings(severities={"protobuf-enum-value-prefix": "warning"})
    )
    assert finding.rule == "lint/protobuf-enum-value-prefix"
    assert finding.line == line_of(text, "PAID = 1")
    assert '"STATUS_PAID"' in (finding.hint or "")


def test_protobuf_package_version_regex_is_configurable() -> None:
    text = PROTO_CLEAN.replace("acme.orders.v1", "acme.orders.v1beta1")
    assert fired(run(SchemaType.PROTOBUF, text)) == {"protobuf-package-version"}
    beta = LintSettings(protobuf_package_version=r"\.v\d+(beta\d+)?$")
    assert run(SchemaType.PROTOBUF, text, beta) == []


def test_protobuf_field_case_setting_applies_to_fields_and_oneofs() -> None:
    text = PROTO_CLEAN.replace("order_id", "orderId").replace("oneof payment", "oneof paymentMethod")
    snake = run(SchemaType.PROTOBUF, text)
    assert sorted(f.message.split('"')[1] for f in snake) == ["orderId", "paymentMethod"]
    camel = run(SchemaType.PROTOBUF, text, LintSettings(field_case="camelCase"))
    assert sorted(f.message.split('"')[1] for f in camel) == ["card_token", "invoice_id"]


# -- Protobuf history ---------------------------------------------------------------------------------

V1 = """syntax = "proto3";
package acme.v1;
// M.
message M {
  // A.
  string a = 1;
  // B.
  string b = 2;
  // Nested.
  message Inner {
    // X.
    int32 x = 1;
    // Y.
    int32 y = 2;
  }
}
enum Kind {
  KIND_UNSPECIFIED = 0;
  KIND_A = 1;
  KIND_B = 2;
}
"""
B_FIELD = "  // B.\n  string b = 2;\n"


@pytest.mark.parametrize(
    ("case", "current", "message"),
    [
        ("unreserved", V1.replace(B_FIELD, ""), 'field 2 ("b") of M was removed but 2, "b" are not reserved'),
        ("name-missing", V1.replace(B_FIELD, "  reserved 2;\n"), 'but "b" is not reserved'),
        ("number-missing", V1.replace(B_FIELD, '  reserved "b";\n'), "but 2 is not reserved"),
        ("nested", V1.replace("    // Y.\n    int32 y = 2;\n", ""), 'field 2 ("y") of Inner'),
        ("enum-value", V1.replace("  KIND_B = 2;\n", ""), 'value 2 ("KIND_B") of Kind'),
        ("enum-value-range", V1.replace("  KIND_B = 2;\n", "  reserved 3 to 4;\n"), '2, "KIND_B" are'),
    ],
)
def test_protobuf_removed_field_must_be_reserved(case: str, current: str, message: str) -> None:
    findings = run(SchemaType.PROTOBUF, current, earlier=[V1])
    assert [f.rule for f in findings] == ["lint/protobuf-reserved-removed"], case
    assert message in findings[0].message
    assert findings[0].severity is Severity.ERROR and findings[0].kind is FindingKind.POLICY


@pytest.mark.parametrize(
    ("case", "current"),
    [
        ("reserved", V1.replace(B_FIELD, '  reserved 2;\n  reserved "b";\n')),
        ("reserved-range", V1.replace(B_FIELD, '  reserved 2 to 5;\n  reserved "b";\n')),
        ("enum-reserved-inclusive", V1.replace("  KIND_B = 2;\n", '  reserved 2;\n  reserved "KIND_B";\n')),
        ("unchanged", V1),
        ("renamed-keeps-number", V1.replace("string b = 2", "string bee = 2")),
        (
            "message-removed",
            'syntax = "proto3";\npackage acme.v1;\n// N.\nmessage N {\n  // A.\n  string a = 1;\n}\n',
        ),
    ],
)
def test_protobuf_history_rule_quiet_when_reserved(case: str, current: str) -> None:
    assert "protobuf-reserved-removed" not in fired(run(SchemaType.PROTOBUF, current, earlier=[V1])), case


def test_protobuf_name_reused_by_another_number_needs_only_the_number() -> None:
    current = V1.replace(B_FIELD, "  // B, renumbered.\n  string b = 3;\n")
    (finding,) = run(SchemaType.PROTOBUF, current, earlier=[V1])
    assert "but 2 is not reserved" in finding.message


def test_protobuf_history_checks_every_earlier_version() -> None:
    v2 = V1.replace(B_FIELD, '  reserved 2;\n  reserved "b";\n')
    v3 = V1.replace(B_FIELD, "")  # the reservation was dropped again
    assert fired(run(SchemaType.PROTOBUF, v3, earlier=[V1, v2])) == {"protobuf-reserved-removed"}
    assert fired(run(SchemaType.PROTOBUF, v3, earlier=[v2])) == set()
    (finding,) = run(SchemaType.PROTOBUF, v3, earlier=[V1, v2])
    assert finding.line == line_of(v3, "message M")
    assert finding.pointer == "#/M"


def test_protobuf_history_finding_is_reported_once_across_versions() -> None:
    current = V1.replace(B_FIELD, "")
    assert len(run(SchemaType.PROTOBUF, current, earlier=[V1, V1.replace("string b", "int64 b")])) == 1


# -- severities ---------------------------------------------------------------------------------------

BAD_FIELD_AVRO = AVRO_CLEAN.replace('"name": "order_id"', '"name": "orderId"')
BAD_FIELD_PROTO = PROTO_CLEAN.replace("string order_id", "string orderId")


@pytest.mark.parametrize(
    ("schema_type", "text"), [(SchemaType.AVRO, BAD_FIELD_AVRO), (SchemaType.PROTOBUF, BAD_FIELD_PROTO)]
)
@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (None, (FindingKind.POLICY, Severity.ERROR)),
        ("error", (FindingKind.POLICY, Severity.ERROR)),
        ("warning", (FindingKind.ADVISORY, Severity.WARNING)),
        ("off", None),
    ],
)
def test_severity_is_configurable(
    schema_type: SchemaType, text: str, configured: str | None, expected: tuple[FindingKind, Severity] | None
) -> None:
    settings = LintSettings(severities={"naming": configured} if configured else {})
    findings = run(schema_type, text, settings)
    if expected is None:
        assert findings == []
    else:
        assert [(f.kind, f.severity) for f in findings] == [expected]
        assert findings[0].fails is (expected[1] is Severity.ERROR)


def test_docs_is_a_warning_by_default_and_can_be_an_error() -> None:
    text = AVRO_CLEAN.replace('"doc": "The order.", ', "")
    (default,) = run(SchemaType.AVRO, text)
    assert (default.kind, default.severity, default.fails) == (FindingKind.ADVISORY, Severity.WARNING, False)
    (strict,) = run(SchemaType.AVRO, text, LintSettings(severities={"docs": "error"}))
    assert (strict.kind, strict.severity) == (FindingKind.POLICY, Severity.ERROR)


# -- inline ignores -----------------------------------------------------------------------------------

AVRO_IGNORES = [
    ("field", '{"name": "orderId", "contractctl:ignore": ["naming"], ', set()),
    ("prefixed-id", '{"name": "orderId", "contractctl:ignore": ["lint/naming"], ', set()),
    ("single-string", '{"name": "orderId", "contractctl:ignore": "naming", ', set()),
    ("other-rule", '{"name": "orderId", "contractctl:ignore": ["docs"], ', {"naming"}),
    ("unknown-rule", '{"name": "orderId", "contractctl:ignore": ["namnig"], ', {"naming", "invalid-ignore"}),
    ("malformed", '{"name": "orderId", "contractctl:ignore": [1], ', {"naming", "invalid-ignore"}),
]


@pytest.mark.parametrize(
    ("field", "expected"), [c[1:] for c in AVRO_IGNORES], ids=[c[0] for c in AVRO_IGNORES]
)
def test_avro_inline_ignore_on_a_field(field: str, expected: set[str]) -> None:
    text = AVRO_CLEAN.replace('{"name": "order_id", ', field)
    findings = run(SchemaType.AVRO, text)
    assert fired(findings) == expected
    for finding in findings:
        if finding.rule == "lint/invalid-ignore":
            assert finding.line == line_of(text, '"orderId"')
            assert finding.pointer == "/fields/0/contractctl:ignore"


def test_avro_inline_ignore_on_a_record_covers_its_children() -> None:
    text = (
        AVRO_CLEAN.replace(
            '"name": "OrderPlaced",', '"name": "OrderPlaced", "contractctl:ignore": ["naming", "docs"],'
        )
        .replace('"order_id", "doc": "The order."', '"orderId"')
        .replace('"name": "sku", "doc": "Item."', '"name": "SKU"')
        .replace('"PAID"]', '"paid"]')
        .replace(', "default": null}', "}")
    )
    assert fired(run(SchemaType.AVRO, text)) == {"nullable-default-null"}


def test_avro_inline_ignore_on_a_field_covers_its_type() -> None:
    text = AVRO_CLEAN.replace(
        '"name": "lines",', '"name": "lines", "contractctl:ignore": ["naming"],'
    ).replace('"name": "sku"', '"name": "SKU"')
    assert run(SchemaType.AVRO, text) == []
    # ...but not its siblings
    assert fired(run(SchemaType.AVRO, text.replace('"order_id"', '"orderId"'))) == {"naming"}


def test_avro_inline_ignore_on_an_enum() -> None:
    text = AVRO_CLEAN.replace(', "default": "UNKNOWN"}', ', "contractctl:ignore": ["enum-default"]}')
    assert run(SchemaType.AVRO, text) == []


PROTO_IGNORES = [
    ("line-above", "  // contractctl:ignore naming\n  string orderId = 1;", set()),
    ("end-of-line", "  string orderId = 1;  // contractctl:ignore naming", set()),
    ("with-doc-block", "  // The order.\n  // contractctl:ignore naming\n  string orderId = 1;", set()),
    ("list-and-reason", "  string orderId = 1;  // contractctl:ignore docs, lint/naming -- legacy", set()),
    ("other-rule", "  string orderId = 1;  // contractctl:ignore docs", {"naming"}),
    ("blank-line-between", "  // contractctl:ignore naming\n\n  string orderId = 1;", {"naming"}),
    (
        "previous-line-trailing",
        "  string a = 7;  // contractctl:ignore naming\n  string orderId = 1;",
        {"naming"},
    ),
    ("unknown-rule", "  string orderId = 1;  // contractctl:ignore namnig", {"naming", "invalid-ignore"}),
    ("no-rule", "  string orderId = 1;  // contractctl:ignore", {"naming", "invalid-ignore"}),
]


@pytest.mark.parametrize(
    ("field", "expected"), [c[1:] for c in PROTO_IGNORES], ids=[c[0] for c in PROTO_IGNORES]
)
def test_protobuf_inline_ignore_on_a_field(field: str, expected: set[str]) -> None:
    text = PROTO_CLEAN.replace("  string order_id = 1;", field)
    findings = run(SchemaType.PROTOBUF, text, LintSettings(severities={"docs": "off"}))
    assert fired(findings) == expected
    for finding in findings:
        if finding.rule == "lint/invalid-ignore":
            assert finding.line == line_of(text, "contractctl:ignore")


def test_protobuf_inline_ignore_on_a_message_covers_its_children() -> None:
    text = (
        PROTO_CLEAN.replace(
            "message OrderPlaced {", "message OrderPlaced {  // contractctl:ignore naming, docs"
        )
        .replace("string order_id", "string orderId")
        .replace("  // The order.\n", "")
        .replace("string sku", "string SKU")
        .replace("STATUS_PAID", "paid")
        .replace("CHANNEL_WEB", "web")
    )
    assert [(f.rule, f.line) for f in run(SchemaType.PROTOBUF, text)] == [
        ("lint/naming", line_of(text, "web"))
    ]


def test_protobuf_ignore_comment_is_not_documentation() -> None:
    text = PROTO_CLEAN.replace("// A customer placed an order.", "// contractctl:ignore naming")
    text = text.replace("message OrderPlaced", "message orderPlaced")
    assert fired(run(SchemaType.PROTOBUF, text)) == {"docs"}


def test_protobuf_inline_ignore_on_package_and_enum() -> None:
    text = PROTO_CLEAN.replace(
        "package acme.orders.v1;", "// contractctl:ignore protobuf-package-version\npackage acme.orders;"
    )
    text = text.replace("  STATUS_UNSPECIFIED = 0;", "  STATUS_NEW = 0;  // contractctl:ignore enum-default")
    assert run(SchemaType.PROTOBUF, text) == []


def test_protobuf_inline_ignore_on_message_silences_history_rule() -> None:
    current = V1.replace(B_FIELD, "").replace(
        "message M {", "message M {  // contractctl:ignore protobuf-reserved-removed"
    )
    assert run(SchemaType.PROTOBUF, current, earlier=[V1]) == []


# -- lint.ignore by path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "silenced"),
    [
        ("contracts/legacy/**", True),
        ("**/value.avsc", True),
        ("contracts/*/value.avsc", True),
        ("contracts/t/*", False),
    ],
)
def test_path_ignore(glob: str, silenced: bool) -> None:
    settings = LintSettings.from_raw({"ignore": [{"rule": "naming", "path_glob": glob}]}, Path("c.yaml"))
    findings = run(SchemaType.AVRO, BAD_FIELD_AVRO, settings, path="contracts/legacy/value.avsc")
    assert (findings == []) is silenced


# -- settings -----------------------------------------------------------------------------------------


def test_settings_from_raw_reads_every_key() -> None:
    raw = {
        "rules": {"docs": "error", "lint/naming": "Warning", "enum-default": False},
        "field_case": "camelCase",
        "record_case": "any",
        "protobuf_package_version": r"\.v\d+(alpha|beta)?$",
        "ignore": [{"rule": "docs", "path_glob": "contracts/cdc.*/**"}],
    }
    settings = LintSettings.from_raw(raw, Path("contractctl.yaml"))
    assert dict(settings.severities) == {"docs": "error", "naming": "warning", "enum-default": "off"}
    assert settings.severity("nullable-default-null") == "error"  # the default
    assert (settings.field_case, settings.record_case) == ("camelCase", "any")
    assert settings.protobuf_package_version == r"\.v\d+(alpha|beta)?$"
    assert settings.ignore[0].rule == "docs" and settings.ignore[0].matches(
        "contracts/cdc.customers/value.avsc"
    )
    assert LintSettings.from_raw(None, Path("c.yaml")) == LintSettings()
    assert LintSettings.from_raw({}, Path("c.yaml")) == LintSettings()


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ([], "lint: expected a mapping, got a list"),
        (
            {"rulez": {}},
            "lint.rulez: unknown key (expected one of: field_case, ignore, protobuf_package_version",
        ),
        ({"rules": ["docs"]}, "lint.rules: expected a mapping of rule id to severity, got a list"),
        (
            {"rules": {"doc": "error"}},
            "lint.rules.doc: unknown rule 'doc' (expected one of: docs, enum-default",
        ),
        ({"rules": {"docs": "fatal"}}, "lint.rules.docs: expected error, warning or off, got 'fatal'"),
        ({"rules": {"docs": True}}, "lint.rules.docs: expected error, warning or off, got True"),
        (
            {"field_case": "kebab-case"},
            "lint.field_case: expected one of snake_case, camelCase, PascalCase, any",
        ),
        ({"record_case": 3}, "lint.record_case: expected one of"),
        ({"protobuf_package_version": "(v"}, "lint.protobuf_package_version: invalid regular expression"),
        ({"protobuf_package_version": ""}, "lint.protobuf_package_version: expected a regular expression"),
        ({"ignore": {"rule": "docs"}}, "lint.ignore: expected a list"),
        ({"ignore": ["docs"]}, "lint.ignore[0]: expected a mapping with rule and path_glob"),
        ({"ignore": [{"rule": "docs"}]}, "lint.ignore[0].path_glob: missing"),
        ({"ignore": [{"rule": "nope", "path_glob": "*"}]}, "lint.ignore[0].rule: unknown rule 'nope'"),
        ({"ignore": [{"rule": "docs", "path_glob": "*", "why": "x"}]}, "lint.ignore[0].why: unknown key"),
    ],
)
def test_settings_errors_name_file_and_key(raw: object, error: str) -> None:
    with pytest.raises(ConfigError) as caught:
        LintSettings.from_raw(raw, Path("/repo/contractctl.yaml"))  # type: ignore[arg-type]
    assert caught.value.message.startswith("/repo/contractctl.yaml: ")
    assert error in caught.value.message


# -- the rule catalogue -------------------------------------------------------------------------------


def test_every_rule_has_an_id_severity_and_help() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id)
        assert rule.default_severity in SEVERITIES
        assert rule.summary.endswith(".") and len(rule.help) > len(rule.summary)
        assert rule_help(f"lint/{rule_id}") == (rule.summary, rule.help)
    assert rule_help("TYPE_MISMATCH") is None and rule_help("lint/nope") is None
    # every rule is reported by some format, and every format reports only catalogued rules
    from contractctl.formats.jsonschema import FORMAT as JSON_SCHEMA  # reported once it is registered too

    reported = [get_format(schema_type).lint_rules for schema_type in SchemaType]
    assert set().union(*reported, JSON_SCHEMA.lint_rules) == set(RULES)
    assert JSON_SCHEMA.lint_rules <= set(RULES)


def test_default_severities() -> None:
    assert {rule_id: rule.default_severity for rule_id, rule in RULES.items()} == {
        "naming": "error",
        "protobuf-enum-value-prefix": "off",
        "docs": "warning",
        "nullable-default-null": "error",
        "enum-default": "error",
        "protobuf-reserved-removed": "error",
        "protobuf-package-version": "warning",
        "json-additional-properties": "warning",
        "json-string-max-length": "off",
        "invalid-ignore": "warning",
    }


@pytest.mark.parametrize(
    "kwargs",
    [{"severities": {"nope": "error"}}, {"severities": {"docs": "fatal"}}, {"field_case": "kebab"}],
)
def test_settings_built_in_code_are_checked_too(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        LintSettings(**kwargs)


def test_protobuf_reserve_hint_is_valid_protobuf_and_the_compat_hint_says_the_same() -> None:
    """Applying the lint hint literally silences the rule (protoc refuses `reserved 2, "b";`, so the
    hint must give separate statements), and the compat hint for a removed oneof member gives the
    same instruction in the same words."""
    from contractctl.formats.protobuf.findings import INCOMPATIBLE_HINTS

    current = V1.replace(B_FIELD, "")
    (finding,) = run(SchemaType.PROTOBUF, current, earlier=[V1])
    assert (
        finding.hint
        == 'Reserve what was removed so that it is never reused: add `reserved 2;` and `reserved "b";` to M.'
    )
    statements = re.findall(r"`(reserved [^`]+;)`", finding.hint)
    fixed = current.replace(
        "  string a = 1;\n", "  string a = 1;\n" + "".join(f"  {s}\n" for s in statements)
    )
    assert run(SchemaType.PROTOBUF, fixed, earlier=[V1]) == []
    from contractctl.formats.protobuf.help import RULE_HELP

    same = "Reserve what was removed so that it is never reused: add `reserved <number>;` and"
    assert same in INCOMPATIBLE_HINTS["ONEOF_FIELD_REMOVED"]
    assert same in RULE_HELP["ONEOF_FIELD_REMOVED"][1]  # the SARIF help says it too
