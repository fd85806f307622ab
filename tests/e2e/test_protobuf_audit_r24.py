"""Round 24's Protobuf audit (opentelemetry-proto, istio/api): a break let through at an earlier commit,
below a contract a change reaches only through its references, is the base's, however far below it
lies and whatever compatible change alters its words; a break the change makes stays an error.
Real CLI, real repository, the change checked as the working tree, against HEAD and staged."""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: BACKWARD}\n"
A = 'syntax = "proto3";\npackage acme.common;\nmessage A { int32 x = 1; }\n'
B = 'syntax = "proto3";\npackage acme.common;\nmessage B { int32 z = 1; }\n'
K = 'syntax = "proto3";\npackage acme.common;\nimport "common/a.proto";\nmessage K { A a = 1; }\n'
C = 'syntax = "proto3";\npackage acme.common;\nimport "common/b.proto";\nmessage C { B b = 1; }\n'
ORDERS = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/k.proto";\nimport "common/c.proto";\n'
    "message Order { acme.common.K k = 1; acme.common.C c = 2; }\n"
)
ORDERS_DIRECT = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/a.proto";\n'
    "message Order { acme.common.A a = 1; }\n"
)


def _repo(repo: GitRepo, orders: str) -> GitRepo:
    repo.write("contractctl.yaml", CONFIG)
    for path, text in (("common/a", A), ("common/b", B), ("common/k", K), ("common/c", C)):
        repo.write(f"contracts/{path}.proto", text)
    repo.write("contracts/orders/value.proto", orders)
    repo.commit("v1")
    repo.write("contracts/common/a.proto", A.replace("int32 x", "string x"))
    repo.commit("a breaks, let through; nothing above it committed again")
    return repo


def _orders(results: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["severity"], f["rule"]) for f in results["orders-value"]["findings"]]


def _assert_the_bases_break(repo: GitRepo, rule: str, subject: str = "orders-value") -> None:
    """The change passes in every mode, and the old break is among the subject's findings, every one
    of them a warning."""
    for mode, (code, results) in change_modes(repo).items():
        found = [(f["severity"], f["rule"]) for f in results[subject]["findings"]]
        assert code == 0 and ("warning", rule) in found, (mode, found)
        assert {severity for severity, _ in found} == {"warning"}, (mode, found)


def test_a_break_two_references_below_is_the_bases(repo: GitRepo) -> None:
    """istio/api fb318b28d: a compatible change to b (reached through c) failed the untouched topic
    for a break in a, two references below it through k, that `check --all` at the base reported
    already; one reference below, the same break was a warning."""
    _repo(repo, ORDERS)
    repo.write("contracts/common/b.proto", B.replace("int32 z = 1;", "int32 z = 1; int32 w = 2;"))
    for mode, (code, results) in change_modes(repo).items():
        found = _orders(results)
        assert code == 0 and found and {s for s, _ in found} == {"warning"}, (mode, found)


def test_a_break_the_change_makes_two_references_below_is_an_error(repo: GitRepo) -> None:
    """The guard: the change breaks a further (its field 1 becomes a message's), two references
    below the topic; that break is the change's."""
    _repo(repo, ORDERS)
    repo.write("contracts/common/a.proto", A.replace("int32 x", "acme.common.A x"))
    for mode, (code, results) in change_modes(repo).items():
        assert code == 1 and ("error", "FIELD_KIND_CHANGED") in _orders(results), (mode, results)


def test_a_rename_below_leaves_the_bases_break_a_warning(repo: GitRepo) -> None:
    """opentelemetry-proto 99fc853 and 3c1985e: renaming the field the old break is on (compatible)
    changed the break's words, and it was reported as new."""
    _repo(repo, ORDERS_DIRECT)
    repo.write("contracts/common/a.proto", A.replace("int32 x", "string y"))
    _assert_the_bases_break(repo, "FIELD_SCALAR_KIND_CHANGED")


def test_a_type_change_within_the_wire_group_leaves_the_bases_break_a_warning(repo: GitRepo) -> None:
    """opentelemetry-proto 94a3638: the old break was a message field that became a scalar; the change
    moves that scalar within its wire group (int32 -> uint32), compatible."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write(
        "contracts/common/a.proto",
        A.replace("int32 x = 1;", "B x = 1;").replace("message A", "message B { int32 q = 1; }\nmessage A"),
    )
    repo.write("contracts/orders/value.proto", ORDERS_DIRECT)
    repo.commit("v1")
    repo.write("contracts/common/a.proto", A)
    repo.commit("a's field becomes an int32, let through")
    repo.write("contracts/common/a.proto", A.replace("int32 x", "uint32 x"))
    _assert_the_bases_break(repo, "FIELD_KIND_CHANGED")


def test_a_new_break_at_the_same_place_is_an_error(repo: GitRepo) -> None:
    """The guard: where the base's break was, the change makes another kind of break (the string
    field becomes a message): not the base's."""
    _repo(repo, ORDERS_DIRECT)
    repo.write(
        "contracts/common/a.proto",
        A.replace("int32 x = 1;", "Inner x = 1;").replace(
            "message A", "message Inner { int32 q = 1; }\nmessage A"
        ),
    )
    for mode, (code, results) in change_modes(repo).items():
        assert code == 1 and ("error", "FIELD_KIND_CHANGED") in _orders(results), (mode, results)


