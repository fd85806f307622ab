"""Round 25's Protobuf audit (envoyproxy/data-plane-api, grpc/grpc-proto, cncf/xds): an earlier version
whose *reference* imports what the build fetched compiled where it was built, as one importing it
itself does: the check cannot decide (exit 3), it does not pass over it. Real CLI, real repository."""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = (
    "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: LEVEL, subject_strategy: record}\n"
)
META = 'syntax = "proto3";\npackage ext;\nmessage Meta { string m = 1; }\n'
B_BUILT_HERE = 'syntax = "proto3";\npackage t;\nmessage B { string meta = 1; }\n'
B_FETCHING = B_BUILT_HERE.replace("package t;\n", 'package t;\nimport "ext/meta.proto";\n')  # unused
A_V1 = 'syntax = "proto3";\npackage t;\nimport "b.proto";\nmessage A { string id = 1; B b = 2; }\n'


def _history(repo: GitRepo, level: str = "BACKWARD", delete_b: bool = False) -> None:
    """v1: a imports b, and b imports ext/meta.proto, which no commit holds (its build fetched it);
    then b drops that import (or b is deleted, and a stops importing it)."""
    repo.write("contractctl.yaml", CONFIG.replace("LEVEL", level))
    repo.write("contracts/b.proto", B_FETCHING)
    repo.write("contracts/a.proto", A_V1)
    repo.commit("v1, built with ext/meta.proto fetched")
    if delete_b:
        repo.git("rm", "-q", "contracts/b.proto")
        repo.write("contracts/a.proto", 'syntax = "proto3";\npackage t;\nmessage A { string id = 1; }\n')
    else:
        repo.write("contracts/b.proto", B_BUILT_HERE)
    repo.commit("b no longer imports what the build fetched")


def _a_rules(results: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in results["t.A"]["findings"]]


def test_a_reference_importing_what_its_build_fetched_makes_the_version_undecidable(repo: GitRepo) -> None:
    """envoy's Bootstrap, HttpConnectionManager, ConfigDump... through opencensus-proto: 60 earlier
    versions passed over with a warning at FULL_TRANSITIVE; here A.id string -> int32 was compared
    with nothing: compatible, exit 0."""
    _history(repo)
    repo.write("contracts/a.proto", A_V1.replace("string id", "int32 id"))
    for mode, (code, results) in change_modes(repo).items():
        rules = _a_rules(results)
        assert code == 3 and ("HISTORY_IMPORT_MISSING", "error") in rules, (mode, rules)
    result = repo.run("check", "--against", "HEAD", "--format", "json")
    findings = [f for r in result.json()["results"] for f in r["findings"]]
    (missing,) = [f for f in findings if f["rule"] == "HISTORY_IMPORT_MISSING"]
    assert "ext/meta.proto" in missing["message"] and missing["subject"] == "t.A"


def test_the_same_history_checks_once_the_fetched_file_is_vendored(repo: GitRepo) -> None:
    """The cure the finding names, a copy in a protobuf.include folder: then the break is found."""
    _history(repo)
    repo.write("contracts/a.proto", A_V1.replace("string id", "int32 id"))
    repo.write("vendor/ext/meta.proto", META)
    repo.write("contractctl.yaml", CONFIG.replace("LEVEL", "BACKWARD") + "protobuf: {include: [vendor]}\n")
    for mode, (code, results) in change_modes(repo).items():
        rules = _a_rules(results)
        assert code == 1 and rules == [("FIELD_SCALAR_KIND_CHANGED", "error")], (mode, rules)


def test_a_deleted_reference_importing_what_its_build_fetched_is_found_too(repo: GitRepo) -> None:
    """The reference is gone from the tree: laid out as its commit held it, the version does not
    compile, and the compiler's error names only the reference, not the import missing below it."""
    _history(repo, "BACKWARD_TRANSITIVE", delete_b=True)
    repo.write(  # compatible with the version before: only the first one is left to decide
        "contracts/a.proto", 'syntax = "proto3";\npackage t;\nmessage A { string id = 1; string note = 3; }\n'
    )
    for mode, (code, results) in change_modes(repo).items():
        rules = _a_rules(results)
        assert code == 3 and ("HISTORY_IMPORT_MISSING", "error") in rules, (mode, rules)


