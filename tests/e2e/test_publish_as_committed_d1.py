"""publish numbers versions as check does (audit D1 and W4).

Under record naming a file's subject is its first message, so an import path can hold another subject
at an earlier version's commit. `check` compares such a version laid out as its commit held its
imports; publish parsed it only with its references as the versions model resolves them, found it
did not compile, left it out ("does not parse today") and registered git's version 2 as the
registry's version 1, which `status` called in sync and `can-deploy --version 1` refused. The version
compiled at its commit and references a subject of that time: publish registers it with that
reference, or refuses it by name (REFERENCE_NOT_PUBLISHABLE) and writes nothing. Real CLI, real
repository, the project's registry double over loopback HTTP.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

from tests.conftest import GitRepo, record

FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
CONFIG = (
    "version: 1\ndefaults: {compatibility: BACKWARD, subject_strategy: record}\n"
    'registries:\n  reg: {url: "${URL}", ' + FAST + "}\n"
)
B_OLD = 'syntax = "proto3";\npackage t;\nmessage Old { string x = 1; }\n'
B_NEW = 'syntax = "proto3";\npackage t;\nmessage New { string x = 1; }\n'
A_V1 = 'syntax = "proto3";\npackage t;\nimport "b.proto";\nmessage A { Old o = 1; string id = 2; }\n'
A_V2 = 'syntax = "proto3";\npackage t;\nmessage A { string id = 2; }\n'


def _renamed_reference(repo: GitRepo) -> None:
    """t.A's version 1 uses t.Old from b.proto; then b.proto's first message is renamed (its subject
    is t.New now) and t.A drops the field that used Old."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/b.proto", B_OLD)
    repo.write("contracts/a.proto", A_V1)
    repo.commit("v1: A uses Old")
    repo.write("contracts/b.proto", B_NEW)
    repo.write("contracts/a.proto", A_V2)
    repo.commit("Old renamed New; A drops the field")


