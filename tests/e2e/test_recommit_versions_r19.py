"""A contract committed again with the same content after a contract it references got a new version
is a new version (README, How a check works, 3), and its change is checked like one (round 19).

publish registers that commit as the importer's next version, with the reference's new version,
and Schema Registry compares it with the one before. `check --staged` and `check --against` took
the commit for no change ("0 subjects checked": the content was one seen before), and `check --all`
took the importer for its first version (found by fingerprint), comparing it with none.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import three_ways

CONFIG = """version: 1
contracts: {root: p, base_branch: main}
defaults: {compatibility: BACKWARD}
subjects: [{match: "p/s.*", compatibility: NONE}]
"""
SHARED_PROTO = 'syntax = "proto3";\npackage s;\nmessage T { int32 y = 1; }\n'
IMPORTER_PROTO = 'syntax = "proto3";\npackage i;\nimport "s.proto";\nmessage I { s.T t = 1; }\n'
SHARED_AVRO = '{"type": "record", "name": "T", "namespace": "s", "fields": [{"name": "y", "type": "int"}]}\n'
IMPORTER_AVRO = (
    '{"type": "record", "name": "I", "namespace": "i", "fields": [{"name": "t", "type": "s.T"}]}\n'
)
SIDECAR = "owner: team-a\n"

FORMATS = {
    "protobuf": (
        ("p/s.proto", SHARED_PROTO, ("int32 y", "string y")),
        ("p/i.proto", IMPORTER_PROTO, "i.proto"),
        ["FIELD_NAMED_TYPE_CHANGED", "FIELD_SCALAR_KIND_CHANGED"],
    ),
    "avro": (
        ("p/s.avsc", SHARED_AVRO, ('"type": "int"', '"type": "string"')),
        ("p/i.avsc", IMPORTER_AVRO, "i.I"),
        ["TYPE_MISMATCH"],
    ),
}


def _history(repo: GitRepo, kind: str, shared_changes: bool = True) -> tuple[str, str]:
    """Version 1 of both contracts, then (`shared_changes`) a version 2 of the shared one that the
    importer's version 1 cannot read (allowed: the shared contract's level is NONE). (path, subject)
    of the importer."""
    (shared, shared_text, (old, new)), (importer, importer_text, subject), _ = FORMATS[kind]
    repo.write("contractctl.yaml", CONFIG)
    repo.write(shared, shared_text)
    repo.write(importer, importer_text)
    repo.commit("v1")
    if shared_changes:
        repo.write(shared, shared_text.replace(old, new))
        repo.commit("the shared contract's version 2")
    return importer, subject


def _commented(repo: GitRepo, importer: str) -> None:
    """The importer with a comment: the same content, the same references."""
    text = (repo.root / importer).read_text()
    repo.write(importer, "// touched\n" + text if importer.endswith(".avsc") else text + "// touched\n")


def _committed(repo: GitRepo, subject: str) -> dict[str, tuple[dict[str, Any] | None, int]]:
    """The change committed: the importer's result (None: not checked) and the exit code of
    `check --against HEAD~1` (the pull request) and `check --all` (an audit of the new tip)."""
    repo.commit("the change")
    found: dict[str, tuple[dict[str, Any] | None, int]] = {}
    for name, args in (("against", ("--against", "HEAD~1")), ("all", ("--all",))):
        result = repo.run("check", *args, "--format", "json")
        assert "Traceback" not in result.output, result.output
        results = {r["subject"]: r for r in result.json()["results"]}
        found[name] = (results.get(subject), result.code)
    return found


def _assert_compared_with_version_1(
    mode: str, result: dict[str, Any] | None, code: int, rules: list[str]
) -> None:
    assert result is not None, mode
    assert code == 1, (mode, result)
    assert result["verdict"] == "incompatible", (mode, result)
    assert result["compared_versions"] == 1, (mode, result)
    assert sorted(f["rule"] for f in result["findings"]) == rules, (mode, result["findings"])
    assert all(f["compared_with"].startswith("version 1 ") for f in result["findings"]), (
        mode,
        result["findings"],
    )


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_a_comment_committed_after_a_reference_moved_on_is_a_checked_version(
    repo: GitRepo, kind: str
) -> None:
    """The repro: a comment in the importer after the shared contract's version 2 makes the
    importer's version 2 (with the shared version 2), which is compared with its version 1 and
    breaks it, in every mode, before and after the commit."""
    importer, subject = _history(repo, kind)
    _commented(repo, importer)
    rules = FORMATS[kind][2]
    for mode, (result, code) in three_ways(repo, subject).items():
        _assert_compared_with_version_1(mode, result, code, rules)
    for mode, (found, code) in _committed(repo, subject).items():
        _assert_compared_with_version_1(f"committed, {mode}", found, code, rules)


def test_a_sidecar_edit_after_a_reference_moved_on_is_compared_with_the_version_before(repo: GitRepo) -> None:
    """A commit of the sidecar alone writes the contract again too: after the shared contract's
    version 2 it is the importer's version 2, which an audit compares with version 1 (not with
    nothing, as the importer's first content)."""
    importer, subject = _history(repo, "protobuf")
    repo.write(importer.replace(".proto", ".contract.yaml"), SIDECAR)
    rules = FORMATS["protobuf"][2]
    for mode, (result, code) in three_ways(repo, subject).items():
        _assert_compared_with_version_1(mode, result, code, rules)
    for mode, (found, code) in _committed(repo, subject).items():
        _assert_compared_with_version_1(f"committed, {mode}", found, code, rules)


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_a_comment_with_the_same_references_stays_unchanged(repo: GitRepo, kind: str) -> None:
    """A guard: a comment in the importer while what it references has no new version is its
    latest version still: nothing to check, and an audit compares it with the versions before it
    (none)."""
    importer, subject = _history(repo, kind, shared_changes=False)
    _commented(repo, importer)
    repo.git("add", "-A")
    staged = repo.run("check", "--staged", "--format", "json")
    assert staged.code == 0, staged.output
    assert staged.json()["results"] == [], staged.output
    for mode, (found, code) in _committed(repo, subject).items():
        assert code == 0, (mode, found)
        if mode == "against":
            assert found is None, found
        else:
            assert found is not None
            assert (found["verdict"], found["compared_versions"]) == ("unchanged", 0), found
