"""A check of a change reads what the change touches, and checks exactly what a whole-tree read would.

`check` (no --all) starts from the files that differ from the base and finds the contracts they
reference, and the contracts referencing them, with `git grep` narrowing and outlines deciding
(contractctl.repo.text_search). The differential test edits every contract of a tree full of awkward
references in turn (short names inside a namespace, transitive chains, a name spelled with a JSON
escape, `import public`, an import path split over two string literals) and compares the subjects
checked with the ones an audit of the whole tree (`--all`) marks as affected by the same edit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contractctl.commands.check import CheckOptions, _LocalRun, run_check
from contractctl.config.project import default_config, parse_config
from contractctl.errors import ConfigError
from contractctl.repo import text_search
from contractctl.repo.contracts import SubjectMapper
from tests.conftest import GitRepo, record

COUNTRY = {"type": "enum", "name": "Country", "namespace": "com.acme.common", "symbols": ["DE", "FR"]}
MONEY = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
# refers to Country by its short name, inside its namespace
ADDRESS = record("Address", [{"name": "country", "type": "Country"}], "com.acme.common")
ORDER = record(
    "Order",
    [
        {"name": "total", "type": "com.acme.common.Money"},
        {"name": "ship_to", "type": "com.acme.common.Address"},  # and through it, Country
    ],
    "com.acme.orders",
)
PAYMENT = record("Payment", [{"name": "amount", "type": "Money"}], "com.acme.common")
UNRELATED = record("Unrelated", [{"name": "id", "type": "string"}], "com.acme.other")
# the reference to Country written with a JSON escape: no plain "Country" in the file
ESCAPED = (
    '{"type": "record", "name": "Escaped", "namespace": "com.acme.esc", "fields": '
    '[{"name": "c", "type": "com.acme.common.Co\\u0075ntry"}]}\n'
)

IDS = 'syntax = "proto3";\npackage acme.common;\nmessage Id { string value = 1; }\n'
WRAP = (
    'syntax = "proto3";\npackage acme.common;\nimport public "common/ids.proto";\n'
    "message Wrap { Id id = 1; }\n"
)
SHIPPING = (
    'syntax = "proto3";\npackage acme.shipping;\nimport "common/wrap.proto";\n'
    "message Shipped { acme.common.Wrap wrap = 1; acme.common.Id id = 2; }\n"
)
SPLIT = (
    'syntax = "proto3";\npackage acme.split;\nimport "common/"\n  "ids.proto";\n'
    "message Split { acme.common.Id id = 1; }\n"
)
LONE = 'syntax = "proto3";\npackage acme.lone;\nmessage Lone { string id = 1; }\n'
# imported by a path without a folder: nothing but its ".proto" says it is a path
TOP = 'syntax = "proto3";\npackage acme.top;\nmessage TopLevel { string id = 1; }\n'
USES_TOP = (
    'syntax = "proto3";\npackage acme.usestop;\nimport "toplevel.proto";\n'
    "message UsesTop { acme.top.TopLevel top = 1; }\n"
)

TREE: dict[str, Any] = {
    "contracts/common/country.avsc": COUNTRY,
    "contracts/common/money.avsc": MONEY,
    "contracts/common/address.avsc": ADDRESS,
    "contracts/orders/value.avsc": ORDER,
    "contracts/payments/value.avsc": PAYMENT,
    "contracts/unrelated/value.avsc": UNRELATED,
    "contracts/escaped/value.AVSC": ESCAPED,
    "contracts/common/ids.proto": IDS,
    "contracts/common/wrap.proto": WRAP,
    "contracts/shipping/value.proto": SHIPPING,
    "contracts/split/value.proto": SPLIT,
    "contracts/lone/value.proto": LONE,
    "contracts/toplevel.proto": TOP,
    "contracts/usestop/value.proto": USES_TOP,
}


def _edited(path: str, content: Any) -> Any:
    """A compatible change that is a new version (not only formatting)."""
    if path.endswith(".proto"):
        return content.rstrip().removesuffix("}") + "  string added_field = 99;\n}\n"
    document = json.loads(content) if isinstance(content, str) else content
    if document["type"] == "enum":
        return {**document, "symbols": [*document["symbols"], "IT"]}
    extra = {"name": "added_field", "type": ["null", "string"], "default": None}
    return {**document, "fields": [*document["fields"], extra]}


def _affected(root: Path, **options: Any) -> list[str]:
    """The contracts (by path) the check would check as affected by the change."""
    run = _LocalRun.prepare(default_config(root), CheckOptions(**options))
    return [str(run.checker.current.contracts[s].path) for s, affected in run.jobs if affected]


@pytest.mark.parametrize(
    ("budget", "contracts_per_name"),
    [(16, 0), (2, 0), (16, 10**6)],
    ids=["searching", "falling-back-to-the-whole-tree", "too-many-names-to-search"],
)
@pytest.mark.parametrize("staged", [False, True], ids=["working-tree", "staged"])
def test_a_change_checks_what_a_whole_tree_read_would(
    repo: GitRepo, staged: bool, budget: int, contracts_per_name: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_search, "SEARCH_BUDGET", budget)
    monkeypatch.setattr(text_search, "_CONTRACTS_PER_NAME", contracts_per_name)
    for path, content in TREE.items():
        repo.write(path, content)
    repo.commit("v1")
    for path, content in TREE.items():
        repo.write(path, _edited(path, content))
        if staged:  # the index decides: the working tree has every file emptied
            repo.git("add", "-A")
            for other in TREE:
                repo.write(other, "")
        scoped = _affected(repo.root, staged=staged)
        whole = _affected(repo.root, staged=staged, all_subjects=True)
        assert scoped == whole, path
        for named in (path, "contracts/orders/value.avsc") if budget > 2 else ():
            paths = [repo.root / named]  # a check of named contracts, as a pre-commit hook passes them
            scoped = _affected(repo.root, staged=staged, paths=paths)
            assert scoped == _affected(repo.root, staged=staged, paths=paths, all_subjects=True), named
        repo.git("reset", "-q", "--hard")  # back to v1 for the next edit
    # the awkward ones really are dependents, so the comparison above covered them
    repo.write("contracts/common/country.avsc", _edited("country", COUNTRY))
    assert _affected(repo.root) == [
        "contracts/common/address.avsc",
        "contracts/common/country.avsc",
        "contracts/escaped/value.AVSC",
        "contracts/orders/value.avsc",
    ]
    repo.git("checkout", "-q", "--", ".")
    repo.write("contracts/common/ids.proto", _edited("ids.proto", IDS))
    assert _affected(repo.root) == [
        "contracts/common/ids.proto",
        "contracts/common/wrap.proto",
        "contracts/shipping/value.proto",
        "contracts/split/value.proto",
    ]


def test_a_change_reads_only_what_it_touches(repo: GitRepo) -> None:
    """Editing one topic contract reads it, not the forty others (nor their history)."""
    for topic in range(40):
        repo.write(f"contracts/t{topic}/value.avsc", record(f"E{topic}", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    repo.write("contracts/t7/value.avsc", _edited("t7", record("E7", [{"name": "id", "type": "string"}])))
    run = _LocalRun.prepare(default_config(repo.root), CheckOptions())
    assert run.jobs == [("t7-value", True)]
    earlier = repo.git("rev-parse", "HEAD:contracts/t7/value.avsc").strip()
    assert run.checker.current.store.keys_read() == {"worktree:contracts/t7/value.avsc", earlier}


def test_a_long_chain_of_references_is_checked_not_a_crash(repo: GitRepo) -> None:
    """300 contracts, each type holding the one before it: the walks recurse far past Python's
    default limit of 1,000 frames (RecursionError, exit 3, before)."""
    depth = 300
    for level in range(depth):
        inner = [{"name": "inner", "type": ["null", f"com.acme.chain.L{level - 1}"], "default": None}]
        repo.write(
            f"contracts/chain/l{level}.avsc",
            record(
                f"L{level}", [{"name": "id", "type": "string"}, *(inner if level else [])], "com.acme.chain"
            ),
        )
    top = record("Top", [{"name": "link", "type": f"com.acme.chain.L{depth - 1}"}], "com.acme.top")
    repo.write("contracts/top/value.avsc", top)
    repo.commit("v1")
    repo.write("contracts/top/value.avsc", _edited("top", top))
    report = run_check(default_config(repo.root), CheckOptions())
    assert [(r.subject, r.verdict) for r in report.results] == [("top-value", "compatible")]


def test_history_is_read_through_pathspecs_only_where_git_matches_as_the_config_does(tmp_path: Path) -> None:
    """A check of a few subjects lists their history through git pathspecs; where git's glob would
    not match what the config's glob matches, the whole root is read instead."""

    def specs(match: str) -> list[str] | None:
        data = {"version": 1, "subjects": [{"match": match, "subject": "legacy-value"}]}
        mapper = SubjectMapper(parse_config(data, tmp_path / "contractctl.yaml"), "contracts")
        return mapper.history_pathspecs(["legacy-value", "orders-value"])

    assert specs("contracts/legacy/*.avsc") == [
        ":(glob)contracts/legacy/*.avsc",
        ":(glob)contracts/legacy/*.contract.yaml",  # a sidecar-only commit is a version too
        ":(glob,icase)contracts/**/legacy/value.*",
        ":(glob,icase)contracts/**/orders/value.*",
    ]
    with pytest.raises(ConfigError):  # brackets are refused by the config itself (not pattern characters)
        specs("contracts/[old]/legacy.avsc")
    assert specs("contracts/legacy**.avsc") is None  # spans folders there, not in git


