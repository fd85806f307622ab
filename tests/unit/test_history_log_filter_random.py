"""Random histories: the versions a few subjects get from the root's log filtered by path (read
ahead or not) are exactly those the whole history gives them (round 14).

Each history is a few commits of random operations on a random configuration (topic, record and
per-path strategies, an explicit subject, each Protobuf reference naming): contracts added, edited
and deleted, moved between topics, folders and letter cases, shared Avro types whose content names
their subject, Protobuf files named by import path, sidecar-only commits. The oracle parses git's
whole log without the filter. A fuzz run of 300 such histories (7,326 subjects compared, 2,931 with
several versions, 1,083 moved, 1,101 with a sidecar-only version) found no difference; these seeds
keep the property checked.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from contractctl.config.project import config_from_text
from contractctl.repo import history as history_module
from contractctl.repo import references
from contractctl.repo.contracts import SubjectMapper
from contractctl.repo.history import BlobStore, Git, LogAhead, VersionHistory, first_parent_log
from contractctl.repo.outline_cache import OutlineCache
from contractctl.repo.references import subject_history
from tests.conftest import GitRepo

CONFIGS = (
    "version: 1\ncontracts: {root: contracts}\n",
    "version: 1\ncontracts: {root: contracts}\ndefaults: {subject_strategy: record}\n",
    "version: 1\ncontracts: {root: contracts}\nsubjects:\n"
    "  - {match: 'contracts/special/**', subject: special-value}\n",
    "version: 1\ncontracts: {root: contracts}\nsubjects:\n"
    "  - {match: 'contracts/rec/**', subject_strategy: record}\n",
    "version: 1\ncontracts: {root: contracts}\nprotobuf: {reference_naming: qualified}\n",
    "version: 1\ncontracts: {root: contracts}\nprotobuf: {reference_naming: record}\n",
)
TOPICS = ("orders", "stock", "sales", "Orders", "pay", "special", "rec")
NAMES = ("Order", "Stock", "Money", "Address", "Line")
Versions = dict[str, list[tuple[int, str, str, str]]]


def _path(rng: random.Random) -> str:
    kind, topic = rng.random(), rng.choice(TOPICS)
    deep = rng.choice(("", "team/", "a/b/"))
    if kind < 0.45:
        return f"contracts/{deep}{topic}/{rng.choice(('value', 'key', 'Value'))}.avsc"
    if kind < 0.65:
        return f"contracts/common/{rng.choice(NAMES).lower()}.avsc"
    if kind < 0.85:
        return f"contracts/{deep}common/v1/{rng.choice(NAMES).lower()}.proto"
    return f"contracts/{deep}{topic}/value.proto"


def _text(rng: random.Random, path: str) -> str:
    if path.endswith(".avsc"):
        fields = [{"name": f"f{i}", "type": "string", "default": ""} for i in range(rng.randint(0, 3))]
        document = {"type": "record", "name": rng.choice(NAMES), "namespace": "com.acme", "fields": fields}
        return json.dumps(document, indent=rng.choice((None, 2)))
    body = "".join(f"  string f{i} = {i + 1};\n" for i in range(rng.randint(0, 3)))
    comment = "// c\n" if rng.random() < 0.3 else ""
    package = rng.choice(("acme.a", "acme.b"))
    name, shape = rng.choice(NAMES), rng.random()
    # what a content-named subject's history must read through (round 15's name candidates): the
    # keywords in comments, a comment or a non-ASCII space between keyword and name, enum-only and
    # options-only files (named by their first enum, or by their import path)
    if shape < 0.1:
        return f'syntax = "proto3";\npackage {package};\nenum {name} {{ {name.upper()}_UNKNOWN = 0; }}\n'
    if shape < 0.16:
        return f'syntax = "proto3";\npackage {package};\noption java_package = "x.{name}";\n'
    if shape < 0.3:
        comment += f"// message {rng.choice(NAMES)}\n/* enum {rng.choice(NAMES)} */ "
    keyword = rng.choice(("message ", "message /* m */ ", "message//m\n", "message\u00a0", "message\t"))
    return f'syntax = "proto3";\n{comment}package {package};\n{keyword}{name} {{\n{body}}}\n'


def _sidecar(path: str) -> str:
    return path.rsplit(".", 1)[0] + ".contract.yaml"


def build_history(repo: GitRepo, rng: random.Random) -> str:
    """A random history (also used by benchmarks/fuzz_gate.py); returns its contractctl.yaml."""
    config = rng.choice(CONFIGS)
    repo.write("contractctl.yaml", config)
    files: set[str] = set()
    for number in range(rng.randint(3, 14)):
        for _ in range(rng.randint(1, 3)):
            operation = rng.random()
            if operation < 0.4 or not files:
                path = _path(rng)
                repo.write(path, _text(rng, path))
                files.add(path)
            elif operation < 0.6:
                path = rng.choice(sorted(files))
                repo.write(path, _text(rng, path))
            elif operation < 0.72:
                owner = rng.randint(0, 9)
                repo.write(
                    _sidecar(rng.choice(sorted(files))), f"metadata: {{properties: {{owner: o{owner}}}}}\n"
                )
            elif operation < 0.88:
                path, target = rng.choice(sorted(files)), _path(rng)
                same_kind = target.rsplit(".", 1)[1] == path.rsplit(".", 1)[1]
                if not same_kind or target.lower() in {f.lower() for f in files}:
                    continue
                (repo.root / target).parent.mkdir(parents=True, exist_ok=True)
                (repo.root / path).rename(repo.root / target)
                files.remove(path)
                files.add(target)
                if (repo.root / _sidecar(path)).exists() and rng.random() < 0.5:
                    (repo.root / _sidecar(path)).rename(repo.root / _sidecar(target))
            else:
                path = rng.choice(sorted(files))
                (repo.root / path).unlink()
                files.remove(path)
        repo.commit(f"c{number}")
    return config


def unfiltered_log(git: Git, ref: str, prefix: str, *args: object) -> list[history_module.Commit]:
    """The root's whole log, every change parsed: the oracle owes nothing to the filter under test."""
    return first_parent_log(git, ref, prefix)


