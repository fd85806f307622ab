"""`check` spread over worker processes gives the very report a single process gives."""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo, record


def _version(topic: int, extra: int) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [{"name": "id", "type": "string"}]
    fields += [{"name": f"f{n}", "type": ["null", "long"], "default": None} for n in range(extra)]
    return record(f"Event{topic}", fields)


def test_workers_report_what_one_process_reports(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD_TRANSITIVE}\n")
    for version in range(3):
        for topic in range(8):
            repo.write(f"contracts/t{topic}/value.avsc", _version(topic, version))
        repo.commit(f"version {version}")
    repo.write("contracts/t5/value.avsc", "{ not json")  # an invalid contract among the jobs
    breaking = _version(2, 2)
    breaking["fields"][1] = {"name": "f0", "type": "string"}  # was ["null", "long"]
    repo.write("contracts/t2/value.avsc", breaking)

    single = repo.run("check", "--all", "--format", "json", env={"CONTRACTCTL_WORKERS": "1"})
    spread = repo.run("check", "--all", "--format", "json", env={"CONTRACTCTL_WORKERS": "3"})

    assert single.code == spread.code == 2, spread.output  # the invalid contract decides the exit code
    assert "Traceback" not in spread.output
    assert spread.json() == single.json()
    verdicts = {r["subject"]: r["verdict"] for r in spread.json()["results"]}
    assert verdicts["t2-value"] == "incompatible"
    assert [f["file"] for f in spread.json()["findings"]] == ["contracts/t5/value.avsc"]
    assert [verdicts[f"t{n}-value"] for n in (0, 1, 3, 4, 6, 7)] == ["unchanged"] * 6
    assert [r["subject"] for r in spread.json()["results"]] == sorted(verdicts)
