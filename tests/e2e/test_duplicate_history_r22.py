"""Two files that held one subject at the same commit are two earlier versions, each compared.

An audit of NEONScience/NEON-IS-avro-schemas: commit c92ed4e added two files declaring the same
record (a copy-pasted name); 45c5dcf renamed the record in one and dropped a required field from the
other. Under FULL_TRANSITIVE the check said "compatible ... against 2 earlier versions" while FULL
found the break: both versions were parsed from one file's text (the parse cache held one version
per commit)."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo, record

FROM_A = record("X", [{"name": "v", "type": "int", "doc": "from a"}], namespace="n")
FROM_B = record("X", [{"name": "t", "type": "long"}, {"name": "v", "type": "int"}], namespace="n")


@pytest.mark.parametrize("level", ["FULL", "FULL_TRANSITIVE", "FORWARD_TRANSITIVE"])
def test_each_file_of_a_duplicated_subject_is_an_earlier_version(repo: GitRepo, level: str) -> None:
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: s}\n"
        f"defaults: {{compatibility: {level}, subject_strategy: record}}\n",
    )
    repo.write("s/a.avsc", FROM_A)
    repo.write("s/b.avsc", FROM_B)
    repo.commit("two files declare n.X")
    repo.write("s/a.avsc", record("Q", FROM_A["fields"], namespace="n"))
    repo.write("s/b.avsc", record("X", [{"name": "v", "type": "int"}], namespace="n"))
    repo.commit("a renamed, b drops the required field t")
    for args in (("--against", "HEAD~1"), ("--all", "--against", "HEAD~1")):
        result = repo.run("check", *args, "--format", "json")
        results = {r["subject"]: r for r in result.json()["results"]}
        assert result.code == 1 and results["n.X"]["verdict"] == "incompatible", (args, result.output)
        (finding,) = results["n.X"]["findings"]
        assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE" and finding["direction"] == "forward"
        assert finding["compared_with"].startswith("version 2 ("), finding
