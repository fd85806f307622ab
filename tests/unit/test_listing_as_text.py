"""Listings handled as text (repo/history.py `index_entries`, repo/contracts.py `build_contract_set`,
`contract_type`, `other_files`, sidecar_paths.is_example_text): the same answers as the path-object
code they replace, which is written out here as the reference, on trees with awkward cases."""

from __future__ import annotations

import random
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.config.project import parse_config
from contractctl.formats import type_for_path
from contractctl.formats.base import InvalidSchema, Outline
from contractctl.model import Finding
from contractctl.repo.contracts import (
    ContractSet,
    SubjectMapper,
    build_contract_set,
    contract_type,
    decode,
    other_files,
    outline_of,
)
from contractctl.repo.history import BlobStore, Git
from contractctl.repo.outline_cache import OutlineCache
from contractctl.repo.sidecar_paths import is_example_text
from tests.conftest import GitRepo, record


def is_example_file(path: PurePosixPath) -> bool:
    """The path-object definition `is_example_text` replaced, written out as the reference."""
    return path.suffix.lower() == ".json" and "examples" in (path.parent.name, path.parent.parent.name)


NAMES = [
    "x.avsc", ".avsc", "a/.avsc", "a/b.AVSC", "a/b.Avsc", "a.avsc/b", "a.b/c", "a/b.", "a/..avsc",
    "a/b.tar.avsc", "a/b.Proto", "a/b.proto", "a/b.avsc.bak", "a/b.json", "a/examples/b.json",
    "a/examples/k/b.JSON", "a/examples/.json", "examples/b.json", "b.json", "a/examples/k/l/b.json",
    "a/Examples/b.json", "a/examples.json", "a/b c/value.avsc", "a/b\tc/Value.AVSC", "a/ü/value.proto",
    "a/b/.json", "a/b/c.contract.yaml", "a/b/value", "value.avsc",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_contract_type_and_examples_read_text_as_the_path_does(name: str) -> None:
    path = PurePosixPath(name)
    assert contract_type(name) == type_for_path(path)
    assert is_example_text(name) == is_example_file(path)


def test_path_order_of_text_is_the_order_of_path_parts() -> None:
    pieces = ["a", "a-b", "a.b", "a b", "A", "ab", "b", "é", "a_", "a!", "z", "0", "a~"]
    generator = random.Random(17)
    paths = sorted({"/".join(generator.choices(pieces, k=generator.randint(1, 4))) for _ in range(400)})
    entries = [(p, f"k{i}") for i, p in enumerate(paths)]
    generator.shuffle(entries)
    from contractctl.repo.contracts import _path_order

    by_text = sorted(entries, key=_path_order)
    by_parts = sorted(entries, key=lambda e: (PurePosixPath(e[0]).parts, e[1]))
    assert by_text == by_parts


def _listing_reference(raw: bytes) -> dict[PurePosixPath, str]:
    """The listing parse before paths were text: one path object per merged (stage 0) entry."""
    out: dict[PurePosixPath, str] = {}
    for entry in raw.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        fields = meta.decode().split()
        if fields[2] == "0":
            out[PurePosixPath(path.decode("utf-8", "surrogateescape"))] = fields[1]
    return out


def _awkward_repo(repo: GitRepo) -> None:
    value = record("Order", [{"name": "id", "type": "string"}])
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/orders/value.avsc", value)
    repo.write("contracts/b c/Value.AVSC", record("Spaced", [{"name": "id", "type": "string"}]))
    repo.write("contracts/tab\there/key.avsc", record("Tabbed", [{"name": "id", "type": "string"}]))
    repo.write("contracts/ü/value.avsc", record("Umlaut", [{"name": "id", "type": "string"}]))
    repo.write("contracts/orders/examples/one.json", {"id": "1"})
    repo.write("contracts/orders/value.contract.yaml", "owner: team\n")
    repo.write("contracts/orders/README.md", "notes\n")
    repo.write("contracts/.avsc", value)
    repo.write("outside/value.avsc", value)
    (repo.root / "contracts/link").mkdir(parents=True)
    (repo.root / "contracts/link/value.avsc").symlink_to("../orders/value.avsc")
    (repo.root / "contracts/raw").mkdir(parents=True)
    (
        repo.root / "contracts/raw" / "caf\xe9.avsc".encode("latin-1").decode("utf-8", "surrogateescape")
    ).write_bytes(b'{"type": "record", "name": "Raw", "fields": []}')
    repo.commit("all")


def test_index_and_tree_listings_match_the_path_object_parse(repo: GitRepo) -> None:
    _awkward_repo(repo)
    # an unmerged path (stages 1-3) is left out, as before
    blob = repo.git("hash-object", "-w", "contracts/orders/value.avsc").strip()
    info = "".join(f"100644 {blob} {stage}\tcontracts/conflict/value.avsc\n" for stage in (1, 2, 3))
    _git_input(repo, ["update-index", "--index-info"], info)
    git = Git.discover(repo.root)
    raw_index = git.run("ls-files", "-s", "-z", "--", "contracts")
    assert dict((PurePosixPath(p), k) for p, k in git.index_entries("contracts")) == _listing_reference(
        raw_index
    )
    assert git.index_blobs("contracts") == _listing_reference(raw_index)
    assert not any("conflict" in p for p, _ in git.index_entries("contracts"))
    assert all(str(PurePosixPath(p)) == p for p, _ in git.index_entries(""))
    tree = git.tree_entries("HEAD", "contracts")
    assert {PurePosixPath(p): k for p, k in tree} == git.tree_blobs("HEAD", "contracts")
    assert len(tree) == len(git.tree_blobs("HEAD", "contracts")) == 10


def _git_input(repo: GitRepo, args: list[str], text: str) -> None:
    import os
    import subprocess

    from tests.conftest import GIT_ENV

    env = {**os.environ, **GIT_ENV, "HOME": str(repo.root)}
    subprocess.run(["git", *args], cwd=repo.root, input=text.encode(), env=env, check=True)


def _reference_build(
    mapper: SubjectMapper, entries: list[tuple[PurePosixPath, str]], store: BlobStore
) -> tuple[dict[str, tuple[str, str, Any, Any]], dict[str, str], dict[str, list[Finding]]]:
    """build_contract_set as it was, with path objects: (subject -> (path, key, type, level),
    shadowed key -> path, invalid path -> findings)."""
    contracts: dict[str, tuple[str, str, Any, Any]] = {}
    shadowed: dict[str, str] = {}
    invalid: dict[str, list[Finding]] = {}
    for path, key in sorted(entries, key=lambda entry: (entry[0].parts, entry[1])):
        schema_type = type_for_path(path)
        if not schema_type or mapper.excluded(path):
            continue

        def outline(path: PurePosixPath = path, key: str = key, schema_type: Any = schema_type) -> Outline:
            return outline_of(schema_type, path, decode(path, store.get(key)), mapper.root_prefix)

        try:
            subject = mapper.subject_for(path, outline)
        except InvalidSchema as error:
            invalid[str(path)] = [f.with_context(file=str(path)) for f in error.findings]
            continue
        if subject in contracts:
            shadowed[f"{subject} ({path})"] = str(path)
            continue
        contracts[subject] = (str(path), key, schema_type, mapper.level_for(path, subject))
    return contracts, shadowed, invalid


def _summary(current: ContractSet) -> tuple[dict[str, tuple[str, str, Any, Any]], dict[str, str], list[str]]:
    contracts = {s: (c.location, c.key, c.schema_type, c.compatibility) for s, c in current.contracts.items()}
    assert all(str(c.path) == c.location for c in current.contracts.values())
    return contracts, {k: c.location for k, c in current.shadowed.items()}, list(current.invalid)


CONFIGS: list[dict[str, Any]] = [
    {"version": 1},
    {"version": 1, "contracts": {"exclude": ["contracts/vendor/**", "**/*.tmp.avsc"]}},
    {
        "version": 1,
        "defaults": {"subject_strategy": "record"},
        "subjects": [{"match": "contracts/orders/**", "compatibility": "FULL"}],
    },
    {
        "version": 1,
        "subjects": [
            {"match": "contracts/pay/**", "subject": "payments-value"},
            {"match": "contracts/topic*/**", "subject_strategy": "topic_record"},
        ],
    },
    {"version": 1, "protobuf": {"reference_naming": "qualified"}},
    {"version": 1, "protobuf": {"reference_naming": "record"}},
]


@pytest.mark.parametrize("config_data", CONFIGS, ids=[str(i) for i in range(len(CONFIGS))])
def test_contract_set_from_text_entries_matches_the_path_object_build(
    repo: GitRepo, config_data: dict[str, Any]
) -> None:
    order = record("Order", [{"name": "id", "type": "string"}])
    shared = record("Money", [{"name": "cents", "type": "long"}], namespace="com.acme.common")
    repo.write("contracts/orders/value.avsc", order)
    repo.write("contracts/copy/orders/value.avsc", order)  # a shadowed duplicate (topic naming)
    repo.write("contracts/a-b/orders/Value.AVSC", order)  # sorts before a/ by parts, after by bytes
    repo.write("contracts/a/orders/value.avsc", order)
    repo.write("contracts/common/money.avsc", shared)
    repo.write("contracts/common/money-again.avsc", shared)  # the same record: shadowed by content
    repo.write("contracts/common/nameless.avsc", '"string"')  # no named type: SUBJECT_UNDETERMINED
    repo.write("contracts/common/empty.avsc", "")  # unreadable when content decides
    repo.write("contracts/vendor/orders/value.avsc", order)
    repo.write("contracts/x/draft.tmp.avsc", order)
    repo.write("contracts/pay/value.avsc", order)
    repo.write("contracts/topic1/value.avsc", order)
    repo.write("contracts/orders/examples/one.json", {"id": "1"})
    repo.write("contracts/orders/value.contract.yaml", "owner: team\n")
    repo.write(
        "contracts/p/v1/shared.proto", 'syntax = "proto3";\npackage p.v1;\nmessage M { int32 a = 1; }\n'
    )
    repo.write("contracts/p/t/value.proto", 'syntax = "proto3";\npackage p.t;\nmessage V { int32 a = 1; }\n')
    repo.write("contracts/.avsc", order)
    repo.commit("all")
    git = Git.discover(repo.root)
    config = parse_config(config_data, repo.root / "contractctl.yaml")
    entries = git.index_entries("contracts")
    store = BlobStore(git)
    expected = _reference_build(
        SubjectMapper(config, "contracts"), [(PurePosixPath(p), k) for p, k in entries], store
    )
    from_text = build_contract_set(SubjectMapper(config, "contracts"), entries, store, "index")
    from_paths = build_contract_set(
        SubjectMapper(config, "contracts"), [(PurePosixPath(p), k) for p, k in entries], store, "index"
    )
    for built in (from_text, from_paths):
        contracts, shadowed, invalid = _summary(built)
        assert contracts == expected[0]
        assert list(contracts) == list(expected[0])  # path order, which decides who keeps a subject
        assert shadowed == expected[1]
        # each file that could not be mapped, with the same findings; DUPLICATE_SUBJECT on top
        for path, findings in expected[2].items():
            assert built.invalid[path][: len(findings)] == findings
        duplicates = {p for p, fs in built.invalid.items() if any(f.rule == "DUPLICATE_SUBJECT" for f in fs)}
        assert set(invalid) == set(expected[2]) | duplicates
    assert from_text.invalid == from_paths.invalid
    assert len(from_text.contracts) >= 4 and from_text.invalid


def test_contract_set_with_kept_outlines_matches_one_without(repo: GitRepo, tmp_path: Any) -> None:
    """Content-named files whose outline an earlier run kept map as those read now do."""
    repo.write("contracts/common/money.avsc", record("Money", [{"name": "c", "type": "long"}]))
    repo.write("contracts/common/other.avsc", record("Money", [{"name": "c", "type": "long"}]))
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "id", "type": "string"}]))
    repo.commit("all")
    git = Git.discover(repo.root)
    config = parse_config({"version": 1}, repo.root / "contractctl.yaml")
    entries = git.index_entries("contracts")
    store = BlobStore(git)
    cache = OutlineCache(None, "stamp", {})
    first = build_contract_set(SubjectMapper(config, "contracts"), entries, store, "index", cache)
    again = build_contract_set(SubjectMapper(config, "contracts"), entries, store, "index", cache)
    plain = build_contract_set(SubjectMapper(config, "contracts"), entries, store, "index")
    assert _summary(first) == _summary(again) == _summary(plain)
    assert cache.entry(dict(entries)["contracts/common/money.avsc"], "contracts/common/money.avsc")
    assert first.invalid["contracts/common/other.avsc"][0].rule == "DUPLICATE_SUBJECT"