def versions_of(
    repo: GitRepo, config: str, wanted: set[str] | None, ahead: bool, outlines: OutlineCache | None = None
) -> Versions:
    git = Git.discover(repo.root)
    mapper = SubjectMapper(config_from_text(config, repo.root / "contractctl.yaml"), "contracts")
    head = git.resolve("HEAD")
    early = LogAhead(git, head, "contracts") if ahead else None
    history = subject_history(git, head, mapper, BlobStore(git), wanted, outlines, early)
    subjects = set(history) if wanted is None else wanted
    return {
        s: [(v.number, str(v.path), v.text, v.commit) for v in history[s]]
        for s in sorted(subjects)
        if s in history
    }


@pytest.mark.parametrize("seed", [3, 17, 42, 101, 256, 333, 512, 999])
def test_a_few_subjects_of_a_random_history_have_the_versions_the_whole_history_gives(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    repo = GitRepo(tmp_path / "repo")
    config = build_history(repo, rng)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(references, "first_parent_log", unfiltered_log)
        whole = versions_of(repo, config, None, ahead=False)
    assert whole  # the history holds subjects to ask about
    names = sorted(whole)
    for _ in range(3):
        wanted = set(rng.sample(names, min(len(names), rng.randint(1, 3))))
        expected = {s: whole[s] for s in sorted(wanted)}
        assert versions_of(repo, config, wanted, ahead=False) == expected, sorted(wanted)
        assert versions_of(repo, config, wanted, ahead=True) == expected, sorted(wanted)
        # with outlines kept between runs: a first run learns them (and the name candidates of what
        # it rules out), a second reads them
        cache_folder = tmp_path / f"cache-{len(expected)}-{rng.random()}"
        for _ in ("learning", "reading"):
            kept = OutlineCache.load(cache_folder, "stamp")
            assert versions_of(repo, config, wanted, ahead=False, outlines=kept) == expected, sorted(wanted)
            kept.save()
        # and a later run that wants other subjects (tomorrow's pre-commit): what the first run
        # ruled out for its subjects must not rule out these
        other = set(rng.sample(names, min(len(names), rng.randint(1, 4))))
        kept = OutlineCache.load(cache_folder, "stamp")
        found = versions_of(repo, config, other, ahead=False, outlines=kept)
        assert found == {s: whole[s] for s in sorted(other)}, (sorted(wanted), sorted(other))


def _seen(history: VersionHistory, subject: str) -> list[tuple[object, ...]]:
    return [(s.path, s.text, s.commit, s.sidecar, s.blob) for s in history.sightings(subject)]


def _commit_order(history: VersionHistory, subjects: set[str]) -> list[str]:
    """The commits these subjects' sightings name, in the order of their sequences (which must be
    one number per commit, across subjects)."""
    numbered = {(s.commit, s.sequence) for subject in subjects for s in history.sightings(subject)}
    assert len({commit for commit, _ in numbered}) == len(numbered), numbered
    return [commit for commit, _ in sorted(numbered, key=lambda pair: pair[1])]


@pytest.mark.parametrize("seed", [5, 23, 77, 404, 808])
def test_a_history_of_a_few_subjects_reads_more_as_the_whole_history_has_it(
    tmp_path: Path, seed: int
) -> None:
    """A check of a change reads the history of a few subjects, then of the files an earlier version
    imports that the tree no longer holds (round 17): which subjects lay at each path, and those
    subjects' versions, are what the whole history gives, in one order of commits across subjects,
    whatever was read first and whether the root's log was read ahead, asked of git for a few paths,
    or with outlines kept between runs."""
    rng = random.Random(seed)
    repo = GitRepo(tmp_path / "repo")
    config = build_history(repo, rng)
    git = Git.discover(repo.root)
    mapper = SubjectMapper(config_from_text(config, repo.root / "contractctl.yaml"), "contracts")
    head = git.resolve("HEAD")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(references, "first_parent_log", unfiltered_log)
        whole = subject_history(git, head, mapper, BlobStore(git), None)
    names = sorted(whole)
    paths = sorted({str(s.path).removeprefix("contracts/") for n in names for s in whole.sightings(n)})
    paths += ["never/there.proto", "common/v1/none.proto", "orders/value.avsc"]
    expected = whole.holders(paths, "contracts")
    for attempt in range(3):
        wanted = set(rng.sample(names, min(len(names), rng.randint(1, 2))))
        ahead = LogAhead(git, head, "contracts") if attempt == 1 else None
        kept = OutlineCache.load(tmp_path / f"cache-{seed}", "stamp") if attempt == 2 else None
        partial = subject_history(git, head, mapper, BlobStore(git), wanted, kept, ahead)
        asked = rng.sample(paths, len(paths))
        for start in range(0, len(asked), 3):  # a few paths at a time, as earlier versions need them
            batch = asked[start : start + 3]
            assert partial.holders(batch, "contracts") == {p: expected[p] for p in batch}, (
                sorted(wanted),
                batch,
            )
        held = {s for found in expected.values() for s in found} | wanted
        for subject in sorted(held):
            assert _seen(partial, subject) == _seen(whole, subject), (sorted(wanted), subject)
            versions = [(v.number, v.path, v.text, v.commit, v.fingerprint) for v in partial[subject]]
            assert versions == [(v.number, v.path, v.text, v.commit, v.fingerprint) for v in whole[subject]]
        assert _commit_order(partial, held) == _commit_order(whole, held), sorted(wanted)
        if kept is not None:
            kept.save()
