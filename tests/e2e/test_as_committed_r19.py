"""An earlier version whose references, as the versions model resolves them, do not compile is
compared as its own commit laid it out (round 19).

Under record naming a file's subject is its first message, so one path can hold one subject, then
another, then the first again (googleapis' aiplatform evaluation_service.proto; the Envoy API's
data/tap/v3/transport.proto). An earlier version importing that path was resolved to today's
subject at that commit, a text without the types it uses: it did not compile, and the check compared
with the version before it. The registry compares with the latest, so a break only the latest shows
passed with exit 0. Only a version that does not compile even with its own commit's files (which no
registry accepted) is passed over.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import three_ways

HEADER = 'syntax = "proto3";\npackage ai;\n'


def _proto(body: str) -> str:
    return HEADER + body


def _config(repo: GitRepo, level: str) -> None:
    repo.write(
        "contractctl.yaml", f"version: 1\ndefaults: {{compatibility: {level}, subject_strategy: record}}\n"
    )


def _types_change_hands(repo: GitRepo) -> None:
    """types.proto is ai.A's, then ai.B's while imp.proto's second version is committed, then ai.A's
    again; that version uses B, which ai.A's only version lacks."""
    repo.write(
        "contracts/ai/types.proto", _proto("message A { string a = 1; }\nmessage M { string x = 1; }\n")
    )
    repo.write("contracts/ai/imp.proto", _proto('import "ai/types.proto";\nmessage Imp { M m = 1; }\n'))
    repo.commit("v1")
    repo.write(
        "contracts/ai/types.proto",
        _proto("message B { string b = 1; }\nmessage A { string a = 1; }\nmessage M { string x = 1; }\n"),
    )
    repo.commit("types.proto now opens with B")
    repo.write(
        "contracts/ai/imp.proto",
        _proto('import "ai/types.proto";\nmessage Imp { M m = 1; string id = 2; B b = 4; }\n'),
    )
    repo.commit("Imp v2 uses B")
    repo.write(
        "contracts/ai/types.proto",
        _proto("message A { string a = 1; }\nmessage B { string b = 1; }\nmessage M { string x = 1; }\n"),
    )
    repo.commit("types.proto opens with A again")


@pytest.mark.parametrize("level", ["BACKWARD", "BACKWARD_TRANSITIVE"])
def test_a_version_importing_a_path_that_changed_subject_is_compared(repo: GitRepo, level: str) -> None:
    """The change turns field 2 from string to int64: only version 2 has field 2. Round 18's code
    passed it under BACKWARD (compared with version 1, a HISTORY_UNPARSEABLE warning for 2)."""
    _config(repo, level)
    _types_change_hands(repo)
    repo.write(
        "contracts/ai/imp.proto",
        _proto('import "ai/types.proto";\nmessage Imp { M m = 1; int64 id = 2; B b = 4; }\n'),
    )
    for mode, (result, code) in three_ways(repo, "ai.Imp").items():
        assert code == 1, (mode, result["findings"])
        assert [f["rule"] for f in result["findings"]] == ["FIELD_SCALAR_KIND_CHANGED"], (mode, result)
        assert result["findings"][0]["compared_with"].startswith("version 2 "), (mode, result)


def test_a_compatible_change_against_that_version_passes_without_warning(repo: GitRepo) -> None:
    """The same history, a compatible change: compared with version 2, nothing passed over."""
    _config(repo, "BACKWARD")
    _types_change_hands(repo)
    repo.write(
        "contracts/ai/imp.proto",
        _proto(
            'import "ai/types.proto";\nmessage Imp { M m = 1; string id = 2; B b = 4; string more = 5; }\n'
        ),
    )
    for mode, (result, code) in three_ways(repo, "ai.Imp").items():
        assert code == 0, (mode, result["findings"])
        assert result["findings"] == [], (mode, result)
        assert result["compared_versions"] == 1, (mode, result)


