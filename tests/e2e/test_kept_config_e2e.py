"""The config's parsed document kept between runs (config/kept_document.py), through the installed CLI:
an edit of contractctl.yaml between two checks is what the second check obeys, a damaged kept file
changes no report, and a config error is reported by every run."""

from __future__ import annotations

from tests.conftest import GitRepo, record

V1 = record("OrderPlaced", [{"name": "order_id", "type": "string"}])
BREAKING = record("OrderPlaced", [{"name": "order_id", "type": "long"}])


def _kept(repo: GitRepo) -> list[str]:
    folder = repo.root / ".git" / "contractctl"
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("config-")) if folder.is_dir() else []


def test_each_check_obeys_the_config_as_it_is_now(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    repo.write("contracts/orders/value.avsc", BREAKING)

    strict = repo.run("check", "--format", "json")
    assert strict.code == 1, strict.output
    assert len(_kept(repo)) == 1
    again = repo.run("check", "--format", "json")  # from the kept document
    assert (again.code, again.output) == (strict.code, strict.output)

    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: NONE}\n")
    relaxed = repo.run("check", "--format", "json")
    assert relaxed.code == 0, relaxed.output
    assert [r["level"] for r in relaxed.json()["results"]] == ["NONE"]

    [kept] = _kept(repo)
    path = repo.root / ".git" / "contractctl" / kept
    path.write_bytes(path.read_bytes()[:-3])  # torn
    assert repo.run("check", "--format", "json").output == relaxed.output


def test_a_broken_config_is_reported_by_every_run(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\ncontracts: {root: contracts}\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("base")
    assert repo.run("check").code == 0
    repo.write("contractctl.yaml", "version: 1\ncontracts: {root: contracts}\ndefaults: [\n")
    for _ in range(2):
        broken = repo.run("check")
        assert broken.code == 2
        assert "contractctl.yaml:" in broken.stderr and "invalid YAML" in broken.stderr
