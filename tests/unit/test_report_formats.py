"""Golden-file and structural tests for the github, markdown, junit and sarif renderers.

Golden files change only when UPDATE_GOLDEN=1 is set; such a run rewrites them and skips the comparison,
so an update always shows up in the test summary and in the diff under review.
"""

from __future__ import annotations

import json
import os
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import contractctl
from contractctl.formats.avro.help import RULE_HELP as AVRO_HELP
from contractctl.formats.protobuf.help import RULE_HELP as PROTOBUF_HELP
from contractctl.model import Finding, FindingKind, Report, Severity, SubjectResult
from contractctl.report import github, junit, markdown, sarif
from tests.unit.report_fixtures import sample_report

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SARIF_SCHEMA = GOLDEN / "sarif-schema-2.1.0.json"
GOLDEN_VERSION = "0.0.0-golden"  # keeps the SARIF golden file independent of release bumps


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(actual)
        pytest.skip(f"rewrote golden file {name}")
    assert path.exists(), f"golden file {name} is missing: run the tests once with UPDATE_GOLDEN=1"
    with path.open(encoding="utf-8", newline="") as fh:
        expected = fh.read()
    assert actual == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)"


def sarif_log(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(report))
    return data


def shuffled(report: Report) -> Report:
    results = [replace(r, findings=list(r.findings)) for r in report.results]
    random.Random(7).shuffle(results)
    return replace(report, results=results)


# --- golden files -------------------------------------------------------------------------------------


def test_github_golden() -> None:
    assert_golden("report.github.txt", github.render(sample_report()))


def test_markdown_golden() -> None:
    assert_golden("report.md", markdown.render(sample_report()))


def test_junit_golden() -> None:
    assert_golden("report.junit.xml", junit.render(sample_report()))


def test_sarif_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contractctl, "__version__", GOLDEN_VERSION)
    assert_golden("report.sarif.json", sarif.render(sample_report()))


@pytest.mark.parametrize("module", [github, markdown, junit, sarif])
def test_output_does_not_depend_on_result_order(module: Any) -> None:
    assert module.render(shuffled(sample_report())) == module.render(sample_report())


# --- github -------------------------------------------------------------------------------------------


def test_github_escaping_matches_actions_toolkit() -> None:
    assert github.escape_data("50%\r\nnext: a,b") == "50%25%0D%0Anext: a,b"
    assert github.escape_property("50%\r\nnext: a,b") == "50%25%0D%0Anext%3A a%2Cb"


def test_github_one_command_per_finding_then_summary() -> None:
    report = sample_report()
    lines = github.render(report).splitlines()
    assert len(lines) == len(report.all_findings()) + 1
    assert all(line.startswith("::") for line in lines[:-1])
    assert lines[-1] == (
        "contractctl check failed (exit 2): 4 subjects checked, 5 errors, 1 warning, 2 notes, 1 allowed break"
    )


def test_github_levels_locations_and_titles() -> None:
    lines = github.render(sample_report()).splitlines()[:-1]
    by_rule = {line.split("title=", 1)[1].split("::", 1)[0].split(" in ", 1)[0]: line for line in lines}
    assert by_rule["READER_FIELD_MISSING_DEFAULT_VALUE"].startswith(
        "::error file=schemas/orders/order.avsc,line=12,col=5,"
        "title=READER_FIELD_MISSING_DEFAULT_VALUE in orders-value::"
    )
    assert by_rule["lint/doc-missing"].startswith("::warning file=")
    assert by_rule["schema-normalised"].startswith(
        "::notice file=schemas/payments/payment.avsc,"
        "title=schema-normalised in payments-value (registry aws)::"
    )
    assert by_rule["registry-unreachable"].startswith(
        "::error title=registry-unreachable in payments-value (registry azure)::"
    )
    assert by_rule["history/shallow-clone"].startswith("::notice title=history/shallow-clone::")


def test_github_allowed_break_is_a_warning_with_reason() -> None:
    line = next(x for x in github.render(sample_report()).splitlines() if "MISSING_ENUM_SYMBOLS" in x)
    assert line.startswith("::warning file=schemas/payments/payment.avsc,line=7,col=3,")
    assert "::Allowed break (PAY-123: symbols retired, all consumers upgraded): Enum Status" in line


