"""Round 16's red-team audit from the outside: defects the hostile-input corpora did not cover yet.

Each test runs the installed CLI, as a user runs it, in a real temporary repository, against the
registry double on loopback where a registry is involved:

* a 2xx answer without a JSON body (empty, ``null``, 204) where the client reads "no body" as "not
  found": the compatibility test passed, can-deploy said "not registered" (the gate must fail closed:
  exit 3 naming the registry);
* an integer too long for Python's ``int()`` (more than 4300 digits) in a contract, an example or
  contractctl.yaml: an internal error (exit 3) instead of bad input (exit 2) at its line;
* a registry's text (a compatibility message, a subject name it lists, an error message) carrying
  CR/LF or escape sequences: the text output started a line of the registry's choosing (a forged
  ``::error::`` workflow command in a CI log) and passed terminal escapes through;
* a repository's contractctl.yaml that is no regular file: a FIFO hung the run, a looping link was an
  internal error, a dangling link or a directory silently meant "no config" (the defaults);
  ``--config /dev/zero`` read without end;
* an inline secret's variable used in another key of its registry (``context``): the error quoted it
  before the secret was registered for masking;
* ``.git/contractctl`` made a symlink to a folder elsewhere: kept files were written (and old ones
  pruned) there; a kept file that is a FIFO or a link to /dev/zero blocked the run or exhausted memory.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GitRepo, Result, cli_env, contractctl_command, record
from tests.registry_double import RegistryDouble

V1 = record("OrderPlaced", [{"name": "id", "type": "string"}])
V2 = record("OrderPlaced", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}])
FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {request: 5, command: 20}"
CONFIG = f"""version: 1
defaults: {{compatibility: BACKWARD}}
registries:
  aws: {{url: "${{AWS_URL}}", {FAST}}}
