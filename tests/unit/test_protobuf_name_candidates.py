"""Name candidates (round 15): a history rules out, unoutlined, the Protobuf contents that cannot name
a wanted subject. The candidates must hold every name the outline can take a subject from, or a
content-named subject loses versions; the history must give the versions the whole history gives,
with outlines kept between runs or not."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from contractctl.config.project import config_from_text
from contractctl.formats.protobuf.outline import name_candidates, read_outline
from contractctl.repo.contracts import SubjectMapper
from contractctl.repo.history import BlobStore, Git
from contractctl.repo.outline_cache import OutlineCache
from contractctl.repo.references import subject_history
from tests.conftest import GitRepo

_PIECES = (
    "message", "enum", "Order", "Line", ".Lead", "a.b", "package", "acme.v1", ";", "{", "}", "=", "1",
    '"message X"', "'enum Y'", "option", "service", "rpc", "import", '"x.proto"', "messageOrder",
)  # fmt: skip
_GAPS = (" ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\x0c", "/* message Z */", "// enum W\n", "", "  ")


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) + rng.choice(_GAPS) for _ in range(rng.randint(1, 40)))


@pytest.mark.parametrize("seed", range(4))
def test_candidates_hold_every_name_the_outline_takes(seed: int) -> None:
    rng = random.Random(seed)
    named = given_up = 0
    for _ in range(2500):
        text = _random_text(rng)
        outline = read_outline(text)
        candidates = name_candidates(text)
        if candidates is None:
            given_up += 1
            continue
        scope = f"{outline.package}." if outline.package else ""
        for name in (outline.first_message, outline.first_enum):
            if name is not None:
                named += 1
                assert scope + name in set(candidates.full_names()), (text, scope + name)
    assert named > 150 and given_up < 2000  # the texts name types often enough to mean something


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("// a message\nmessage Order {}", "Order"),  # a keyword in a comment reads the real one as its name
        ("message /* c */ Order {}", "Order"),
        ("message//c\nOrder {}", "Order"),
        ("message\u00a0Order {}", "Order"),  # the tokenizer's whitespace is Unicode's
        ("enum Status { A = 0; }", "Status"),
        ("message a.b.Order {}", "a.b.Order"),
        ("message .Order {}", ".Order"),
        ("message{ }", "{"),  # protoc refuses it; the outline still names it
        ("message 9 {}", "9"),
        ("package acme.v1; message Order {}", "acme.v1.Order"),
        ("message Order {} package /* p */ acme;", "acme.Order"),  # a package after the message
        ("package a; package b; message Order {}", "b.Order"),
        ("package .a; message Order {}", ".a.Order"),
    ],
)
def test_candidates_of_tricky_spellings(text: str, name: str) -> None:
    outline = read_outline(text)
    scope = f"{outline.package}." if outline.package else ""
    assert scope + (outline.first_message or outline.first_enum or "") == name  # what the outline says
    candidates = name_candidates(text)
    assert candidates is not None and name in set(candidates.full_names())


@pytest.mark.parametrize("text", ['message "Order" {}', "package 'a'; message Order {}"])
def test_a_string_where_a_name_goes_gives_no_candidates(text: str) -> None:
    """The tokenizer rewrites strings (escapes, concatenation): such a content is outlined instead."""
    assert name_candidates(text) is None


PROTO = 'syntax = "proto3";\npackage acme;\n'
CONFIG = (
    "version: 1\ncontracts: {root: contracts}\ndefaults: {subject_strategy: record}\n"
    "protobuf: {reference_naming: record}\n"
)


def _history_repo(tmp_path: Path) -> GitRepo:
    """Content-named files of every kind a candidate must not miss, among many that name others."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("contractctl.yaml", CONFIG)
    for version in range(3):
        field = f"  string f{version} = {version + 1};\n"
        repo.write("contracts/a/order.proto", f"{PROTO}// the message\nmessage Order {{\n{field}}}\n")
        repo.write("contracts/b/enums.proto", f"{PROTO}enum Status {{ S{version} = 0; }}\n")
        repo.write("contracts/c/opts.proto", f'{PROTO}option java_package = "v{version}";\n')
        for index in range(12):
            repo.write(f"contracts/d/m{index}.proto", f"{PROTO}message Other{index} {{\n{field}}}\n")
        repo.commit(f"v{version}")
    return repo