def test_github_message_carries_hint_and_comparison() -> None:
    line = next(x for x in github.render(sample_report()).splitlines() if "TYPE_MISMATCH" in x)
    message = line.split("::", 2)[2]
    assert "\n" not in line
    assert message == (
        "Field 'quantity' changed type int → string%0A100%25 of old records fail to decode"
        "%0AAt: /fields/2/type%0ACompared with: version 1 (0f9e8d7) (backward)"
    )


def test_step_summary_is_the_markdown_report() -> None:
    assert github.step_summary(sample_report()) == markdown.render(sample_report())


# --- markdown -----------------------------------------------------------------------------------------

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_markdown_rows_keep_their_shape() -> None:
    rendered = markdown.render(sample_report())
    table_lines = [line for line in rendered.splitlines() if line.startswith("|")]
    assert table_lines
    for line in table_lines:
        assert len(UNESCAPED_PIPE.findall(line)) == 7, line  # six cells
    assert "\r" not in rendered


def test_markdown_tables_render_as_tables() -> None:
    """markdown-it (already installed with rich) parses GFM tables the way GitHub does."""
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    html = parser.render(markdown.render(sample_report()))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    assert len(rows) == 20
    assert all(len(re.findall(r"<t[dh]>", row)) == 6 for row in rows)
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags == {"h1", "h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "code", "br"}
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in html


def test_markdown_sections_and_verdicts() -> None:
    rendered = markdown.render(sample_report())
    assert rendered.startswith("# contractctl check\n\n❌ **Failed**: invalid input — 4 subjects checked")
    headings = [line for line in rendered.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Subjects",
        "## inventory-value · local",
        "## orders-value · local",
        "## payments-value · aws",
        "## payments-value · azure",
        "## Global findings",
    ]
    assert "| ✅ allowed: PAY-123: symbols retired, all consumers upgraded | error |" in rendered


def test_markdown_passing_report() -> None:
    report = Report(
        command="check",
        results=[SubjectResult("a", "a.avsc", "AVRO", "BACKWARD", "unchanged")],
    )
    rendered = markdown.render(report)
    assert "✅ **Passed** — 1 subject checked, 0 failing, 0 warnings, 0 allowed breaks" in rendered
    assert "## a · local" not in rendered  # no findings table for a clean subject


def test_markdown_text_escaping() -> None:
    assert markdown.text("a|b\nc<d>&e*f_`g`") == "a\\|b<br>c\\<d\\>\\&e\\*f\\_\\`g\\`"
    assert markdown.text("x\r\ny\rz") == "x<br>y<br>z"


def test_markdown_code_spans_survive_backticks_and_pipes() -> None:
    assert markdown.code("a.avsc:3") == "`a.avsc:3`"
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("`x``") == "``` `x`` ```"
    assert markdown.code("a|b") == "`a\\|b`"
    assert markdown.code("") == ""


# --- junit --------------------------------------------------------------------------------------------


def test_junit_counts_and_cases() -> None:
    root = ET.fromstring(junit.render(sample_report()))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    for element in (root, suites[0]):
        assert element.attrib["tests"] == "6"
        assert element.attrib["failures"] == "2"
        assert element.attrib["errors"] == "2"
        assert element.attrib["skipped"] == "0"
    cases = {(c.attrib["classname"], c.attrib["name"]): c for c in suites[0].findall("testcase")}
    assert list(cases) == [
        ("local", "customers-value"),
        ("local", "inventory-value"),
        ("local", "orders-value"),
        ("aws", "payments-value"),
        ("azure", "payments-value"),
        ("contractctl", "global findings"),
    ]
    assert len(list(cases["local", "customers-value"])) == 0
    assert [child.tag for child in cases["aws", "payments-value"]] == ["system-out"]
    assert cases["azure", "payments-value"].find("error") is not None
    assert cases["local", "inventory-value"].find("error") is not None
    assert cases["contractctl", "global findings"].find("failure") is not None
    assert len(suites[0].findall("testcase/skipped")) == 0


def test_junit_failure_message_and_text() -> None:
    root = ET.fromstring(junit.render(sample_report()))
    case = root.find("testsuite/testcase[@name='orders-value']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib["message"] == (
        'Field "discount,pct" was added without a default: old records can\'t be read'
    )
    assert failure.attrib["type"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert failure.text is not None
    assert "100% of old records fail to decode" in failure.text  # every failing finding is in the text
    assert "TYPE_MISMATCH" in failure.text
    system_out = case.find("system-out")
    assert system_out is not None and system_out.text is not None
    assert '<b>bold</b> & "quoted"' in system_out.text  # the warning survives the XML round trip


def test_junit_replaces_characters_xml_cannot_hold() -> None:
    finding = Finding(rule="r", message="bad \x1b[31m byte\x00", kind=FindingKind.INVALID)
    report = Report(command="check", findings=[finding])
    root = ET.fromstring(junit.render(report))
    error = root.find("testsuite/testcase/error")
    assert error is not None
    assert error.attrib["message"] == "bad \ufffd[31m byte\ufffd"


def test_junit_case_with_both_kinds_is_one_error() -> None:
    result = SubjectResult(
        "s",
        "s.avsc",
        "AVRO",
        "FULL",
        "error",
        findings=[
            Finding(rule="TYPE_MISMATCH", message="first", kind=FindingKind.INCOMPATIBLE),
            Finding(rule="registry-unreachable", message="down", kind=FindingKind.ENVIRONMENT),
        ],
    )
    root = ET.fromstring(junit.render(Report(command="check", results=[result])))
    assert (root.attrib["failures"], root.attrib["errors"]) == ("0", "1")
    error = root.find("testsuite/testcase/error")
    assert error is not None and error.text is not None
    assert error.attrib["message"] == "down"
    assert "first" in error.text


# --- sarif --------------------------------------------------------------------------------------------


def test_sarif_is_valid_against_the_official_schema() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    for report in (sample_report(), Report(command="check")):
        errors = sorted(validator.iter_errors(sarif_log(report)), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_schema_check_is_not_vacuous() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = sarif_log(sample_report())
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][1]["suppressions"] = [{"justification": "no kind"}]
    assert len(list(jsonschema.Draft4Validator(schema).iter_errors(log))) == 2


def test_sarif_schema_uri_matches_vendored_schema() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == sarif.SCHEMA_URI


def test_sarif_driver_rules_and_indexes() -> None:
    run = sarif_log(sample_report())["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "contractctl"
    assert driver["version"] == contractctl.__version__
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted(set(rule_ids))
    assert len(rule_ids) == len({f.rule for f in sample_report().all_findings()})
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert "aliases" not in rules["TYPE_MISMATCH"]["help"]["text"]
    assert rules["TYPE_MISMATCH"]["help"]["text"] == AVRO_HELP["TYPE_MISMATCH"][1]
    # unknown rules fall back to the first hint given for them
    fallback = rules["registry-unreachable"]["help"]["text"]
    assert fallback == "Check network access to the registry, then re-run."
    assert rules["history/shallow-clone"]["help"]["text"].startswith("See the result message")


def test_sarif_help_covers_avro_incompatibility_types() -> None:
    for name in (
        "NAME_MISMATCH",
        "FIXED_SIZE_MISMATCH",
        "MISSING_ENUM_SYMBOLS",
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "TYPE_MISMATCH",
        "MISSING_UNION_BRANCH",
    ):
        assert sarif.help_for(name) == AVRO_HELP[name]
        assert sarif.help_for(f"avro/{name}") == AVRO_HELP[name]
    assert sarif.help_for("custom", "do X") == ("contractctl rule custom.", "do X")


def test_sarif_help_covers_every_protobuf_rule() -> None:
    """Issue 21: Protobuf rules had the placeholder help; every rule Protobuf's check or parse can
    report (incompatible difference types, protoc's complaints) now has its own."""
    from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES, DIFFERENCE_TYPES
    from contractctl.formats.protobuf.findings import INVALID_HINTS

    always_compatible = COMPATIBLE_CHANGES["current"] & COMPATIBLE_CHANGES["legacy"]
    # EMPTY_FILE is not Protobuf's: the contract set reports it for a file of any format
    invalid = set(INVALID_HINTS) - {"EMPTY_FILE"}
    reported = {t for t in DIFFERENCE_TYPES if t not in always_compatible} | invalid
    for name in sorted(reported):
        short, text = sarif.help_for(name, "a hint")
        assert (short, text) == PROTOBUF_HELP[name], name
        assert short != f"contractctl rule {name}." and text != "a hint" and len(text) > len(short)
        assert sarif.help_for(f"protobuf/{name}") == PROTOBUF_HELP[name]


def test_sarif_results_levels_locations_and_suppressions() -> None:
    results = sarif_log(sample_report())["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["READER_FIELD_MISSING_DEFAULT_VALUE"]["level"] == "error"
    assert by_rule["READER_FIELD_MISSING_DEFAULT_VALUE"]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "schemas/orders/order.avsc", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12, "startColumn": 5},
            }
        }
    ]
    assert by_rule["TYPE_MISMATCH"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 20}
    assert by_rule["lint/doc-missing"]["level"] == "warning"
    assert by_rule["schema-normalised"]["level"] == "note"
    assert "region" not in by_rule["schema-normalised"]["locations"][0]["physicalLocation"]
    assert "locations" not in by_rule["registry-unreachable"]
    assert by_rule["registry-unreachable"]["properties"]["registry"] == "azure"
    assert by_rule["invalid-json"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "schemas/inventory/%C3%BCn%C3%AFcode%20item.avsc"
    )
    allowed = by_rule["MISSING_ENUM_SYMBOLS"]
    assert allowed["level"] == "warning"
    assert allowed["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "PAY-123: symbols retired, all consumers upgraded",
        }
    ]
    assert all("suppressions" not in r for r in results if r is not allowed)


