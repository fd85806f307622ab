"""A version moved unedited lies at its new path for the files importing it from there (round 18).

A file moved without an edit (git mv) keeps its subject's version: the same schema, the same number.
The history kept only the path the version was first seen at, so an earlier version of a file that
imports it from its new path was compiled with it laid out at the old one, did not compile, and was
not compared (HISTORY_UNPARSEABLE): under BACKWARD_TRANSITIVE a break only that version shows passed.
Found on the Envoy API (GenericProxy: its route.proto moved out of contrib, back, and out again).
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import three_ways

HEADER = 'syntax = "proto3";\npackage tap;\n'


def _proto(body: str) -> str:
    return HEADER + body


@pytest.mark.parametrize("naming", ["record", "path"])
@pytest.mark.parametrize("edited", [False, True], ids=["unedited", "edited"])
def test_a_version_importing_a_moved_file_from_its_new_path_is_compared(
    repo: GitRepo, naming: str, edited: bool
) -> None:
    """event.proto's second version imports kinds.proto, where types.proto moved in the same
    commit. Under BACKWARD_TRANSITIVE the change is compared with both versions; field 2 was a
    string in the first only, so only that comparison finds the break, and only the second version
    parsing keeps the check from falling back. Edited as it moves, the move is a new version and
    always worked (a guard)."""
    strategy = ", subject_strategy: record" if naming == "record" else ""
    repo.write(
        "contractctl.yaml", f"version: 1\ndefaults: {{compatibility: BACKWARD_TRANSITIVE{strategy}}}\n"
    )
    repo.write("contracts/tap/types.proto", _proto("message Kind { string k = 1; }\n"))
    repo.write(
        "contracts/tap/event.proto",
        _proto('import "tap/types.proto";\nmessage Event { Kind kind = 1; string id = 2; }\n'),
    )
    repo.commit("v1")
    repo.git("mv", "contracts/tap/types.proto", "contracts/tap/kinds.proto")
    if edited:
        repo.write("contracts/tap/kinds.proto", _proto("message Kind { string k = 1; string more = 2; }\n"))
    repo.write(
        "contracts/tap/event.proto",
        _proto('import "tap/kinds.proto";\nmessage Event { Kind kind = 1; string name = 3; }\n'),
    )
    repo.commit("types.proto moved to kinds.proto; Event drops id")
    repo.write(
        "contracts/tap/event.proto",
        _proto(
            'import "tap/kinds.proto";\nmessage Event { Kind kind = 1; string name = 3; int64 count = 2; }\n'
        ),
    )
    subject = "tap.Event" if naming == "record" else "tap/event.proto"
    for mode, (result, code) in three_ways(repo, subject).items():
        assert code == 1, (mode, result["findings"])
        rules = sorted(f["rule"] for f in result["findings"])
        assert rules == ["FIELD_SCALAR_KIND_CHANGED"], (mode, result["findings"])
