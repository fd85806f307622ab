"""`contractctl compat` (no repository) and `contractctl init` through the installed CLI."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import GitRepo, record, run_cli

V1 = record("User", [{"name": "id", "type": "string"}])
V2 = record("User", [{"name": "id", "type": "string"}, {"name": "age", "type": "int", "default": 0}])
V3 = record("User", [{"name": "id", "type": "string"}, {"name": "age", "type": "int"}])


def write(directory: Path, name: str, schema: object) -> str:
    (directory / name).write_text(json.dumps(schema, indent=2))
    return name


def test_compat_levels_and_previous_order(tmp_path: Path) -> None:
    for name, schema in (("v1.avsc", V1), ("v2.avsc", V2), ("v3.avsc", V3)):
        write(tmp_path, name, schema)
    base = ["compat", "--type", "avro", "--previous", "v1.avsc", "--previous", "v2.avsc", "v3.avsc"]
    assert run_cli(*base, "--level", "BACKWARD", cwd=tmp_path).code == 0
    transitive = run_cli(*base, "--level", "backward_transitive", "--format", "json", cwd=tmp_path)
    assert transitive.code == 1
    [finding] = transitive.json()["results"][0]["findings"]
    assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert finding["compared_with"] == "previous 1 (v1.avsc)"
    assert run_cli(*base, "--level", "NONE", cwd=tmp_path).code == 0
    assert run_cli(*base, "--level", "FORWARD_TRANSITIVE", cwd=tmp_path).code == 0


def test_compat_without_previous_is_compatible(tmp_path: Path) -> None:
    write(tmp_path, "v1.avsc", V1)
    result = run_cli("compat", "--type", "avro", "v1.avsc", cwd=tmp_path)
    assert result.code == 0
    assert "no earlier version" in result.stdout


def test_compat_with_reference(tmp_path: Path) -> None:
    money = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
    order_v1 = record("Order", [{"name": "total", "type": "com.acme.common.Money"}])
    order_v2 = record(
        "Order", [{"name": "total", "type": "com.acme.common.Money"}, {"name": "n", "type": "int"}]
    )
    for name, schema in (("money.avsc", money), ("o1.avsc", order_v1), ("o2.avsc", order_v2)):
        write(tmp_path, name, schema)
    missing = run_cli("compat", "--type", "avro", "--previous", "o1.avsc", "o2.avsc", cwd=tmp_path)
    assert missing.code == 2
    assert "AVRO_UNKNOWN_TYPE" in missing.stdout
    result = run_cli(
        "compat",
        "--type",
        "avro",
        "--reference",
        "money.avsc",
        "--previous",
        "o1.avsc",
        "o2.avsc",
        cwd=tmp_path,
    )
    assert result.code == 1
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in result.stdout


def test_compat_bad_inputs(tmp_path: Path) -> None:
    write(tmp_path, "v1.avsc", V1)
    (tmp_path / "broken.avsc").write_text("{")
    assert run_cli("compat", "--type", "avro", "missing.avsc", cwd=tmp_path).code == 2
    broken = run_cli("compat", "--type", "avro", "--previous", "v1.avsc", "broken.avsc", cwd=tmp_path)
    assert broken.code == 2 and "broken.avsc:1:2" in broken.stdout
    bad_level = run_cli("compat", "--type", "avro", "--level", "SIDEWAYS", "v1.avsc", cwd=tmp_path)
    assert bad_level.code == 2 and "SIDEWAYS" in bad_level.stderr
    assert run_cli("compat", "--type", "xml", "v1.avsc", cwd=tmp_path).code == 2


def test_compat_prove_reports_lossy_bytes_to_string(tmp_path: Path) -> None:
    write(tmp_path, "old.avsc", record("Blob", [{"name": "data", "type": "bytes"}]))
    write(tmp_path, "new.avsc", record("Blob", [{"name": "data", "type": "string"}]))
    result = run_cli(
        "compat",
        "--type",
        "avro",
        "--previous",
        "old.avsc",
        "new.avsc",
        "--prove",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.code == 0, result.output
    rules = [f["rule"] for f in result.json()["results"][0]["findings"]]
    assert "PROOF_ENGINE_ERROR" not in rules
    assert "PROOF_LOSSY" in rules


def test_output_file_gets_the_report(tmp_path: Path) -> None:
    write(tmp_path, "v1.avsc", V1)
    result = run_cli(
        "compat", "--type", "avro", "v1.avsc", "--format", "json", "--output", "out.json", cwd=tmp_path
    )
    assert result.code == 0
    assert json.loads((tmp_path / "out.json").read_text())["schema"] == "contractctl.report/v1"


def test_init_scaffolds_and_refuses_to_overwrite(repo: GitRepo) -> None:
    result = repo.run("init")
    assert result.code == 0, result.output
    for relative in ("contractctl.yaml", "contracts/example/value.avsc", ".pre-commit-config.yaml"):
        assert (repo.root / relative).is_file()
    assert repo.run("check").code == 0
    (repo.root / "contractctl.yaml").write_text("version: 1\n# mine\n")
    again = repo.run("init")
    assert again.code == 2 and "--force" in again.stderr
    assert (repo.root / "contractctl.yaml").read_text() == "version: 1\n# mine\n"
    forced = repo.run("init", "--force")
    assert forced.code == 0 and "overwrote contractctl.yaml" in forced.stdout


def test_init_outside_git_is_exit_3(tmp_path: Path) -> None:
    result = run_cli("init", cwd=tmp_path)
    assert result.code == 3
    assert not (tmp_path / "contractctl.yaml").exists()


def test_version_and_help(tmp_path: Path) -> None:
    assert "0.1.0" in run_cli("--version", cwd=tmp_path).stdout
    assert run_cli("--help", cwd=tmp_path).code == 0


ONEOF_OLD = (
    'syntax = "proto3";\npackage t;\nmessage M {\n  oneof o {\n    int32 a = 1;\n    int32 b = 2;\n  }\n}\n'
)
ONEOF_NEW = (
    'syntax = "proto3";\npackage t;\nmessage M {\n  int32 a = 1;\n  oneof o {\n    int32 b = 2;\n  }\n}\n'
)


def test_compat_protobuf_oneof_rule_sets(tmp_path: Path) -> None:
    (tmp_path / "old.proto").write_text(ONEOF_OLD)
    (tmp_path / "new.proto").write_text(ONEOF_NEW)
    base = ["compat", "--type", "protobuf", "--previous", "old.proto", "new.proto"]
    assert run_cli(*base, cwd=tmp_path).code == 0  # current rules: moving a member out is compatible
    legacy = run_cli(*base, "--oneof-rules", "legacy", cwd=tmp_path)
    assert legacy.code == 1
    assert "new.proto:5:3" in legacy.stdout and "ONEOF_FIELD_REMOVED" in legacy.stdout


def test_compat_protobuf_imports_from_proto_path(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/money.proto").write_text(
        'syntax = "proto3";\npackage lib;\nmessage Money { int64 cents = 1; }\n'
    )
    old = 'syntax = "proto3";\npackage t;\nimport "money.proto";\nmessage O { lib.Money total = 1; }\n'
    (tmp_path / "o1.proto").write_text(old)
    (tmp_path / "o2.proto").write_text(old.replace("total = 1;", "total = 1; string id = 2;"))
    (tmp_path / "o3.proto").write_text(old.replace("lib.Money total = 1;", "string total = 1;"))
    missing = run_cli("compat", "--type", "protobuf", "--previous", "o1.proto", "o2.proto", cwd=tmp_path)
    assert missing.code == 2 and "PROTO_IMPORT_NOT_FOUND" in missing.stdout
    base = ["compat", "--type", "protobuf", "-I", "lib", "--previous", "o1.proto"]
    assert run_cli(*base, "o2.proto", cwd=tmp_path).code == 0
    breaking = run_cli(*base, "o3.proto", cwd=tmp_path)
    assert breaking.code == 1 and "FIELD_KIND_CHANGED" in breaking.stdout
    wrong = run_cli("compat", "--type", "avro", "-I", "lib", "o1.proto", cwd=tmp_path)
    assert wrong.code == 2 and "-I/--proto-path is for Protobuf" in wrong.stderr


def test_init_writes_the_repositorys_branch_and_its_example_passes_lint_and_check(repo: GitRepo) -> None:
    repo.git("symbolic-ref", "HEAD", "refs/heads/master")  # a new repository whose branch is master
    root = repo.root
    result = repo.run("init")
    assert result.code == 0, result.output
    assert "base_branch: master " in (root / "contractctl.yaml").read_text()
    for command in ("lint", "check"):
        ran = repo.run(command)
        assert ran.code == 0 and "0 errors, 0 warnings" in ran.stdout, ran.output
    repo.commit("scaffold")
    repo.write("contracts/example/value.avsc", (root / "contracts/example/value.avsc").read_text() + "\n")
    ran = repo.run("check")  # compares with master's history: the branch exists (exit 3 if it did not)
    assert ran.code == 0 and "0 errors, 0 warnings" in ran.stdout, ran.output


def test_init_prefers_the_remotes_default_branch(repo: GitRepo) -> None:
    repo.commit("first")
    repo.git("update-ref", "refs/remotes/origin/trunk", "HEAD")
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert repo.run("init").code == 0
    assert "base_branch: trunk " in (repo.root / "contractctl.yaml").read_text()


def test_init_adds_its_hook_to_an_existing_pre_commit_config(repo: GitRepo) -> None:
    mine = (
        "# our hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n"
        "    hooks:\n      - id: black  # formatter\n\n# stages\ndefault_stages: [pre-commit]\n"
    )
    repo.write(".pre-commit-config.yaml", mine)
    result = repo.run("init")
    assert result.code == 0, result.output
    assert "added the contractctl-check hook to .pre-commit-config.yaml" in result.stdout
    merged = (repo.root / ".pre-commit-config.yaml").read_text()
    assert merged.startswith(mine.split("\n\n")[0])  # comments and the other repository kept as written
    assert "# stages\ndefault_stages: [pre-commit]\n" in merged
    data = yaml.safe_load(merged)
    assert [hook["id"] for entry in data["repos"] for hook in entry["hooks"]] == [
        "black",
        "contractctl-check",
    ]
    assert data["default_stages"] == ["pre-commit"]
    # a second init (forced, for the other files) does not add the hook twice
    again = repo.run("init", "--force")
    assert again.code == 0 and "already runs the contractctl-check hook" in again.stdout, again.output
    assert (repo.root / ".pre-commit-config.yaml").read_text() == merged
