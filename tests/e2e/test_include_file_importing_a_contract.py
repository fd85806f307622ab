"""Audit 26 N2: a file of a `protobuf.include` folder that itself imports a contract (a vendored file
using the repository's own types) was compiled without the contracts root on protoc's path. Its
importers were PROTO_IMPORT_NOT_FOUND (exit 2), and their earlier versions went uncompared, where
`protoc -I contracts -I third_party` compiles them. protoc searches the root first, then the folders:
the contract such a file imports is the contract's text, at HEAD and at an earlier version's commit.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = "version: 1\ncontracts: {root: contracts}\nprotobuf: {include: [third_party]}\n"
EMPTY = 'syntax = "proto3";\npackage grpc.testing;\nmessage Empty {}\n'
VEND = """syntax = "proto3";
package v;
import "grpc/testing/empty.proto";
message Vend { grpc.testing.Empty e = 1; }
"""
Z = 'syntax = "proto3";\npackage x;\nimport "v/vend.proto";\nmessage Z { v.Vend v = 1; }\n'


def _setup(repo: GitRepo, tracked: bool, importer: bool) -> None:
    """The contract grpc/testing/empty.proto, the include file v/vend.proto importing it (in git's
    index or left untracked), and, with `importer`, the contract x/z.proto importing that file."""
    repo.write("contractctl.yaml", CONFIG)
    if not tracked:
        repo.write(".gitignore", "third_party/\n")
    repo.write("contracts/grpc/testing/empty.proto", EMPTY)
    repo.write("third_party/v/vend.proto", VEND)
    if importer:
        repo.write("contracts/x/z.proto", Z)
    repo.commit("v1")


def _rules(result: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in result["findings"])


def test_a_new_contract_importing_it_compiles_with_the_root(repo: GitRepo) -> None:
    _setup(repo, tracked=False, importer=False)
    repo.write("contracts/x/z.proto", Z)
    for mode, (code, results) in change_modes(repo).items():
        assert code == 0, (mode, results)
        assert results["x/z.proto"]["verdict"] == "new" and _rules(results["x/z.proto"]) == [], mode


@pytest.mark.parametrize("tracked", [False, True])
def test_an_earlier_version_importing_it_is_compared(repo: GitRepo, tracked: bool) -> None:
    """Untracked, the folder is read as it is now; tracked, as the version's commit held it."""
    _setup(repo, tracked, importer=True)
    repo.write("contracts/x/z.proto", Z.replace("= 1; }", "= 1; string s = 2; }"))
    for mode, (code, results) in change_modes(repo).items():
        z = results["x/z.proto"]
        assert (code, z["verdict"], z["compared_versions"], _rules(z)) == (0, "compatible", 1, []), mode
    audit = repo.run("check", "--all", "--format", "json")
    assert audit.code == 0, audit.output
    assert [f["rule"] for r in audit.json()["results"] for f in r["findings"]] == [], audit.output


def test_a_break_inside_such_a_vendored_file_is_found(repo: GitRepo) -> None:
    """The earlier version compiled with its commit's vendored file, the new one with today's."""
    _setup(repo, tracked=True, importer=True)
    repo.write("third_party/v/vend.proto", VEND.replace("grpc.testing.Empty e", "string e"))
    for mode, (code, results) in change_modes(repo).items():
        assert code == 1, mode
        assert _rules(results["x/z.proto"]) == ["FIELD_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED"], mode


def test_a_break_against_an_earlier_version_importing_it_is_found(repo: GitRepo) -> None:
    """The version now compiles without the include file; the earlier one, which imported it, was
    passed over as unparseable (HISTORY_UNPARSEABLE, exit 0) and the break went unseen."""
    _setup(repo, tracked=False, importer=True)
    repo.write(
        "contracts/x/z.proto",
        'syntax = "proto3";\npackage x;\nimport "grpc/testing/empty.proto";\n'
        "message Z { grpc.testing.Empty v = 1; }\n",
    )
    for mode, (code, results) in change_modes(repo).items():
        z = results["x/z.proto"]
        assert (code, z["compared_versions"]) == (1, 1), (mode, z)
        assert _rules(z) == ["FIELD_NAMED_TYPE_CHANGED"], mode


@pytest.mark.parametrize(("tracked", "copy"), [(False, False), (True, False), (False, True), (True, True)])
def test_a_change_of_only_the_contract_it_imports_checks_its_importers(
    repo: GitRepo, tracked: bool, copy: bool
) -> None:
    """A change of the root contract alone reaches x/z.proto only through the include file: z is
    checked as any importer of a changed shared type is, in every mode, with the verdict
    `check --all` gives it once the change is committed. With `copy`, the folder also holds a copy
    of the contract at its import path (its first text): protoc searches the root first, so the
    include file still compiles with the contract (audit 27 A4: it compiled with the copy)."""
    _setup(repo, tracked, importer=False)
    repo.write("contracts/grpc/testing/empty.proto", EMPTY.replace("{}", "{ string id = 1; }"))
    if copy:
        repo.write("third_party/grpc/testing/empty.proto", EMPTY.replace("{}", "{ string id = 1; }"))
    repo.write("contracts/x/z.proto", Z)
    repo.commit("v2: z, and a field in Empty")
    repo.write("contracts/grpc/testing/empty.proto", EMPTY.replace("{}", "{ int64 id = 1; }"))
    for mode, (code, results) in change_modes(repo).items():
        assert code == 1, (mode, results)
        assert results["x/z.proto"]["verdict"] == "incompatible", (mode, results["x/z.proto"])
        # located in the contract that changed, not the importer's package line (audit 27 A1)
        where = {(f["rule"], f["file"]) for f in results["x/z.proto"]["findings"]}
        assert ("FIELD_SCALAR_KIND_CHANGED", "contracts/grpc/testing/empty.proto") in where, (mode, where)
    repo.commit("the break, let through")
    audit = repo.run("check", "--all", "--format", "json")
    assert {r["subject"]: r["verdict"] for r in audit.json()["results"]}["x/z.proto"] == "incompatible"


