"""Hostile paths and text around the contracts root, through the installed CLI: what is under the root
but not a contract is skipped with a warning (and never blocks), a misplaced root is an error, and
nothing is ever written outside the repository or over a contract."""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, GitRepo, contractctl_command, record
from tests.registry_double import RegistryDouble

ORDER = record("OrderPlaced", [{"name": "order_id", "type": "string"}])
CORPUS = Path(__file__).parent.parent / "bad_inputs"


def committed(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("base")


def skipped(result_json: dict[str, object]) -> dict[str, str]:
    findings = result_json["findings"]
    assert isinstance(findings, list)
    return {f["file"]: f["message"] for f in findings if f["rule"] == "PATH_SKIPPED"}


def test_fifo_under_the_root_is_skipped_with_a_warning_and_never_blocks(repo: GitRepo) -> None:
    committed(repo)
    os.mkfifo(repo.root / "contracts/orders/key.avsc")
    os.mkfifo(repo.root / "contracts/orders/value.contract.yaml")
    result = repo.run("check", "--all", "--format", "json")  # run_cli's timeout fails a blocked run
    assert result.code == 0, result.output
    assert "FIFO" in skipped(result.json())["contracts/orders/key.avsc"]
    assert [r["verdict"] for r in result.json()["results"]] == ["unchanged"]


def test_symlinks_and_directories_named_like_contracts_are_warned_about(
    repo: GitRepo, tmp_path: Path
) -> None:
    committed(repo)
    outside = tmp_path / "outside"
    (outside / "payments").mkdir(parents=True)
    (outside / "payments" / "value.avsc").write_text(json.dumps(ORDER))
    (outside / "secret.avsc").write_text(json.dumps(ORDER))
    contracts = repo.root / "contracts"
    (contracts / "elsewhere").symlink_to(outside)
    (contracts / "leak.avsc").symlink_to(outside / "secret.avsc")
    (contracts / "loop.avsc").symlink_to(contracts / "loop.avsc")
    (contracts / "dir.avsc").mkdir()
    examples = contracts / "orders" / "examples"
    examples.mkdir()
    (examples / "loop.json").symlink_to(examples / "loop.json")
    (examples / "ok.json").write_text(json.dumps({"order_id": "o-1"}))
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert "Traceback" not in result.output
    warned = skipped(result.json())
    assert "leading outside the repository" in warned["contracts/elsewhere"]
    assert "leading outside the repository" in warned["contracts/leak.avsc"]
    assert "loops" in warned["contracts/loop.avsc"]
    assert "directory named like a contract" in warned["contracts/dir.avsc"]
    example_warnings = [f for r in result.json()["results"] for f in r["findings"]]
    assert [(f["file"], f["rule"]) for f in example_warnings] == [
        ("contracts/orders/examples/loop.json", "PATH_SKIPPED")
    ]
    assert {r["subject"] for r in result.json()["results"]} == {"orders-value"}  # nothing from outside


def test_missing_root_is_exit_2_and_a_root_without_contracts_warns(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\ncontracts:\n  root: schemas\n")
    repo.write("contracts/orders/value.avsc", ORDER)
    missing = repo.run("check", "--all")
    assert missing.code == 2
    assert "contractctl.yaml:3:3: contracts.root: 'schemas' is not a directory" in missing.stderr
    (repo.root / "schemas").mkdir()
    empty = repo.run("check", "--all", "--format", "json")
    assert empty.code == 0
    [warning] = empty.json()["findings"]
    assert warning["rule"] == "NO_CONTRACTS" and warning["severity"] == "warning"
    assert warning["file"] == "contractctl.yaml" and warning["line"] == 3


def test_root_through_a_symlink_leaving_the_repository_is_exit_2(repo: GitRepo, tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "value.avsc").write_text(json.dumps(ORDER))
    repo.write("contractctl.yaml", "version: 1\ncontracts: {root: linked}\n")
    (repo.root / "linked").symlink_to(tmp_path / "outside")
    result = repo.run("check", "--all")
    assert result.code == 2
    assert "outside the git repository" in result.stderr


def test_output_dash_is_stdout(repo: GitRepo) -> None:
    committed(repo)
    result = repo.run("check", "--all", "--format", "json", "--output", "-")
    assert result.code == 0
    assert result.json()["command"] == "check"
    assert not (repo.root / "-").exists()


def test_output_overwrite_rule(repo: GitRepo, tmp_path: Path) -> None:
    committed(repo)
    contract = repo.root / "contracts/orders/value.avsc"
    before = contract.read_text()
    into_root = repo.run("check", "--format", "json", "--output", "contracts/orders/value.avsc")
    assert into_root.code == 2
    assert "inside the contracts root" in into_root.stderr
    assert contract.read_text() == before
    # a report named like no contract may lie there (a tree whose root is the repository has no
    # other place); one named like a contract would be read as one on the next run
    assert repo.run("check", "--format", "sarif", "--output", "contracts/report.sarif").code == 0
    assert (repo.root / "contracts/report.sarif").is_file()
    assert repo.run("check", "--format", "json", "--output", "contracts/new.json").code == 2
    assert not (repo.root / "contracts/new.json").exists()

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (repo.root / "report.json").symlink_to(victim)
    through_link = repo.run("check", "--format", "json", "--output", "report.json")
    assert through_link.code == 2
    assert "symlink leads it outside the repository" in through_link.stderr
    assert victim.read_text() == "keep me"

    (repo.root / "report.json").unlink()
    (repo.root / "report.json").write_text("old report")
    replaced = repo.run("check", "--format", "json", "--output", "report.json")
    assert replaced.code == 0  # an ordinary file is replaced: that is the documented rule
    assert json.loads((repo.root / "report.json").read_text())["command"] == "check"


def test_init_force_never_writes_through_a_symlink_leaving_the_repository(
    repo: GitRepo, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.yaml"
    victim.write_text("keep me")
    (repo.root / "contractctl.yaml").symlink_to(victim)
    result = repo.run("init", "--force")
    assert result.code == 2
    assert "contractctl.yaml: a symlink leads it outside the repository" in result.stderr
    assert victim.read_text() == "keep me"
    assert not (repo.root / "contracts").exists()  # all or nothing


def test_a_name_with_a_newline_is_shown_on_one_line(repo: GitRepo) -> None:
    repo.write("contracts/a\nb/value.avsc", record("Broken", [{"name": "id", "type": "strin"}]))
    result = repo.run("check")
    assert result.code == 2
    assert "contracts/a\\nb/value.avsc:" in result.stdout
    missing = repo.run("check", "contracts/x\ny.avsc")
    assert missing.code == 2
    assert "contracts/x\\ny.avsc: no such file" in missing.stderr


def test_empty_environment_variable_is_named(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", 'version: 1\ncontracts:\n  base_branch: "${CONTRACTCTL_BRANCH}"\n')
    repo.write("contracts/orders/value.avsc", ORDER)
    result = repo.run("check", env={"CONTRACTCTL_BRANCH": ""})
    assert result.code == 2
    assert (
        "contractctl.yaml:3:3: contracts.base_branch: "
        "environment variable CONTRACTCTL_BRANCH is set but empty" in (result.stderr)
    )


def test_deeply_nested_proto_reports_each_error_once(repo: GitRepo) -> None:
    depth = 40
    lines = ['syntax = "proto3";', "package acme;"]
    lines += [f"{'  ' * i}message M{i} {{" for i in range(depth)]
    lines += [f"{'  ' * depth}int32 x = 1;"] + [f"{'  ' * i}}}" for i in reversed(range(depth))]
    repo.write("contracts/deep/value.proto", "\n".join(lines) + "\n")
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    findings = [f for r in result.json()["results"] for f in r["findings"]]
    places = [(f["line"], f["column"], f["message"]) for f in findings]
    assert len(places) == len(set(places)) and len(places) <= 3


_RSS_CAP_KB = 200_000
_STDERR_CAP = 2_000


def test_alias_bomb_is_refused_in_bounded_memory(repo: GitRepo) -> None:
    """The bomb of the corpus (600 bytes, 3.4e9 values expanded), in a child whose own peak RSS and
    stderr are measured; an address-space limit turns a regression into a failure, not a dead machine."""
    (repo.root / "contractctl.yaml").write_bytes((CORPUS / "configs" / "alias-bomb.yaml").read_bytes())
    repo.write("contracts/orders/value.avsc", ORDER)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {**os.environ, **GIT_ENV, "HOME": str(repo.root), "NO_COLOR": "1"}
    out, err = repo.root / ".out", repo.root / ".err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(
            [*contractctl_command(), "check"],
            cwd=repo.root,
            env=env,
            stdout=stdout,
            stderr=stderr,
            preexec_fn=limit,
        )
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the test run's
        child.returncode = os.waitstatus_to_exitcode(status)
    message = err.read_bytes()
    assert child.returncode == 2, message[:500]
    assert b"aliases expand to more than" in message and b"contractctl.yaml:" in message
    assert len(message) + len(out.read_bytes()) < _STDERR_CAP
    assert usage.ru_maxrss < _RSS_CAP_KB, usage.ru_maxrss


@pytest.mark.parametrize(
    ("subject", "problem"),
    [
        ("..-value", "hidden or parent directory"),
        ("/abs-value", "path separator"),
        ("a" * 294 + "-value", "longer than a file name may be"),
    ],
)
def test_adopt_maps_a_subject_only_inside_the_root(
    repo: GitRepo, registry_double: RegistryDouble, subject: str, problem: str
) -> None:
    repo.write(
        "contractctl.yaml",
        f'version: 1\ncontracts: {{root: .}}\nregistries:\n  sr: {{url: "{registry_double.url}"}}\n',
    )
    repo.write("orders/value.avsc", ORDER)
    repo.commit("base")
    registry_double.store.register(subject, json.dumps(record("Adopted", [{"name": "id", "type": "string"}])))
    before = sorted(p.name for p in repo.root.parent.iterdir())
    result = repo.run("status", "--adopt", subject, "--registry", "sr")
    assert result.code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert f"cannot adopt subject {repr(subject)[:40]}" in result.stderr
    assert problem in result.stderr
    assert sorted(p.name for p in repo.root.parent.iterdir()) == before  # nothing beside the repository
    assert repo.git("status", "--porcelain") == ""


def test_adopt_never_follows_a_symlink_out_of_the_repository(
    repo: GitRepo, registry_double: RegistryDouble, tmp_path: Path
) -> None:
    repo.write("contractctl.yaml", f'version: 1\nregistries:\n  sr: {{url: "{registry_double.url}"}}\n')
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("base")
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo.root / "contracts" / "payments").symlink_to(outside)
    registry_double.store.register(
        "payments-value", json.dumps(record("Payment", [{"name": "id", "type": "string"}]))
    )
    result = repo.run("status", "--adopt", "payments-value", "--registry", "sr")
    assert result.code == 2, result.output
    assert "leads outside the contracts root" in result.stderr
    assert list(outside.iterdir()) == []


ADDRESS_PROTO = 'syntax = "proto3";\npackage com.acme.common;\n\nmessage Address {\n  string city = 1;\n}\n'


def test_adopt_places_a_path_named_reference_at_its_import_path(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    """Confluent's serializers register a Protobuf import under its path (`common/address.proto`):
    adopting it writes the file where the import path points, so the subject maps back to itself."""
    repo.write("contractctl.yaml", f'version: 1\nregistries:\n  sr: {{url: "{registry_double.url}"}}\n')
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("base")
    registry_double.store.register("common/address.proto", ADDRESS_PROTO, schema_type="PROTOBUF")
    result = repo.run("status", "--adopt", "common/address.proto", "--registry", "sr")
    assert result.code == 0, result.output
    adopted = repo.root / "contracts" / "common" / "address.proto"
    assert adopted.read_text().rstrip("\n") == ADDRESS_PROTO.rstrip("\n")
    assert not (repo.root / "contracts" / "adopted").exists()


@pytest.mark.parametrize("subject", ["../outside.proto", "common/../../x.proto", "common/.hidden.proto"])
def test_adopt_refuses_a_path_named_subject_leaving_the_root(
    repo: GitRepo, registry_double: RegistryDouble, subject: str
) -> None:
    repo.write("contractctl.yaml", f'version: 1\nregistries:\n  sr: {{url: "{registry_double.url}"}}\n')
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("base")
    registry_double.store.register(subject, ADDRESS_PROTO, schema_type="PROTOBUF")
    before = sorted(p.name for p in repo.root.parent.iterdir())
    result = repo.run("status", "--adopt", subject, "--registry", "sr")
    assert result.code == 2, result.output
    assert "hidden or parent directory" in result.stderr
    assert sorted(p.name for p in repo.root.parent.iterdir()) == before
    assert repo.git("status", "--porcelain") == ""
