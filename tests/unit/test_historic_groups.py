"""Earlier Protobuf versions are compiled in shared protoc runs, each with its imports as they were.

A check parses each earlier version with the contracts it imports as they were at that version's
commit (`SchemaResolver.parse_historic`). `_prepare` hands those texts to the format as groups, which
it packs into few protoc runs; the compiler's cache is keyed by every text involved, so the verdicts
must be exactly those of one run per version. Here the shared type changes after each topic's last
version, so every topic's earlier version sees another text of it, and the verdict depends on which.
"""

from __future__ import annotations

from typing import Any

import pytest

from contractctl import formats
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import default_config
from contractctl.model import SchemaType
from contractctl.repo.references import SchemaResolver
from tests.conftest import GitRepo

TOPICS = 4


def _shared(fields: int, f2_type: str = "int32") -> str:
    lines = [f"  {f2_type if n == 2 else 'int32'} f{n} = {n};" for n in range(1, fields + 1)]
    return 'syntax = "proto3";\npackage acme.common;\nmessage Shared {\n' + "\n".join(lines) + "\n}\n"


def _topic(number: int, fields: int) -> str:
    extra = "".join(f"  string extra{n} = {n + 1};\n" for n in range(1, fields + 1))
    return (
        f'syntax = "proto3";\npackage acme.t{number};\nimport "common/shared.proto";\n'
        f"message Event{number} {{\n  acme.common.Shared shared = 1;\n{extra}}}\n"
    )


@pytest.fixture
def history(repo: GitRepo) -> GitRepo:
    """Commit k (1..4) adds field f<k> to the shared type and a field to topic k: topic k's last
    version holds the shared type with f1..fk. The working tree then turns f2 from int32 to string."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    for k in range(1, TOPICS + 1):
        repo.write("contracts/common/shared.proto", _shared(k))
        for t in range(1, TOPICS + 1):
            if t == k or k == 1:
                repo.write(f"contracts/t{t}/value.proto", _topic(t, k if t == k else 0))
        repo.commit(f"version {k}")
    repo.write("contracts/common/shared.proto", _shared(TOPICS, f2_type="string"))
    return repo


def _verdicts(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], int]:
    monkeypatch.setattr(formats, "_LOADED", {})  # a fresh compiler: nothing cached from a previous run
    report = run_check(default_config(repo.root), CheckOptions())
    verdicts = {r.subject: (r.verdict, sorted(f.rule for f in r.findings)) for r in report.results}
    runs = formats.get_format(SchemaType.PROTOBUF).compiler.runs  # type: ignore[attr-defined]
    return verdicts, runs


def test_each_earlier_version_is_compared_with_its_imports_as_they_were(
    history: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdicts, _ = _verdicts(history, monkeypatch)
    # topic 1's last version saw no f2: the change adds a field there, compatible
    assert verdicts["t1-value"][0] == "compatible"
    for t in range(2, TOPICS + 1):  # the others saw f2 as an int32
        assert verdicts[f"t{t}-value"][0] == "incompatible", verdicts
        assert "FIELD_NAMED_TYPE_CHANGED" in verdicts[f"t{t}-value"][1]


def test_grouped_compilation_gives_the_verdicts_of_one_run_per_version_in_fewer_runs(
    history: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    grouped, grouped_runs = _verdicts(history, monkeypatch)
    with monkeypatch.context() as patched:  # no groups: every earlier version compiles on its own
        patched.setattr(SchemaResolver, "historic_sources", lambda self, subject, version: {})
        alone, alone_runs = _verdicts(history, patched)
    assert grouped == alone
    assert grouped_runs < alone_runs, (grouped_runs, alone_runs)