def test_can_deploy_a_file_importing_it_reads_the_contract_as_check_and_publish_do(
    repo: GitRepo, registry_double: Any
) -> None:
    """`can-deploy --schema` parsed the file with the contracts it names only, so one reaching a
    contract through an include file was "invalid schema ... File not found" (exit 2) after publish
    had registered it (audit 27 A5)."""
    _setup(repo, tracked=False, importer=True)
    repo.write("contractctl.yaml", CONFIG + 'registries:\n  reg: {url: "${REG_URL}"}\n')
    repo.commit("a registry")
    env = {"REG_URL": registry_double.url}
    assert repo.run("publish", "--registry", "reg", env=env).code == 0
    asked = ("--subject", "x/z.proto", "--schema", "contracts/x/z.proto", "--registry", "reg")
    result = repo.run("can-deploy", *asked, env=env)
    assert result.code == 0 and "REGISTERED" in result.stdout, result.output


def test_an_include_folder_missing_from_the_checkout_is_said_so(repo: GitRepo) -> None:
    """A clone without the untracked folder the build fetches: exit 2, and the hint says the listed
    folder is not there, not to list a folder that is listed already (audit 27 A7)."""
    _setup(repo, tracked=False, importer=True)
    for folder in sorted((repo.root / "third_party").rglob("*"), reverse=True):
        folder.unlink() if folder.is_file() else folder.rmdir()
    (repo.root / "third_party").rmdir()
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 2, result.output
    hints = {
        f["hint"]
        for r in result.json()["results"]
        for f in r["findings"]
        if f["rule"] == "PROTO_IMPORT_NOT_FOUND"
    }
    assert hints and all("third_party" in h and "not here" in h for h in hints), hints


@pytest.mark.parametrize("tracked", [False, True])
def test_an_edited_importer_compiles_with_the_contract_not_a_folder_copy(
    repo: GitRepo, tracked: bool
) -> None:
    """A folder copy of the contract at its own path that compiles on its own (its first text): a
    break of the contract let through, then the importer edited. The batch compile of the edited
    importer took the copy (its layer did not hold the unchanged contract), so the break under the
    importer passed (audit 27 A4, the audit's build13)."""
    _setup(repo, tracked, importer=False)
    repo.write("contracts/grpc/testing/empty.proto", EMPTY.replace("{}", "{ string id = 1; }"))
    repo.write("contracts/x/z.proto", Z)
    repo.commit("z, and a field in Empty")
    repo.write("third_party/grpc/testing/empty.proto", EMPTY.replace("{}", "{ string id = 1; }"))
    repo.commit("a copy of Empty in the folder")
    repo.write("contracts/grpc/testing/empty.proto", EMPTY.replace("{}", "{ int64 id = 1; }"))
    repo.commit("the break, let through")
    repo.write("contracts/x/z.proto", Z.replace("= 1; }", "= 1; string s = 2; }"))
    for mode, (code, results) in change_modes(repo).items():
        z = results["x/z.proto"]
        assert (code, z["verdict"]) == (1, "incompatible"), (mode, z)
        where = {(f["rule"], f["file"]) for f in z["findings"]}
        assert ("FIELD_SCALAR_KIND_CHANGED", "contracts/grpc/testing/empty.proto") in where, (mode, where)


def test_an_earlier_version_needing_an_absent_include_folder_says_the_folder_is_absent(repo: GitRepo) -> None:
    """An earlier version importing a file of an untracked folder that this clone lacks: exit 3,
    and the hint says the listed folder is not here, not to list one (audit 27 A7)."""
    _setup(repo, tracked=False, importer=True)
    repo.write(
        "contracts/x/z.proto", 'syntax = "proto3";\npackage x;\nmessage Z { reserved 1; string s = 2; }\n'
    )
    for folder in sorted((repo.root / "third_party").rglob("*"), reverse=True):
        folder.unlink() if folder.is_file() else folder.rmdir()
    (repo.root / "third_party").rmdir()
    result = repo.run("check", "--format", "json")
    assert result.code == 3, result.output
    hints = [
        f["hint"]
        for r in result.json()["results"]
        for f in r["findings"]
        if f["rule"] == "HISTORY_IMPORT_MISSING"
    ]
    assert hints and all("third_party" in h and "not here" in h for h in hints), hints
