"""Shapes met in the Envoy API (envoyproxy/data-plane-api, round 16 audit), rebuilt small and synthetic.

Each test is one shape that an audit of the public tree turned up, written from scratch (no
third-party file is copied).
"""

from __future__ import annotations

from tests.conftest import GitRepo

BASE = 'syntax = "proto3";\npackage acme;\nmessage Base { string a = 1; }\n'
MID = 'syntax = "proto3";\npackage acme;\nimport "acme/base.proto";\nmessage Mid { Base b = 1; }\n'
TOP = (
    'syntax = "proto3";\npackage acme;\nimport "acme/base.proto";\nimport "acme/mid.proto";\n'
    "message Top { Base b = 1; Mid m = 2; }\nmessage Old { string x = 1; }\n"
)
TOP2 = (
    'syntax = "proto3";\npackage acme;\nimport "acme/base.proto";\nimport "acme/mid.proto";\n'
    "message Top { Base b = 1; Mid m = 2; Extra e = 3; }\n"
)


def _diamond(repo: GitRepo) -> None:
    """Top imports Base and Mid, Mid imports Base. Base then gains a message that Top uses, in a
    commit that does not touch Mid: Top's second version references Base's new version directly and
    its old one through Mid's only version (the envoy shape: admin/v3/config_dump.proto reaches
    config/core/v3/*.proto directly and through importers not committed since)."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/acme/base.proto", BASE)
    repo.write("contracts/acme/mid.proto", MID)
    repo.write("contracts/acme/top.proto", TOP)
    repo.commit("v1")
    repo.write("contracts/acme/base.proto", BASE + "message Extra { string e = 1; }\n")
    repo.write("contracts/acme/top.proto", TOP2)
    repo.commit("base gains Extra, top uses it and drops Old")


def test_a_version_whose_import_is_also_reached_in_an_older_version_is_compared(repo: GitRepo) -> None:
    """Top's second version references Base v2 directly and Base v1 through Mid: it is compiled with
    the text nearest it, Base v2, the one its author compiled it against, and parses. The check
    compared a compatible edit with version 1 instead ("version 2 does not parse today") and
    reported Old's removal, three commits old, as a break (envoy: 5 MESSAGE_REMOVED against a 2020
    version of envoy.admin.v3.ConfigDump, 80 HISTORY_UNPARSEABLE warnings)."""
    _diamond(repo)
    repo.write("contracts/acme/top.proto", TOP2.replace("Extra e = 3; }", "Extra e = 3; string note = 4; }"))
    repo.commit("top: a compatible field")

    result = repo.run("check", "--against", "HEAD~1", "--format", "json")

    rules = [f["rule"] for r in result.json()["results"] for f in r["findings"]]
    assert "MESSAGE_REMOVED" not in rules, result.output
    assert "HISTORY_UNPARSEABLE" not in rules, result.output
    assert result.code == 0, result.output


COMMON = 'syntax = "proto3";\npackage acme;\nmessage C { string a = 1; }\n'
ATT = 'syntax = "proto3";\npackage acme;\nimport "acme/common.proto";\nmessage Att { C c = 1; }\n'
PKG = 'syntax = "proto3";\npackage acme;\nimport "acme/common.proto";\nmessage Pkg { C c = 1; }\n'
GRAF = (
    'syntax = "proto3";\npackage acme;\nimport "acme/att.proto";\nimport "acme/common.proto";\n'
    'import "acme/pkg.proto";\nmessage Graf { Att a = 1; Pkg p = 2; }\n'
)


def test_a_version_whose_earlier_import_brings_an_older_text_first_is_compared(repo: GitRepo) -> None:
    """The googleapis shape (grafeas/v1/grafeas.proto imports attestation.proto, common.proto and
    package.proto; attestation.proto, not committed since, still references an older common.proto
    than package.proto needs): walking the references depth first in import order meets the older
    common.proto through Att first, Pkg's second version does not compile with it, and Graf's second
    version "does not parse today", so the check compared with its first version (a false
    MESSAGE_REMOVED of Old). Graf's own import of common.proto, the text it was written against,
    comes first."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    for name, text in (("common", COMMON), ("att", ATT), ("pkg", PKG)):
        repo.write(f"contracts/acme/{name}.proto", text)
    repo.write("contracts/acme/graf.proto", GRAF + "message Old { string o = 1; }\n")
    repo.commit("v1")
    repo.write("contracts/acme/common.proto", COMMON + "message C2 { string b = 1; }\n")
    repo.write("contracts/acme/pkg.proto", PKG.replace("C c = 1; }", "C c = 1; C2 d = 2; }"))
    repo.write("contracts/acme/graf.proto", GRAF)
    repo.commit("common gains C2, pkg uses it; graf drops Old")
    repo.write("contracts/acme/graf.proto", GRAF.replace("Pkg p = 2; }", "Pkg p = 2; string note = 3; }"))
    repo.commit("graf: a compatible field")

    result = repo.run("check", "--against", "HEAD~1", "--format", "json")

    rules = [f["rule"] for r in result.json()["results"] for f in r["findings"]]
    assert "MESSAGE_REMOVED" not in rules, result.output
    assert "HISTORY_UNPARSEABLE" not in rules, result.output
    assert result.code == 0, result.output