def test_a_version_that_never_compiled_is_passed_over_with_a_warning(repo: GitRepo) -> None:
    """Version 2 was committed broken (it uses a type nobody defines): it did not compile at its own
    commit either, so no registry holds it and the registry's latest is version 1. The change is
    compatible with version 1 (and would not be with version 2's `string id`)."""
    _config(repo, "BACKWARD")
    repo.write("contracts/ai/types.proto", _proto("message M { string x = 1; }\n"))
    repo.write(
        "contracts/ai/imp.proto", _proto('import "ai/types.proto";\nmessage Imp { M m = 1; int64 id = 2; }\n')
    )
    repo.commit("v1")
    repo.write(
        "contracts/ai/imp.proto",
        _proto('import "ai/types.proto";\nmessage Imp { M m = 1; string id = 2; Nope n = 3; }\n'),
    )
    repo.commit("v2, broken")
    repo.write(
        "contracts/ai/imp.proto",
        _proto('import "ai/types.proto";\nmessage Imp { M m = 1; int64 id = 2; string name = 4; }\n'),
    )
    for mode, (result, code) in three_ways(repo, "ai.Imp").items():
        assert code == 0, (mode, result["findings"])
        rules = [f["rule"] for f in result["findings"]]
        assert rules == ["HISTORY_UNPARSEABLE"], (mode, result)
        assert "version 2" in result["findings"][0]["message"] and "Nope" in result["findings"][0]["message"]


def _json(title: str, properties: str, definitions: str = "") -> str:
    defs = f', "definitions": {{{definitions}}}' if definitions else ""
    head = (
        '{"$schema": "http://json-schema.org/draft-07/schema#", "title": "' + title + '", "type": "object", '
    )
    return head + '"properties": {' + properties + "}" + defs + "}\n"


def test_a_json_schema_version_referencing_a_path_that_changed_subject_is_compared(repo: GitRepo) -> None:
    """The same history in JSON Schema: Imp's version 2 `$ref`s types.json#/definitions/B while the
    file was B's. Round 18's code compared an unchanged Imp (a description added) with version 1 and
    reported the properties version 2 added as a break: a wrong "incompatible"."""
    _config(repo, "BACKWARD")
    m = '"M": {"type": "string"}'
    repo.write("contracts/ai/types.json", _json("A", '"a": {"type": "string"}', m))
    repo.write("contracts/ai/imp.json", _json("Imp", '"m": {"$ref": "types.json#/definitions/M"}'))
    repo.commit("v1")
    repo.write(
        "contracts/ai/types.json", _json("B", '"a": {"type": "string"}', m + ', "B": {"type": "integer"}')
    )
    repo.commit("types.json is B's")
    imp_v2 = '"m": {"$ref": "types.json#/definitions/M"}, "b": {"$ref": "types.json#/definitions/B"}'
    repo.write("contracts/ai/imp.json", _json("Imp", imp_v2))
    repo.commit("Imp v2 uses B")
    repo.write(
        "contracts/ai/types.json", _json("A", '"a": {"type": "string"}', m + ', "B": {"type": "integer"}')
    )
    repo.commit("types.json is A's again")
    repo.write(
        "contracts/ai/imp.json",
        _json("Imp", imp_v2).replace('"type": "object"', '"type": "object", "description": "d"'),
    )
    for mode, (result, code) in three_ways(repo, "Imp").items():
        assert code == 0, (mode, result["findings"])
        assert result["findings"] == [] and result["compared_versions"] == 1, (mode, result)


@pytest.mark.parametrize("importer_edited", [True, False], ids=["importer-edited", "importer-unchanged"])
def test_an_import_whose_first_message_is_renamed_keeps_its_text_then(
    repo: GitRepo, importer_edited: bool
) -> None:
    """Under record naming s.proto's subject follows its first message: renamed SA -> SB in the same
    change that turns T.y from int32 to string. i.proto's earlier version imported s.proto while it
    was SA's; today's subject SB had no version then, and round 18's code laid that version out
    with s.proto as it is now: T the same on both sides, i.I compatible, and allowing the rename's
    SUBJECT_CHANGED passed the whole change. A registry compares T (the reference's subject and
    version differ), as under topic naming. Found by an outside audit on opentelemetry-proto
    (profiles.proto's ProfilesData -> ProfilesDictionary)."""
    _config(repo, "BACKWARD")
    repo.write(
        "contracts/s.proto",
        'syntax = "proto3";\npackage s;\nmessage SA { int32 a = 1; }\nmessage T { int32 y = 1; }\n',
    )
    repo.write(
        "contracts/i.proto", 'syntax = "proto3";\npackage i;\nimport "s.proto";\nmessage I { s.T t = 1; }\n'
    )
    repo.commit("v1")
    repo.write(
        "contracts/s.proto",
        'syntax = "proto3";\npackage s;\nmessage SB { int32 a = 1; }\nmessage T { string y = 1; }\n',
    )
    if importer_edited:
        repo.write(
            "contracts/i.proto",
            'syntax = "proto3";\npackage i;\nimport "s.proto";\nmessage I { s.T t = 1; int32 z = 2; }\n',
        )
    for mode, (result, code) in three_ways(repo, "i.I").items():
        assert code == 1, (mode, result["findings"])
        rules = sorted(f["rule"] for f in result["findings"])
        assert rules == ["FIELD_NAMED_TYPE_CHANGED", "FIELD_SCALAR_KIND_CHANGED"], (mode, result)
    allowed = repo.run("check", "--staged", "--allow-breaking", "s.SA", "--reason", "renamed")
    assert allowed.code == 1, allowed.output  # the rename's allowance does not waive i.I's break


