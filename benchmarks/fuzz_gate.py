"""The gate's answers on random repositories, against an oracle that owes nothing to the code under
test (round 14). Run on demand, never by the test suite; prints every disagreement, exits 1 if any.

    python benchmarks/fuzz_gate.py history FIRST LAST   # a few subjects' versions vs the unfiltered log
    python benchmarks/fuzz_gate.py scope FIRST LAST     # check --staged vs check --staged --all
    python benchmarks/fuzz_gate.py depth FIRST LAST     # a PR merge commit in clones of every depth

FIRST..LAST are seeds (each one repository). The modes:

* history: random histories (tests/unit/test_history_log_filter_random.py builds them); for random
  sets of a few subjects, the versions `subject_history` gives from the root's log filtered by path
  (read ahead or not) must be those git's whole, unfiltered log gives.
* scope: random trees of Avro and Protobuf topics referencing shared types, committed over a few
  commits, then a random staged change. Each subject `check --staged` reports must have the report
  `check --staged --all` gives it; and each subject whose `--all` report the staged change altered
  (against `--all` on a worktree of HEAD) must be among those `check --staged` checked, unless its
  staged text is a version the history already holds (registering it again is no change).
* depth: the scope trees on main, a feature branch (sometimes merging main back in), and the merge
  commit GitHub checks out for a pull request; `check --against origin/main` in clones of depth 1, 2,
  3, 5 and 8 must give the full clone's report, or exit 3.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' history builder

from tests.conftest import GitRepo, cli_env
from tests.unit import test_history_log_filter_random as histories

CLI = str(Path(sys.executable).with_name("contractctl"))
NAMES = ("Money", "Address", "Line", "Party")
TOPICS = ("orders", "stock", "sales", "pay", "ship")
LEVELS = ("BACKWARD_TRANSITIVE", "BACKWARD", "FULL_TRANSITIVE", "FORWARD")
Outcome = tuple[Any, ...]
TALLY: Counter[str] = Counter()  # what the runs came to, so that a pass is seen not to be vacuous


@contextmanager
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="contractctl-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=check, env=cli_env(root)
    )


# -- history ----------------------------------------------------------------------------------------


def fuzz_history(seed: int) -> list[str]:
    from contractctl.repo import references

    rng = random.Random(seed)
    problems = []
    with scratch() as folder:
        repo = GitRepo(folder / "repo")
        config = histories.build_history(repo, rng)
        real = references.first_parent_log
        references.first_parent_log = histories.unfiltered_log  # type: ignore[assignment]
        try:
            whole = histories.versions_of(repo, config, None, ahead=False)
        finally:
            references.first_parent_log = real
        names = sorted(whole)
        for _ in range(4):
            if not names:
                break
            wanted = set(rng.sample(names, min(len(names), rng.randint(1, 3))))
            expected = {s: whole[s] for s in sorted(wanted)}
            TALLY["subjects compared"] += len(expected)
            TALLY["with several versions"] += sum(len(v) > 1 for v in expected.values())
            for ahead in (False, True):
                if histories.versions_of(repo, config, wanted, ahead) != expected:
                    problems.append(f"seed {seed}: {sorted(wanted)} (read ahead: {ahead}) differ")
    return problems


# -- scope --------------------------------------------------------------------------------------------


class Tree:
    """Shared Avro records and Protobuf messages, and topics referencing some of them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.shared: dict[str, tuple[str, int, str]] = {}  # path -> (name, extra fields, variant)
        self.topics: dict[str, tuple[str, list[str], int]] = {}  # path -> (topic, references, extra)

    def write(self, root: Path) -> None:
        for path, (name, extra, variant) in self.shared.items():
            if path.endswith(".avsc"):
                fields: list[dict[str, Any]] = [{"name": "id", "type": "string"}]
                default = {} if variant == "required" else {"default": 0}
                fields += [{"name": f"x{i}", "type": "int", **default} for i in range(extra)]
                text = json.dumps(
                    {"type": "record", "name": name, "namespace": "com.acme.common", "fields": fields}
                )
            else:
                body = "  string id = 1;\n" + "".join(f"  {variant} x{i} = {i + 2};\n" for i in range(extra))
                text = f'syntax = "proto3";\npackage acme.common;\nmessage {name} {{\n{body}}}\n'
            self._put(root, path, text)
        for path, (topic, refs, extra) in self.topics.items():
            if path.endswith(".avsc"):
                fields = [{"name": "key", "type": "string"}]
                fields += [{"name": f"r_{n.lower()}", "type": f"com.acme.common.{n}"} for n in refs]
                fields += [{"name": f"y{i}", "type": "long", "default": 0} for i in range(extra)]
                record = {
                    "type": "record",
                    "name": topic.capitalize(),
                    "namespace": "com.acme",
                    "fields": fields,
                }
                text = json.dumps(record, indent=2)
            else:
                imports = "".join(f'import "common/v1/{n.lower()}.proto";\n' for n in refs)
                body = "  string key = 1;\n"
                body += "".join(f"  acme.common.{n} r{i} = {i + 2};\n" for i, n in enumerate(refs))
                body += "".join(f"  int64 y{i} = {i + 20};\n" for i in range(extra))
                head = f'syntax = "proto3";\npackage acme.{topic};\n{imports}'
                text = f"{head}message {topic.capitalize()} {{\n{body}}}\n"
            self._put(root, path, text)

    @staticmethod
    def _put(root: Path, path: str, text: str) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)

    def mutate(self, root: Path) -> None:
        """One random edit: a shared type added or evolved (sometimes breaking), a topic added or
        evolved, or a file deleted."""
        rng, choice = self.rng, self.rng.random()
        extension = rng.choice(("avsc", "proto"))
        if choice < 0.3 or not self.shared:
            name = rng.choice(NAMES)
            folder = "common" if extension == "avsc" else "common/v1"
            variants = ("optional", "required") if extension == "avsc" else ("int32", "string")
            self.shared[f"contracts/{folder}/{name.lower()}.{extension}"] = (
                name,
                rng.randint(0, 2),
                rng.choice(variants),
            )
        elif choice < 0.55:
            path = rng.choice(sorted(self.shared))
            name, extra, variant = self.shared[path]
            if rng.random() < 0.3:  # a required Avro field, or int32 -> string: a break
                variant = "required" if path.endswith(".avsc") else "string"
            self.shared[path] = (name, max(0, extra + rng.choice((-1, 1, 1))), variant)
        elif choice < 0.85:
            topic = rng.choice(TOPICS)
            path = f"contracts/{topic}/value.{extension}"
            if path in self.topics and rng.random() < 0.5:
                kept, refs, extra = self.topics[path]
                self.topics[path] = (kept, refs, max(0, extra + rng.choice((-1, 1))))
            else:
                usable = sorted(p for p in self.shared if p.endswith(extension))
                picked = {Path(p).stem for p in rng.sample(usable, min(len(usable), rng.randint(0, 2)))}
                self.topics[path] = (topic, [n for n in NAMES if n.lower() in picked], rng.randint(0, 2))
        else:
            pool = self.shared if self.shared and rng.random() < 0.5 else self.topics
            if not pool:
                return
            path = rng.choice(sorted(pool))
            del pool[path]
            (root / path).unlink(missing_ok=True)
        self.write(root)


