"""Round 26's audit: an error inside a vendored file (a `protobuf.include` folder's) is shown where it
is, beside the contract's "Import ... had errors" that stands for it (W-b: the syntax error's file and
line were in no output, not even with -v). Real CLI, real repository."""

from __future__ import annotations

from tests.conftest import GitRepo

CONFIG = "version: 1\ncontracts: {root: contracts}\nprotobuf: {include: [third_party]}\n"


def test_a_syntax_error_in_a_vendored_file_is_shown_where_it_is(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("third_party/brk/b.proto", 'syntax = "proto3";\npackage brk;\nmessage B { string b = 1 }\n')
    repo.write(
        "contracts/x/value.proto",
        'syntax = "proto3";\npackage x;\nimport "brk/b.proto";\nmessage Z { brk.B b = 1; }\n',
    )
    repo.commit("a contract importing a broken vendored file")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 2, result.output
    findings = [f for r in result.json()["results"] for f in r["findings"]]
    (imported,) = [f for f in findings if f["rule"] == "PROTO_IMPORT_NOT_FOUND"]
    assert imported["message"].endswith('Below it: third_party/brk/b.proto:3: Expected ";".'), imported
