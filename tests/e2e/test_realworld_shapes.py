"""Shapes met in real public trees (benchmarks/realworld.py, round 6), rebuilt small and synthetic.

Each test is one shape that an audit of a public repository turned up, written from scratch (no
third-party file is copied): the public tree is named in benchmarks/README.md, "Real public trees".
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.conftest import GitRepo, run_cli

AUTH = (
    'syntax = "proto3";\npackage acme.common;\nmessage Auth {\n  message NoAuth {}\n  string token = 1;\n}\n'
)
OTHER = 'syntax = "proto3";\npackage acme.common;\nmessage Other { string a = 1; }\n'
SVC = (
    'syntax = "proto3";\npackage acme.svc;\nimport "common/auth.proto";\nimport "common/other.proto";\n'
    "message Req { acme.common.Auth auth = 1; acme.common.Other other = 2; }\n"
)


def test_unchanged_importer_is_not_blamed_for_an_old_change_of_its_import(repo: GitRepo) -> None:
    """googleapis shape: a service file imports a shared file; the shared file later drops a nested
    message (its own subject and its importer's report that, then); the importer's next edit is a
    comment only. That drop made a new version of the importer (same text, a new version of its
    reference), so a later change elsewhere that re-checks the importer compares it with that
    version, not with the one before the drop (round 6: it reported the old drop again)."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/common/auth.proto", AUTH)
    repo.write("contracts/common/other.proto", OTHER)
    repo.write("contracts/common/svc.proto", SVC)
    repo.commit("v1")
    repo.write("contracts/common/auth.proto", AUTH.replace("  message NoAuth {}\n", ""))
    repo.commit("auth drops NoAuth")
    repo.write("contracts/common/svc.proto", "// a comment only\n" + SVC)
    repo.commit("svc: a comment")

    repo.write("contracts/common/other.proto", OTHER.replace("string a = 1;", "string a = 1; string b = 2;"))
    result = repo.run("check", "--format", "json")

    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert verdicts.get("common/svc.proto") in (None, "compatible", "unchanged"), result.output
    assert result.code == 0, result.output


def _api_version(version: str) -> tuple[str, str]:
    common = f'syntax = "proto3";\npackage ads.{version}.common;\nmessage Value {{ string s = 1; }}\n'
    errors = (
        f'syntax = "proto3";\npackage ads.{version}.errors;\nimport "ads/{version}/common/value.proto";\n'
        f"message Error {{ ads.{version}.common.Value v = 1; }}\n"
    )
    return common, errors


def test_importer_of_a_shadowed_duplicate_compiles_in_a_change_check(repo: GitRepo) -> None:
    """googleapis shape (default subject strategy): every API version has a `common/value.proto`, so
    all of them map to the topic subject `common-value` (DUPLICATE_SUBJECT). A change to the errors
    file of a later version, which imports its own version's value.proto (a shadowed duplicate), must
    compile as it does under `check --all`: one duplicate error, not an invalid importer."""
    for version in ("v1", "v2", "v3"):
        common, errors = _api_version(version)
        repo.write(f"contracts/ads/{version}/common/value.proto", common)
        repo.write(f"contracts/ads/{version}/errors/errors.proto", errors)
    repo.commit("three API versions")
    everything = repo.run("check", "--all", "--format", "json")
    assert {r["subject"]: r["verdict"] for r in everything.json()["results"]}[
        "ads/v3/errors/errors.proto"
    ] in (
        "unchanged",
        "compatible",
    ), everything.output

    _, errors = _api_version("v3")
    repo.write("contracts/ads/v3/errors/errors.proto", errors.replace("= 1; }", "= 1; string code = 2; }"))
    result = repo.run("check", "--format", "json")

    report = result.json()
    verdicts = {r["subject"]: r["verdict"] for r in report["results"]}
    assert verdicts["ads/v3/errors/errors.proto"] == "compatible", result.output
    findings = [*report["findings"], *(f for r in report["results"] for f in r["findings"])]
    rules = [f["rule"] for f in findings if f["severity"] == "error"]
    assert rules == ["DUPLICATE_SUBJECT"], result.output
    assert result.code == 2  # the duplicate itself is still bad input


def _chain(length: int, extra: bool) -> dict[str, object]:
    """A draft-7 schema whose definitions refer each to the next, `length` links deep."""
    definitions: dict[str, object] = {
        f"d{i}": {"type": "object", "properties": {"next": {"$ref": f"#/definitions/d{i + 1}"}}}
        for i in range(length)
    }
    last: dict[str, object] = {"type": "object", "properties": {"name": {"type": "string"}}}
    if extra:
        last["required"] = []
        last["properties"] = {"name": {"type": "string"}, "note": {"type": "string"}}
        last["additionalProperties"] = False
    definitions[f"d{length}"] = last
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$ref": "#/definitions/d0",
        "definitions": definitions,
    }


def test_a_long_chain_of_definitions_is_judged_not_refused(tmp_path: Path) -> None:
    """SchemaStore shape (Vega, Vega-Lite, TSLint, JReleaser...): definitions that refer to one another
    in chains hundreds of links long. Resolving them used to recurse once per link, so `compat` said
    "schema nested too deeply" (exit 2) for schemas `jsonschema` accepts and the registry judges."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_chain(1500, extra=False)))
    new.write_text(json.dumps(_chain(1500, extra=True)))
    for path in (old, new):
        validator = jsonschema.validators.validator_for(json.loads(path.read_text()))
        validator.check_schema(json.loads(path.read_text()))

    result = run_cli(
        "compat",
        "--type",
        "json",
        "--level",
        "FORWARD",
        "--format",
        "json",
        "--previous",
        str(old),
        str(new),
        cwd=tmp_path,
    )

    assert result.code == 0, result.output
    assert result.json()["results"][0]["verdict"] == "compatible"


def test_a_ref_to_a_draft_meta_schema_is_a_valid_contract(repo: GitRepo) -> None:
    """SchemaStore shape (aio-connector-metadata-*): a property whose schema is the draft-07 meta-schema.
    Confluent's registry resolves it locally; contractctl refused it as a missing reference (exit 2)."""
    holder = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Connector",
        "type": "object",
        "properties": {"config": {"$ref": "http://json-schema.org/draft-07/schema#"}},
        "additionalProperties": False,  # closed: a new optional property is compatible
    }
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/connectors/value.json", holder)
    repo.commit("v1")
    assert repo.run("check", "--all").code == 0
    holder["properties"]["name"] = {"type": "string"}  # type: ignore[index]
    repo.write("contracts/connectors/value.json", holder)
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    assert result.json()["results"][0]["verdict"] == "compatible"
