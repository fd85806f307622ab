"""Examples as tests: records that fit or do not fit the schema, that pass or fail the CEL conditions,
and records that a breaking change makes unreadable, each reported with its file and line."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaType
from contractctl.sidecar import check_examples

from .contract_cases import CASES, ROOT, case_text, load, orders, parse, shipping

ORDERS_META = "sidecars/orders.contract.yaml"


def examples(folder: str, *names: str) -> list[tuple[PurePosixPath, str]]:
    paths = sorted((CASES / "examples" / folder).glob("*.json"))
    chosen = [p for p in paths if not names or p.stem in names]
    return [
        (PurePosixPath(f"{ROOT}/examples/{folder}/{p.name}"), p.read_text(encoding="utf-8")) for p in chosen
    ]


def by_file(findings: list[Finding]) -> dict[str, list[tuple[str, int | None]]]:
    out: dict[str, list[tuple[str, int | None]]] = {}
    for finding in findings:
        assert finding.file is not None
        out.setdefault(PurePosixPath(finding.file).stem, []).append((finding.rule, finding.line))
    return out


def line_of(folder: str, name: str, text: str) -> int:
    for number, line in enumerate((CASES / "examples" / folder / f"{name}.json").read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(text)


class TestAvro:
    def test_every_example_checked_with_its_line(self) -> None:
        meta = load(case_text(ORDERS_META))
        findings = check_examples(orders(), SchemaType.AVRO, meta, examples("orders"))
        assert by_file(findings) == {
            "invalid_enum": [("CONTRACT_EXAMPLE_INVALID", line_of("orders", "invalid_enum", "FAX"))],
            "invalid_missing": [("CONTRACT_EXAMPLE_INVALID", 1)],
            "invalid_type": [("CONTRACT_EXAMPLE_INVALID", line_of("orders", "invalid_type", '"two"'))],
            "invalid_unknown_field": [
                ("CONTRACT_EXAMPLE_INVALID", line_of("orders", "invalid_unknown_field", "discount"))
            ],
            "rule_blank_pii": [
                ("CONTRACT_EXAMPLE_RULE_FAILED", line_of("orders", "rule_blank_pii", "customer_id"))
            ],
            "rule_total_zero": [
                ("CONTRACT_EXAMPLE_RULE_FAILED", line_of("orders", "rule_total_zero", "amount_minor"))
            ],
        }
        assert all(f.kind is FindingKind.POLICY for f in findings)

    def test_messages_name_the_problem_and_the_rule(self) -> None:
        meta = load(case_text(ORDERS_META))
        findings = {
            PurePosixPath(f.file or "").stem: f
            for f in check_examples(orders(), SchemaType.AVRO, meta, examples("orders"))
        }
        assert "expected an integer (int), found the string 'two'" in findings["invalid_type"].message
        assert "has no field 'discount'" in findings["invalid_unknown_field"].message
        assert "'FAX' is not a symbol of com.acme.orders.SalesChannel" in findings["invalid_enum"].message
        assert "field 'customer_id' of record com.acme.orders.OrderPlaced is missing" in (
            findings["invalid_missing"].message
        )
        assert "rule 'positive_total'" in findings["rule_total_zero"].message
        total_hint = findings["rule_total_zero"].hint or ""
        assert "value.contract.yaml:16" in total_hint and "DLQ" in total_hint
        blank = findings["rule_blank_pii"].message
        assert "rule 'pii_not_blank'" in blank and "com.acme.orders.OrderPlaced.customer_id" in blank

    def test_without_a_sidecar_only_the_schema_is_checked(self) -> None:
        findings = check_examples(
            orders(), SchemaType.AVRO, None, examples("orders", "rule_total_zero", "ok_plain")
        )
        assert findings == []

    def test_rule_that_cannot_be_evaluated_fails(self) -> None:
        meta = load(
            "rules:\n  domain:\n    - {name: region_known, kind: CONDITION, mode: WRITE, type: CEL, "
            "expr: \"message.attributes.region == 'eu'\"}\n"
        )
        findings = check_examples(orders(), SchemaType.AVRO, meta, examples("orders", "ok_plain"))
        assert [f.rule for f in findings] == ["CONTRACT_EXAMPLE_RULE_FAILED"]
        assert "cannot be evaluated" in findings[0].message

    def test_read_rules_and_transforms_are_not_run(self) -> None:
        meta = load(
            "rules:\n  domain:\n"
            "    - {name: on_read, kind: CONDITION, mode: READ, type: CEL, expr: 'false'}\n"
            "    - {name: off, kind: CONDITION, mode: WRITE, type: CEL, expr: 'false', disabled: true}\n"
            "    - {name: guarded, kind: CONDITION, mode: WRITE, type: CEL, "
            "expr: \"message.channel == 'STORE' ; false\"}\n"
        )
        assert check_examples(orders(), SchemaType.AVRO, meta, examples("orders", "ok_plain")) == []

    def test_invalid_json_is_bad_input(self) -> None:
        findings = check_examples(
            orders(), SchemaType.AVRO, None, [(PurePosixPath("examples/broken.json"), '{\n  "order_id": \n}')]
        )
        assert [(f.rule, f.kind, f.line) for f in findings] == [
            ("CONTRACT_EXAMPLE_JSON", FindingKind.INVALID, 3)
        ]

    def test_breaking_change_is_shown_with_the_example(self) -> None:
        # Version 1 did not know channel APP and had no enum default: its readers fail on an APP order.
        document = json.loads(case_text("orders.avsc"))
        channel = next(f for f in document["fields"] if f["name"] == "channel")
        channel["type"] = {"type": "enum", "name": "SalesChannel", "symbols": ["WEB", "STORE", "UNKNOWN"]}
        earlier = parse(SchemaType.AVRO, json.dumps(document))
        findings = check_examples(
            orders(),
            SchemaType.AVRO,
            None,
            examples("orders", "ok_plain", "ok_avro_json"),
            [("version 1", earlier)],
        )
        assert [(PurePosixPath(f.file or "").stem, f.rule, f.direction) for f in findings] == [
            ("ok_plain", "CONTRACT_EXAMPLE_UNREADABLE", "forward")
        ]
        finding = findings[0]
        assert finding.kind is FindingKind.INCOMPATIBLE and finding.compared_with == "version 1"
        assert "cannot be read by version 1" in finding.message and "APP" in finding.message
        only_backward = check_examples(
            orders(),
            SchemaType.AVRO,
            None,
            examples("orders", "ok_plain"),
            [("version 1", earlier)],
            level=CompatibilityLevel.BACKWARD,
        )
        assert only_backward == []

    def test_new_reader_breaking_on_old_records(self) -> None:
        # Version 1 wrote quantity as a long; the new schema reads it as an int, which Avro cannot do.
        document = json.loads(case_text("orders.avsc"))
        line = document["fields"][4]["type"]["items"]
        line["fields"][1]["type"] = "long"
        earlier = parse(SchemaType.AVRO, json.dumps(document))
        findings = check_examples(
            orders(),
            SchemaType.AVRO,
            None,
            examples("orders", "ok_plain"),
            [("version 1 (abc1234)", earlier)],
            level=CompatibilityLevel.BACKWARD_TRANSITIVE,
        )
        assert [(f.rule, f.direction, f.compared_with) for f in findings] == [
            ("CONTRACT_EXAMPLE_UNREADABLE", "backward", "version 1 (abc1234)")
        ]
        assert "cannot be read by the new schema" in findings[0].message

    def test_compatible_earlier_version_reads_every_example(self) -> None:
        document = json.loads(case_text("orders.avsc"))
        document["fields"] = [f for f in document["fields"] if f["name"] != "attributes"]
        earlier = parse(SchemaType.AVRO, json.dumps(document))
        oks = examples("orders", "ok_plain", "ok_avro_json")
        assert check_examples(orders(), SchemaType.AVRO, None, oks, [("version 1", earlier)]) == []


class TestProtobuf:
    META = (
        "rules:\n  domain:\n"
        "    - {name: heavy, kind: CONDITION, mode: WRITE, type: CEL, "
        "expr: \"message.parcels.all(p, p.weight_grams > 0) && message.labels.region != ''\"}\n"
        "    - {name: email_set, kind: CONDITION, mode: WRITE, type: CEL_FIELD, tags: [PII], "
        "expr: \"value.contains('@')\"}\n"
    )

    def test_examples_in_the_protobuf_json_mapping(self) -> None:
        meta = load(self.META, schema_type=SchemaType.PROTOBUF)
        findings = check_examples(shipping(), SchemaType.PROTOBUF, meta, examples("shipping"))
        assert by_file(findings) == {
            "invalid_field": [("CONTRACT_EXAMPLE_INVALID", line_of("shipping", "invalid_field", '"weight"'))],
            "rule_light_parcel": [
                ("CONTRACT_EXAMPLE_RULE_FAILED", line_of("shipping", "rule_light_parcel", "parcels"))
            ],
        }
        assert 'no field named "weight"' in findings[0].message

    def test_cel_field_rule_on_an_inline_tagged_field(self) -> None:
        meta = load(self.META, schema_type=SchemaType.PROTOBUF)
        bad = [
            (PurePosixPath("examples/no_at.json"), '{"recipient_email": "nobody", "labels": {"region": "x"}}')
        ]
        findings = check_examples(shipping(), SchemaType.PROTOBUF, meta, bad)
        assert [f.rule for f in findings] == ["CONTRACT_EXAMPLE_RULE_FAILED"]
        assert "email_set" in findings[0].message
        assert "com.acme.shipping.ShipmentDispatched.recipient_email" in findings[0].message

    def test_changed_field_type_is_shown_with_the_example(self) -> None:
        earlier = parse(
            SchemaType.PROTOBUF, case_text("shipping.proto").replace("int32 priority", "string priority")
        )
        findings = check_examples(
            shipping(), SchemaType.PROTOBUF, None, examples("shipping", "ok"), [("v1", earlier)]
        )
        assert [(f.rule, f.direction) for f in findings] == [("CONTRACT_EXAMPLE_UNREADABLE", "forward")]
        assert "priority" in findings[0].message
