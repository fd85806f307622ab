"""Which subjects a change makes vanish (deleted files, and files whose content or path now names another
subject), what they still define for others, and how each is reported."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.checking.removals import RemovedContract, SubjectMove, removal_result, removed_contracts
from contractctl.config.project import parse_config
from contractctl.model import CompatibilityLevel, FindingKind, SchemaType, Severity
from contractctl.repo.contracts import SubjectMapper, build_contract_set
from contractctl.repo.history import BlobStore, Git, GitError
from tests.conftest import GitRepo, record

PROTO = 'syntax = "proto3";\npackage p;\n'


def _removed(repo: GitRepo, strategy: str = "topic") -> list[RemovedContract]:
    """removed_contracts for the staged change against HEAD, as `check --staged` runs it."""
    git = Git.discover(repo.root)
    config = parse_config(
        {"version": 1, "defaults": {"subject_strategy": strategy}}, repo.root / "contractctl.yaml"
    )
    mapper = SubjectMapper(config, "contracts")
    current = build_contract_set(mapper, list(git.index_blobs("contracts").items()), BlobStore(git), "index")
    base = git.resolve("HEAD")
    return removed_contracts(git, base, mapper, git.changed_paths(base, "contracts", True), current, True)


def _stage(repo: GitRepo, files: dict[str, str | dict[str, Any]]) -> None:
    for path, content in files.items():
        repo.write(path, content)
    repo.git("add", "-A")


def _summary(removed: list[RemovedContract]) -> list[tuple[str, str | None, str | None, tuple[str, ...]]]:
    return [
        (
            r.subject,
            r.moved and r.moved.subject,
            r.moved and str(r.moved.path),
            r.defined_names,
        )
        for r in removed
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            "message A { int32 x = 1; }",
            "message B { int32 y = 1; }\nmessage A { int32 x = 1; }",
            [("p.A", "p.B", "contracts/x.proto", ())],
            id="message-inserted-first",
        ),
        pytest.param(
            "message A { int32 x = 1; }",
            "message Renamed { int32 x = 1; }",
            # importers name the file by its path, which stays: they are checked as users of an edit
            [("p.A", "p.Renamed", "contracts/x.proto", ())],
            id="first-message-renamed",
        ),
        pytest.param(
            "message A { int32 x = 1; }", "message A { int32 x = 1; int32 y = 2; }", [], id="plain-edit"
        ),
        pytest.param(
            "message A { int32 x = 1; }\nmessage B { int32 y = 1; }",
            "message A { int32 x = 1; }",
            [],  # a message after the first removed: the subject stays (its diff is the compat check's)
            id="later-message-removed",
        ),
    ],
)
def test_protobuf_file_under_record_naming(
    repo: GitRepo, before: str, after: str, expected: list[tuple[str, str, str, tuple[str, ...]]]
) -> None:
    repo.write("contracts/x.proto", PROTO + before)
    repo.commit("v1")
    _stage(repo, {"contracts/x.proto": PROTO + after})
    assert _summary(_removed(repo, "record")) == expected


def test_avro_namespace_change_and_deletion(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", record("Money", [], "com.acme.common"))
    repo.write("contracts/common/tax.avsc", record("Tax", [], "com.acme.common"))
    repo.commit("v1")
    _stage(repo, {"contracts/common/money.avsc": record("Money", [], "com.acme.billing")})
    repo.git("rm", "-q", "contracts/common/tax.avsc")
    assert _summary(_removed(repo)) == [
        (
            "com.acme.common.Money",
            "com.acme.billing.Money",
            "contracts/common/money.avsc",
            ("com.acme.common.Money",),
        ),
        ("com.acme.common.Tax", None, None, ("com.acme.common.Tax",)),
    ]


def test_a_subject_another_file_now_names_is_not_gone(repo: GitRepo) -> None:
    repo.write("contracts/a.avsc", record("Money", []))
    repo.commit("v1")
    _stage(repo, {"contracts/a.avsc": record("Cash", []), "contracts/b.avsc": record("Money", [])})
    assert _removed(repo) == []


def test_a_path_named_subject_costs_no_read_and_a_broken_base_is_skipped(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("Order", []))
    repo.write("contracts/common/broken.avsc", "{ not json")
    repo.commit("v1")
    # topic naming: value.avsc is orders-value whatever record it holds
    _stage(
        repo,
        {
            "contracts/orders/value.avsc": record("Renamed", []),
            "contracts/common/broken.avsc": record("Fixed", []),
        },
    )
    assert _removed(repo) == []


def test_git_rename_to_another_topic_names_where_it_went(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    (repo.root / "contracts/orders2").mkdir()
    repo.git("mv", "contracts/orders/value.avsc", "contracts/orders2/value.avsc")
    assert _summary(_removed(repo)) == [("orders-value", "orders2-value", "contracts/orders2/value.avsc", ())]


def test_a_pairing_git_only_guesses_is_worded_as_a_guess(repo: GitRepo) -> None:
    fields = [{"name": f"field{i}", "type": "string"} for i in range(12)]
    repo.write("contracts/orders/value.avsc", record("Order", fields))
    repo.commit("v1")
    (repo.root / "contracts/orders/value.avsc").unlink()
    repo.write("contracts/refunds/value.avsc", record("Refund", [*fields[:10], {"name": "x", "type": "int"}]))
    repo.git("add", "-A")
    [removed] = _removed(repo)
    assert removed.moved is not None
    assert str(removed.moved.path) == "contracts/refunds/value.avsc"
    assert removed.moved.subject == "refunds-value"
    assert 50 <= removed.moved.similarity < 100
    [finding] = removal_result(removed).findings
    assert "was renamed" not in finding.message
    assert (
        "contracts/orders/value.avsc is gone and contracts/refunds/value.avsc, which git pairs with it "
        f"as a rename ({removed.moved.similarity}% alike), maps to subject 'refunds-value'"
    ) in finding.message


def _entry(level: CompatibilityLevel, moved: SubjectMove | None) -> RemovedContract:
    return RemovedContract(
        "p.A", PurePosixPath("contracts/x.proto"), SchemaType.PROTOBUF, level, ("p.A",), moved
    )


def test_a_subject_change_is_its_own_rule_gated_like_a_removal() -> None:
    result = removal_result(
        _entry(CompatibilityLevel.BACKWARD, SubjectMove(PurePosixPath("contracts/x.proto"), "p.B"))
    )
    [finding] = result.findings
    assert (result.subject, result.verdict, finding.rule) == ("p.A", "subject changed", "SUBJECT_CHANGED")
    assert (finding.kind, finding.severity, finding.file) == (
        FindingKind.INCOMPATIBLE,
        Severity.ERROR,
        "contracts/x.proto",
    )
    assert "now maps to subject 'p.B' instead of 'p.A'" in finding.message
    assert finding.hint is not None
    assert 'subjects: [{match: "contracts/x.proto", subject: "p.A"}]' in finding.hint
    assert "--allow-breaking p.A --reason TEXT" in finding.hint


def test_a_renamed_file_points_at_its_new_path() -> None:
    moved = SubjectMove(PurePosixPath("contracts/y/value.proto"), "y-value")
    [finding] = removal_result(_entry(CompatibilityLevel.FULL, moved)).findings
    assert finding.file == "contracts/y/value.proto"
    assert "contracts/x.proto was renamed to contracts/y/value.proto" in finding.message


@pytest.mark.parametrize("moved", [None, SubjectMove(PurePosixPath("contracts/x.proto"), "p.B")])
def test_level_none_makes_either_a_warning(moved: SubjectMove | None) -> None:
    [finding] = removal_result(_entry(CompatibilityLevel.NONE, moved)).findings
    assert (finding.kind, finding.severity, finding.fails) == (FindingKind.ADVISORY, Severity.WARNING, False)


def test_read_many_at_leaves_out_what_the_commit_lacks(repo: GitRepo) -> None:
    repo.write("contracts/a b.avsc", "one")
    repo.write("contracts/dir/c.avsc", "two")
    head = repo.commit("v1")
    git = Git.discover(repo.root)
    found = git.read_many_at(
        head, ["contracts/a b.avsc", "contracts/dir", "contracts/new.avsc", "contracts/dir/c.avsc"]
    )
    assert found == {"contracts/a b.avsc": b"one", "contracts/dir/c.avsc": b"two"}


@pytest.mark.parametrize("staged", [True, False])
def test_renamed_paths_as_git_pairs_them(repo: GitRepo, staged: bool) -> None:
    repo.write("contracts/a/value.avsc", json.dumps(record("Order", [{"name": "id", "type": "string"}])))
    repo.write("contracts/b.avsc", "unrelated")
    head = repo.commit("v1")
    (repo.root / "contracts/c").mkdir()
    repo.git("mv", "contracts/a/value.avsc", "contracts/c/value.avsc")
    repo.git("rm", "-q", "contracts/b.avsc")
    assert Git.discover(repo.root).renamed_paths(head, "contracts", staged) == {
        "contracts/a/value.avsc": ("contracts/c/value.avsc", 100)
    }


def test_read_many_at_reads_links_as_their_text_and_odd_names(repo: GitRepo) -> None:
    repo.write("contracts/target.avsc", "body")
    (repo.root / "contracts/link.avsc").symlink_to("target.avsc")
    repo.write("contracts/new\nline.avsc", "odd")
    head = repo.commit("v1")
    found = Git.discover(repo.root).read_many_at(
        head, ["contracts/link.avsc", "contracts/new\nline.avsc", "contracts/link.avsc"]
    )
    # as `read_at` reads each: git's content of a link is the name it leads to
    assert found == {"contracts/link.avsc": b"target.avsc", "contracts/new\nline.avsc": b"odd"}
    assert found["contracts/link.avsc"] == Git.discover(repo.root).read_at(head, "contracts/link.avsc")


def test_read_many_at_fails_closed_on_a_content_the_clone_lacks(repo: GitRepo) -> None:
    """A path the commit holds whose blob is gone (a partial clone) is an error, never "deleted"."""
    repo.write("contracts/a.avsc", "kept")
    repo.write("contracts/b.avsc", "lost content")
    head = repo.commit("v1")
    lost = repo.git("rev-parse", f"{head}:contracts/b.avsc").strip()
    (repo.root / ".git/objects" / lost[:2] / lost[2:]).unlink()
    with pytest.raises(GitError, match=r"cannot read contracts/b\.avsc at .*missing from this clone"):
        Git.discover(repo.root).read_many_at(head, ["contracts/a.avsc", "contracts/b.avsc"])


def test_deleting_many_contracts_reads_them_in_a_few_git_processes(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 60
    for index in range(count):
        repo.write(f"contracts/shared/m{index}.proto", PROTO + f"message M{index} {{ int32 a = 1; }}\n")
    repo.commit("v1")
    repo.git("rm", "-q", "-r", "contracts/shared")
    started: list[tuple[str, ...]] = []
    real_attempt = Git.attempt

    def counted(self: Git, *args: str, **options: Any) -> Any:
        started.append(args)
        return real_attempt(self, *args, **options)

    monkeypatch.setattr(Git, "attempt", counted)
    removed = _removed(repo, "record")
    assert sorted(r.subject for r in removed) == sorted(f"p.M{index}" for index in range(count))
    reads = [args for args in started if args[0] in ("cat-file", "ls-tree")]
    assert len(reads) <= 2, reads