def test_other_files_are_every_entry_a_check_reads_besides_contracts() -> None:
    entries = [(name, f"k{i}") for i, name in enumerate(NAMES)]
    expected = {
        PurePosixPath(name): key
        for name, key in entries
        if type_for_path(PurePosixPath(name)) is None or is_example_file(PurePosixPath(name))
    }
    assert other_files(entries) == expected
    assert PurePosixPath("a/b/c.contract.yaml") in expected and PurePosixPath("a/examples/b.json") in expected


def test_contract_file_is_frozen_and_compares_by_its_fields() -> None:
    from dataclasses import FrozenInstanceError

    from contractctl.model import CompatibilityLevel, SchemaType
    from contractctl.repo.contracts import ContractFile

    one = ContractFile("a/b/value.avsc", "k", SchemaType.AVRO, "b-value", CompatibilityLevel.BACKWARD)
    two = ContractFile("a/b/value.avsc", "k", SchemaType.AVRO, "b-value", CompatibilityLevel.BACKWARD)
    assert one == two and hash(one) == hash(two) and one.path == PurePosixPath("a/b/value.avsc")
    assert one != ContractFile("a/c/value.avsc", "k", SchemaType.AVRO, "b-value", CompatibilityLevel.BACKWARD)
    with pytest.raises(FrozenInstanceError):
        one.subject = "other"  # type: ignore[misc]
