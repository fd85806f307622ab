"""Subjects named after their files (`subject: "{stem}"`), and a config kept outside the clone.

Two audits of real Avro trees (DRIVER-EU/avro-schemas names its files `<topic>-value.avsc`;
NEON-IS-avro-schemas and jaws need one subject per file name) needed 45-51 hand-written pins that
do not follow renames; and a config kept beside the clones (`--config ../cfg.yaml`) was refused as
"not inside a git repository", though the README says to name such a file with `--config`.
"""

from __future__ import annotations

from tests.conftest import GitRepo, record

TEMPLATE_CONFIG = """version: 1
contracts: {root: schemas}
defaults: {compatibility: BACKWARD}
subjects:
  - match: "schemas/**/*.avsc"
    subject: "{stem}"
  - match: "schemas/legacy/*.avsc"
    subject: "legacy.{folder}.{stem}"
"""
ORDER = record("Order", [{"name": "id", "type": "int"}], namespace="n")
ITEM = record("Item", [{"name": "id", "type": "int"}], namespace="n")


def _subjects(repo: GitRepo, *args: str) -> tuple[int, dict[str, dict[str, object]]]:
    result = repo.run("check", *args, "--format", "json")
    assert "Traceback" not in result.output, result.output
    return result.code, {r["subject"]: r for r in result.json()["results"]}


def test_subjects_named_by_a_template_and_their_history(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", TEMPLATE_CONFIG)
    repo.write("schemas/orders-value.avsc", ORDER)
    repo.write("schemas/orders-key.avsc", '"string"')
    repo.write("schemas/sim/items-value.avsc", ITEM)
    repo.write("schemas/legacy/old.avsc", ITEM)
    repo.commit("v1")
    code, results = _subjects(repo, "--all", "--against", "HEAD")
    assert code == 0 and sorted(results) == ["items-value", "legacy.legacy.old", "orders-key", "orders-value"]
    repo.write(
        "schemas/sim/items-value.avsc", record("Item", [{"name": "id", "type": "string"}], namespace="n")
    )
    code, results = _subjects(repo)
    assert code == 1 and list(results) == ["items-value"], results
    assert results["items-value"]["compared_versions"] == 1


def test_a_template_with_an_unknown_placeholder_is_a_config_error(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", TEMPLATE_CONFIG.replace('"{stem}"', '"{name}-value"', 1))
    repo.write("schemas/orders-value.avsc", ORDER)
    repo.commit("v1")
    result = repo.run("check", "--all", "--against", "HEAD")
    assert result.code == 2 and "subjects[0].subject" in result.stderr and "{stem}" in result.stderr, (
        result.output
    )


def test_a_config_outside_the_repository_applies_to_the_working_directory_s(repo: GitRepo) -> None:
    outside = repo.root.parent / "shared-config" / "cfg.yaml"
    outside.parent.mkdir()
    outside.write_text(TEMPLATE_CONFIG, encoding="utf-8")
    repo.write("schemas/orders-value.avsc", ORDER)
    repo.commit("v1")
    repo.write(
        "schemas/orders-value.avsc", record("Order", [{"name": "id", "type": "string"}], namespace="n")
    )
    code, results = _subjects(repo, "--config", str(outside))
    assert code == 1 and list(results) == ["orders-value"], results
    assert results["orders-value"]["path"] == "schemas/orders-value.avsc"