OPTS = (
    'syntax = "proto3";\npackage ext;\nimport "google/protobuf/descriptor.proto";\n'
    "extend google.protobuf.FieldOptions { string note = 50001; }\n"
)
COMMON = (
    'syntax = "proto3";\npackage acme.common;\nimport "ext/opts.proto";\n'
    'message Money { int64 cents = 1 [(ext.note) = "c"]; }\n'
)
ORDER = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/money.proto";\nimport "ext/opts.proto";\n'
    'message Order { acme.common.Money total = 1 [(ext.note) = "t"]; }\n'
)


def _deploy_repo(repo: GitRepo, url: str) -> dict[str, str]:
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: BACKWARD}\n"
        'protobuf: {include: [third_party]}\nregistries:\n  reg: {url: "${REG_URL}"}\n',
    )
    repo.write("third_party/ext/opts.proto", OPTS)
    repo.write("contracts/common/money.proto", COMMON)
    repo.write("contracts/orders/value.proto", ORDER)
    repo.commit("v1")
    return {"REG_URL": url}


def test_can_deploy_a_file_reads_the_include_folders_as_check_and_publish_do(
    repo: GitRepo, registry_double: Any
) -> None:
    """grpc-proto's MethodConfig and cncf/xds' IPMatcher: `can-deploy --schema` of a contract that
    imports (or whose reference imports) a file of a protobuf.include folder answered "invalid schema"
    (exit 2), or crashed with an internal error (exit 3, a traceback with -v), where check and
    publish take the same file."""
    env = _deploy_repo(repo, registry_double.url)
    assert repo.run("check", "--all").code == 0
    assert repo.run("publish", "--registry", "reg", env=env).code == 0
    for subject, path in (
        ("orders-value", "contracts/orders/value.proto"),
        ("common/money.proto", "contracts/common/money.proto"),
    ):
        result = repo.run(
            "can-deploy", "--subject", subject, "--schema", path, "--registry", "reg", "-v", env=env
        )
        assert result.code == 0 and "REGISTERED" in result.stdout, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output


def test_can_deploy_a_file_whose_reference_is_invalid_names_it(repo: GitRepo, registry_double: Any) -> None:
    """A reference that does not compile is a usage error naming it (exit 2), not an internal one."""
    env = _deploy_repo(repo, registry_double.url)
    repo.write("contracts/common/money.proto", COMMON.replace("int64 cents = 1", "int64 cents = 1 oops"))
    result = repo.run(
        "can-deploy",
        "--subject",
        "orders-value",
        "--schema",
        "contracts/orders/value.proto",
        "--registry",
        "reg",
        "-v",
        env=env,
    )
    assert result.code == 2, result.output
    assert "common/money.proto" in result.stderr and "Traceback" not in result.output


def _import_of_vendored(repo: GitRepo, vendored: str, text: str, contract: str) -> dict[str, Any]:
    """The one PROTO_IMPORT_NOT_FOUND of `check --all` (exit 2) on a contract importing the include
    folder's file `vendored` (under third_party/)."""
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: contracts}\nprotobuf: {include: [third_party]}\n",
    )
    repo.write(f"third_party/{vendored}", text)
    repo.write("contracts/orders/value.proto", contract)
    repo.commit("v1")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 2, result.output
    (finding,) = [
        f for r in result.json()["results"] for f in r["findings"] if f["rule"] == "PROTO_IMPORT_NOT_FOUND"
    ]
    return finding


