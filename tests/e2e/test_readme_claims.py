"""What the README promises about the command line, checked against the real CLI: the `compat`
examples run exactly as written, the options every command takes, and what `-v` adds."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from contractctl.cli.main import COMMANDS, cli
from tests.conftest import GitRepo, record, run_cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REPORT_OPTIONS = {"--format", "--output", "--no-color", "--quiet", "--verbose"}


def _readme_command_lines(program: str) -> list[list[str]]:
    """Every `contractctl <program> ...` line of the README's bash blocks, continuations joined."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line)
            if words[:2] == ["contractctl", program]:
                commands.append(words[1:])
    return commands


@pytest.mark.parametrize("words", _readme_command_lines("compat"), ids=lambda w: w[2])
def test_the_readme_compat_examples_run_as_written(words: list[str]) -> None:
    for word in words:
        if word.endswith((".proto", ".avsc")):
            assert (ROOT / word).is_file(), f"the README names {word}, which does not exist"
    result = run_cli(*words, cwd=ROOT)
    assert result.code == 0, result.output
    assert "passed: 1 subject checked (1 compatible)" in result.stdout


def test_the_readme_has_compat_examples_for_both_formats() -> None:
    assert {words[2] for words in _readme_command_lines("compat")} == {"avro", "protobuf"}


def _commands() -> dict[str, click.Command]:
    context = click.Context(cli)
    found: dict[str, click.Command] = {}
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            found.update({f"{name} {sub}": command.commands[sub] for sub in command.commands})
        else:
            found[name] = command
    return found


def _options(command: click.Command) -> set[str]:
    return {option for param in command.params for option in getattr(param, "opts", [])} | {
        option for param in command.params for option in getattr(param, "secondary_opts", [])
    }


def test_the_options_every_command_takes_are_as_the_readme_says() -> None:
    claim = re.search(r"The commands that\s+report findings \((.*?)\) also take", README, re.DOTALL)
    assert claim, "the README's sentence about shared options moved: keep this test in step"
    named = set(re.findall(r"`([a-z -]+)`", claim.group(1)))
    commands = _commands()
    with_reports = {name for name, command in commands.items() if _options(command) >= REPORT_OPTIONS}
    assert with_reports == named
    assert set(commands) - named == {"changelog", "init"}
    for name, command in commands.items():
        assert {"-v", "--verbose"} <= _options(command), name
        if name in named:
            assert {"-q", "--no-color"} <= _options(command), name
    assert "--output" in _options(commands["changelog"])


def test_verbose_names_the_known_refs_for_an_unknown_one(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    repo.git("tag", "v1.0")
    plain = repo.run("check", "--against", "nope")
    detailed = repo.run("check", "--against", "nope", "-v")
    assert plain.code == detailed.code == 3
    assert "refs here" not in plain.stderr
    assert "refs here (newest first): " in detailed.stderr and "main" in detailed.stderr, detailed.stderr
    assert "v1.0" in detailed.stderr
    changelog = repo.run("changelog", "--from", "nope", "-v")
    assert changelog.code == 3 and "v1.0" in changelog.stderr, changelog.output


def test_verbose_shows_the_line_of_bad_json(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", '{\n  "type": "record",, "name": "Order"\n}\n')
    plain = repo.run("check")
    detailed = repo.run("check", "-v")
    assert plain.code == detailed.code == 2
    excerpt = '    2 |   "type": "record",, "name": "Order"\n      |                    ^'  # column 20
    indented = "\n".join(f"    {line}" for line in excerpt.splitlines())  # under the finding's line
    assert indented in detailed.stdout, detailed.stdout
    assert '"type": "record",,' not in plain.stdout
    as_json = repo.run("check", "-v", "--format", "json").json()
    [finding] = [f for r in as_json["results"] for f in r["findings"]] + as_json["findings"]
    assert finding["detail"] == excerpt
    without = repo.run("check", "--format", "json").json()
    [finding] = [f for r in without["results"] for f in r["findings"]] + without["findings"]
    assert "detail" not in finding


def test_verbose_shows_the_line_of_a_proto_syntax_error(repo: GitRepo) -> None:
    repo.write(
        "contracts/shipping/value.proto",
        'syntax = "proto3";\npackage acme.v1;\nmessage Shipment {\n  string id = 1\n  int32 weight = 2;\n}\n',
    )
    plain = repo.run("check")
    detailed = repo.run("check", "-v")
    assert plain.code == detailed.code == 2
    assert "PROTO_SYNTAX" in plain.stdout and "int32 weight" not in plain.stdout
    assert "        5 |   int32 weight = 2;\n          |   ^" in detailed.stdout, detailed.stdout
