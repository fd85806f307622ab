"""An earlier version's import names the subject the imported file was then, not the one it is now
(round 18).

Under record naming a file's subject is its first message, so a file can change subject without
moving: Envoy's data/tap/v3/transport.proto was `Connection`'s until that message moved to
common.proto, and `SocketEvent`'s after. An earlier version of wrapper.proto imports transport.proto;
the registry's reference of that version named `Connection` and the version of it then. The check
took the path's subject as it is now (`SocketEvent`, with no version then), so the file was read as
it is today, compiled with the version's other imports as they were then (common.proto without
`Connection`), did not compile, and the version was not compared: HISTORY_UNPARSEABLE, and a break
against it passed with exit 0, in every mode. Each test builds the shape small and checks the change
three ways.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo

HEADER = 'syntax = "proto3";\npackage tap;\n'
CONFIG = "version: 1\ndefaults: {compatibility: BACKWARD, subject_strategy: record}\n"


def _proto(body: str) -> str:
    return HEADER + body


def _three_ways(repo: GitRepo, subject: str) -> dict[str, dict[str, Any]]:
    """The subject's result in `check --all`, `check --against HEAD` and `check --staged`, with the
    change in the working tree (and, for --staged, in the index)."""
    found: dict[str, dict[str, Any]] = {}
    for name, args in (("all", ("--all",)), ("against", ("--against", "HEAD")), ("staged", ("--staged",))):
        if name == "staged":
            repo.git("add", "-A")
        result = repo.run("check", *args, "--format", "json")
        assert "Traceback" not in result.output, result.output
        results = {r["subject"]: r for r in result.json()["results"]}
        assert subject in results, (name, result.output)
        found[name] = results[subject] | {"exit": result.code}
    return found


def _rules(result: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in result["findings"])


def _envoy_tap_shape(repo: GitRepo) -> None:
    """wrapper.proto's only version imports http.proto (which imports common.proto) and
    transport.proto, whose first message is then `Connection`; later `Connection` moves to
    common.proto and transport.proto, now `SocketEvent`'s, imports it from there."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/tap/common.proto", _proto("message Body { string b = 1; }\n"))
    repo.write(
        "contracts/tap/http.proto",
        _proto('import "tap/common.proto";\nmessage HttpTrace { Body body = 1; }\n'),
    )
    repo.write(
        "contracts/tap/transport.proto",
        _proto("message Connection { string addr = 1; }\nmessage SocketEvent { string data = 1; }\n"),
    )
    repo.write(
        "contracts/tap/wrapper.proto",
        _proto(
            'import "tap/http.proto";\nimport "tap/transport.proto";\n'
            "message TraceWrapper { HttpTrace http = 1; SocketEvent socket = 2; string id = 3; }\n"
        ),
    )
    repo.commit("v1")
    repo.write(
        "contracts/tap/common.proto",
        _proto("message Body { string b = 1; }\nmessage Connection { string addr = 1; }\n"),
    )
    repo.write(
        "contracts/tap/transport.proto",
        _proto('import "tap/common.proto";\nmessage SocketEvent { string data = 1; Connection conn = 2; }\n'),
    )
    repo.commit("Connection moves to common.proto")


def test_a_break_against_a_version_whose_import_changed_subject_fails(repo: GitRepo) -> None:
    _envoy_tap_shape(repo)
    wrapper = (repo.root / "contracts/tap/wrapper.proto").read_text()
    repo.write("contracts/tap/wrapper.proto", wrapper.replace("string id = 3", "int64 id = 3"))
    for mode, result in _three_ways(repo, "tap.TraceWrapper").items():
        assert result["exit"] == 1, mode
        assert _rules(result) == ["FIELD_SCALAR_KIND_CHANGED"], (mode, result["findings"])


def test_a_compatible_change_there_passes_without_warnings(repo: GitRepo) -> None:
    _envoy_tap_shape(repo)
    wrapper = (repo.root / "contracts/tap/wrapper.proto").read_text()
    repo.write(
        "contracts/tap/wrapper.proto", wrapper.replace("string id = 3;", "string id = 3; string more = 4;")
    )
    for mode, result in _three_ways(repo, "tap.TraceWrapper").items():
        assert result["exit"] == 0, mode
        assert _rules(result) == [], (mode, result["findings"])


