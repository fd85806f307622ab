"""The step summary a check appends in GitHub Actions stays within GitHub's per-step limit (1 MiB,
above which GitHub shows none of it), counting what earlier commands of the same step wrote (round 16).
"""

from __future__ import annotations

from pathlib import Path

from contractctl.report.github import STEP_SUMMARY_LIMIT
from tests.conftest import GitRepo, record

FIELDS = [{"name": f"field_{i}", "type": "string"} for i in range(40)]


def _breaking(repo: GitRepo) -> None:
    for topic in range(20):
        repo.write(f"contracts/t{topic}/value.avsc", record(f"T{topic}", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    for topic in range(20):  # 40 fields without defaults each: 800 findings
        repo.write(
            f"contracts/t{topic}/value.avsc", record(f"T{topic}", [{"name": "id", "type": "string"}, *FIELDS])
        )


def _summary_after(repo: GitRepo, tmp_path: Path, written: int) -> tuple[int, str]:
    summary = tmp_path / "summary.md"
    summary.write_text("x" * written)
    result = repo.run("check", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.code == 1, result.output
    return summary.stat().st_size, summary.read_text()[written:]


def test_a_check_appends_its_whole_summary_when_it_fits_and_a_shortened_one_when_not(
    repo: GitRepo, tmp_path: Path
) -> None:
    _breaking(repo)
    whole = repo.run("check", "--format", "markdown").stdout
    size, appended = _summary_after(repo, tmp_path, 0)
    assert appended == whole

    room = len(whole.encode()) // 3  # what an earlier command of the step left
    size, appended = _summary_after(repo, tmp_path, STEP_SUMMARY_LIMIT - room)
    assert size <= STEP_SUMMARY_LIMIT
    assert appended.startswith(whole.split("\n## ")[0])  # the verdict line
    assert "_Shortened to fit GitHub's step summary:" in appended and "of 800 findings shown" in appended

    size, appended = _summary_after(repo, tmp_path, STEP_SUMMARY_LIMIT - 100)
    assert (size, appended) == (STEP_SUMMARY_LIMIT - 100, "")  # nothing fits: nothing is written