GOGO = (
    'syntax = "proto2";\npackage gogoproto;\nimport "google/protobuf/descriptor.proto";\n'
    "extend google.protobuf.FileOptions { optional bool equal_all = 63013; }\n"
)
FETCHED = (
    'syntax = "proto3";\npackage acme.orders;\nimport "gogoproto/gogo.proto";\n'
    "option (gogoproto.equal_all) = true;\nmessage Order { int32 amount = 1; }\n"
)
BUILT_HERE = FETCHED.replace('import "gogoproto/gogo.proto";\n', "").replace(
    "option (gogoproto.equal_all) = true;\n", ""
)  # the same contract without the import its build fetched


def test_an_earlier_version_importing_what_its_build_fetched_is_not_passed_over(repo: GitRepo) -> None:
    """istio/api's mcp files: their earlier versions import gogo.proto, which the repository never
    held (the build fetched it). They did not compile here, were passed over with a warning, and a
    change int32 -> string was compared with nothing: compatible, exit 0. The registry may hold such
    a version: the check cannot decide (exit 3) until the import is put in an include folder, and
    then the break is found."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/orders/value.proto", FETCHED)
    repo.commit("v1, built with gogo.proto fetched")
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nmessage Order { string amount = 1; }\n',
    )
    for mode, (code, results) in change_modes(repo).items():
        rules = [(f["rule"], f["kind"]) for f in results["orders-value"]["findings"]]
        assert code == 3 and rules == [("HISTORY_IMPORT_MISSING", "environment")], (mode, rules)
    repo.write("vendor/gogoproto/gogo.proto", GOGO)
    repo.write("contractctl.yaml", CONFIG + "protobuf: {include: [vendor]}\n")
    for mode, (code, results) in change_modes(repo).items():
        rules = [f["rule"] for f in results["orders-value"]["findings"]]
        assert code == 1 and rules == ["FIELD_SCALAR_KIND_CHANGED"], (mode, rules)


def test_an_earlier_version_that_never_compiled_is_still_passed_over(repo: GitRepo) -> None:
    """The guard: a version whose own text does not compile (no registry accepted it) is passed over
    with a warning, as before, and the one before it compared."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write(
        "contracts/orders/value.proto",
        BUILT_HERE,
    )
    repo.commit("v1")
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nmessage Order { int32 amount = 1 }\n',
    )
    repo.commit("v2, a missing semicolon")
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nmessage Order { int32 amount = 1; int32 more = 2; }\n',
    )
    for mode, (code, results) in change_modes(repo).items():
        rules = [f["rule"] for f in results["orders-value"]["findings"]]
        assert code == 0 and rules == ["HISTORY_UNPARSEABLE"], (mode, rules)


def test_a_break_below_a_contract_laid_out_as_the_base_commit_held_it_is_the_bases(repo: GitRepo) -> None:
    """istio/api fb318b28d: operator -> component -> kubernetes, component importing a vendored file
    (so the base's state is laid out as the base commit held it). kubernetes broke, let through;
    a compatible change to mesh (which operator also imports) failed operator for that old break:
    the base's layout took component as its version, whatever had moved below it, and stopped there."""
    repo.write("contractctl.yaml", CONFIG + "protobuf: {include: [vendor]}\n")
    repo.write("vendor/ext/types.proto", 'syntax = "proto3";\npackage ext;\nmessage T { int32 t = 1; }\n')
    repo.write("contracts/op/kube.proto", 'syntax = "proto3";\npackage op;\nmessage K { int32 x = 1; }\n')
    repo.write("contracts/op/mesh.proto", 'syntax = "proto3";\npackage op;\nmessage Mesh { int32 y = 1; }\n')
    repo.write(
        "contracts/op/component.proto",
        'syntax = "proto3";\npackage op;\nimport "op/kube.proto";\nimport "ext/types.proto";\n'
        "message Component { K k = 1; ext.T t = 2; }\n",
    )
    repo.write(
        "contracts/op/operator.proto",
        'syntax = "proto3";\npackage op;\nimport "op/component.proto";\nimport "op/mesh.proto";\n'
        "message Op { Component c = 1; Mesh m = 2; }\n",
    )
    repo.commit("v1")
    repo.write("contracts/op/kube.proto", 'syntax = "proto3";\npackage op;\nmessage K { string x = 1; }\n')
    repo.commit("kube breaks, let through")
    repo.write(
        "contracts/op/mesh.proto",
        'syntax = "proto3";\npackage op;\nmessage Mesh { int32 y = 1; int32 z = 2; }\n',
    )
    _assert_the_bases_break(repo, "FIELD_SCALAR_KIND_CHANGED", "op/operator.proto")


def test_publish_registers_nothing_of_a_subject_whose_version_imports_what_its_build_fetched(
    repo: GitRepo, registry_double: Any
) -> None:
    """The same definition of the subject's versions as the check: publish left such a version out
    with a warning and registered the next one as the registry's version 1, unlike git."""
    fast = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
    repo.write("contractctl.yaml", CONFIG + 'registries:\n  aws: {url: "${AWS_URL}", ' + fast + "}\n")
    repo.write("contracts/orders/value.proto", FETCHED)
    repo.commit("v1, built with gogo.proto fetched")
    repo.write(
        "contracts/orders/value.proto",
        BUILT_HERE.replace("int32 amount = 1;", "int32 amount = 1; int32 more = 2;"),
    )
    repo.commit("v2")
    result = repo.run(
        "publish", "--registry", "aws", "--format", "json", env={"AWS_URL": registry_double.url}
    )
    assert result.code == 3 and "HISTORY_IMPORT_MISSING" in result.stdout, result.output
    registered = [
        r for r in registry_double.requests if r.method == "POST" and r.decoded_path.endswith("/versions")
    ]
    assert registered == []