def test_an_include_file_that_imports_a_file_found_nowhere_is_named(repo: GitRepo) -> None:
    """envoy with cel/expr not vendored: the contract's import of an include file was "not found or
    had errors", and the file actually missing, below it, was never named, even with -v."""
    finding = _import_of_vendored(
        repo,
        "ext/opts.proto",
        'syntax = "proto3";\npackage ext;\nimport "deep/missing.proto";\n'
        "message Meta { deep.Thing t = 1; }\n",
        'syntax = "proto3";\npackage acme;\nimport "ext/opts.proto";\nmessage Order { ext.Meta meta = 1; }\n',
    )
    assert 'Import "ext/opts.proto"' in finding["message"]
    assert "deep/missing.proto: File not found" in finding["message"]
    assert "third_party/ext/opts.proto:3" in finding["message"]


def test_a_syntax_error_in_a_vendored_file_is_shown_where_it_is(repo: GitRepo) -> None:
    """Audit 26 W-b: an error inside the include folder's file itself (not a file missing below it)
    was in no output, not even with -v."""
    finding = _import_of_vendored(
        repo,
        "brk/b.proto",
        'syntax = "proto3";\npackage brk;\nmessage B { string b = 1 }\n',
        'syntax = "proto3";\npackage x;\nimport "brk/b.proto";\nmessage Z { brk.B b = 1; }\n',
    )
    assert finding["message"].endswith('Below it: third_party/brk/b.proto:3: Expected ";".'), finding


def test_a_remote_check_skipped_names_only_the_references_the_registry_lacks(
    repo: GitRepo, registry_double: Any
) -> None:
    """cncf/xds: REMOTE_CHECK_SKIPPED listed every reference of the schema, held or not."""
    repo.write(
        "contractctl.yaml",
        'version: 1\ncontracts: {root: contracts}\nregistries:\n  reg: {url: "${REG_URL}"}\n',
    )
    for name in ("a", "b"):
        repo.write(
            f"contracts/common/{name}.proto",
            f'syntax = "proto3";\npackage acme.common;\nmessage {name.upper()} {{ string x = 1; }}\n',
        )
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nimport "common/a.proto";\nimport "common/b.proto";\n'
        "message Order { acme.common.A a = 1; acme.common.B b = 2; }\n",
    )
    repo.commit("v1")
    env = {"REG_URL": registry_double.url}
    assert repo.run("publish", "--registry", "reg", env=env).code == 0
    repo.write(
        "contracts/common/a.proto",
        'syntax = "proto3";\npackage acme.common;\nmessage A { string x = 1; string y = 2; }\n',
    )
    result = repo.run("check", "--registry", "reg", "--format", "json", env=env)
    assert result.code == 0, result.output
    (skipped,) = [
        f
        for r in result.json()["results"]
        for f in r["findings"]
        if f["rule"] == "REMOTE_CHECK_SKIPPED" and r["subject"] == "orders-value"
    ]
    assert "(common/a.proto)" in skipped["message"], skipped["message"]


def test_the_not_registered_hint_for_an_importer_whose_reference_moved_is_a_cure(
    repo: GitRepo, registry_double: Any
) -> None:
    """grpc-proto's test.proto (audit 25 D2): its reference has a new version, it has none, so publish
    registers nothing for it and can-deploy of the file says NOT_REGISTERED, with a hint ("Publish
    it") that could not help. The hint now says what does: commit the file again, then publish."""
    repo.write(
        "contractctl.yaml",
        'version: 1\ncontracts: {root: contracts}\nregistries:\n  reg: {url: "${REG_URL}"}\n',
    )
    money = 'syntax = "proto3";\npackage acme.common;\nmessage Money { int64 cents = 1; }\n'
    repo.write("contracts/common/money.proto", money)
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nimport "common/money.proto";\n'
        "message Order { acme.common.Money total = 1; }\n",
    )
    repo.commit("v1")
    env = {"REG_URL": registry_double.url}
    deploy = ("can-deploy", "--subject", "orders-value", "--schema", "contracts/orders/value.proto")
    assert repo.run("publish", "--registry", "reg", env=env).code == 0
    repo.write("contracts/common/money.proto", money.replace("cents = 1;", "cents = 1; string currency = 2;"))
    repo.commit("money v2")
    assert repo.run("publish", "--registry", "reg", env=env).code == 0
    refused = repo.run(*deploy, "--registry", "reg", "--format", "json", env=env)
    assert refused.code == 1, refused.output
    (finding,) = [f for r in refused.json()["results"] for f in r["findings"]]
    assert finding["rule"] == "NOT_REGISTERED" and "commit the file again" in finding["hint"]
    with (repo.root / "contracts/orders/value.proto").open("a") as text:
        text.write("// committed again\n")
    repo.commit("orders again, as the hint says")
    assert repo.run("publish", "--registry", "reg", env=env).code == 0
    assert repo.run(*deploy, "--registry", "reg", env=env).code == 0


