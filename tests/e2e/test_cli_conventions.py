"""Command-line conventions through the installed console script: colour, suggestions, quiet mode,
required options, and paths relative to where the command runs."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GitRepo, cli_env, contractctl_command, record, run_cli

V1 = record("OrderPlaced", [{"name": "id", "type": "string"}])
BREAKING = record("OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "long"}])
ESCAPE = "\x1b["


def compat_files(directory: Path) -> list[str]:
    (directory / "v1.avsc").write_text(json.dumps(V1))
    return ["compat", "--previous", "v1.avsc", "v1.avsc"]


@pytest.mark.parametrize(
    ("env", "flags", "coloured"),
    [
        ({"NO_COLOR": "", "FORCE_COLOR": "1"}, [], True),  # an empty NO_COLOR is unset
        ({"NO_COLOR": "", "FORCE_COLOR": ""}, [], False),  # an empty FORCE_COLOR too; a pipe: none
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),  # NO_COLOR first, as CPython does
        ({"NO_COLOR": "1"}, ["--color", "always"], True),  # the command line beats the environment
        ({"NO_COLOR": "", "FORCE_COLOR": "1"}, ["--color", "never"], False),
        ({"NO_COLOR": "", "FORCE_COLOR": "1"}, ["--no-color"], False),
    ],
)
def test_colour_follows_the_environment_and_flags(
    tmp_path: Path, env: dict[str, str], flags: list[str], coloured: bool
) -> None:
    result = run_cli(*compat_files(tmp_path), *flags, cwd=tmp_path, env=env)
    assert result.code == 0, result.output
    assert (ESCAPE in result.stdout) is coloured
    assert "ok" in result.stdout


def run_on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """The CLI with its stdout on a pseudo-terminal, as a person sees it; returns what it printed."""
    main, secondary = pty.openpty()
    full_env = cli_env(cwd, env)
    full_env.pop("FORCE_COLOR", None)
    with subprocess.Popen(
        [*contractctl_command(), *args], cwd=cwd, env=full_env, stdout=secondary, stderr=subprocess.PIPE
    ) as process:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode()


def test_empty_no_color_keeps_colour_on_a_terminal(tmp_path: Path) -> None:
    args = compat_files(tmp_path)
    assert ESCAPE in run_on_terminal(args, tmp_path, {"NO_COLOR": ""})
    assert ESCAPE not in run_on_terminal(args, tmp_path, {"NO_COLOR": "1"})


def test_mistyped_command_gets_a_suggestion(tmp_path: Path) -> None:
    result = run_cli("chek", cwd=tmp_path)
    assert result.code == 2
    assert "No such command 'chek'. Did you mean 'check'?" in result.stderr
    far = run_cli("frobnicate", cwd=tmp_path)
    assert far.code == 2 and "No such command 'frobnicate'." in far.stderr
    assert "Did you mean" not in far.stderr


def test_required_registry_is_marked_in_help_and_enforced(repo: GitRepo) -> None:
    for command in ("publish", "can-deploy"):
        help_text = " ".join(repo.run(command, "--help").stdout.split())
        assert "--registry NAME A registry from contractctl.yaml (repeatable). [required]" in help_text
    assert "[required]" not in repo.run("status", "--help").stdout
    missing = repo.run("publish")
    assert missing.code == 2 and "Missing option '--registry'" in missing.stderr


def breaking_branch(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", V1)
    repo.write("contracts/users/value.avsc", record("User", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    repo.write("contracts/orders/value.avsc", BREAKING)
    repo.write(
        "contracts/users/value.avsc",
        record("User", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}]),
    )


def test_quiet_prints_only_the_failures(repo: GitRepo) -> None:
    breaking_branch(repo)
    default = repo.run("check")
    assert default.code == 1
    assert "ok [users-value]" in default.stdout and "failed:" in default.stdout
    quiet = repo.run("check", "-q")
    assert quiet.code == 1
    lines = quiet.stdout.splitlines()
    assert lines[0].startswith("contracts/orders/value.avsc:") and "error READER_FIELD" in lines[0]
    assert all(line.startswith("    hint:") for line in lines[1:])  # no passed subject, no verdict line


def test_paths_relative_to_a_subdirectory(repo: GitRepo) -> None:
    breaking_branch(repo)
    inside = repo.root / "contracts" / "orders"
    text = run_cli("check", cwd=inside)
    assert text.code == 1
    assert text.stdout.startswith("value.avsc:10:5: error")
    assert "../users/value.avsc: ok [users-value]" in text.stdout
    markdown = run_cli("check", "--format", "markdown", cwd=inside)
    assert "`../users/value.avsc`" in markdown.stdout
    # machine formats and GitHub's annotations keep repository-relative paths
    files = {
        f["file"]
        for r in run_cli("check", "--format", "json", cwd=inside).json()["results"]
        for f in r["findings"]
    }
    assert files == {"contracts/orders/value.avsc"}
    github = run_cli("check", "--format", "github", cwd=inside)
    assert "file=contracts/orders/value.avsc," in github.stdout
    sarif = json.loads(run_cli("check", "--format", "sarif", cwd=inside).stdout)
    [location] = sarif["runs"][0]["results"][0]["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "contracts/orders/value.avsc"
    # at the top, nothing changes
    assert repo.run("check").stdout.startswith("contracts/orders/value.avsc:10:5: error")


def annotation(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("::error "))


def test_github_annotations_carry_where_the_element_ends(repo: GitRepo) -> None:
    breaking_branch(repo)  # the new Avro field spans lines 10-13 (json.dumps with indent=2)
    avro = annotation(repo.run("check", "--format", "github").stdout)
    assert "file=contracts/orders/value.avsc,line=10,endLine=13,col=5,title=" in avro  # no column range
    repo.commit("v2")
    repo.write(
        "contracts/ship/value.proto", 'syntax = "proto3";\npackage s;\nmessage S {\n  int32 n = 1;\n}\n'
    )
    repo.commit("proto v1")
    repo.write(
        "contracts/ship/value.proto", 'syntax = "proto3";\npackage s;\nmessage S {\n  string n = 1;\n}\n'
    )
    proto = annotation(repo.run("check", "--format", "github").stdout)
    assert "file=contracts/ship/value.proto,line=4,endLine=4,col=3,endColumn=15," in proto
    [finding] = repo.run("check", "--format", "json").json()["results"][0]["findings"]
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (4, 3, 4, 15)