@pytest.mark.parametrize("edited", [True, False], ids=["edited", "unedited"])
@pytest.mark.parametrize("later", ["the old file moves", "the path is taken over"])
def test_an_import_is_the_subject_that_lay_at_its_path_then(repo: GitRepo, later: str, edited: bool) -> None:
    """The subject a path held then is not the one defining it now: its file moved (types.proto to
    kinds.proto), and maybe another file took the path over (types.proto is `Other`'s now). Under
    BACKWARD_TRANSITIVE the change is compared with event.proto's first version too, which imports
    types.proto as `Kind`'s; taken as the path is now, that version did not compile, and the break
    only it shows (field 2 was a string there) passed. Moved unedited, `Kind` keeps its version, which
    lay at types.proto for the first version of event.proto and at kinds.proto for the second; the
    second was laid out at its first path and did not compile either (the Envoy API's GenericProxy,
    whose route.proto moved out of contrib, back, and out again)."""
    repo.write("contractctl.yaml", CONFIG.replace("BACKWARD", "BACKWARD_TRANSITIVE"))
    repo.write("contracts/tap/types.proto", _proto("message Kind { string k = 1; }\n"))
    repo.write(
        "contracts/tap/event.proto",
        _proto('import "tap/types.proto";\nmessage Event { Kind kind = 1; string id = 2; }\n'),
    )
    repo.commit("v1")
    repo.git("mv", "contracts/tap/types.proto", "contracts/tap/kinds.proto")
    if edited:
        repo.write("contracts/tap/kinds.proto", _proto("message Kind { string k = 1; string more = 2; }\n"))
    if later == "the path is taken over":
        repo.write("contracts/tap/types.proto", _proto("message Other { string o = 1; }\n"))
    repo.write(
        "contracts/tap/event.proto", _proto('import "tap/kinds.proto";\nmessage Event { Kind kind = 1; }\n')
    )
    repo.commit("types.proto moved to kinds.proto; Event drops id")
    repo.write(
        "contracts/tap/event.proto",
        _proto('import "tap/kinds.proto";\nmessage Event { Kind kind = 1; int64 count = 2; }\n'),
    )
    for mode, result in _three_ways(repo, "tap.Event").items():
        assert result["exit"] == 1, mode
        assert _rules(result) == ["FIELD_SCALAR_KIND_CHANGED"], (mode, result["findings"])


def test_a_subject_that_left_a_path_and_came_back_is_not_what_lay_there_meanwhile(repo: GitRepo) -> None:
    """types.proto is `A`'s, then `B`'s for a while (a message inserted first), then `A`'s again.
    imp.proto's latest version, committed meanwhile, uses `B` from it. Taken as `A`'s version from
    before it left, types.proto had no `B`: the latest version did not parse, the check fell back to
    the first one (which had no field 2) and passed the break with exit 0 (googleapis'
    aiplatform/v1beta1/tuning_job.proto, whose evaluation_service.proto import did this)."""
    repo.write(
        "contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD, subject_strategy: record}\n"
    )
    header = 'syntax = "proto3";\npackage ai;\n'
    repo.write(
        "contracts/ai/types.proto", header + "message A { string a = 1; }\nmessage M { string x = 1; }\n"
    )
    repo.write("contracts/ai/imp.proto", header + 'import "ai/types.proto";\nmessage Imp { M m = 1; }\n')
    repo.commit("c1")
    repo.write(
        "contracts/ai/types.proto",
        header + "message B { string b = 1; }\nmessage A { string a = 1; }\nmessage M { string x = 1; }\n",
    )
    repo.commit("B first: types.proto is B's")
    imp = 'import "ai/types.proto";\nmessage Imp { M m = 1; string id = 2; B b = 4; }\n'
    repo.write("contracts/ai/imp.proto", header + imp)
    repo.commit("imp uses B")
    repo.write(
        "contracts/ai/types.proto",
        header + "message A { string a = 1; }\nmessage B { string b = 1; }\nmessage M { string x = 1; }\n",
    )
    repo.commit("A first again")
    repo.write("contracts/ai/imp.proto", header + imp.replace("string id", "int64 id"))
    for mode, result in _three_ways(repo, "ai.Imp").items():
        assert result["exit"] == 1, mode
        assert _rules(result) == ["FIELD_SCALAR_KIND_CHANGED"], (mode, result["findings"])
        assert "version 2" in result["findings"][0]["compared_with"], mode
