"""Trees that are not only contracts (issue 14 item 3): excluded copies, vendored imports outside the
contracts root, and one error per subject that several files claim."""

from __future__ import annotations

from tests.conftest import GitRepo

ADDRESS = 'syntax = "proto3";\npackage acme.common;\nmessage Address {\n  string city = 1;\n}\n'


def importer(package: str, import_path: str, type_name: str = "acme.common.Address") -> str:
    return (
        f'syntax = "proto3";\npackage {package};\nimport "{import_path}";\n'
        f"message Value {{\n  {type_name} field = 1;\n}}\n"
    )


def test_excluded_globs_are_not_contracts(repo: GitRepo) -> None:
    repo.write(
        "contractctl.yaml",
        'version: 1\ncontracts:\n  exclude: ["contracts/preview/**", "**/*_generated.proto"]\n',
    )
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/preview/common/address.proto", "this is not protobuf {")
    repo.write("contracts/orders/value_generated.proto", "neither is this")
    repo.write("contracts/orders/value.proto", importer("acme.orders", "common/address.proto"))
    repo.commit("tree")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert {r["path"] for r in result.json()["results"]} == {
        "contracts/common/address.proto",
        "contracts/orders/value.proto",
    }


def test_duplicate_subject_is_one_error_not_one_per_importer(repo: GitRepo) -> None:
    repo.write(
        "contractctl.yaml",
        "version: 1\nsubjects:\n"
        '  - {match: "contracts/common/address.proto", subject: acme-address}\n'
        '  - {match: "contracts/preview/common/address.proto", subject: acme-address}\n',
    )
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/preview/common/address.proto", ADDRESS)
    for topic in ("a", "b", "c"):
        repo.write(
            f"contracts/{topic}/value.proto", importer(f"acme.{topic}", "preview/common/address.proto")
        )
    repo.commit("tree")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 2, result.output
    report = result.json()
    errors = [f for f in report["findings"] if f["severity"] == "error"] + [
        f for r in report["results"] for f in r["findings"] if f["severity"] == "error"
    ]
    assert [f["rule"] for f in errors] == ["DUPLICATE_SUBJECT"]
    assert "contracts/common/address.proto and contracts/preview/common/address.proto" in errors[0]["message"]
    verdicts = {r["subject"]: r["verdict"] for r in report["results"]}
    assert "invalid" not in verdicts.values()  # the importers are checked against the copy they import


def test_imports_from_include_paths_resolve_without_becoming_subjects(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\nprotobuf: {include: [third_party]}\n")
    repo.write(
        "third_party/vendor/money.proto",
        'syntax = "proto3";\npackage vendor;\nmessage Money {\n  int64 units = 1;\n}\n',
    )
    repo.write("contracts/orders/value.proto", importer("acme.orders", "vendor/money.proto", "vendor.Money"))
    repo.commit("v1")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert [r["subject"] for r in result.json()["results"]] == ["orders-value"]
    # a breaking change still breaks, and the vendored type is compared where it is used
    repo.write(
        "contracts/orders/value.proto",
        importer("acme.orders", "vendor/money.proto", "vendor.Money").replace(
            "vendor.Money field", "string field"
        ),
    )
    broken = repo.run("check", "--format", "json")
    assert broken.code == 1, broken.output


def test_without_the_include_path_the_import_is_missing(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("third_party/vendor/money.proto", 'syntax = "proto3";\npackage vendor;\nmessage Money {}\n')
    repo.write("contracts/orders/value.proto", importer("acme.orders", "vendor/money.proto", "vendor.Money"))
    result = repo.run("check", "--all")
    assert result.code == 2
    assert "vendor/money.proto" in result.output
