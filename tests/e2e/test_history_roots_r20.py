"""Contracts whose folder moved: `contracts.history_roots` reads the folders they lay in before as
the root (round 20).

The history of a subject is read under `contracts.root`; a folder moved into it (`git mv
old/schemas new/schemas`, a repository reorganised) brought no versions from before the move, so a
break against one of them passed (an outside audit on JeffersonLab/jaws-libp: 10 incompatible pairs
in 7 subjects nobody saw). A change that moves the root itself warns (CONTRACTS_ROOT_MOVED).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import three_ways

READING = {
    "type": "record",
    "name": "Reading",
    "namespace": "com.x",
    "fields": [{"name": "id", "type": "int"}],
}
EMPTIED = {**READING, "fields": []}
AS_STRING = {**READING, "fields": [{"name": "id", "type": "string", "default": ""}]}


def _config(repo: GitRepo, root: str, *earlier: str, naming: str = "record") -> None:
    history = f", history_roots: {json.dumps(list(earlier))}" if earlier else ""
    repo.write(
        "contractctl.yaml",
        f"version: 1\ncontracts: {{root: {root}{history}}}\n"
        f"defaults: {{compatibility: BACKWARD_TRANSITIVE, subject_strategy: {naming}}}\n",
    )


def _moved_folder(repo: GitRepo, file: str) -> None:
    """v1 (id: int) and v2 (id dropped) under old/schemas, then the folder moved to new/schemas;
    the change brings id back as a string, which v1's data cannot be read as."""
    repo.write(f"old/schemas/{file}", READING)
    repo.commit("v1")
    repo.write(f"old/schemas/{file}", EMPTIED)
    repo.commit("v2")
    (repo.root / "new").mkdir()
    repo.git("mv", "old/schemas", "new/schemas")
    repo.commit("the folder moves")
    repo.write(f"new/schemas/{file}", AS_STRING)


@pytest.mark.parametrize(
    ("naming", "file", "subject"),
    [("record", "Reading.avsc", "com.x.Reading"), ("topic", "readings/value.avsc", "readings-value")],
)
def test_versions_from_before_a_folder_move_are_compared(
    repo: GitRepo, naming: str, file: str, subject: str
) -> None:
    _config(repo, "new/schemas", naming=naming)
    _moved_folder(repo, file)
    alone = repo.run("check", "--format", "json")
    assert alone.code == 0, alone.output  # the move's version only: compatible, the gap this closes
    _config(repo, "new/schemas", "old/schemas", naming=naming)
    for mode, (result, code) in three_ways(repo, subject).items():
        assert (mode, code, result["verdict"], result["compared_versions"]) == (mode, 1, "incompatible", 2)
        assert [(f["rule"], f["compared_with"].split(" (")[0]) for f in result["findings"]] == [
            ("TYPE_MISMATCH", "version 1")
        ], mode


def test_a_change_moving_the_root_warns_until_the_old_folder_is_named(repo: GitRepo) -> None:
    _config(repo, "old/schemas")
    repo.write("old/schemas/Reading.avsc", READING)
    repo.commit("v1")
    (repo.root / "new").mkdir()
    repo.git("mv", "old/schemas", "new/schemas")
    _config(repo, "new/schemas")
    result = repo.run("check", "--format", "json")
    warnings = [f for f in result.json()["findings"] if f["rule"] == "CONTRACTS_ROOT_MOVED"]
    assert result.code == 0 and len(warnings) == 1, result.output
    assert "history_roots: [old/schemas]" in warnings[0]["hint"]
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert verdicts == {"com.x.Reading": "new"}  # no history: what the warning says
    _config(repo, "new/schemas", "old/schemas")
    result = repo.run("check", "--format", "json")
    assert result.code == 0 and "CONTRACTS_ROOT_MOVED" not in result.stdout, result.output
    # its version under old/schemas is its history: moved unedited, it is no change to check
    assert [r["subject"] for r in result.json()["results"]] == []


