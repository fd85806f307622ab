"""Round 25: a Protobuf contract changed only in its comments is the schema the registry holds.

Confluent's registry looks a Protobuf schema up by ``ProtobufSchema.canonicalString()``, which the
parser builds without comments and prints in its own layout, so a comment-only commit needs no new
version (contractctl publishes none) and ``can-deploy --schema`` of the new text finds the version
published before. The double used to compare raw text and answered NOT_REGISTERED. Real CLI, real
repository, the loopback registry double.
"""

from __future__ import annotations

from tests.conftest import GitRepo
from tests.registry_double import RegistryDouble

CONFIG = """version: 1
contracts: {root: contracts}
defaults: {compatibility: BACKWARD}
registries:
  main: {url: "${REGISTRY_URL}", retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}}
"""
SUBJECT = "orders-value"
FILE = "contracts/orders/value.proto"
ORDER = """syntax = "proto3";
package acme.orders;

// An order as the shop places it.
message Order {
  string id = 1; // the shop's id
  int64 total_cents = 2;
}
"""
ORDER_COMMENTED = """syntax = "proto3";
package acme.orders;

/* An order as the shop places it,
 * and as the warehouse reads it. */
message Order {
    // The shop's id, unique per shop.
    string id = 1;
    int64 total_cents = 2;  // in the order's currency
}
"""
ORDER_WITH_NOTE = ORDER_COMMENTED.replace(
    "    int64 total_cents = 2;  // in the order's currency\n",
    "    int64 total_cents = 2;  // in the order's currency\n    string note = 3;\n",
)


def _published(repo: GitRepo, double: RegistryDouble) -> dict[str, str]:
    env = {"REGISTRY_URL": double.url}
    repo.write("contractctl.yaml", CONFIG)
    repo.write(FILE, ORDER)
    repo.commit("orders v1")
    published = repo.run("publish", "--registry", "main", env=env)
    assert published.code == 0, published.output
    assert [v.version for v in double.store.versions_of(SUBJECT)] == [1]
    return env


def _can_deploy(repo: GitRepo, env: dict[str, str]) -> tuple[int, str]:
    args = ("can-deploy", "--subject", SUBJECT, "--schema", FILE, "--registry", "main", "--format", "json")
    result = repo.run(*args, env=env)
    return result.code, result.output


def test_a_comment_only_commit_is_still_deployable(repo: GitRepo, registry_double: RegistryDouble) -> None:
    env = _published(repo, registry_double)
    repo.write(FILE, ORDER_COMMENTED)
    repo.commit("orders: comments only")
    # publish registers nothing new: the registry holds this schema already
    again = repo.run("publish", "--registry", "main", env=env)
    assert again.code == 0, again.output
    assert [v.version for v in registry_double.store.versions_of(SUBJECT)] == [1]
    code, output = _can_deploy(repo, env)
    assert code == 0, output
    assert "NOT_REGISTERED" not in output


def test_a_new_field_is_still_not_registered(repo: GitRepo, registry_double: RegistryDouble) -> None:
    env = _published(repo, registry_double)
    repo.write(FILE, ORDER_WITH_NOTE)
    repo.commit("orders: a note")
    code, output = _can_deploy(repo, env)
    assert code == 1, output
    assert "NOT_REGISTERED" in output
