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
from contractctl.config.project import default_config, load_config
from contractctl.generic import stamped_file
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


def _verdicts(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, as_configured: bool = False
) -> tuple[dict[str, Any], int]:
    """`as_configured`: the repository's contractctl.yaml read (otherwise the defaults, with no folder
    where answers are kept between runs: each run compiles what it needs)."""
    monkeypatch.setattr(formats, "_LOADED", {})  # a fresh compiler: nothing cached from a previous run
    monkeypatch.setattr(stamped_file, "run_folder", None)  # nor answers kept between runs
    config = load_config(repo.root / "contractctl.yaml") if as_configured else default_config(repo.root)
    report = run_check(config, CheckOptions())
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
        patched.setattr(SchemaResolver, "historic_groups", lambda self, subject, version: [])
        alone, alone_runs = _verdicts(history, patched)
    assert grouped == alone
    assert grouped_runs < alone_runs, (grouped_runs, alone_runs)


def _message(package: str, name: str, imports: list[str], fields: list[str]) -> str:
    head = f'syntax = "proto3";\npackage {package};\n' + "".join(f'import "{i}";\n' for i in imports)
    body = "".join(f"  {field} = {n};\n" for n, field in enumerate(fields, start=1))
    return f"{head}message {name} {{\n{body}}}\n"


@pytest.mark.parametrize("mid_first", [False, True])
def test_an_earlier_version_whose_reference_saw_an_older_import_is_compiled_before_the_checks(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, mid_first: bool
) -> None:
    """Top imports Common, then Mid, which imports Common too. Top's last version is of a commit
    that also edited a comment of Common: the same version of Common, another text, which Mid's
    version (of the commit before) did not see. Top is compiled with the Common text nearest it (its
    own import's), Mid alone with the older text; both closures are handed to the batch, so no
    check compiles anything of its own (walked the other way round, Top's group held the older
    text, and every such version was compiled again, alone: envoy's shared files)."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    common = "contracts/common/common.proto"
    repo.write(common, _message("acme.common", "Common", [], ["int32 a"]))
    repo.write(
        "contracts/mid/value.proto", _message("acme.mid", "Mid", [common[10:]], ["acme.common.Common c"])
    )
    top_imports = ["mid/value.proto", common[10:]] if mid_first else [common[10:], "mid/value.proto"]
    top_fields = ["acme.common.Common c", "acme.mid.Mid m"]
    repo.write("contracts/top/value.proto", _message("acme.top", "Top", top_imports, top_fields))
    repo.commit("first versions")
    repo.write(common, _message("acme.common", "Common", [], ["int32 a", "int32 b"]))
    repo.write(
        "contracts/top/value.proto", _message("acme.top", "Top", top_imports, [*top_fields, "int32 x"])
    )
    repo.commit("a comment on Common; Top grows")
    # the change: Top gains a field (compatible)
    repo.write(
        "contracts/top/value.proto",
        _message("acme.top", "Top", top_imports, [*top_fields, "int32 x", "string y"]),
    )

    on_demand = _count_compiles_on_demand(monkeypatch)
    verdicts, runs = _verdicts(repo, monkeypatch)
    assert verdicts.get("top-value") == ("compatible", []), verdicts
    assert runs > 0
    assert sum(on_demand) == 0, on_demand  # every earlier version came out of the batch


def test_an_earlier_version_laid_out_as_committed_is_compiled_before_the_checks(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier version importing a file of an include folder git tracks (a vendored import) is
    parsed with the files its commit held: that layout is handed to the batch too."""
    repo.write(
        "contractctl.yaml",
        "version: 1\ndefaults: {compatibility: BACKWARD}\nprotobuf:\n  include: [third_party]\n",
    )
    repo.write("third_party/ext/opts.proto", _message("ext", "Opts", [], ["int32 level"]))
    repo.write("contracts/common/common.proto", _message("acme.common", "Common", [], ["int32 a"]))
    top_imports = ["common/common.proto", "ext/opts.proto"]
    top_fields = ["acme.common.Common c", "ext.Opts o"]
    repo.write("contracts/top/value.proto", _message("acme.top", "Top", top_imports, top_fields))
    repo.commit("first versions")
    repo.write("third_party/ext/opts.proto", _message("ext", "Opts", [], ["int32 level", "string tag"]))
    repo.write(
        "contracts/top/value.proto", _message("acme.top", "Top", top_imports, [*top_fields, "int32 x"])
    )

    on_demand = _count_compiles_on_demand(monkeypatch)
    verdicts, runs = _verdicts(repo, monkeypatch, as_configured=True)
    assert verdicts.get("top-value") == ("compatible", []), verdicts
    assert runs > 0
    assert sum(on_demand) == 0, on_demand


def _count_compiles_on_demand(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The protoc runs each on-demand compile (a parse the batch did not answer) made, as made."""
    on_demand: list[int] = []
    compiler_type = type(formats.get_format(SchemaType.PROTOBUF).compiler)  # type: ignore[attr-defined]
    compile_one = compiler_type.compile

    def counted(self: Any, import_path: str, available: Any) -> Any:
        before = self.runs
        try:
            return compile_one(self, import_path, available)
        finally:
            on_demand.append(self.runs - before)

    monkeypatch.setattr(compiler_type, "compile", counted)
    return on_demand