def test_an_earlier_version_that_does_not_parse_says_why(repo: GitRepo) -> None:
    """Envoy's 2020 versions import `udpa/core/v1/authority.proto`, which today's cncf/xds copy in
    `protobuf.include` no longer has: the HISTORY_UNPARSEABLE warning said "does not parse today"
    and nothing more (not with -v either), so the user could not tell which vendored file to add."""
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: contracts}\nprotobuf: {include: [third_party]}\n"
        "defaults: {compatibility: BACKWARD}\n",
    )
    # not in git, as Envoy's vendored folder: searched as it is now for history too (a folder git
    # tracks is laid out as the version's commit held it, and that version would parse)
    repo.write(".gitignore", "third_party/\n")
    repo.write(
        "third_party/ext/thing.proto", 'syntax = "proto3";\npackage ext;\nmessage Thing { string t = 1; }\n'
    )
    top = (
        'syntax = "proto3";\npackage acme;\nimport "ext/thing.proto";\nmessage Top { ext.Thing thing = 1; }\n'
    )
    repo.write("contracts/acme/top.proto", top)
    repo.commit("v1")
    repo.write(
        "third_party/ext/thing.proto", 'syntax = "proto3";\npackage ext;\nmessage Other { string t = 1; }\n'
    )
    repo.write(
        "contracts/acme/top.proto", 'syntax = "proto3";\npackage acme;\nmessage Top { string name = 2; }\n'
    )
    repo.commit("the vendored file moved on; top no longer uses it")

    result = repo.run("check", "--against", "HEAD~1", "--format", "json")

    warnings = [
        f["message"]
        for r in result.json()["results"]
        for f in r["findings"]
        if f["rule"] == "HISTORY_UNPARSEABLE"
    ]
    assert len(warnings) == 1, result.output
    assert "ext.Thing" in warnings[0], warnings


def test_a_version_importing_a_file_deleted_since_is_compared(repo: GitRepo) -> None:
    """Envoy shape (config/trace/v3/trace.proto re-exports tracer files, and a change deletes one):
    the latest version of Top imports dep.proto, which the change deletes (Top drops the field and
    reserves it). That version is the one to compare with; its import is the deleted file as it
    was at that commit (a registry keeps the subject). The check looked the import up in today's
    tree only, called the version unparseable and compared with version 1, reporting Old's removal
    of two commits ago (envoy, against HEAD~1000: 6 MESSAGE_REMOVED against 2020's trace.proto)."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write(
        "contracts/acme/top.proto",
        'syntax = "proto3";\npackage acme;\nmessage Top { string a = 1; }\nmessage Old { string o = 1; }\n',
    )
    repo.commit("v1")
    repo.write(
        "contracts/acme/dep.proto", 'syntax = "proto3";\npackage acme;\nmessage Dep { string x = 1; }\n'
    )
    repo.write(
        "contracts/acme/top.proto",
        'syntax = "proto3";\npackage acme;\nimport "acme/dep.proto";\n'
        "message Top { string a = 1; Dep d = 2; }\n",
    )
    repo.commit("v2: top uses dep, drops Old")
    (repo.root / "contracts/acme/dep.proto").unlink()
    repo.write(
        "contracts/acme/top.proto",
        'syntax = "proto3";\npackage acme;\nmessage Top { string a = 1; reserved 2; }\n',
    )

    result = repo.run("check", "--format", "json")

    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    rules = [f["rule"] for r in result.json()["results"] for f in r["findings"]]
    assert verdicts.get("acme/top.proto") == "compatible", result.output
    assert "MESSAGE_REMOVED" not in rules and "HISTORY_UNPARSEABLE" not in rules, result.output
    assert verdicts.get("acme/dep.proto") == "removed", result.output  # the deletion itself still fails
