"""Contract sidecars: valid ones and their Confluent shapes, invalid ones with every problem's line and,
for expressions, the column inside the expression."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from contractctl.model import FindingKind, SchemaType
from contractctl.sidecar import ContractMeta, Rule, examples_dir, sidecar_path

from .contract_cases import case_text, expected_marks, load, load_errors


def test_paths_next_to_the_contract() -> None:
    assert sidecar_path(PurePosixPath("contracts/orders/value.avsc")) == PurePosixPath(
        "contracts/orders/value.contract.yaml"
    )
    assert sidecar_path(PurePosixPath("contracts/shipping/key.proto")) == PurePosixPath(
        "contracts/shipping/key.contract.yaml"
    )
    assert examples_dir(PurePosixPath("contracts/orders/value.avsc")) == PurePosixPath(
        "contracts/orders/examples"
    )
    assert examples_dir(PurePosixPath("contracts/orders/key.avsc")) == PurePosixPath(
        "contracts/orders/examples/key"
    )


def test_valid_sidecar_loads_with_tags_translated_to_confluent_names() -> None:
    meta = load(case_text("sidecars/orders.contract.yaml"))
    assert meta.owner == "team-orders"
    assert meta.properties == {"major_version": "2", "domain": "sales", "pager_key": "abc-123"}
    assert meta.tags == {
        "com.acme.orders.OrderPlaced.customer_id": ("PII",),
        "com.acme.orders.OrderLine.sku": ("INTERNAL",),
        "com.acme.common.Money.amount_minor": ("FINANCIAL",),
        "**.currency": ("FINANCIAL",),
    }
    assert [rule.name for rule in meta.domain_rules] == [
        "positive_total",
        "known_channel",
        "pii_not_blank",
        "encrypt_pii",
        "read_check",
    ]
    assert (
        meta.domain_rules[1].expr == "message.channel in ['WEB', 'APP', 'STORE'] || has(message.coupon_code)"
    )
    assert meta.domain_rules[4].disabled
    assert [rule.mode for rule in meta.migration_rules] == ["UPGRADE", "DOWNGRADE"]
    assert meta.position("properties/major_version") is not None
    assert meta.position("properties/major_version").line == 5  # type: ignore[union-attr]


def test_registry_metadata_shape() -> None:
    meta = load(case_text("sidecars/orders.contract.yaml"))
    assert meta.registry_metadata() == {
        "tags": {
            "**.currency": ["FINANCIAL"],
            "com.acme.common.Money.amount_minor": ["FINANCIAL"],
            "com.acme.orders.OrderLine.sku": ["INTERNAL"],
            "com.acme.orders.OrderPlaced.customer_id": ["PII"],
        },
        "properties": {
            "description": "Orders placed on any channel.",
            "domain": "sales",
            "major_version": "2",
            "owner": "team-orders",
            "pager_key": "abc-123",
        },
        "sensitive": ["pager_key"],
    }


def test_registry_rule_set_shape() -> None:
    rule_set = load(case_text("sidecars/orders.contract.yaml")).registry_rule_set()
    assert rule_set is not None
    assert list(rule_set) == ["migrationRules", "domainRules"]
    assert rule_set["domainRules"][0] == {
        "name": "positive_total",
        "doc": "An order is never free.",
        "kind": "CONDITION",
        "mode": "WRITE",
        "type": "CEL",
        "params": {"dlq.topic": "orders-dlq"},
        "expr": "message.total.amount_minor > 0 && message.lines.all(l, l.quantity > 0)",
        "onFailure": "DLQ",
        "disabled": False,
    }
    assert rule_set["domainRules"][3] == {
        "name": "encrypt_pii",
        "kind": "TRANSFORM",
        "mode": "WRITEREAD",
        "type": "ENCRYPT",
        "tags": ["PII"],
        "params": {"encrypt.dek.algorithm": "AES256_GCM", "encrypt.kek.name": "orders-kek"},
        "disabled": False,
    }
    assert rule_set["domainRules"][4]["disabled"] is True
    assert rule_set["migrationRules"][1] == {
        "name": "v2_to_v1",
        "kind": "TRANSFORM",
        "mode": "DOWNGRADE",
        "type": "JSONATA",
        "expr": "$sift($, function($v, $k) {$k != 'channel'})",
        "disabled": False,
    }


def test_empty_sidecar_registers_nothing() -> None:
    meta = load("# nothing yet\n")
    assert meta == ContractMeta(None, None, {}, {}, (), (), (), meta.path)
    assert meta.registry_metadata() is None
    assert meta.registry_rule_set() is None


def test_confluent_spellings_are_accepted() -> None:
    ours = load(
        "rules:\n  domain:\n    - {name: a, kind: CONDITION, mode: WRITE, type: CEL, "
        "expr: 'message.order_id != \"\"', on_failure: DLQ}\n"
    )
    theirs = load(
        "ruleSet:\n  domainRules:\n    - {name: a, kind: CONDITION, mode: WRITE, type: CEL, "
        "expr: 'message.order_id != \"\"', onFailure: DLQ}\n"
    )
    assert ours.domain_rules == theirs.domain_rules
    assert ours.registry_rule_set() == theirs.registry_rule_set()


@pytest.mark.parametrize(
    "name", ["sidecars/invalid_structure.contract.yaml", "sidecars/invalid_expressions.contract.yaml"]
)
def test_invalid_sidecar_reports_each_problem_on_its_line(name: str) -> None:
    text = case_text(name)
    findings = load_errors(text)
    assert all(
        f.kind is FindingKind.INVALID and f.file and f.file.endswith(".contract.yaml") for f in findings
    )
    expected = expected_marks(text)
    got = set()
    for finding in findings:
        column = next((c for line, rule, c in expected if (line, rule) == (finding.line, finding.rule)), None)
        got.add((finding.line, finding.rule, finding.column if column is not None else None))
    assert got == expected, "\n".join(f"{f.line}:{f.column} {f.rule} {f.message}" for f in findings)


def test_messages_say_what_is_wrong() -> None:
    findings = load_errors(case_text("sidecars/invalid_expressions.contract.yaml"))
    messages = " | ".join(f.message for f in findings)
    assert "message.total (com.acme.common.Money) has no field 'amount_major'" in messages
    assert "unknown variable 'mesage'" in messages
    assert "message.lines is a list" in messages
    assert "no field of the schema is named 'ssn'" in messages
    assert "JSONata does not parse" in messages


def test_yaml_syntax_error_has_its_line() -> None:
    findings = load_errors("owner: team\nrules:\n  domain: [\n    {name: x\n")
    assert [(f.rule, f.line) for f in findings] == [("CONTRACT_SIDECAR_YAML", 5)]
    assert findings[0].kind is FindingKind.INVALID


def test_top_level_must_be_a_mapping() -> None:
    findings = load_errors("- owner\n")
    assert [(f.rule, f.line) for f in findings] == [("CONTRACT_SIDECAR_VALUE", 1)]


_RULE_HEAD = "rules:\n  domain:\n    - name: r\n      kind: CONDITION\n      mode: WRITE\n      type: CEL\n"


def _at(text: str, token: str) -> tuple[int, int]:
    """(line, column) where `token` is written in `text`, 1-based."""
    for number, line in enumerate(text.splitlines(), start=1):
        if token in line:
            return number, line.index(token) + 1
    raise AssertionError(token)


@pytest.mark.parametrize(
    "expr_yaml",
    [
        "      expr: message.total.amount_major > 0\n",
        '      expr: "message.total.amount_major > 0"\n',
        "      expr: 'message.order_id == ''x'' && message.total.amount_major > 0'\n",
        "      expr: |\n        message.order_id != ''\n          && message.total.amount_major > 0\n",
        "      expr: >-\n        message.order_id != '' &&\n        message.total.amount_major > 0\n",
    ],
    ids=["plain", "double-quoted", "single-quoted-with-escape", "literal-block", "folded-block"],
)
def test_cel_reference_position_inside_any_yaml_style(expr_yaml: str) -> None:
    text = _RULE_HEAD + expr_yaml
    findings = load_errors(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("CONTRACT_CEL_REFERENCE", *_at(text, "amount_major"))
    ]


def test_cel_syntax_error_position_and_guard_split() -> None:
    text = _RULE_HEAD.replace("type: CEL", "type: CEL_FIELD") + "      expr: \"name == 'sku' ; value +* 1\"\n"
    findings = load_errors(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("CONTRACT_CEL_SYNTAX", *_at(text, "*"))]
    assert "unexpected '*'" in findings[0].message


def test_guard_is_checked_like_the_rule() -> None:
    text = _RULE_HEAD + '      expr: "has(message.cupon) ; message.total.amount_minor > 0"\n'
    findings = load_errors(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("CONTRACT_CEL_REFERENCE", *_at(text, "cupon"))]


def test_migration_cel_is_only_parsed() -> None:
    meta = load(
        "rules:\n  migration:\n    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: CEL, "
        "expr: 'message.gone_field'}\n"
    )
    assert meta.migration_rules[0] == Rule("up", "TRANSFORM", "UPGRADE", "CEL", expr="message.gone_field")


def test_sensitive_names_a_field_gets_a_hint() -> None:
    findings = load_errors("sensitive: [customer_id]\n")
    assert findings[0].rule == "CONTRACT_SENSITIVE_UNKNOWN"
    assert findings[0].hint is not None and "tags: {customer_id: [PII]}" in findings[0].hint


def test_inline_schema_tags_count_for_rule_tags() -> None:
    # `email` carries "confluent:tags": ["PII"] in the Avro schema itself.
    meta = load(
        "rules:\n  domain:\n    - {name: enc, kind: TRANSFORM, mode: WRITEREAD, type: ENCRYPT, tags: [PII]}\n"
    )
    assert meta.domain_rules[0].tags == ("PII",)


class TestProtobuf:
    def test_tags_paths_reach_nested_messages(self) -> None:
        meta = load(
            "tags: {parcels.parcel_id: [INTERNAL], labels: [ROUTING]}\n"
            "rules:\n  domain:\n"
            "    - {name: enc, kind: TRANSFORM, mode: WRITEREAD, type: ENCRYPT, tags: [PII]}\n"
            "    - {name: ok, kind: CONDITION, mode: WRITE, type: CEL, expr: "
            "\"message.parcels.all(p, p.weight_grams > 0) && message.labels.region != '' "
            '&& message.dispatched_at.seconds > 0"}\n',
            schema_type=SchemaType.PROTOBUF,
        )
        assert meta.tags == {
            "com.acme.shipping.ShipmentDispatched.Parcel.parcel_id": ("INTERNAL",),
            "com.acme.shipping.ShipmentDispatched.labels": ("ROUTING",),
        }

    def test_unknown_fields_in_cel_and_tags(self) -> None:
        text = (
            "tags: {parcels.weight: [X]}\n"
            "rules:\n  domain:\n"
            "    - {name: bad, kind: CONDITION, mode: WRITE, type: CEL, expr: 'message.parcel.size() > 0'}\n"
        )
        findings = load_errors(text, SchemaType.PROTOBUF)
        assert [(f.rule, f.line) for f in findings] == [
            ("CONTRACT_TAG_UNKNOWN_FIELD", 1),
            ("CONTRACT_CEL_REFERENCE", 4),
        ]
        assert "no field 'parcel'" in findings[1].message