def _versions(repo: GitRepo, wanted: set[str] | None, outlines: OutlineCache | None) -> dict[str, Any]:
    git = Git.discover(repo.root)
    mapper = SubjectMapper(config_from_text(CONFIG, repo.root / "contractctl.yaml"), "contracts")
    history = subject_history(git, git.resolve("HEAD"), mapper, BlobStore(git), wanted, outlines)
    return {s: [(v.number, str(v.path), v.text) for v in history[s]] for s in sorted(history)}


@pytest.mark.parametrize("workers", ["1", "2"])  # the contents examined here, or in two forked workers
def test_a_history_of_content_named_files_keeps_every_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv("CONTRACTCTL_WORKERS", workers)
    repo = _history_repo(tmp_path)
    whole = _versions(repo, None, None)
    wanted = {"acme.Order", "acme.Status", "c/opts.proto"}
    assert wanted <= whole.keys() and all(len(whole[s]) == 3 for s in wanted)
    expected = {s: whole[s] for s in sorted(wanted)}
    assert _versions(repo, wanted, None) == expected

    read: list[str] = []
    real_read_blobs = Git.read_blobs

    def counted(self: Git, shas: Any) -> dict[str, bytes]:
        shas = list(shas)
        read.extend(shas)
        return real_read_blobs(self, shas)

    monkeypatch.setattr(Git, "read_blobs", counted)
    folder = tmp_path / "kept"  # stands for the git directory the cache lives in
    folder.mkdir()
    reads = []
    for _ in ("learning", "reading"):
        read.clear()
        kept = OutlineCache.load(folder, "stamp")
        assert _versions(repo, wanted, kept) == expected
        kept.save()
        reads.append(len(set(read)))
    # the second run rules the other files' 36 contents out by their kept candidates, unread
    assert reads[0] >= 45 and reads[1] == 9, reads


@pytest.mark.parametrize("workers", ["1", "2"])
def test_kept_candidates_answer_for_the_subjects_a_later_run_wants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """A content ruled out for one run's subjects is read by a later run that wants its subject."""
    monkeypatch.setenv("CONTRACTCTL_WORKERS", workers)
    repo = _history_repo(tmp_path)
    whole = _versions(repo, None, None)
    folder = tmp_path / "kept"
    folder.mkdir()
    for wanted in ({"acme.Order"}, {"acme.Other3", "acme.Status"}, {"acme.Other7"}):
        kept = OutlineCache.load(folder, "stamp")
        assert _versions(repo, wanted, kept) == {s: whole[s] for s in sorted(wanted)}
        kept.save()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_comment_only_edit_is_no_new_version_of_a_content_named_subject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """The fingerprints worked out with the outlines tell versions apart as the history would."""
    monkeypatch.setenv("CONTRACTCTL_WORKERS", workers)
    repo = GitRepo(tmp_path / "repo")
    repo.write("contractctl.yaml", CONFIG)
    for text in (
        "message Order {\n  string id = 1;\n}\n",
        "// the order\nmessage Order {\n  string id = 1; // its id\n}\n",  # comments only
        "message Order {\n  string id = 1;\n  string note = 2;\n}\n",
    ):
        repo.write("contracts/a/order.proto", PROTO + text)
        repo.write("contracts/d/other.proto", PROTO + text.replace("Order", "Other"))
        repo.commit("edit")
    versions = _versions(repo, {"acme.Order"}, None)
    assert [number for number, _, _ in versions["acme.Order"]] == [1, 2]
    assert versions["acme.Order"] == _versions(repo, None, None)["acme.Order"]