# HISTORY_REFERENCE_GUESSED says why the version's commit did not answer for the reference (audit W7,
# envoy data-plane-api 7469956 / d59c738: "no file of its commit held" a reference the commit held).
# Under record naming, b.proto's subject now (t.First, a message put ahead of B) had no version then,
# so a's version 1 is laid out as committed, and failing that, compiled with today's b.proto.
B_WITH_A_FIRST_MESSAGE = B_BUILT_HERE.replace("message B", "message First { int32 x = 1; }\nmessage B")


def _guessed(repo: GitRepo, b_then: str | None) -> str:
    """a v1 (b.proto as `b_then` in its commit, None: not there), then b.proto with a new first
    message; a changes string -> int32: the message of the one HISTORY_REFERENCE_GUESSED of t.A,
    the same in every way of checking the change."""
    repo.write("contractctl.yaml", CONFIG.replace("LEVEL", "BACKWARD"))
    if b_then is not None:
        repo.write("contracts/b.proto", b_then)
    repo.write("contracts/a.proto", A_V1)
    repo.commit("a v1")
    repo.write("contracts/b.proto", B_WITH_A_FIRST_MESSAGE)
    repo.commit("b gets a message ahead of B")
    repo.write("contracts/a.proto", A_V1.replace("string id", "int32 id"))
    messages = set()
    for mode, (code, results) in change_modes(repo).items():
        rules = sorted(_a_rules(results))
        assert code == 1, (mode, rules)
        assert rules == [("FIELD_SCALAR_KIND_CHANGED", "error"), ("HISTORY_REFERENCE_GUESSED", "warning")]
        messages.update(
            f["message"] for f in results["t.A"]["findings"] if f["rule"] == "HISTORY_REFERENCE_GUESSED"
        )
    (message,) = messages
    return message


def test_a_guessed_reference_its_commit_held_names_the_import_missing_below_it(repo: GitRepo) -> None:
    """The commit held b.proto; what it lacked was ext/meta.proto, which b.proto imported (fetched)."""
    message = _guessed(repo, B_FETCHING)
    assert "references b.proto (t.First), which its commit held, but an import below it, " in message
    assert "ext/meta.proto, was not in the commit (its build fetched it)" in message
    assert "no file of its commit held" not in message, message


def test_a_guessed_reference_its_commit_lacked_says_no_file_held_it(repo: GitRepo) -> None:
    """The commit had no b.proto at all (its build found it elsewhere): said so, naming the file."""
    message = _guessed(repo, None)
    assert "references b.proto (t.First), which no file of its commit held: it is compared as " in message
    assert "(as its author's build found it elsewhere, e.g. a dependency vendored later)" in message


def test_a_guessed_reference_its_commit_held_broken_says_it_did_not_compile(repo: GitRepo) -> None:
    """The commit held b.proto, and nothing below it was missing: b.proto then did not compile."""
    message = _guessed(repo, B_BUILT_HERE.replace("= 1; }", "= 1 }"))
    assert "references b.proto (t.First), which its commit held, but with its commit's files the " in message
    assert "version did not compile: it is compared as compiled with today's file" in message
    assert "no file of its commit held" not in message, message