def commit_tree(root: Path, rng: random.Random) -> Tree:
    git(root, "init", "-q", "-b", "main")
    (root / "contractctl.yaml").write_text(
        f"version: 1\ncontracts: {{root: contracts}}\ndefaults: {{compatibility: {rng.choice(LEVELS)}}}\n"
    )
    tree = Tree(rng)
    for number in range(rng.randint(2, 8)):
        for _ in range(rng.randint(1, 3)):
            tree.mutate(root)
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", f"c{number}")
    return tree


def check(root: Path, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    completed = subprocess.run(
        [CLI, "check", *args, "--format", "json"], cwd=root, capture_output=True, text=True, env=cli_env(root)
    )
    try:
        return completed.returncode, json.loads(completed.stdout), ""
    except json.JSONDecodeError:
        return completed.returncode, None, completed.stderr[-400:]


def by_subject(report: dict[str, Any] | None) -> dict[str, Outcome]:
    out = {}
    for result in (report or {}).get("results", []):
        findings = sorted(
            (f.get("rule"), f.get("pointer") or "", f.get("file") or "") for f in result["findings"]
        )
        out[result["subject"]] = (result["verdict"], result.get("compared_versions"), tuple(findings))
    return out


def held_before(root: Path, path: str) -> bool:
    """Whether the staged text of `path` is one its history already holds."""
    staged = git(root, "rev-parse", f":{path}").stdout.strip()
    for commit in git(root, "log", "--format=%H", "--", path).stdout.split():
        if git(root, "rev-parse", f"{commit}:{path}", check=False).stdout.strip() == staged:
            return True
    return False


def fuzz_scope(seed: int) -> list[str]:
    rng = random.Random(seed * 31337)
    problems = []
    with scratch() as folder:
        root = folder / "repo"
        root.mkdir()
        tree = commit_tree(root, rng)
        for _ in range(rng.randint(1, 2)):
            tree.mutate(root)
        git(root, "add", "-A")
        _, scoped, scoped_error = check(root, "--staged")
        _, whole, whole_error = check(root, "--staged", "--all")
        git(root, "worktree", "add", "-q", "--detach", str(folder / "head"), "HEAD")
        before = by_subject(check(folder / "head", "--all")[1])
        if scoped is None or whole is None:
            return [f"seed {seed}: no report: {scoped_error or whole_error}"]
        ours, theirs = by_subject(scoped), by_subject(whole)
        paths = {r["subject"]: r["path"] for r in whole["results"]}
        for subject, outcome in ours.items():
            TALLY[f"checked: {outcome[0]}"] += 1
            if theirs.get(subject) != outcome:
                problems.append(f"seed {seed}: {subject}: --staged {outcome}, --all {theirs.get(subject)}")
        for subject, outcome in theirs.items():
            altered = before.get(subject) != outcome and outcome[0] != "unchanged"
            if (
                altered
                and subject not in ours
                and not (subject in paths and held_before(root, paths[subject]))
            ):
                problems.append(f"seed {seed}: {subject} not checked by --staged; --all says {outcome}")
    return problems


# -- depth ---------------------------------------------------------------------------------------------


def pull_request(root: Path, rng: random.Random, tree: Tree) -> None:
    """A feature branch off main, main moving on meanwhile (sometimes merged back into the branch),
    and `pr-merge`, the merge commit a pull_request workflow checks out."""
    git(root, "checkout", "-q", "-b", "feature")
    for number in range(rng.randint(1, 4)):
        tree.mutate(root)
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", f"f{number}")
    if rng.random() < 0.5:
        git(root, "checkout", "-q", "main")
        moved = Tree(rng)
        moved.mutate(root)
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", "main moves")
        git(root, "checkout", "-q", "feature")
        if rng.random() < 0.5 and git(root, "merge", "-q", "--no-edit", "main", check=False).returncode:
            git(root, "merge", "--abort", check=False)
    git(root, "checkout", "-q", "--detach", "main")
    if git(root, "merge", "-q", "--no-ff", "--no-edit", "feature", check=False).returncode:
        git(root, "merge", "--abort", check=False)  # GitHub makes no merge ref for a conflict
        git(root, "checkout", "-q", "--detach", "feature")
    git(root, "branch", "-f", "pr-merge", "HEAD")
    git(root, "checkout", "-q", "main")


def fuzz_depth(seed: int) -> list[str]:
    rng = random.Random(seed * 104729)
    problems = []
    with scratch() as folder:
        origin = folder / "origin"
        origin.mkdir()
        pull_request(origin, rng, commit_tree(origin, rng))
        answers: dict[int, tuple[int, str]] = {}
        for depth in (0, 1, 2, 3, 5, 8):
            clone = folder / f"depth-{depth}"
            shallow = ["--depth", str(depth)] if depth else []
            subprocess.run(
                [
                    "git",
                    "clone",
                    "-q",
                    "--no-single-branch",
                    "--branch",
                    "pr-merge",
                    *shallow,
                    origin.as_uri(),
                    str(clone),
                ],
                check=True,
                capture_output=True,
                env=cli_env(folder),
            )
            git(clone, "checkout", "-q", "--detach")
            completed = subprocess.run(
                [CLI, "check", "--against", "origin/main", "--format", "json"],
                cwd=clone,
                capture_output=True,
                text=True,
                env=cli_env(clone),
            )
            answers[depth] = (completed.returncode, completed.stdout)
        TALLY[f"full clone exit {answers[0][0]}"] += 1
        for depth, answer in answers.items():
            if depth:
                TALLY["shallow: same report" if answer == answers[0] else f"shallow: exit {answer[0]}"] += 1
            if depth and answer != answers[0] and answer[0] != 3:
                problems.append(
                    f"seed {seed}: depth {depth} exit {answer[0]}, full clone exit {answers[0][0]}"
                )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=("history", "scope", "depth"))
    parser.add_argument("first", type=int)
    parser.add_argument("last", type=int)
    args = parser.parse_args(argv)
    fuzz = {"history": fuzz_history, "scope": fuzz_scope, "depth": fuzz_depth}[args.mode]
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    problems = [problem for seed in range(args.first, args.last) for problem in fuzz(seed)]
    print("\n".join(problems))
    print(f"{args.mode}: seeds {args.first}..{args.last - 1}, {len(problems)} disagreements; {dict(TALLY)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
