"""contractctl.yaml's parsed document kept in the git directory: taken only for the very text it was
parsed from, by the same code; anything else (a new text, a damaged file, other code, a text that does
not parse or holds what cannot be kept) is parsed as always, with the same outcome."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contractctl.config import kept_document
from contractctl.config.project import Config, load_config
from contractctl.errors import ConfigError
from contractctl.generic import yaml_guard

TEXT = """version: 1
contracts:
  root: schemas
  base_branch: trunk
defaults: {compatibility: FULL}
subjects:
  - match: "schemas/payments/**"
    compatibility: NONE
registries:
  aws: {url: "${SR_URL}"}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def _kept(repo: Path) -> list[Path]:
    folder = repo / ".git" / "contractctl"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _parse_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> yaml_guard.Document:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml_guard, "load", refuse)


def _same(one: Config, other: Config) -> None:
    assert one == other
    assert one.lines == other.lines and one.columns == other.columns  # not part of ==
    assert one.where("subjects[0].compatibility") == other.where("subjects[0].compatibility")


def test_the_same_text_is_not_parsed_again_and_gives_the_same_config(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "contractctl.yaml").write_text(TEXT)
    parsed = load_config(repo / "contractctl.yaml")
    [kept] = _kept(repo)
    assert kept.name.startswith("config-")
    _parse_refused(monkeypatch)
    again = load_config(repo / "contractctl.yaml")
    _same(again, parsed)
    assert again.contracts_root == "schemas" and again.subject_rules[0].match == "schemas/payments/**"
    assert again.where("subjects[0].compatibility").endswith("contractctl.yaml:8:5")


def test_an_edited_text_is_parsed_and_kept_in_place_of_the_old(repo: Path) -> None:
    config = repo / "contractctl.yaml"
    config.write_text(TEXT)
    load_config(config)
    config.write_text(TEXT.replace("base_branch: trunk", "base_branch: develop"))
    assert load_config(config).base_branch == "develop"
    config.write_text(TEXT.replace("base_branch: trunk", "base_branch: trunk "))  # one byte more
    assert load_config(config).base_branch == "trunk"
    assert len(_kept(repo)) == 1


@pytest.mark.parametrize("damage", ["truncated", "bit flipped", "empty", "other code"])
def test_a_damaged_or_foreign_kept_file_is_parsed_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    config = repo / "contractctl.yaml"
    config.write_text(TEXT)
    fresh = load_config(config)
    [kept] = _kept(repo)
    data = kept.read_bytes()
    if damage == "truncated":
        kept.write_bytes(data[: len(data) // 2])
    elif damage == "bit flipped":
        kept.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    elif damage == "empty":
        kept.write_bytes(b"")
    else:
        monkeypatch.setattr(kept_document, "code_stamp", lambda: "another version of the code")
    calls: list[str] = []
    real_load = yaml_guard.load

    def counting(text: str) -> yaml_guard.Document:
        calls.append(text)
        return real_load(text)

    monkeypatch.setattr(yaml_guard, "load", counting)
    _same(load_config(config), fresh)
    assert calls == [TEXT]


def test_a_text_that_does_not_parse_is_never_kept_and_always_reported(repo: Path) -> None:
    config = repo / "contractctl.yaml"
    config.write_text("version: 1\ncontracts: {root: a}\ncontracts: {root: b}\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"contractctl.yaml:3:1: .*duplicate"):
            load_config(config)
    assert _kept(repo) == []


def test_a_value_that_cannot_be_kept_is_parsed_every_time(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = repo / "contractctl.yaml"
    config.write_text("version: 1\nlint:\n  since: 2001-12-14\n")  # a YAML timestamp: a datetime
    first = load_config(config)
    assert first.lint is not None and str(first.lint["since"]) == "2001-12-14"
    assert _kept(repo) == []
    _parse_refused(monkeypatch)
    with pytest.raises(AssertionError, match="parsed again"):
        load_config(config)


def test_nothing_is_kept_without_a_git_directory_beside_the_config(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()  # a repository above, but the config is not at its top
    (tmp_path / "sub" / "contractctl.yaml").write_text(TEXT)
    assert load_config(tmp_path / "sub" / "contractctl.yaml").base_branch == "trunk"
    assert not (tmp_path / ".git" / "contractctl").exists()
    assert not (tmp_path / "sub" / ".git").exists()


def test_a_linked_worktree_keeps_it_in_its_own_git_directory(tmp_path: Path) -> None:
    git_dir = tmp_path / "main" / ".git" / "worktrees" / "feature"
    git_dir.mkdir(parents=True)
    tree = tmp_path / "feature"
    tree.mkdir()
    (tree / ".git").write_text(f"gitdir: {git_dir}\n")
    (tree / "contractctl.yaml").write_text(TEXT)
    assert load_config(tree / "contractctl.yaml").base_branch == "trunk"
    assert [p.name.startswith("config-") for p in (git_dir / "contractctl").iterdir()] == [True]
    (tree / ".git").write_text("not a pointer\n")
    assert load_config(tree / "contractctl.yaml").base_branch == "trunk"  # nothing kept, no error


def test_the_stamp_follows_the_parser_files(tmp_path: Path) -> None:
    package = tmp_path / "yaml"
    package.mkdir()
    (package / "__init__.py").write_text("x = 1\n")
    guard = tmp_path / "yaml_guard.py"
    guard.write_text("y = 1\n")
    before = kept_document.stamp_of([str(guard)], [str(package)])
    assert kept_document.stamp_of([str(guard)], [str(package)]) == before
    (package / "__init__.py").write_text("x = 22\n")
    assert kept_document.stamp_of([str(guard)], [str(package)]) != before
    changed = kept_document.stamp_of([str(guard)], [str(package)])
    (package / "_yaml.so").write_bytes(b"\0")  # a C parser installed beside it
    assert kept_document.stamp_of([str(guard)], [str(package)]) != changed
    later = kept_document.stamp_of([str(guard)], [str(package)])
    os.utime(guard, ns=(1, 1))
    assert kept_document.stamp_of([str(guard)], [str(package)]) != later
    stamp = kept_document.code_stamp()
    assert stamp is not None and yaml_guard.__file__ in stamp