def test_a_search_for_names_much_of_the_tree_holds_gives_way_to_reading_the_tree(repo: GitRepo) -> None:
    """More than a few names, more than one per sixteen contracts: reading every contract is cheaper
    than git grep's many patterns, and the walk's next levels ask for more, so the search is spent."""
    from contractctl.repo.history import Git

    repo.write("contracts/a.proto", LONE)
    repo.commit("v1")
    search = text_search.ContractTextSearch(Git(repo.root), "contracts", False, set(), set())
    assert search.worth_it(3, 10_000)  # a few names: searched, however small the tree
    assert search.worth_it(300, 5_000)
    assert not search.exhausted()
    assert not search.worth_it(400, 5_000)
    assert search.exhausted()
    assert not search.worth_it(1, 5_000)  # spent for good


def test_a_change_of_many_contracts_starts_no_search_it_would_not_use(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each edited contract defines a name: a change of more contracts than a search is worth reads
    the whole tree instead, so the search for names spelled otherwise (a git grep of every file)
    is never started, and the check covers what an audit marks as affected all the same."""
    from contractctl.repo.history import Git

    for path, content in TREE.items():
        repo.write(path, content)
    repo.commit("v1")
    for path, content in TREE.items():
        repo.write(path, _edited(path, content))
    searched: list[object] = []
    grep = Git.grep_files
    monkeypatch.setattr(
        Git, "grep_files", lambda self, *args, **kw: searched.append(args) or grep(self, *args, **kw)
    )
    assert _affected(repo.root) == _affected(repo.root, all_subjects=True)
    assert searched == []
    # a single edit still searches, and finds the contract that spells the name with an escape
    repo.git("checkout", "-q", "--", ".")
    repo.write("contracts/common/country.avsc", _edited("country", COUNTRY))
    assert "contracts/escaped/value.AVSC" in _affected(repo.root)
    assert searched


def test_a_search_started_late_still_keeps_the_files_spelling_names_otherwise(repo: GitRepo) -> None:
    """The search for escapes waits for the first search when one is unlikely (`eager` False): that
    search's candidates hold the escaped spelling all the same."""
    from contractctl.model import SchemaType
    from contractctl.repo.history import Git

    repo.write("contracts/escaped/value.AVSC", ESCAPED)
    repo.write("contracts/common/country.avsc", COUNTRY)
    repo.commit("v1")
    formats = {SchemaType.AVRO}
    for eager in (True, False):
        search = text_search.ContractTextSearch(Git(repo.root), "contracts", False, set(), formats, eager)
        texts, kept = search.candidates(["com.acme.common.Country"])
        assert "contracts/escaped/value.AVSC" in kept, eager
        assert "contracts/common/country.avsc" in texts, eager
