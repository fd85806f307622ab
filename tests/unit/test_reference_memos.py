"""`SchemaResolver` keeps the reference graph of a run: each subject's references are looked up once
however many closures hold it, closures reuse the closures below them, `parse_current` stops at parsed
subjects and `historic_sources` reuses the edges of a version. Each memo must answer exactly what
the plain walk answers: here the plain walks are written out and compared on graphs with a chain,
a diamond, a cycle and a history whose references changed between versions."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.model import SchemaText
from contractctl.repo.history import HistoricVersion
from contractctl.repo.references import SchemaResolver
from tests.conftest import GitRepo, record
from tests.resolvers import head_resolver


def _uses(name: str, *types: str, extra: int = 0) -> dict[str, Any]:
    fields = [{"name": t.lower(), "type": f"com.acme.{t}"} for t in types]
    fields += [{"name": f"x{n}", "type": "string", "default": ""} for n in range(extra)]
    return record(name, fields or [{"name": "id", "type": "string"}])


def _plain_closure(resolver: SchemaResolver, subject: str) -> set[str]:
    seen: set[str] = set()
    pending = [subject]
    while pending:
        for dependency in resolver.references_of(pending.pop()):
            if dependency not in seen:
                seen.add(dependency)
                pending.append(dependency)
    return seen


@pytest.fixture
def graph(repo: GitRepo) -> GitRepo:
    """A chain L0 <- L1 <- L2 <- L3, a diamond (Top uses Left and Right, both use L1), and a
    cycle C1 -> C2 -> C1 that Above uses."""
    repo.write("contracts/common/l0.avsc", _uses("L0"))
    for n in range(1, 4):
        repo.write(f"contracts/common/l{n}.avsc", _uses(f"L{n}", f"L{n - 1}"))
    repo.write("contracts/common/left.avsc", _uses("Left", "L1"))
    repo.write("contracts/common/right.avsc", _uses("Right", "L1", "L3"))
    repo.write("contracts/top/value.avsc", _uses("Top", "Left", "Right"))
    repo.write("contracts/common/c1.avsc", _uses("C1", "C2"))
    repo.write("contracts/common/c2.avsc", _uses("C2", "C1"))
    repo.write("contracts/above/value.avsc", _uses("Above", "C1", "L2"))
    repo.commit("graph")
    return repo


ORDERS = [
    ["top-value", "com.acme.Right", "above-value", "com.acme.L2"],
    ["com.acme.L0", "com.acme.L1", "com.acme.L2", "com.acme.L3", "com.acme.Left", "com.acme.Right"],
    ["above-value", "com.acme.C2", "com.acme.C1", "top-value"],
]


@pytest.mark.parametrize("order", ORDERS)
def test_closures_reused_below_are_the_plain_walk_s(graph: GitRepo, order: list[str]) -> None:
    memoised = head_resolver(graph)
    for subject in order + sorted(memoised.current.contracts):  # lower closures known first, or not
        plain = _plain_closure(head_resolver(graph), subject)
        assert memoised.dependencies_closure(subject) == plain, subject
    assert memoised.dependencies_closure("com.acme.C1") == {"com.acme.C1", "com.acme.C2"}  # itself: a cycle
    assert memoised.dependencies_closure("top-value") == {
        "com.acme.Left", "com.acme.Right", "com.acme.L0", "com.acme.L1", "com.acme.L2", "com.acme.L3"
    }  # fmt: skip


def test_a_closure_handed_out_is_a_copy(graph: GitRepo) -> None:
    resolver = head_resolver(graph)
    resolver.dependencies_closure("top-value").clear()
    resolver.references_of("top-value").clear()
    assert resolver.dependencies_closure("top-value") == _plain_closure(head_resolver(graph), "top-value")
    assert resolver.references_of("top-value") == ["com.acme.Left", "com.acme.Right"]


def test_references_are_looked_up_once_per_subject(graph: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = head_resolver(graph)
    asked: list[str] = []
    plain = SchemaResolver.defining

    def counting(self: SchemaResolver, names: tuple[str, ...], subject: str) -> list[str]:
        asked.append(subject)
        return plain(self, names, subject)

    monkeypatch.setattr(SchemaResolver, "defining", counting)
    for subject in sorted(resolver.current.contracts):
        resolver.dependencies_closure(subject)
        with contextlib.suppress(InvalidSchema):
            resolver.parse_current(subject)
    assert sorted(asked) == sorted(resolver.current.contracts)


def test_parsed_subjects_end_the_walk_and_a_cycle_above_them_is_still_found(graph: GitRepo) -> None:
    fresh = head_resolver(graph)
    with pytest.raises(InvalidSchema) as plain:
        fresh.parse_current("above-value")
    warm = head_resolver(graph)
    warm.parse_current("top-value")  # L0..L3, Left, Right parsed
    warm.parse_current("com.acme.L2")
    with pytest.raises(InvalidSchema) as memoised:
        warm.parse_current("above-value")
    assert memoised.value.findings == plain.value.findings
    assert memoised.value.findings[0].rule == "REFERENCE_CYCLE"
    # what a subject is parsed with: the same parsed references as a fresh resolver's
    top = warm.parse_current("top-value")
    assert top.source.text == head_resolver(graph).parse_current("top-value").source.text
    assert [warm.subject_of(warm.parse_current(s)) for s in warm.references_of("top-value")] == [
        "com.acme.Left",
        "com.acme.Right",
    ]


def _plain_sources(resolver: SchemaResolver, subject: str, version: HistoricVersion) -> dict[str, SchemaText]:
    """historic_sources as the walk without memos defines it: level by level from the version, the
    first text met for a subject kept (Avro references by name: each text's in the order it uses them)."""
    found: dict[str, SchemaText] = {}
    level: list[tuple[str, HistoricVersion | None]] = [(subject, version)]
    while level:
        below: list[tuple[str, HistoricVersion | None]] = []
        for name, at in level:
            if name in found:
                continue
            try:
                if at is None:
                    found[name] = resolver.current.source(name)
                    below.extend((r, None) for r in resolver.references_of(name))
                    continue
                source = SchemaText(at.path, at.text, at.commit, resolver.current.root)
                found[name] = source
                schema_type = resolver.current.file(name).schema_type
                for dependency in resolver._references(schema_type, source, name):
                    below.append((dependency, resolver._version_at(dependency, at.sequence)))
            except InvalidSchema:
                continue
        level = below
    return found


def test_historic_sources_take_each_version_s_references_as_they_were(repo: GitRepo) -> None:
    """Versions of Top whose references were at other versions, and a reference added later (Late,
    which has no version at Top's first commit: as it is now)."""
    repo.write("contracts/common/l0.avsc", _uses("L0"))
    repo.write("contracts/common/l1.avsc", _uses("L1", "L0"))
    repo.write("contracts/top/value.avsc", _uses("Top", "L1"))
    repo.commit("one")
    repo.write("contracts/common/l0.avsc", _uses("L0", extra=1))
    repo.write("contracts/top/value.avsc", _uses("Top", "L1", extra=1))
    repo.commit("two")
    repo.write("contracts/common/l1.avsc", _uses("L1", "L0", extra=1))
    repo.write("contracts/common/late.avsc", _uses("Late"))
    repo.commit("three")
    repo.write("contracts/common/l0.avsc", _uses("L0", extra=2))
    repo.write("contracts/top/value.avsc", _uses("Top", "L1", "Late", extra=2))
    repo.commit("four")
    resolver = head_resolver(repo)
    seen: set[tuple[str, ...]] = set()
    for _ in range(2):  # the second round answers from the memo
        for subject in sorted(resolver.current.contracts):
            for version in resolver.versions(subject):
                got = resolver.historic_sources(subject, version)
                want = _plain_sources(head_resolver(repo), subject, version)
                assert list(got) == list(want)
                assert [(s.path, s.text, s.origin) for s in got.values()] == [
                    (s.path, s.text, s.origin) for s in want.values()
                ]
                seen.add(tuple(s.text for s in got.values()))
    top = resolver.versions("top-value")
    assert len(top) == 3
    texts = [resolver.historic_sources("top-value", v) for v in top]
    # L0 as it was at the commit of the L1 version each Top version uses (a version's references
    # are those of its commit, transitively)
    assert ["x0" in t["com.acme.L0"].text for t in texts] == [False, False, True]
    assert "x1" not in texts[2]["com.acme.L0"].text
    assert texts[0]["com.acme.L1"].text != texts[2]["com.acme.L1"].text
    assert "com.acme.Late" in texts[2] and "com.acme.Late" not in texts[1]


def test_a_new_history_drops_the_historic_edges(repo: GitRepo) -> None:
    repo.write("contracts/common/l0.avsc", _uses("L0"))
    repo.write("contracts/top/value.avsc", _uses("Top", "L0"))
    repo.commit("one")
    repo.write("contracts/common/l0.avsc", _uses("L0", extra=1))
    repo.commit("two")
    with_history = head_resolver(repo)
    version = with_history.versions("top-value")[0]
    resolver = SchemaResolver(with_history.current, {})  # as a check starts: no history yet
    # nothing earlier: references as they are now
    assert "x0" in resolver.historic_sources("top-value", version)["com.acme.L0"].text
    resolver.history = with_history.history
    assert "x0" not in resolver.historic_sources("top-value", version)["com.acme.L0"].text  # as then