def test_sarif_fingerprints_are_stable_and_distinct() -> None:
    first = [r["partialFingerprints"] for r in sarif_log(sample_report())["runs"][0]["results"]]
    assert first == [r["partialFingerprints"] for r in sarif_log(sample_report())["runs"][0]["results"]]
    values = [fp[sarif.FINGERPRINT_KEY] for fp in first]
    assert len(set(values)) == len(values)

    # an edit elsewhere in the file moves the finding, and history grows: it keeps its identity
    report = sample_report()
    orders = next(r for r in report.results if r.subject == "orders-value")
    orders.findings[0] = replace(orders.findings[0], line=40, column=1, compared_with="version 4 (ffff000)")
    rule = "READER_FIELD_MISSING_DEFAULT_VALUE"
    before = next(r for r in sarif_log(sample_report())["runs"][0]["results"] if r["ruleId"] == rule)
    after = next(r for r in sarif_log(report)["runs"][0]["results"] if r["ruleId"] == rule)
    assert after["locations"] != before["locations"]
    assert after["partialFingerprints"] == before["partialFingerprints"]


def test_sarif_skips_positions_that_are_not_one_based() -> None:
    finding = Finding(rule="r", message="m", kind=FindingKind.POLICY, file="a", line=0, column=0)
    log = sarif_log(Report(command="check", findings=[finding]))
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a", "uriBaseId": "%SRCROOT%"}
    }


