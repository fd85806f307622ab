"""A check of a change gives each subject it checks the verdict and findings `check --all` gives it
(round 17).

A scoped check (`--against`, `--staged`, pre-commit) reads the history of the subjects the change
reaches, not of every file the repository ever held; `--all` reads all of it. An earlier version is
parsed with its imports as they were at its commit, and an import may be a file deleted before the
base: `--all` finds that file's versions and the earlier version compiles; the scoped check did not
read them, called the version unparseable (HISTORY_UNPARSEABLE) and compared with an older one (a
false MESSAGE_REMOVED) or with none (a missed break). Found by an audit of the Envoy API
(data/tap/v3/wrapper.proto imported transport.proto, deleted since; service/tap/v3/tap.proto
reached it through wrapper.proto).

Each test builds the shape small, leaves the change in the working tree, and compares the three
ways of checking it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import three_ways

HEADER = 'syntax = "proto3";\npackage acme;\n'
NAMINGS = {
    "path": ("acme/a.proto", ""),
    "record": ("acme.A", ", subject_strategy: record"),
}


def _config(repo: GitRepo, naming: str, level: str = "BACKWARD") -> str:
    subject, strategy = NAMINGS[naming]
    repo.write("contractctl.yaml", f"version: 1\ndefaults: {{compatibility: {level}{strategy}}}\n")
    return subject


def _proto(body: str) -> str:
    return HEADER + body


def _three_ways(repo: GitRepo, subject: str) -> dict[str, dict[str, Any]]:
    return {mode: result for mode, (result, _) in three_ways(repo, subject).items()}


def _rules(result: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in result["findings"])


@pytest.mark.parametrize("naming", sorted(NAMINGS))
def test_a_version_reaching_a_deleted_file_through_an_import_is_compared(repo: GitRepo, naming: str) -> None:
    """A's latest version (commit 2) imports B, whose version then imported C. Later B stops
    importing C and C is deleted, both before the base; A is not committed again until the change.
    Its latest version is A as commit 2 registered it, with B and C as they were then: --all
    compiles it; the scoped check did not read C's history, found neither version of A parseable
    (two HISTORY_UNPARSEABLE warnings) and compared the change with nothing."""
    subject = _config(repo, naming)
    repo.write("contracts/acme/c.proto", _proto("message C { string x = 1; }\n"))
    repo.write("contracts/acme/b.proto", _proto('import "acme/c.proto";\nmessage B { C c = 1; }\n'))
    a_old = 'import "acme/b.proto";\nmessage A { B b = 1; string gone = 2; }\nmessage Old { string o = 1; }\n'
    repo.write("contracts/acme/a.proto", _proto(a_old))
    repo.commit("v1")
    repo.write(
        "contracts/acme/a.proto", _proto('import "acme/b.proto";\nmessage A { B b = 1; string gone = 2; }\n')
    )
    repo.commit("a drops Old")
    (repo.root / "contracts/acme/c.proto").unlink()
    repo.write("contracts/acme/b.proto", _proto("message B { reserved 1; string y = 2; }\n"))
    repo.commit("b stops importing c; c deleted")
    # the change: a field's type changes (a break against the latest version, which must be found)
    repo.write(
        "contracts/acme/a.proto", _proto('import "acme/b.proto";\nmessage A { B b = 1; int64 gone = 2; }\n')
    )

    found = _three_ways(repo, subject)

    assert found["all"]["verdict"] == "incompatible", found["all"]
    assert "HISTORY_UNPARSEABLE" not in _rules(found["all"]), found["all"]
    assert found["against"] == found["all"], found
    assert found["staged"] == found["all"], found


@pytest.mark.parametrize("naming", sorted(NAMINGS))
def test_a_latest_version_importing_a_file_deleted_before_the_base_is_compared(
    repo: GitRepo, naming: str
) -> None:
    """The direct case: A's latest version imports C, and C was deleted before the base (the base
    does not compile; the change repairs A). --all compares the repair with that version; the scoped
    check called it unparseable and compared with version 1, reporting Old's removal of two
    commits ago as a break."""
    subject = _config(repo, naming)
    repo.write(
        "contracts/acme/a.proto", _proto("message A { string a = 1; }\nmessage Old { string o = 1; }\n")
    )
    repo.commit("v1")
    repo.write("contracts/acme/c.proto", _proto("message C { string x = 1; }\n"))
    repo.write(
        "contracts/acme/a.proto", _proto('import "acme/c.proto";\nmessage A { string a = 1; C c = 2; }\n')
    )
    repo.commit("a uses c, drops Old")
    (repo.root / "contracts/acme/c.proto").unlink()
    repo.commit("c deleted while a still imports it")
    repo.write("contracts/acme/a.proto", _proto("message A { string a = 1; reserved 2; }\n"))

    found = _three_ways(repo, subject)

    assert found["all"]["verdict"] == "compatible", found["all"]
    assert _rules(found["all"]) == [], found["all"]
    assert found["against"] == found["all"], found
    assert found["staged"] == found["all"], found


def test_every_version_a_transitive_level_reads_is_compared(repo: GitRepo) -> None:
    """Under a transitive level every earlier version is compared: version 1 imports C, deleted
    (and no longer imported) before the base. --all compiles it; the scoped check warned that it
    does not parse and left it out."""
    subject = _config(repo, "path", "BACKWARD_TRANSITIVE")
    repo.write("contracts/acme/c.proto", _proto("message C { string x = 1; }\n"))
    repo.write("contracts/acme/a.proto", _proto('import "acme/c.proto";\nmessage A { C c = 1; }\n'))
    repo.commit("v1")
    (repo.root / "contracts/acme/c.proto").unlink()
    repo.write("contracts/acme/a.proto", _proto("message A { reserved 1; }\n"))
    repo.commit("c deleted")
    repo.write("contracts/acme/a.proto", _proto("message A { reserved 1; string note = 2; }\n"))

    found = _three_ways(repo, subject)

    assert found["all"]["compared_versions"] == 2, found["all"]
    assert _rules(found["all"]) == [], found["all"]
    assert found["against"] == found["all"], found
    assert found["staged"] == found["all"], found


@pytest.mark.parametrize("naming", sorted(NAMINGS))
def test_a_version_importing_a_file_the_change_stops_importing_is_compared(
    repo: GitRepo, naming: str
) -> None:
    """The file is still in the tree but the change stops importing it, so the scoped check does
    not reach it: A's latest version imports S, whose S message was removed afterwards (the base does
    not compile; the change repairs A). That version is A with S as it was at its commit: --all
    compiles it; the scoped check took S as it is now, found the version unparseable and compared
    with version 1, reporting Old's removal as a break.

    Under record naming the import resolves to the subject that defines acme/s.proto today (acme.T,
    which had no version then), in --all too: the version does not parse either way, and the two
    checks must still agree."""
    subject = _config(repo, naming)
    repo.write("contracts/acme/s.proto", _proto("message S { string x = 1; }\n"))
    repo.write(
        "contracts/acme/a.proto",
        _proto('import "acme/s.proto";\nmessage A { S s = 1; }\nmessage Old { string o = 1; }\n'),
    )
    repo.commit("v1")
    repo.write("contracts/acme/a.proto", _proto('import "acme/s.proto";\nmessage A { S s = 1; }\n'))
    repo.commit("a drops Old")
    repo.write("contracts/acme/s.proto", _proto("message S { string x = 1; }\nmessage T { string y = 1; }\n"))
    repo.commit("s gains T")
    repo.write("contracts/acme/s.proto", _proto("message T { string y = 1; }\n"))
    repo.commit("s drops S while a still uses it")
    repo.write("contracts/acme/a.proto", _proto("message A { reserved 1; string note = 2; }\n"))

    found = _three_ways(repo, subject)

    if naming == "path":
        assert found["all"]["verdict"] == "compatible", found["all"]
        assert _rules(found["all"]) == [], found["all"]
    assert found["against"] == found["all"], found
    assert found["staged"] == found["all"], found
