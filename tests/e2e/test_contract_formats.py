"""`contracts.formats`: a tree whose root is the repository (its imports are repository-relative)
holds JSON files that are no JSON Schema (package.json, tsconfig.json, .devcontainer); the audit of
istio/api and opentelemetry-proto had to exclude `**/*.json` by hand."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo

ORDER = 'syntax = "proto3";\npackage acme.orders.v1;\nmessage Order {\n  string id = 1;\n}\n'


def _tree(repo: GitRepo, formats: str) -> None:
    repo.write(
        "contractctl.yaml",
        f'version: 1\ncontracts: {{root: ".", formats: {formats}}}\ndefaults: {{subject_strategy: record}}\n',
    )
    repo.write("acme/orders/v1/order.proto", ORDER)
    repo.write("package.json", {"name": "tooling", "version": "1.0.0"})
    repo.commit("v1")
    repo.write("acme/orders/v1/order.proto", ORDER.replace("string id", "int64 id"))
    repo.write("package.json", {"name": "tooling", "version": "1.0.1"})


@pytest.mark.parametrize("args", [(), ("--against", "HEAD"), ("--staged",), ("--all",)])
def test_only_the_formats_named_are_contracts(repo: GitRepo, args: tuple[str, ...]) -> None:
    _tree(repo, "[protobuf]")
    repo.git("add", "-A")
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 1, result.output
    assert [(r["subject"], r["verdict"]) for r in result.json()["results"]] == [
        ("acme.orders.v1.Order", "incompatible")
    ]
    assert "package.json" not in result.stdout


@pytest.mark.parametrize(
    ("formats", "message"),
    [("[xml]", "unknown format 'xml'"), ("[]", "name at least one format"), ("protobuf", "expected a list")],
)
def test_a_bad_formats_list_is_a_config_error(repo: GitRepo, formats: str, message: str) -> None:
    _tree(repo, formats)
    result = repo.run("check")
    assert result.code == 2 and message in result.stderr, result.output
    assert "contracts.formats" in result.stderr