def test_sarif_above_code_scannings_result_limit_keeps_the_most_severe_and_says_how_many_it_left() -> None:
    def finding(number: int, severity: Severity) -> Finding:
        kind = FindingKind.INCOMPATIBLE if severity is Severity.ERROR else FindingKind.ADVISORY
        return Finding(
            rule=f"R{number % 3}", message=f"m{number}", kind=kind, severity=severity, file="a.avsc"
        )

    notes = [finding(i, Severity.INFO) for i in range(6)]
    errors = [finding(i, Severity.ERROR) for i in range(4)]
    report = Report(
        command="check",
        results=[SubjectResult("a", "a.avsc", "AVRO", "BACKWARD", "incompatible", findings=notes + errors)],
    )
    whole = json.loads(sarif.render(report))
    assert len(whole["runs"][0]["results"]) == 10 and "invocations" not in whole["runs"][0]
    capped = json.loads(sarif.render(report, max_results=5))
    run = capped["runs"][0]
    assert [r["message"]["text"] for r in run["results"]] == ["m0", "m0", "m1", "m2", "m3"]
    assert [r["level"] for r in run["results"]] == ["note", "error", "error", "error", "error"]
    [notice] = run["invocations"][0]["toolExecutionNotifications"]
    assert notice["message"]["text"].startswith("5 of 10 results left out, the least severe")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft4Validator(schema).iter_errors(capped))
    assert sarif.MAX_RESULTS == 25_000  # GitHub code scanning's limit per run


def test_markdown_escapes_control_characters_a_registry_sends() -> None:
    """A registry's message with an escape sequence (red team, round 16: the text output escaped it,
    `--format markdown`, which a terminal may show, passed it through)."""
    finding = Finding(
        rule="REGISTRY_INCOMPATIBLE",
        message="bad \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J",
        kind=FindingKind.INCOMPATIBLE,
        subject="orders\x1b[31m-value",
        hint="retry\x00",
    )
    report = Report(
        command="check",
        results=[
            SubjectResult("orders-value", "a.avsc", "AVRO", "BACKWARD", "incompatible", findings=[finding])
        ],
    )
    rendered = markdown.render(report)
    assert not any(ord(c) < 32 and c != "\n" for c in rendered)
    assert "x1b" in rendered  # shown, escaped
