"""Benchmarks over repository shapes nobody tuned to (issue 17), each against baselines in the same run.

    python benchmarks/shapes.py [--sizes 100,500,2000] [--large 10000] [--json OUT] [--quick]

Shapes come from synthetic.build_shape_repo (SHAPES: realistic Avro and Protobuf, flat small ones,
deep reference graphs; any history length). Every command is a fresh process; contractctl and its
baseline alternate run by run and the medians are reported, with the worst case per target.

- precommit: `check --staged` after editing one leaf topic contract, and one shared type (whose
  dependents must be checked too), at every size; baseline `python -c pass`. Growth exponent of the
  time (and of the time above the interpreter's start-up) in N, and in the history length (10, 100,
  1,000 commits) for the realistic shapes at 500 contracts.
- pr: `check --against main` on a branch editing 5 % of the .proto files and breaking one, against
  `buf breaking --against .git#branch=main` (FILE rules), time and peak RSS; both must find the break.
- audit: `check --all` on the Avro shapes (about three versions per contract), against Apache Avro's
  Python checker (apache_avro_check.py) on the same pairs.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import run
import synthetic
from run import Sample, contractctl, run_once, workdir

PASS = [sys.executable, "-c", "pass"]
# --baseline: another contractctl (an earlier revision in its own venv), run in turn with this one
BASELINE: list[str] = []


def alternate(
    commands: dict[str, list[str]],
    cwd: Path,
    env: dict[str, str],
    reps: int,
    expect: dict[str, int],
    cold: Sequence[str] = (),
) -> dict[str, list[Sample]]:
    """Run each command once per round, in turn, for a warm-up round and `reps` measured ones; the
    commands named in `cold` start every run with nothing kept from earlier runs (run.forget_kept)."""
    out: dict[str, list[Sample]] = {name: [] for name in commands}
    forget = run.forget_kept(cwd)
    for round_number in range(reps + 1):
        for name, cmd in commands.items():
            if name in cold:
                forget()
            sample = run_once(cmd, cwd, env, timeout=900)
            if sample.code != expect.get(name, 0):
                raise run.BenchmarkError(
                    f"{' '.join(cmd)} exited {sample.code}:\n{sample.stdout[-1500:]}{sample.stderr[-1500:]}"
                )
            if round_number:
                out[name].append(sample)
    return out


def med(samples: Sequence[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def cpu(samples: Sequence[Sample]) -> float | None:
    """Median CPU seconds (user + system, the command and the git processes it waited for): on a
    machine shared with other work, far steadier than the wall time."""
    known = [s.cpu_s for s in samples if s.cpu_s is not None]
    return statistics.median(known) if known else None


def rss(samples: Sequence[Sample]) -> int | None:
    return run.median_rss(samples)


def exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x): y grows as x to this power."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mx = statistics.fmean(x for x, _ in usable)
    my = statistics.fmean(y for _, y in usable)
    num = sum((x - mx) * (y - my) for x, y in usable)
    den = sum((x - mx) ** 2 for x, _ in usable)
    return num / den if den else None


def _edit(repo: Path, spec: synthetic.Shape, versions: dict[str, int], path: str, stage: bool) -> None:
    (repo / path).write_text(spec.text(path, versions[path] + 1))
    if stage:
        synthetic.git(repo, "add", path)


def edited_runs(
    commands: dict[str, list[str]], repo: Path, path: str, env: dict[str, str], reps: int
) -> dict[str, list[Sample]]:
    """Each command run `reps` times, in turn, each run after a new edit of `path` (one more blank
    line at its end, staged): a text no earlier run saw, so nothing kept by content answers for it,
    as in a pre-commit check after every edit. The staged text is put back afterwards."""
    original = (repo / path).read_bytes()
    out: dict[str, list[Sample]] = {name: [] for name in commands}
    edits = 0
    try:
        for _ in range(reps):
            for name, cmd in commands.items():
                edits += 1
                (repo / path).write_bytes(original + b"\n" * edits)
                synthetic.git(repo, "add", path)
                sample = run_once(cmd, repo, env, timeout=900)
                if sample.code != 0:
                    raise run.BenchmarkError(f"{' '.join(cmd)} exited {sample.code} after an edit")
                out[name].append(sample)
    finally:
        (repo / path).write_bytes(original)
        synthetic.git(repo, "add", path)
    return out


def precommit(shape: str, size: int, commits: int, per_commit: int, reps: int) -> dict[str, Any]:
    with workdir(f"{shape}-{size}-{commits}") as tmp:
        started = time.perf_counter()
        repo, spec, versions = synthetic.build_shape_repo(tmp / "repo", shape, size, commits, per_commit)
        built = time.perf_counter() - started
        env = run.cli_env(tmp)
        out: dict[str, Any] = {"shape": shape, "size": size, "commits": commits, "build_s": built}
        # a shared type of a deep graph reaches every contract: its check is a whole-tree check, so
        # it is measured up to 500 contracts only (and nothing but leaves above 2,000)
        limit = 500 if shape.endswith("deep") else 2000
        targets = [("leaf", spec.leaf(size)), ("shared", spec.shared(size))][: 1 if size > limit else 2]
        for target, path in targets:
            _edit(repo, spec, versions, path, stage=True)
            commands = {"check": [contractctl(), "check", "--staged", "-q"], "python": PASS}
            if BASELINE:
                commands["baseline"] = [*BASELINE, "check", "--staged", "-q"]
            # the first run of a working tree fills its outline cache: measured on its own
            cold = run_once(commands["check"], repo, env, 900).seconds
            samples = alternate(commands, repo, env, reps, {})
            edited = edited_runs({k: v for k, v in commands.items() if k != "python"}, repo, path, env, reps)
            verdict = run_once([contractctl(), "check", "--staged"], repo, env, 900).stdout.strip()
            out[target] = {
                "check_s": med(samples["check"]),
                "check_cpu_s": cpu(samples["check"]),
                "python_cpu_s": cpu(samples["python"]),
                "check_cold_s": cold,
                "check_edited_s": med(edited["check"]),
                "check_runs": [s.seconds for s in samples["check"]],
                "check_rss_kb": rss(samples["check"]),
                "python_s": med(samples["python"]),
                "summary": verdict.splitlines()[-1] if verdict else "",
            }
            if BASELINE:
                out[target]["baseline_s"] = med(samples["baseline"])
                out[target]["baseline_edited_s"] = med(edited["baseline"])
                out[target]["baseline_cpu_s"] = cpu(samples["baseline"])
                out[target]["same_output"] = _same_output(repo, env, ["check", "--staged"])
            synthetic.git(repo, "reset", "-q", "--hard")
    print(json.dumps(out), flush=True)
    return out


def _same_output(repo: Path, env: dict[str, str], args: list[str]) -> bool:
    """Whether this contractctl and the baseline print the same JSON report."""
    ours = run_once([contractctl(), *args, "--format", "json"], repo, env, 900).stdout
    theirs = run_once([*BASELINE, *args, "--format", "json"], repo, env, 900).stdout
    return ours == theirs


def pr_protobuf(shape: str, size: int, reps: int, buf: Path) -> dict[str, Any]:
    with workdir(f"pr-{shape}-{size}") as tmp:
        repo, spec, versions = synthetic.build_shape_repo(tmp / "repo", shape, size, 10, max(3, size // 10))
        synthetic.git(repo, "checkout", "-q", "-b", "feature")
        paths = spec.files(size)
        for path in paths[::20]:
            _edit(repo, spec, versions, path, stage=False)
        broken = spec.leaf(size)
        text = (repo / broken).read_text()
        (repo / broken).write_text(text.replace("int32 qty = 2;", "string qty = 2;", 1))
        synthetic.git(repo, "add", "-A")
        synthetic.git(repo, "commit", "-q", "-m", "change")
        env = run.cli_env(tmp)
        commands = {
            "check": [contractctl(), "check", "--against", "main", "-q"],
            "buf": [str(buf), "breaking", "--against", ".git#branch=main"],
        }
        if BASELINE:
            commands["baseline"] = [*BASELINE, "check", "--against", "main", "-q"]
        # cold, as in CI (a fresh clone per run): nothing kept from the run before
        expect = {"check": 1, "buf": 100, "baseline": 1}
        samples = alternate(commands, repo, env, reps, expect, cold=("check", "baseline"))
        folder = broken.rsplit("/", 2)[-2]
        if folder not in samples["check"][-1].stdout or folder not in samples["buf"][-1].stdout:
            raise run.BenchmarkError(f"a tool missed the break in {broken}")
        extra: dict[str, Any] = {}
        if BASELINE:
            extra = {
                "baseline_s": med(samples["baseline"]),
                "baseline_cpu_s": cpu(samples["baseline"]),
                "baseline_rss_kb": rss(samples["baseline"]),
                "same_output": _same_output(repo, env, ["check", "--against", "main"]),
            }
    out = {
        "shape": shape,
        "size": size,
        "check_s": med(samples["check"]),
        "check_cpu_s": cpu(samples["check"]),
        "check_rss_kb": rss(samples["check"]),
        "buf_s": med(samples["buf"]),
        "buf_cpu_s": cpu(samples["buf"]),
        "buf_rss_kb": rss(samples["buf"]),
        "check_runs": [s.seconds for s in samples["check"]],
        "buf_runs": [s.seconds for s in samples["buf"]],
        **extra,
    }
    print(json.dumps(out), flush=True)
    return out


def audit_avro(shape: str, size: int, reps: int) -> dict[str, Any]:
    with workdir(f"audit-{shape}-{size}") as tmp:
        repo, spec, versions = synthetic.build_shape_repo(tmp / "repo", shape, size, 10, max(3, size // 3))
        texts: dict[str, list[str]] = {}
        shared: list[str] = []
        for path, last in versions.items():
            texts[path] = [spec.text(path, v) for v in range(last + 1)]
            if path.startswith("contracts/common/"):
                shared.append(texts[path][-1])
        # the shared types as the others see them today; the shared subjects themselves are checked
        # against their own versions without their own name known
        pairs_file = tmp / "versions.json"
        pairs_file.write_text(json.dumps({"__shared__": shared, **texts}))
        report = tmp / "report.json"
        env = run.cli_env(tmp)
        commands = {
            "check": [contractctl(), "check", "--all", "--format", "json", "--output", str(report)],
            "apache": [sys.executable, str(run.HERE / "apache_avro_check.py"), str(pairs_file)],
            "python": PASS,
        }
        if BASELINE:
            commands["baseline"] = [*BASELINE, "check", "--all", "-q"]
        samples = alternate(commands, repo, env, reps, {})
        data = json.loads(report.read_text())
        compared = sum(r.get("compared_versions", 0) for r in data["results"])
        extra = (
            {"baseline_s": med(samples["baseline"]), "baseline_cpu_s": cpu(samples["baseline"])}
            if BASELINE
            else {}
        )
        if BASELINE:
            extra["same_output"] = _same_output(repo, env, ["check", "--all"])
    out = {
        "shape": shape,
        "size": size,
        "check_s": med(samples["check"]),
        "check_rss_kb": rss(samples["check"]),
        "apache_s": med(samples["apache"]),
        "check_cpu_s": cpu(samples["check"]),
        "apache_cpu_s": cpu(samples["apache"]),
        "python_cpu_s": cpu(samples["python"]),
        "apache_output": samples["apache"][-1].stdout.strip(),
        "python_s": med(samples["python"]),
        "compared_versions": compared,
        "subjects": len(data["results"]),
        **extra,
    }
    print(json.dumps(out), flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--large", default="10000", help="extra size for the precommit benchmark only")
    parser.add_argument("--history", default="10,100,1000")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--only", action="append", choices=["precommit", "history", "pr", "audit"])
    parser.add_argument("--shapes", default=",".join(synthetic.SHAPES))
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--baseline",
        help="another contractctl script (an earlier revision's venv) to run in turn with this one "
        "(precommit, pr and audit), with a check that both print the same report",
    )
    args = parser.parse_args(argv)
    if args.baseline:
        BASELINE[:] = [args.baseline]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    large = [int(s) for s in args.large.split(",") if s]
    shapes = [s for s in args.shapes.split(",") if s]
    only = set(args.only or ["precommit", "history", "pr", "audit"])
    results: dict[str, Any] = {
        "revision": run.code_revision(),
        "precommit": [],
        "history": [],
        "pr": [],
        "audit": [],
    }

    def save() -> None:
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2))

    if "precommit" in only:
        for shape in shapes:
            # a deep graph's leaf reaches a chain of N/10 shared types: at 10,000 its closure alone
            # is 1,000 contracts, too slow to repeat here; measured up to the largest regular size
            for size in [*sizes, *(large if not shape.endswith("deep") else [])]:
                results["precommit"].append(precommit(shape, size, 10, max(3, size // 10), args.reps))
                save()
    if "history" in only:
        for shape in [s for s in shapes if s.endswith("realistic")]:
            for commits in [int(h) for h in args.history.split(",")]:
                results["history"].append(precommit(shape, 500, commits, 3, args.reps))
                save()
    if "pr" in only:
        buf, version = run.ensure_buf()
        results["buf"] = version
        if buf is not None:
            for shape in [s for s in shapes if s.startswith("protobuf")]:
                for size in [s for s in sizes if s >= 500]:
                    results["pr"].append(pr_protobuf(shape, size, max(3, args.reps - 2), buf))
                    save()
    if "audit" in only:
        for shape in [s for s in shapes if s.startswith("avro")]:
            for size in [s for s in sizes if s <= (2000 if shape.endswith("flat") else 500)]:
                results["audit"].append(audit_avro(shape, size, max(3, args.reps - 2)))
                save()
    save()
    print(render(results))
    return 0


def render(results: dict[str, Any]) -> str:
    """Markdown tables: every measurement, growth exponents, and the worst case per target."""
    lines = [f"Revision measured: `{results['revision']}`", ""]
    pre = results["precommit"]
    if pre:
        lines += [
            "| shape | N | edited | check --staged | after a new edit (baseline) | first run | baseline "
            "| python -c pass | peak RSS | result |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in pre:
            for target in [t for t in ("leaf", "shared") if t in row]:
                m = row[target]
                base = (
                    f"{m['baseline_s']:.3f} s ({m['baseline_s'] / m['check_s']:.2f}x"
                    f"{'' if m.get('same_output') else ', OUTPUT DIFFERS'})"
                    if "baseline_s" in m
                    else "-"
                )
                if m.get("check_cpu_s") and m.get("baseline_cpu_s"):
                    base += f"; CPU {m['check_cpu_s']:.3f} vs {m['baseline_cpu_s']:.3f} s"
                after_edit = (
                    f"{m['check_edited_s']:.3f} s"
                    + (f" ({m['baseline_edited_s']:.3f} s)" if "baseline_edited_s" in m else "")
                    if "check_edited_s" in m
                    else "-"
                )
                lines.append(
                    f"| {row['shape']} | {row['size']} | {target} | {m['check_s']:.3f} s | {after_edit} "
                    f"| {m.get('check_cold_s', float('nan')):.3f} s | {base} "
                    f"| {m['python_s']:.3f} s | {run.mib(m['check_rss_kb'])} | {m['summary']} |"
                )
        lines += [
            "",
            "| shape | edited | exponent in N (time) | exponent in N (time above python) "
            "| exponent in N (peak RSS) | at 2,000 | exponent in N, after a new edit "
            "| at 2,000, after a new edit |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for shape in dict.fromkeys(r["shape"] for r in pre):
            rows = [r for r in pre if r["shape"] == shape]
            for target in ("leaf", "shared"):
                points = [(r["size"], r[target]["check_s"]) for r in rows if target in r]
                above = [
                    (r["size"], r[target]["check_s"] - r[target]["python_s"]) for r in rows if target in r
                ]
                at2000 = next((r[target]["check_s"] for r in rows if r["size"] == 2000 and target in r), None)
                memory = [
                    (r["size"], float(r[target]["check_rss_kb"]))
                    for r in rows
                    if target in r and r[target].get("check_rss_kb")
                ]
                after_edit = [
                    (r["size"], r[target]["check_edited_s"])
                    for r in rows
                    if target in r and "check_edited_s" in r[target]
                ]
                edited_2000 = next((s for n, s in after_edit if n == 2000), None)
                e1, e2, e3, e4 = exponent(points), exponent(above), exponent(memory), exponent(after_edit)
                lines.append(
                    f"| {shape} | {target} | {e1:.2f} | {e2:.2f} | {'-' if e3 is None else f'{e3:.2f}'} | "
                    f"{'-' if at2000 is None else f'{at2000:.3f} s'} | "
                    f"{'-' if e4 is None else f'{e4:.2f}'} | "
                    f"{'-' if edited_2000 is None else f'{edited_2000:.3f} s'} |"
                    if e1 is not None and e2 is not None
                    else f"| {shape} | {target} | - | - | - | - | - | - |"
                )
    hist = results["history"]
    if hist:
        lines += [
            "",
            "| shape (500 contracts) | commits | edited | check --staged | python -c pass |",
            "|---|---|---|---|---|",
        ]
        for row in hist:
            for target in ("leaf", "shared"):
                m = row[target]
                lines.append(
                    f"| {row['shape']} | {row['commits']} | {target} | {m['check_s']:.3f} s "
                    f"| {m['python_s']:.3f} s |"
                )
        lines += [
            "",
            "| shape | edited | exponent in history length (time) | (peak RSS) |",
            "|---|---|---|---|",
        ]
        for shape in dict.fromkeys(r["shape"] for r in hist):
            for target in ("leaf", "shared"):
                mine = [r for r in hist if r["shape"] == shape]
                e = exponent([(r["commits"], r[target]["check_s"]) for r in mine])
                m = exponent([(r["commits"], float(r[target]["check_rss_kb"] or 0)) for r in mine])
                lines.append(
                    f"| {shape} | {target} | {'-' if e is None else f'{e:.2f}'} "
                    f"| {'-' if m is None else f'{m:.2f}'} |"
                )
    pr = results["pr"]
    if pr:
        lines += [
            "",
            "| shape | files | check --against main | buf breaking | speed-up | CPU (check / buf) "
            "| peak RSS | buf RSS | share | baseline |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in pr:
            share = (
                row["check_rss_kb"] / row["buf_rss_kb"]
                if row["check_rss_kb"] and row["buf_rss_kb"]
                else float("nan")
            )
            cpus = (
                f"{row['check_cpu_s']:.2f} / {row['buf_cpu_s']:.2f} s"
                if row.get("check_cpu_s") and row.get("buf_cpu_s")
                else "-"
            )
            base = (
                f"{row['baseline_s']:.3f} s ({row['baseline_s'] / row['check_s']:.2f}x"
                f"{'' if row.get('same_output') else ', OUTPUT DIFFERS'}); "
                f"CPU {row.get('baseline_cpu_s') or float('nan'):.2f} s, "
                f"{run.mib(row.get('baseline_rss_kb'))}"
                if "baseline_s" in row
                else "-"
            )
            lines.append(
                f"| {row['shape']} | {row['size']} | {row['check_s']:.3f} s | {row['buf_s']:.3f} s | "
                f"{row['buf_s'] / row['check_s']:.2f}x | {cpus} | {run.mib(row['check_rss_kb'])} "
                f"| {run.mib(row['buf_rss_kb'])} | {share:.2f} | {base} |"
            )
    audit = results["audit"]
    if audit:
        lines += [
            "",
            "| shape | contracts | pairs | check --all | Apache Avro | speed-up | baseline "
            "| python -c pass |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in audit:
            base = (
                f"{row['baseline_s']:.3f} s{'' if row.get('same_output') else ' (OUTPUT DIFFERS)'}"
                if "baseline_s" in row
                else "-"
            )
            lines.append(
                f"| {row['shape']} | {row['size']} | {row['compared_versions']} | {row['check_s']:.3f} s | "
                f"{row['apache_s']:.3f} s ({row['apache_output']}) "
                f"| {row['apache_s'] / row['check_s']:.2f}x | {base} "
                f"| {row.get('python_s', float('nan')):.3f} s |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