@pytest.mark.parametrize("naming", ["record", "path"])
def test_an_importer_committed_again_after_its_import_changed_under_an_older_name_is_a_version(
    repo: GitRepo, naming: str
) -> None:
    """i.proto is committed again (a comment) after s.proto's T.y became a string: its second
    version, with s.proto's second as reference. s.proto's first message is renamed later; under
    record naming today's subject SB had no version when i.proto was committed again, so that commit
    made no new version (round 18): one version to compare with. The file at the import path then
    decides, under either naming: two versions, and under BACKWARD_TRANSITIVE the change breaks the
    first only (T.y an int32 there)."""
    strategy = ", subject_strategy: record" if naming == "record" else ""
    repo.write(
        "contractctl.yaml", f"version: 1\ndefaults: {{compatibility: BACKWARD_TRANSITIVE{strategy}}}\n"
    )
    s_v1 = 'syntax = "proto3";\npackage s;\nmessage SA { int32 a = 1; }\nmessage T { int32 y = 1; }\n'
    i_v1 = 'syntax = "proto3";\npackage i;\nimport "s.proto";\nmessage I { s.T t = 1; }\n'
    repo.write("contracts/s.proto", s_v1)
    repo.write("contracts/i.proto", i_v1)
    repo.commit("v1")
    repo.write("contracts/s.proto", s_v1.replace("int32 y", "string y"))
    repo.commit("T.y is a string")
    repo.write("contracts/i.proto", i_v1 + "// T.y is a string now\n")
    repo.commit("i.proto committed again: its second version")
    repo.write("contracts/s.proto", s_v1.replace("int32 y", "string y").replace("SA", "SB"))
    repo.commit("SA renamed SB")
    repo.write("contracts/i.proto", i_v1.replace("t = 1; }", "t = 1; int32 z = 2; }"))
    for mode, (result, _) in three_ways(repo, "i.I" if naming == "record" else "i.proto").items():
        assert result["compared_versions"] == 2, (mode, result)
        against = sorted({f["compared_with"].split(" (")[0] for f in result["findings"]})
        assert result["verdict"] == "incompatible" and against == ["version 1"], (mode, result)


OPTION_V1 = (
    'syntax = "proto3";\npackage ext;\nimport "google/protobuf/descriptor.proto";\n'
    "extend google.protobuf.FieldOptions { bool sensitive = 50001; }\n"
)


def _with_include(repo: GitRepo) -> None:
    repo.write(
        "contractctl.yaml",
        "version: 1\ndefaults: {compatibility: BACKWARD, subject_strategy: record}\n"
        "protobuf: {include: [third_party]}\n",
    )


def test_an_include_folder_git_tracks_is_laid_out_as_the_commit_held_it(repo: GitRepo) -> None:
    """The option the second version uses is renamed in the include folder (git tracks it) in the
    same change that turns x from int32 to string. Laid out with today's folder, the second version
    did not parse and the one before it had no x: round 18's code passed the break with exit 0."""
    _with_include(repo)
    repo.write("third_party/ext/opt.proto", OPTION_V1)
    repo.write("contracts/t/a.proto", 'syntax = "proto3";\npackage t;\nmessage A { string y = 2; }\n')
    repo.commit("v1")
    repo.write(
        "contracts/t/a.proto",
        'syntax = "proto3";\npackage t;\nimport "ext/opt.proto";\n'
        "message A { int32 x = 1 [(ext.sensitive) = true]; string y = 2; }\n",
    )
    repo.commit("v2 uses the option")
    repo.write("third_party/ext/opt.proto", OPTION_V1.replace("bool sensitive", "bool secret"))
    repo.write(
        "contracts/t/a.proto",
        'syntax = "proto3";\npackage t;\nimport "ext/opt.proto";\n'
        "message A { string x = 1 [(ext.secret) = true]; string y = 2; }\n",
    )
    for mode, (result, code) in three_ways(repo, "t.A").items():
        assert code == 1, (mode, result["findings"])
        assert [f["rule"] for f in result["findings"]] == ["FIELD_SCALAR_KIND_CHANGED"], (mode, result)
        assert result["findings"][0]["compared_with"].startswith("version 2 "), (mode, result)
