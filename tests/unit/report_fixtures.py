"""A fixed sample Report that exercises every escaping and layout path of the renderers.

Results are deliberately out of order so the golden files also pin the renderers' own ordering.
"""

from __future__ import annotations

from contractctl.model import Finding, FindingKind, Report, Severity, SubjectResult

ORDERS = "schemas/orders/order.avsc"
PAYMENTS = "schemas/payments/payment.avsc"


def sample_report() -> Report:
    """Every call builds a fresh Report, so a test that mutates it cannot leak into another."""
    payments_azure = SubjectResult(
        subject="payments-value",
        path=PAYMENTS,
        schema_type="AVRO",
        level="FULL",
        verdict="error",
        registry="azure",
        findings=[
            Finding(
                rule="registry-unreachable",
                message="Registry https://sr.azure.example:8081 unreachable: timeout after 10s, 3 attempts",
                kind=FindingKind.ENVIRONMENT,
                subject="payments-value",
                registry="azure",
                hint="Check network access to the registry, then re-run.",
            )
        ],
    )
    orders = SubjectResult(
        subject="orders-value",
        path=ORDERS,
        schema_type="AVRO",
        level="BACKWARD_TRANSITIVE",
        verdict="incompatible",
        compared_versions=3,
        findings=[
            Finding(
                rule="READER_FIELD_MISSING_DEFAULT_VALUE",
                message='Field "discount,pct" was added without a default: old records can\'t be read',
                kind=FindingKind.INCOMPATIBLE,
                file=ORDERS,
                line=12,
                column=5,
                subject="orders-value",
                hint='Add "default": null and make the type ["null", "double"].',
                pointer="/fields/4",
                compared_with="version 3 (a1b2c3d)",
                direction="backward",
            ),
            Finding(
                rule="TYPE_MISMATCH",
                message="Field 'quantity' changed type int → string\n100% of old records fail to decode",
                kind=FindingKind.INCOMPATIBLE,
                file=ORDERS,
                line=20,
                subject="orders-value",
                pointer="/fields/2/type",
                compared_with="version 1 (0f9e8d7)",
                direction="backward",
            ),
            Finding(
                rule="lint/doc-missing",
                message='Field `note` | has no doc; <b>bold</b> & "quoted" stay literal',
                kind=FindingKind.ADVISORY,
                severity=Severity.WARNING,
                file=ORDERS,
                line=31,
                column=9,
                subject="orders-value",
                hint="Add a *doc* string: it becomes the [catalog] description.",
            ),
        ],
    )
    payments_aws = SubjectResult(
        subject="payments-value",
        path=PAYMENTS,
        schema_type="AVRO",
        level="FULL",
        verdict="allowed",
        compared_versions=1,
        registry="aws",
        findings=[
            Finding(
                rule="MISSING_ENUM_SYMBOLS",
                message="Enum Status lost symbols: REFUNDED, VOIDED",
                kind=FindingKind.INCOMPATIBLE,
                file=PAYMENTS,
                line=7,
                column=3,
                subject="payments-value",
                registry="aws",
                pointer="/fields/1/type/symbols",
                compared_with="registry version 12",
                direction="forward",
                allowed_reason="PAY-123: symbols retired, all consumers upgraded",
            ),
            Finding(
                rule="schema-normalised",
                message="Only formatting changed; registry copy is equivalent",
                kind=FindingKind.ADVISORY,
                severity=Severity.INFO,
                file=PAYMENTS,
                subject="payments-value",
                registry="aws",
            ),
        ],
    )
    inventory = SubjectResult(
        subject="inventory-value",
        path="schemas/inventory/ünïcode item.avsc",
        schema_type="AVRO",
        level="FORWARD",
        verdict="invalid",
        findings=[
            Finding(
                rule="invalid-json",
                message="Expected ',' or '}' after object member",
                kind=FindingKind.INVALID,
                file="schemas/inventory/ünïcode item.avsc",
                line=3,
                subject="inventory-value",
            )
        ],
    )
    customers = SubjectResult(
        subject="customers-value",
        path="schemas/customers/customer.avsc",
        schema_type="AVRO",
        level="BACKWARD",
        verdict="compatible",
        compared_versions=2,
    )
    return Report(
        command="check",
        results=[payments_azure, orders, payments_aws, inventory, customers],
        findings=[
            Finding(
                rule="config/unmapped-schema",
                message="schemas/legacy/old.avsc matches no subject rule — it is not checked",
                kind=FindingKind.POLICY,
                file="contractctl.yaml",
                line=14,
                hint="Add a `subjects:` rule, or list the file under `ignore:`.",
            ),
            Finding(
                rule="history/shallow-clone",
                message="Git history is shallow (depth=1); 1 version compared.\r\nRun git fetch --unshallow",
                kind=FindingKind.ADVISORY,
                severity=Severity.INFO,
            ),
        ],
    )