def test_a_folder_both_held_for_a_while_takes_the_roots_file(repo: GitRepo) -> None:
    """Copied first, the old copy edited and deleted later: the root's file is the contract; what the
    old folder did meanwhile (another type, then a deletion) is not its history."""
    _config(repo, "new/schemas", "old/schemas")
    repo.write("old/schemas/Reading.avsc", READING)
    repo.commit("v1 under old")
    repo.write("new/schemas/Reading.avsc", READING)
    repo.write("old/schemas/Reading.avsc", {**READING, "fields": [{"name": "id", "type": "bytes"}]})
    repo.commit("copied; the old copy drifts")
    repo.git("rm", "-q", "-r", "old")
    repo.commit("the old folder deleted")
    repo.write(
        "new/schemas/Reading.avsc",
        {**READING, "fields": [*READING["fields"], {"name": "n", "type": "long", "default": 0}]},
    )
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    reading = next(r for r in result.json()["results"] if r["subject"] == "com.x.Reading")
    assert reading["compared_versions"] == 1, reading  # v1 only: the drifted old copy was never the root's


@pytest.mark.parametrize(
    ("earlier", "says"),
    [
        ("new", "overlaps the contracts root"),
        ("new/schemas/x", "overlaps"),
        ("../elsewhere", "inside the repository"),
    ],
)
def test_a_history_root_overlapping_the_root_or_outside_is_exit_2(
    repo: GitRepo, earlier: str, says: str
) -> None:
    _config(repo, "new/schemas", earlier)
    repo.write("new/schemas/Reading.avsc", READING)
    repo.commit("v1")
    result = repo.run("check")
    assert result.code == 2 and says in result.output and "Traceback" not in result.output, result.output


def test_a_version_from_before_the_move_finds_a_type_deleted_since_in_the_earlier_folder(
    repo: GitRepo,
) -> None:
    """Laid out as its commit held its references (the shared type deleted after the move): the
    earlier folder is where that commit held them."""
    _config(repo, "new/schemas", "old/schemas")
    priority = {"type": "enum", "name": "Priority", "namespace": "com.x", "symbols": ["P1", "P2"]}
    alarm = {
        "type": "record",
        "name": "Alarm",
        "namespace": "com.x",
        "fields": [{"name": "p", "type": "com.x.Priority"}],
    }
    repo.write("old/schemas/priority.avsc", priority)
    repo.write("old/schemas/alarm.avsc", alarm)
    repo.commit("v1 under old")
    (repo.root / "new").mkdir()
    repo.git("mv", "old/schemas", "new/schemas")
    repo.commit("moved")
    repo.git("rm", "-q", "new/schemas/priority.avsc")
    inlined = {
        **alarm,
        "fields": [{"name": "p", "type": {"type": "enum", "name": "Priority", "symbols": ["P1"]}}],
    }
    repo.write("new/schemas/alarm.avsc", inlined)
    result = repo.run(
        "check", "--allow-breaking", "com.x.Priority", "--reason", "inlined", "--format", "json"
    )
    alarms = next(r for r in result.json()["results"] if r["subject"] == "com.x.Alarm")
    assert result.code == 1 and [f["rule"] for f in alarms["findings"]] == ["MISSING_ENUM_SYMBOLS"], (
        result.output
    )


@pytest.mark.parametrize("root", ['"."', "protos"])
def test_adopting_contractctl_is_no_root_move(repo: GitRepo, root: str) -> None:
    """The base has no contractctl.yaml, so its root is the default `contracts/`, which it never had:
    the change adopting contractctl moved nothing (an audit of istio/api and opentelemetry-proto got
    the warning, and with root "." a hint the config then refuses)."""
    folder = "protos" if root == "protos" else "acme"
    repo.write(f"{folder}/Reading.avsc", READING)
    repo.commit("existing schemas, no contractctl yet")
    _config(repo, root)
    repo.commit("adopt contractctl")
    result = repo.run("check", "--against", "HEAD~1", "--format", "json")
    assert result.code == 0, result.output
    assert "CONTRACTS_ROOT_MOVED" not in result.stdout


def test_a_root_widened_to_the_repository_keeps_its_history(repo: GitRepo) -> None:
    """From old/schemas to ".": the files keep their paths under the new root, and their versions."""
    _config(repo, "old/schemas")
    repo.write("old/schemas/Reading.avsc", READING)
    repo.commit("v1")
    _config(repo, '"."')
    repo.write("old/schemas/Reading.avsc", {**READING, "fields": [{"name": "id", "type": "bytes"}]})
    result = repo.run("check", "--format", "json")
    assert "CONTRACTS_ROOT_MOVED" not in result.stdout, result.output
    [checked] = [r for r in result.json()["results"] if r["subject"] == "com.x.Reading"]
    assert (result.code, checked["verdict"], checked["compared_versions"]) == (1, "incompatible", 1)