def _get(url: str, path: str) -> Any:
    """The registry double's answer over HTTP (loopback), or None for a 404."""
    try:
        with urllib.request.urlopen(f"{url}{path}", timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def _versions(url: str, subject: str) -> Any:
    return _get(url, f"/subjects/{urllib.parse.quote(subject, safe='')}/versions")


def _rules(result: Any) -> list[tuple[str, str]]:
    answer = result.json()
    every = answer["findings"] + [f for r in answer["results"] for f in r["findings"]]
    return [(f["rule"], f["message"]) for f in every]


def test_a_version_check_compares_is_refused_by_name_not_left_out(
    repo: GitRepo, registry_double: Any
) -> None:
    """check compares t.A's version 1 (laid out as committed); publish must not drop it and register
    version 2 as the registry's version 1: its reference is t.Old, which no contract at HEAD is and
    the registry does not hold, so publish refuses by name and writes nothing."""
    _renamed_reference(repo)
    env = {"URL": registry_double.url}
    check = repo.run("check", "--all", "--format", "json")
    assert check.code == 0, check.output
    assert "HISTORY_UNPARSEABLE" not in check.output  # check compares version 1

    for extra in (("--dry-run",), ()):
        published = repo.run("publish", "--registry", "reg", "--format", "json", *extra, env=env)
        rules = _rules(published)
        assert published.code == 1, published.output
        assert "HISTORY_UNPARSEABLE" not in [rule for rule, _ in rules], published.output
        (refusal,) = [message for rule, message in rules if rule == "REFERENCE_NOT_PUBLISHABLE"]
        assert "git version 1" in refusal and "t.A" in refusal and "t.Old" in refusal, refusal
        verdicts = {r["subject"]: r["verdict"] for r in published.json()["results"]}
        assert verdicts["t.A"] == "refused", published.output
    assert _get(registry_double.url, "/subjects") == []  # nothing registered, no level set

    status = repo.run("status", "--registry", "reg", "--format", "json", env=env)
    verdicts = {r["subject"]: r["verdict"] for r in status.json()["results"]}
    assert verdicts["t.A"] != "in sync", status.output


def test_publishing_the_commit_that_held_the_reference_first_keeps_git_numbers(
    repo: GitRepo, registry_double: Any
) -> None:
    """The cure the refusal names: publish at the commit that still held t.Old registers it and t.A's
    version 1; then publish at HEAD registers git's version 2 as the registry's version 2, with
    version 1 referencing t.Old, and can-deploy finds both by git's numbers."""
    _renamed_reference(repo)
    env = {"URL": registry_double.url}
    first = repo.run("publish", "--registry", "reg", "--ref", "HEAD~1", env=env)
    assert first.code == 0, first.output
    second = repo.run("publish", "--registry", "reg", "--format", "json", env=env)
    assert second.code == 0, second.output
    assert "HISTORY_UNPARSEABLE" not in second.output
    assert _versions(registry_double.url, "t.A") == [1, 2]
    v1 = _get(registry_double.url, "/subjects/t.A/versions/1")
    assert v1["references"] == [{"name": "b.proto", "subject": "t.Old", "version": 1}], v1
    assert "Old o = 1" in v1["schema"]
    v2 = _get(registry_double.url, "/subjects/t.A/versions/2")
    assert "Old" not in v2["schema"] and v2.get("references", []) == [], v2
    deploy = ("can-deploy", "--subject", "t.A", "--registry", "reg", "--version")
    for number in ("1", "2"):
        answer = repo.run(*deploy, number, env=env)
        assert answer.code == 0, (number, answer.output)
    status = repo.run("status", "--registry", "reg", "--format", "json", env=env)
    verdicts = {r["subject"]: r["verdict"] for r in status.json()["results"]}
    assert verdicts["t.A"] == "in sync", status.output


# Confluent parses a version it holds without the default check a new schema gets
# (tests/e2e/test_avro_as_registry_parses_e2e.py): check compares this one, a registry refuses it anew
# (the registry double does not check defaults, so it can hold it, as a registry of long ago did).
LENIENT_ONLY = record("Order", [{"name": "a", "type": "int", "default": "x"}])
STRICT_V2 = record("Order", [{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": ""}])
AVRO_CONFIG = (
    'version: 1\ndefaults: {compatibility: NONE}\nregistries:\n  reg: {url: "${URL}", ' + FAST + "}\n"
)


def _registered_long_ago(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", AVRO_CONFIG)
    repo.write("contracts/orders/value.avsc", LENIENT_ONLY)
    repo.commit("v1, registered long ago")
    repo.write("contracts/orders/value.avsc", STRICT_V2)
    repo.commit("v2")


def test_a_version_only_a_registry_that_holds_it_parses_keeps_git_numbers(
    repo: GitRepo, registry_double: Any
) -> None:
    """Git version 1 parses only as a registry parses a version it holds. check compares it; publish
    left it out (HISTORY_UNPARSEABLE) and registered version 2 as the registry's version 1. Now a
    registry lacking it gets nothing (HISTORY_NOT_PUBLISHABLE, exit 2), and one holding it gets
    version 2 as its version 2."""
    _registered_long_ago(repo)
    env = {"URL": registry_double.url}
    check = repo.run("check", "--all", "--format", "json")
    assert check.code == 0 and "HISTORY_UNPARSEABLE" not in check.output, check.output
    refused = repo.run("publish", "--registry", "reg", "--format", "json", env=env)
    assert refused.code == 2, refused.output
    rules = _rules(refused)
    assert "HISTORY_UNPARSEABLE" not in [rule for rule, _ in rules], refused.output
    (refusal,) = [message for rule, message in rules if rule == "HISTORY_NOT_PUBLISHABLE"]
    assert "git version 1" in refusal and "orders-value" in refusal and "reg" in refusal, refusal
    assert _get(registry_double.url, "/subjects") == []  # nothing, not even the level
    # status names the version missing, and not publish as the cure: publish just refused it (W-d)
    status = repo.run("status", "--registry", "reg", "--format", "json", env=env)
    (missing,) = [
        f for r in status.json()["results"] for f in r["findings"] if "git version 1" in f["message"]
    ]
    assert (
        "refuse it as a new schema" in missing["hint"] and "Run `contractctl publish`" not in missing["hint"]
    )

    registry_double.store.register("orders-value", json.dumps(LENIENT_ONLY))  # as registered long ago
    published = repo.run("publish", "--registry", "reg", "--format", "json", env=env)
    assert published.code == 0, published.output
    assert _versions(registry_double.url, "orders-value") == [1, 2]
    assert "b" in _get(registry_double.url, "/subjects/orders-value/versions/2")["schema"]
    for number in ("1", "2"):
        deploy = ("can-deploy", "--subject", "orders-value", "--registry", "reg", "--version", number)
        answer = repo.run(*deploy, env=env)
        assert answer.code == 0, (number, answer.output)


def _never_compiled(repo: GitRepo) -> None:
    """t.A's only version uses t.B's X, which b.proto gained only later: that version never compiled
    (no registry holds it), and a change below it makes no new version of t.A."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/b.proto", 'syntax = "proto3";\npackage t;\nmessage B { string x = 1; }\n')
    repo.write(
        "contracts/a.proto", 'syntax = "proto3";\npackage t;\nimport "b.proto";\nmessage A { X x = 1; }\n'
    )
    repo.commit("A uses X, which nobody defines yet")
    repo.write(
        "contracts/b.proto", 'syntax = "proto3";\npackage t;\nmessage B { string x = 1; }\nmessage X { }\n'
    )
    repo.commit("B's file defines X")


def test_a_subject_with_no_publishable_version_is_not_up_to_date(repo: GitRepo, registry_double: Any) -> None:
    """Audit W4: every git version of t.A is left out and the registry holds none of it; publish said
    `up to date` with exit 0 (a release job that registered nothing of it passed) and status `in
    sync`. Publish says nothing of it can be registered, and why, and fails."""
    _never_compiled(repo)
    env = {"URL": registry_double.url}
    for extra in (("--dry-run",), ()):
        published = repo.run("publish", "--registry", "reg", "--format", "json", *extra, env=env)
        assert published.code == 2, published.output
        (t_a,) = [r for r in published.json()["results"] if r["subject"] == "t.A"]
        assert t_a["verdict"] == "nothing publishable", published.output
        (finding,) = [f for f in t_a["findings"] if f["rule"] == "NOTHING_PUBLISHABLE"]
        assert "git version 1" in finding["message"] and "reg" in finding["message"], finding
        assert finding["severity"] == "error", finding
    text = repo.run("publish", "--registry", "reg", env=env)
    assert text.code == 2 and "ok [t.A" not in text.output, text.output
    assert "error NOTHING_PUBLISHABLE [t.A @ registry reg]" in text.output, text.output
    assert _versions(registry_double.url, "t.A") is None  # nothing registered for it
    assert _versions(registry_double.url, "t.B") == [1, 2]  # the other subject is published
    status = repo.run("status", "--registry", "reg", "--format", "json", env=env)
    (t_a,) = [r for r in status.json()["results"] if r["subject"] == "t.A"]
    assert t_a["verdict"] == "drift", status.output
    assert [f["rule"] for f in t_a["findings"]] == ["NOTHING_PUBLISHABLE"], status.output


def test_a_reference_to_a_version_refused_itself_is_named_so(repo: GitRepo, registry_double: Any) -> None:
    """Audit 26 N4: envoy's publish gave 199 REFERENCE_NOT_PUBLISHABLE, 194 of them for a reference to
    a version git has and publish refused itself, each saying "no contract in git has it as a
    version" and pointing at `--ref`, which cannot help. z.proto imports a.proto's refused version 1."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/b.proto", B_OLD)
    repo.write("contracts/a.proto", A_V1)
    repo.write(
        "contracts/z.proto", 'syntax = "proto3";\npackage t;\nimport "a.proto";\nmessage Z { A a = 1; }\n'
    )
    repo.commit("v1: A uses Old, Z uses A")
    repo.write("contracts/b.proto", B_NEW)
    repo.write("contracts/a.proto", A_V2)
    repo.commit("Old renamed New; A drops the field")
    published = repo.run("publish", "--registry", "reg", "--format", "json", env={"URL": registry_double.url})
    assert published.code == 1, published.output
    refusals = {
        f["subject"]: f
        for r in published.json()["results"]
        for f in r["findings"]
        if f["rule"] == "REFERENCE_NOT_PUBLISHABLE"
    }
    assert set(refusals) == {"t.A", "t.Z"}, published.output
    assert "t.Old" in refusals["t.A"]["message"] and "--ref" in refusals["t.A"]["hint"]
    cascade = refusals["t.Z"]
    assert "git version 1" in cascade["message"] and "of t.A" in cascade["message"], cascade
    assert "cannot register either" in cascade["message"] and "no contract in git" not in cascade["message"]
    assert "--ref" not in cascade["hint"] and "t.A" in cascade["hint"]
    assert _get(registry_double.url, "/subjects") == []
