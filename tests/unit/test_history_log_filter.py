"""The log of a few subjects: git's root log filtered by path before parsing, never pathspecs that
git would match against every path of a long history, and the same versions either way."""

from __future__ import annotations

import json

from contractctl.config.project import config_from_text
from contractctl.repo import references
from contractctl.repo.contracts import SubjectMapper
from contractctl.repo.history import BlobStore, Git, first_parent_log, parse_log
from contractctl.repo.references import subject_history
from tests.conftest import GitRepo, record


def test_a_change_is_kept_when_either_of_its_paths_is_and_each_path_is_asked_once(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", "orders 1\n" * 20)
    repo.write("contracts/stock/value.avsc", "stock 1\n")
    repo.commit("c1")
    repo.write("contracts/stock/value.avsc", "stock 2\n")
    repo.commit("stock only")
    (repo.root / "contracts/sales").mkdir()
    repo.git("mv", "contracts/orders/value.avsc", "contracts/sales/value.avsc")  # out of the kept path
    repo.commit("move")
    repo.write("contracts/stock/value.avsc", "stock 3\n")
    repo.commit("stock again")
    asked: list[str] = []

    def keep(path: str) -> bool:
        asked.append(path)
        return path == "contracts/orders/value.avsc"

    commits = first_parent_log(Git.discover(repo.root), "HEAD", "contracts", None, keep)
    changes = [(c.status, str(c.old_path), str(c.new_path)) for commit in commits for c in commit.changes]
    # the log asks git for no rename detection (a partial clone would fetch both contents of every
    # candidate pair): a move is its old path deleted and its new one added
    assert changes == [
        ("A", "None", "contracts/orders/value.avsc"),
        ("D", "contracts/orders/value.avsc", "None"),
    ]
    assert len(commits) == 4  # commits are kept (their order places other subjects' versions)
    assert sorted(asked) == sorted(set(asked))


def test_a_rename_in_a_log_is_kept_when_either_of_its_paths_is() -> None:
    blob = "1" * 40
    raw = (
        f"\x01{'a' * 40}\n\0:000000 100644 {'0' * 40} {blob} A\0contracts/orders/value.avsc\0"
        f"\x01{'b' * 40}\n\0:100644 100644 {blob} {blob} R100\0contracts/orders/value.avsc\0"
        "contracts/sales/value.avsc\0"
        f":100644 100644 {blob} {blob} R100\0contracts/x/value.avsc\0contracts/y/value.avsc\0"
    ).encode()
    commits = parse_log(raw, lambda path: path == "contracts/orders/value.avsc")
    changes = [(c.status, str(c.old_path), str(c.new_path)) for commit in commits for c in commit.changes]
    assert changes == [
        ("A", "None", "contracts/orders/value.avsc"),
        ("R", "contracts/orders/value.avsc", "contracts/sales/value.avsc"),
    ]


CONFIG = "version: 1\ncontracts: {root: contracts}\n"


def _history_build(repo: GitRepo) -> None:
    """Moves into and out of a topic, a sidecar-only commit, a record-named shared type and a
    Protobuf file named by its import path, each evolving."""
    money = record("Money", [{"name": "units", "type": "long"}], "com.acme.common")
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/common/money.avsc", money)
    repo.write(
        "contracts/orders/value.avsc", record("Order", [{"name": "total", "type": "com.acme.common.Money"}])
    )
    repo.write("contracts/common/v1/enums.proto", 'syntax = "proto3";\npackage c;\nenum E { E0 = 0; }\n')
    repo.write("contracts/legacy/value.avsc", record("Legacy", [{"name": "a", "type": "string"}]))
    repo.commit("c1")
    money["fields"].append({"name": "nanos", "type": "int", "default": 0})
    repo.write("contracts/common/money.avsc", money)
    repo.write(
        "contracts/common/v1/enums.proto", 'syntax = "proto3";\npackage c;\nenum E { E0 = 0; E1 = 1; }\n'
    )
    repo.commit("c2")
    repo.write("contracts/orders/value.contract.yaml", "metadata: {properties: {owner: sales}}\n")
    repo.commit("sidecar only")
    (repo.root / "contracts/archive").mkdir()
    (repo.root / "contracts/sales").mkdir()
    repo.git("mv", "contracts/orders", "contracts/sales/purchases")  # orders-value's file leaves it
    repo.git("mv", "contracts/legacy", "contracts/archive/orders")  # and another file becomes it
    repo.commit("moves")
    repo.write("contracts/other/value.avsc", json.dumps(record("Other", [])))
    repo.commit("unrelated")


def _versions(repo: GitRepo, wanted: set[str] | None) -> dict[str, list[tuple[int, str, str, str]]]:
    git = Git.discover(repo.root)
    config = config_from_text(CONFIG, repo.root / "contractctl.yaml")
    mapper = SubjectMapper(config, "contracts")
    history = subject_history(git, git.resolve("HEAD"), mapper, BlobStore(git), wanted)
    subjects = wanted if wanted is not None else set(history)
    return {
        s: [(v.number, str(v.path), v.text, v.commit) for v in history[s]]
        for s in sorted(subjects)
        if s in history
    }


def test_a_few_subjects_have_the_versions_the_whole_history_gives_them(repo: GitRepo, monkeypatch) -> None:
    _history_build(repo)
    whole = _versions(repo, None)
    wanted = {"orders-value", "com.acme.common.Money", "common/v1/enums.proto"}
    few = _versions(repo, wanted)
    assert few == {s: whole[s] for s in sorted(wanted)}
    commits = repo.git("log", "--format=%H", "--reverse").split()
    orders = [(path, commit) for _, path, _, commit in few["orders-value"]]
    assert orders == [
        ("contracts/orders/value.avsc", commits[0]),
        ("contracts/orders/value.avsc", commits[2]),  # the sidecar-only commit
        ("contracts/archive/orders/value.avsc", commits[3]),  # renamed in from legacy-value
    ]
    assert [number for number, *_ in few["common/v1/enums.proto"]] == [1, 2]
    # one literal path is asked of git directly: the same versions
    monkeypatch.setattr(references, "_PATHSPEC_LIMIT", 8)
    alone = _versions(repo, {"common/v1/enums.proto"})
    assert alone == {"common/v1/enums.proto": whole["common/v1/enums.proto"]}


def test_only_a_few_literal_paths_go_to_git_as_pathspecs(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.commit("c1")
    mapper = SubjectMapper(config_from_text(CONFIG, repo.root / "contractctl.yaml"), "contracts")
    assert references._cheap_pathspecs(mapper, {"common/v1/enums.proto"}) == [
        ":(literal)contracts/common/v1/enums.proto",
        ":(literal)contracts/common/v1/enums.contract.yaml",
    ]
    # a topic's subject is a glob in git (any folder depth, any case): the root is read instead
    assert references._cheap_pathspecs(mapper, {"orders-value"}) is None
    many = {f"common/v1/t{n}.proto" for n in range(references._PATHSPEC_LIMIT)}
    assert references._cheap_pathspecs(mapper, many) is None
    assert references._cheap_pathspecs(mapper, None) is None


def test_a_later_pass_for_a_path_that_never_held_a_contract_asks_git_for_that_path(
    repo: GitRepo, monkeypatch
) -> None:
    """An earlier version imports a vendored file (protobuf.include), which no history holds: when
    the first pass asked git for a few paths, learning that reads those paths' log, never the root's
    (round 17: the whole root log was read and parsed for it)."""
    for number in range(3):
        text = f'import "ext/thing.proto";\nmessage A {{ string f{number} = 1; }}\n'
        repo.write("contracts/acme/a.proto", 'syntax = "proto3";\npackage acme;\n' + text)
        repo.commit(f"c{number}")
    git = Git.discover(repo.root)
    mapper = SubjectMapper(
        config_from_text("version: 1\ncontracts: {root: contracts}\n", repo.root / "contractctl.yaml"),
        "contracts",
    )
    asked: list[list[str] | None] = []
    real = references.log_output

    def log_output(
        git: Git, ref: str, prefix: str, pathspecs: list[str] | None = None, earlier: tuple[str, ...] = ()
    ) -> bytes:
        asked.append(pathspecs)
        return real(git, ref, prefix, pathspecs, earlier)

    monkeypatch.setattr(references, "log_output", log_output)
    monkeypatch.setattr(
        references,
        "first_parent_log",
        lambda git, ref, prefix, specs, keep, paths, earlier=(): (
            asked.append(specs) or first_parent_log(git, ref, prefix, specs, keep, paths, earlier)
        ),
    )
    history = subject_history(git, git.resolve("HEAD"), mapper, BlobStore(git), {"acme/a.proto"})

    assert history.holders(["ext/thing.proto"], "contracts") == {"ext/thing.proto": ()}
    assert len(history["acme/a.proto"]) == 3
    assert asked and all(specs for specs in asked), asked  # no log of the whole root