"""
PROTO = 'syntax = "proto3";\npackage acme.shipping.v1;\nmessage Shipped { string id = 1; }\n'
LONG = "9" * 5000  # past sys.get_int_max_str_digits() (4300)


def changed(repo: GitRepo, config: str = CONFIG) -> None:
    """v1 committed on main, a compatible v2 in the working tree of a feature branch."""
    repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", V2)


def seeded(double: RegistryDouble) -> RegistryDouble:
    double.store.set_config("orders-value", "BACKWARD")
    double.store.register("orders-value", json.dumps(V1))
    return double


def run_limited(repo: GitRepo, *args: str) -> Result:
    """The CLI in a child with a 1 GiB address-space limit: a read without end is a failure of this
    test, never a dead machine (as in test_hostile_paths' alias bomb)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    completed = subprocess.run(
        [*contractctl_command(), *args],
        cwd=repo.root,
        env=cli_env(repo.root),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def no_internal_error(output: str) -> None:
    assert "internal error" not in output and "Traceback" not in output, output


# -- a 2xx without a body is no answer -----------------------------------------------------------------

EMPTY_ANSWERS = {"empty 200": (200, b""), "null 200": (200, b"null"), "204": (204, b"")}


@pytest.mark.parametrize("answer", EMPTY_ANSWERS, ids=list(EMPTY_ANSWERS))
def test_a_compatibility_answer_without_a_body_fails_closed(
    repo: GitRepo, registry_double: RegistryDouble, answer: str
) -> None:
    changed(repo)
    status, body = EMPTY_ANSWERS[answer]
    seeded(registry_double).faults.fail_next(100, status=status, body=body, path_prefix="/compatibility")
    result = repo.run("check", "--registry", "aws", "--format", "json", env={"AWS_URL": registry_double.url})
    no_internal_error(result.output)
    assert result.code == 3, result.output  # was 0: "compatible under BACKWARD" from no answer at all
    verdicts = {r["registry"]: r["verdict"] for r in result.json()["results"]}
    assert verdicts["aws"] != "compatible", verdicts
    assert "registry aws" in result.output


def test_a_lookup_answered_with_null_is_no_not_registered(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    changed(repo)
    repo.commit("v2")
    seeded(registry_double).faults.fail_next(
        100, status=200, body=b"null", path_prefix="/subjects/orders-value"
    )
    result = repo.run(
        "can-deploy",
        "--subject",
        "orders-value",
        "--schema",
        "contracts/orders/value.avsc",
        "--registry",
        "aws",
        env={"AWS_URL": registry_double.url},
    )
    no_internal_error(result.output)
    assert result.code == 3, result.output  # was 1, NOT_REGISTERED: a verdict from garbage
    assert "registry aws" in result.output and "NOT_REGISTERED" not in result.output


# -- integers too long for int() -----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["avro contract", "json schema contract", "example", "config"])
def test_an_integer_too_long_to_read_is_bad_input(repo: GitRepo, where: str) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    if where == "avro contract":
        field = {"name": "n", "type": "long", "default": 0}
        text = json.dumps(record("OrderPlaced", [{"name": "id", "type": "string"}, field]))
        repo.write("contracts/orders/value.avsc", text.replace('"default": 0', f'"default": {LONG}'))
        target = "contracts/orders/value.avsc"
    elif where == "json schema contract":
        repo.write("contracts/users/value.json", '{"type": "integer", "maximum": ' + LONG + "}")
        target = "contracts/users/value.json"
    elif where == "example":
        repo.write("contracts/orders/examples/big.json", '{"id": ' + LONG + "}")
        target = "contracts/orders/examples/big.json"
    else:
        repo.write("contractctl.yaml", f"version: 1\nlint: {{max: {LONG}}}\n")
        target = "contractctl.yaml"
    result = repo.run("check", "--all")
    no_internal_error(result.output)
    assert result.code == 2, result.output  # was 3: "internal error: ValueError: Exceeds the limit"
    assert target in result.output and "number too long" in result.output, result.output
    assert LONG not in result.output


# -- a registry's text never controls the lines or the terminal ----------------------------------------

FORGED = "bad\r\n::error::forged by the registry\x1b]8;;http://evil.invalid\x07link\x1b]8;;\x07\x1b[2J"


def forged_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("::error::forged")]


def test_control_characters_in_a_compatibility_message_are_escaped(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    changed(repo)
    answer = {"is_compatible": False, "messages": [FORGED]}
    seeded(registry_double).faults.fail_next(100, status=200, body=answer, path_prefix="/compatibility")
    result = repo.run("check", "--registry", "aws", env={"AWS_URL": registry_double.url})
    assert result.code == 1, result.output
    assert "forged by the registry" in result.output  # the message is shown, escaped
    assert not forged_lines(result.output), result.output
    assert "\x1b" not in result.output and "\x07" not in result.output, repr(result.output)


def test_control_characters_in_a_registry_error_message_are_escaped(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    changed(repo)
    body = {"error_code": 42201, "message": FORGED}
    seeded(registry_double).faults.fail_next(100, status=422, body=body, path_prefix="/compatibility")
    result = repo.run("check", "--registry", "aws", env={"AWS_URL": registry_double.url})
    assert result.code == 2, result.output
    assert "forged by the registry" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output, repr(result.output)


def test_a_subject_name_a_registry_lists_cannot_start_a_line(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    changed(repo)
    repo.commit("v2")
    seeded(registry_double).store.register(f"evil{FORGED}-value", json.dumps(V1))
    result = repo.run("status", "--registry", "aws", env={"AWS_URL": registry_double.url})
    assert result.code == 0, result.output
    assert "REGISTRY_ONLY_SUBJECT" in result.output
    assert not forged_lines(result.output), result.output
    assert "\x1b" not in result.output and "\x07" not in result.output, repr(result.output)


# -- the repository's contractctl.yaml is a regular file or an error -----------------------------------

NOT_A_FILE = ["fifo", "directory", "dangling link", "looping link"]


@pytest.mark.parametrize("kind", NOT_A_FILE)
def test_a_config_that_is_not_a_regular_file_is_exit_2(repo: GitRepo, kind: str) -> None:
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: FULL}\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    config = repo.root / "contractctl.yaml"
    config.unlink()
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "directory":
        config.mkdir()
    elif kind == "dangling link":
        repo.link("contractctl.yaml", "config/contractctl.yaml")
    else:
        repo.link("contractctl.yaml", "contractctl.yaml")
    result = repo.run("check", "--all")  # run_cli's timeout fails a run that blocks on the FIFO
    no_internal_error(result.output)
    # was: a hang (FIFO), an internal error (loop), or a pass under the defaults (the others)
    assert result.code == 2, result.output
    assert "contractctl.yaml" in result.output and "passed" not in result.output, result.output


@pytest.mark.parametrize("named", ["/dev/zero", "loop.yaml"])
def test_a_config_named_with_config_is_read_bounded(repo: GitRepo, named: str) -> None:
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    repo.link("loop.yaml", "loop.yaml")
    result = run_limited(repo, "check", "--all", "--config", named)
    no_internal_error(result.output)  # was: MemoryError (/dev/zero), RuntimeError (loop)
    assert result.code == 2, result.output
    assert named in result.output


# -- secrets used in another key -----------------------------------------------------------------------

SECRET = "pa:ss/w+rd%Secret-41"


def test_a_secret_variable_used_in_another_registry_key_is_masked(repo: GitRepo) -> None:
    repo.write(
        "contractctl.yaml",
        """version: 1
registries:
  aws:
    url: "http://127.0.0.1:9"
    context: "${AWS_SECRET}"
    auth: {basic: {username: "${AWS_KEY}", password: "${AWS_SECRET}"}}
""",
    )
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    for args in (("status", "--registry", "aws"), ("status", "--registry", "aws", "--format", "json")):
        result = repo.run(*args, env={"AWS_KEY": "SR-KEY-7", "AWS_SECRET": SECRET})
        no_internal_error(result.output)
        assert result.code == 2, result.output
        assert "registries.aws.context" in result.output
        assert SECRET not in result.output and "Secret-41" not in result.output, result.output
        assert "pa:ss" not in result.output and "***" in result.output, result.output


# -- .git/contractctl ------------------------------------------------------------------------------------


def test_nothing_is_kept_through_a_git_contractctl_link_leading_elsewhere(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.write("contracts/shipping/value.proto", PROTO)
    repo.commit("base")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / ".git" / "contractctl").symlink_to(elsewhere)
    repo.write("contracts/orders/value.avsc", V2)
    for args in (("check",), ("check", "--staged")):
        result = repo.run(*args)
        assert result.code == 0, result.output
    assert not list(elsewhere.iterdir())  # was: config-*, outlines-* written through the link


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_kept_file_that_is_not_a_regular_file_is_not_read(repo: GitRepo, kind: str) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    assert repo.run("check", "--all").code == 0
    kept = sorted((repo.root / ".git" / "contractctl").glob("config-*"))
    assert kept
    for file in kept:
        file.unlink()
        if kind == "fifo":
            os.mkfifo(file)
        else:
            file.symlink_to("/dev/zero")
    result = run_limited(repo, "check", "--all")  # was: blocked forever (FIFO) or MemoryError (/dev/zero)
    no_internal_error(result.output)
    assert result.code == 0, result.output
