"""On-demand benchmarks of contractctl (issue 7), each against a baseline measured in the same run.

    python benchmarks/run.py [--quick] [--only NAME] [--json OUT]

Benchmarks: precommit, protobuf, api-tree, avro, jsonschema, remote, link (see benchmarks/README.md). Every
command runs as a fresh process, as a user would run it; the figure is the median wall time of several
runs (after one warm-up run for the fast ones). Registry doubles run in their own processes
(double_server.py), bind 127.0.0.1 only and are stopped, and temporary repositories removed, when each
benchmark ends.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import jsonschema_bench
import synthetic

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
TIME_V = Path("/usr/bin/time")
RUSAGE_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


# -- sizes and results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    precommit_contracts: int = 500
    precommit_commits: int = 10
    proto_files: tuple[int, ...] = (50, 500)
    avro_contracts: int = 2000
    avro_versions: int = 10
    remote_subjects: int = 500
    link_subjects: int = 500
    reps: int = 5  # runs per measurement for the fast benchmarks (median reported)
    slow_reps: int = 3  # for the avro, remote and link benchmarks
    api_files: tuple[int, ...] = (1000, 5000)  # API-tree benchmark: tree sizes (largest is the target)
    api_history: tuple[int, ...] = (300, 3000)  # commits before the base, at the largest tree
    api_changes: int = 300  # commits in the change set checked


FULL = Sizes()
QUICK = Sizes(
    100,
    5,
    (20, 50),
    200,
    5,
    50,
    50,
    reps=3,
    slow_reps=1,
    api_files=(200, 500),
    api_history=(30, 300),
    api_changes=30,
)


@dataclass
class Row:
    """One line of the results table."""

    benchmark: str
    measured: str
    baseline: str
    ratio: str
    target: str
    met: str


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Options:
    sizes: Sizes
    latency: float
    max_concurrency: int
    sequential_sample: int
    quick: bool
    before: str | None = None  # another contractctl (an earlier revision's venv) to compare with


# -- running and measuring commands ----------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    rss_kb: int | None
    code: int
    stdout: str
    stderr: str
    cpu_s: float | None = None  # user + system time of the command (with /usr/bin/time)


class BenchmarkError(RuntimeError):
    """A command under measurement did not behave as expected (wrong exit code, wrong output)."""


def contractctl() -> str:
    """The installed console script next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("contractctl")
    found = str(script) if script.exists() else shutil.which("contractctl")
    if found is None:
        raise SystemExit("contractctl is not installed next to this interpreter nor on PATH")
    return found


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on this machine) would recompile every module on every run; a
    # pip-installed contractctl always has its bytecode, so measure with bytecode caching on.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "CONTRACTCTL_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(synthetic.GIT_ENV)
    env.update(HOME=str(home), NO_COLOR="1", BUF_CACHE_DIR=str(home / "buf-cache"))
    env.update(extra)
    return env


def forget_kept(repo: Path) -> Callable[[], None]:
    """A `before` hook that removes what contractctl keeps in the repository's git directory (outline
    caches, kept documents), so every run is as cold as the first check of a fresh clone: what a
    PR check in CI meets, since actions/checkout clones afresh for every run."""

    def forget() -> None:
        shutil.rmtree(repo / ".git" / "contractctl", ignore_errors=True)

    return forget


def run_once(cmd: Sequence[str], cwd: Path, env: dict[str, str], timeout: float) -> Sample:
    """Wall time (perf_counter around the process) and peak RSS of the largest process it waited for."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        if TIME_V.exists():
            wrapped = [str(TIME_V), "-v", "-o", rss_file.name, *cmd]
        else:
            wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, rss_file.name, *cmd]
        start = time.perf_counter()
        done = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - start
        report = Path(rss_file.name).read_text()
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report) or re.fullmatch(
        r"(\d+)", report.strip()
    )
    cpu = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", report)]
    rss = int(match.group(1)) if match else None
    return Sample(seconds, rss, done.returncode, done.stdout, done.stderr, sum(cpu) if cpu else None)


def measure(
    cmd: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    reps: int,
    expect: int = 0,
    warmup: bool = True,
    timeout: float = 120,
    before: Callable[[], None] | None = None,
    after: Callable[[Sample], None] | None = None,
) -> list[Sample]:
    """Run ``cmd`` ``reps`` times (plus a warm-up); every run must exit with ``expect``."""
    samples = []
    for index in range(reps + warmup):
        if before is not None:
            before()
        sample = run_once(cmd, cwd, env, timeout)
        if sample.code != expect:
            raise BenchmarkError(
                f"{' '.join(cmd)} exited {sample.code}, expected {expect}:\n"
                f"{sample.stdout[-2000:]}{sample.stderr[-2000:]}"
            )
        if after is not None:
            after(sample)
        if index >= warmup:
            samples.append(sample)
    return samples


def median_time(samples: Sequence[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def median_cpu(samples: Sequence[Sample]) -> float | None:
    values = [s.cpu_s for s in samples if s.cpu_s is not None]
    return statistics.median(values) if values else None


def median_rss(samples: Sequence[Sample]) -> int | None:
    values = [s.rss_kb for s in samples if s.rss_kb is not None]
    return int(statistics.median(values)) if values else None


def secs(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.2f} s"


def mib(kb: int | None) -> str:
    return "?" if kb is None else f"{kb / 1024:.0f} MiB"


def met(ok: bool, quick: bool) -> str:
    return ("yes" if ok else "NO") + (" (quick sizes)" if quick else "")


@contextmanager
def workdir(name: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"contractctl-bench-{name}-") as tmp:
        yield Path(tmp)


# -- 1. pre-commit latency -------------------------------------------------------------------------


def bench_precommit(options: Options) -> Outcome:
    """`check --staged FILE`: one changed contract in a repository of many, with a short history."""
    sizes = options.sizes
    with workdir("precommit") as tmp:
        repo = synthetic.build_avro_repo(tmp / "repo", sizes.precommit_contracts, sizes.precommit_commits)
        path = synthetic.avro_path(3)
        (repo / path).write_text(synthetic.avro_contract(3, sizes.precommit_commits + 1))
        synthetic.git(repo, "add", path)
        env = cli_env(tmp)
        check = measure([contractctl(), "check", "--staged", path], repo, env, sizes.reps)
        if "compatible" not in check[-1].stdout:
            raise BenchmarkError(f"unexpected check output: {check[-1].stdout}")
        python = measure([sys.executable, "-c", "pass"], repo, env, sizes.reps)
        status = measure(["git", "status", "--porcelain"], repo, env, sizes.reps)
    measured, startup, git_status = median_time(check), median_time(python), median_time(status)
    name = "precommit: check --staged "
    name += f"({sizes.precommit_contracts} contracts, {sizes.precommit_commits} commits)"
    ok = met(measured <= 0.25, options.quick)
    return Outcome(
        [
            Row(
                name,
                secs(measured),
                f"python -c pass {secs(startup)}",
                f"{measured / startup:.1f}x",
                "<= 0.25 s",
                ok,
            ),
            Row(
                name,
                secs(measured),
                f"git status {secs(git_status)}",
                f"{measured / git_status:.1f}x",
                "-",
                "-",
            ),
        ],
        {
            "check_s": measured,
            "python_startup_s": startup,
            "git_status_s": git_status,
            "check_rss_kb": median_rss(check),
            "runs": [s.seconds for s in check],
        },
    )


# -- 2. Protobuf at scale versus buf ---------------------------------------------------------------


def ensure_buf() -> tuple[Path | None, str]:
    """buf from npm's @bufbuild/buf in benchmarks/.cache; (None, why) when it cannot be installed."""

    def installed() -> Path | None:
        # The native binary, not node_modules/.bin/buf (a Node.js shim that would add node's time and
        # memory, and whose child's peak RSS would not be the one reported).
        native = sorted(CACHE.glob("node_modules/@bufbuild/buf-*/bin/buf"))
        shim = CACHE / "node_modules" / ".bin" / "buf"
        return native[0] if native else shim if shim.exists() else None

    if installed() is None:
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm not found"
        CACHE.mkdir(exist_ok=True)
        try:
            done = subprocess.run(
                [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "@bufbuild/buf"],
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            return None, "npm install @bufbuild/buf timed out"
        if done.returncode != 0:
            return None, f"npm install @bufbuild/buf failed: {done.stderr.strip()[-300:]}"
    binary = installed()
    if binary is None:
        return None, "npm installed @bufbuild/buf but no buf binary was found"
    try:
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    except OSError as error:
        return None, f"buf does not run: {error}"
    return (binary, version.stdout.strip()) if version.returncode == 0 else (None, "buf --version failed")


def bench_protobuf(options: Options) -> Outcome:
    """`check --against main` versus `buf breaking --against .git#branch=main` on the same repository."""
    sizes = options.sizes
    buf, buf_version = ensure_buf()
    outcome = Outcome(details={"buf": buf_version})
    for files in sizes.proto_files:
        with workdir(f"protobuf{files}") as tmp:
            repo = synthetic.build_proto_repo(tmp / "repo", files)
            env = cli_env(tmp)
            ours = measure(
                [contractctl(), "check", "--against", "main", "-q"], repo, env, sizes.reps, expect=1
            )
            if "t0/value.proto" not in ours[-1].stdout or "FIELD_SCALAR_KIND_CHANGED" not in ours[-1].stdout:
                raise BenchmarkError(f"contractctl missed the break: {ours[-1].stdout}")
            theirs: list[Sample] = []
            if buf is not None:
                cmd = [str(buf), "breaking", "--against", ".git#branch=main"]
                theirs = measure(cmd, repo, env, sizes.reps, expect=100)
                if "t0/value.proto" not in theirs[-1].stdout:
                    raise BenchmarkError(f"buf missed the break: {theirs[-1].stdout}")
        name = f"protobuf: check --against main ({files} files)"
        mine_s, mine_rss = median_time(ours), median_rss(ours)
        outcome.details[str(files)] = {
            "contractctl_s": mine_s,
            "contractctl_rss_kb": mine_rss,
            "contractctl_cpu_s": median_cpu(ours),  # the machine is shared: CPU seconds move less
            "buf_s": median_time(theirs) if theirs else None,
            "buf_rss_kb": median_rss(theirs) if theirs else None,
            "buf_cpu_s": median_cpu(theirs) if theirs else None,
        }
        if not theirs:
            skipped = f"buf skipped: {buf_version}"
            outcome.rows.append(Row(name, secs(mine_s), skipped, "-", ">= 3x faster", "-"))
            continue
        buf_s, buf_rss = median_time(theirs), median_rss(theirs)
        at_target = files == max(FULL.proto_files)
        speedup = buf_s / mine_s
        outcome.rows.append(
            Row(
                name + " time",
                secs(mine_s),
                f"buf breaking {secs(buf_s)}",
                f"{speedup:.2f}x faster" if speedup >= 1 else f"{1 / speedup:.2f}x slower",
                ">= 3x faster" if at_target else "-",
                met(speedup >= 3, options.quick) if at_target else "-",
            )
        )
        if mine_rss is not None and buf_rss is not None:
            share = mine_rss / buf_rss
            outcome.rows.append(
                Row(
                    name + " peak RSS",
                    mib(mine_rss),
                    f"buf breaking {mib(buf_rss)}",
                    f"{share:.2f} of buf",
                    "<= 1/3 of buf" if at_target else "-",
                    met(share <= 1 / 3, options.quick) if at_target else "-",
                )
            )
    return outcome


# -- 2b. A large public API tree with a long history versus buf (issue 14) -------------------------


def bench_api_tree(options: Options) -> Outcome:
    """`check --against base` (BACKWARD) over a change set of `api_changes` commits in a tree shaped
    like a large public API (enum-only and extension-only shared files, options, services, import
    chains 50 deep) versus `buf breaking --against <checkout of base>` with the WIRE rules (buf
    compiles every file of both trees). Growth: the tree size at the longest history, and the history
    length at the largest tree (buf reads no history: a checkout is its input)."""
    sizes = options.sizes
    buf, buf_version = ensure_buf()
    outcome = Outcome(details={"buf": buf_version})
    largest, longest = max(sizes.api_files), max(sizes.api_history)
    runs = [(files, longest) for files in sizes.api_files]
    runs += [(largest, history) for history in sizes.api_history if history != longest]
    ours_s: dict[tuple[int, int], float] = {}
    for files, history in runs:
        with workdir(f"api{files}-{history}") as tmp:
            started = time.perf_counter()
            repo = synthetic.build_api_tree_repo(tmp / "repo", files, history, sizes.api_changes)
            built_s = time.perf_counter() - started
            synthetic.git(repo, "worktree", "add", "-q", str(tmp / "base"), "base")
            env = cli_env(tmp)
            cmd = [contractctl(), "check", "--against", "base", "-q"]
            # cold, as in CI: nothing kept from the run before (see forget_kept)
            ours = measure(
                cmd,
                repo,
                env,
                sizes.slow_reps,
                expect=1,
                warmup=False,
                timeout=1800,
                before=forget_kept(repo),
            )
            if "types0.proto" not in ours[-1].stdout or "FIELD_SCALAR_KIND_CHANGED" not in ours[-1].stdout:
                raise BenchmarkError(f"contractctl missed the break: {ours[-1].stdout[-2000:]}")
            theirs: list[Sample] = []
            if buf is not None and history == longest:
                buf_cmd = [str(buf), "breaking", "--against", str(tmp / "base")]
                theirs = measure(buf_cmd, repo, env, sizes.slow_reps, expect=100, warmup=False, timeout=1800)
                if "types0.proto" not in theirs[-1].stdout:
                    raise BenchmarkError(f"buf missed the break: {theirs[-1].stdout[-2000:]}")
        mine_s, mine_rss = median_time(ours), median_rss(ours)
        ours_s[(files, history)] = mine_s
        outcome.details[f"{files}x{history}"] = {
            "build_s": built_s,
            "contractctl_s": mine_s,
            "contractctl_rss_kb": mine_rss,
            "contractctl_cpu_s": median_cpu(ours),  # the machine is shared: CPU seconds move less
            "buf_s": median_time(theirs) if theirs else None,
            "buf_rss_kb": median_rss(theirs) if theirs else None,
            "buf_cpu_s": median_cpu(theirs) if theirs else None,
        }
        name = f"api tree: check --against base ({files} files, {history}+{sizes.api_changes} commits)"
        if not theirs:
            if history == longest:
                outcome.rows.append(Row(name, secs(mine_s), f"buf skipped: {buf_version}", "-", "-", "-"))
            continue
        at_target = files == largest
        buf_s, buf_rss = median_time(theirs), median_rss(theirs)
        speedup = buf_s / mine_s
        outcome.rows.append(
            Row(
                name + " time",
                secs(mine_s),
                f"buf breaking {secs(buf_s)}",
                f"{speedup:.2f}x faster" if speedup >= 1 else f"{1 / speedup:.2f}x slower",
                ">= 2x faster" if at_target else "-",
                met(speedup >= 2, options.quick) if at_target else "-",
            )
        )
        if mine_rss is not None and buf_rss is not None:
            share = mine_rss / buf_rss
            outcome.rows.append(
                Row(
                    name + " peak RSS",
                    mib(mine_rss),
                    f"buf breaking {mib(buf_rss)}",
                    f"{share:.2f} of buf",
                    "<= 1/2 of buf" if at_target else "-",
                    met(share <= 1 / 2, options.quick) if at_target else "-",
                )
            )
    shortest = min(sizes.api_history)
    if shortest != longest:
        growth = ours_s[(largest, longest)] / ours_s[(largest, shortest)]
        outcome.rows.append(
            Row(
                f"api tree: history {shortest} -> {longest} commits ({largest} files)",
                secs(ours_s[(largest, longest)]),
                f"contractctl at {shortest} commits {secs(ours_s[(largest, shortest)])}",
                f"{growth:.2f}x the time",
                "< 1.2x",
                met(growth < 1.2, options.quick),
            )
        )
    smallest = min(sizes.api_files)
    if smallest != largest:
        growth = ours_s[(largest, longest)] / ours_s[(smallest, longest)]
        outcome.rows.append(
            Row(
                f"api tree: tree {smallest} -> {largest} files ({longest} commits)",
                secs(ours_s[(largest, longest)]),
                f"contractctl at {smallest} files {secs(ours_s[(smallest, longest)])}",
                f"{growth:.2f}x the time for {largest / smallest:.1f}x the files",
                "-",
                "-",
            )
        )
    return outcome


# -- 3. Avro at scale versus Apache Avro's checker -------------------------------------------------


def bench_avro(options: Options) -> Outcome:
    """`check --all` (BACKWARD_TRANSITIVE) over every contract's history vs Apache Avro on the same pairs.

    `check --all` rather than `compat`: it is the one command that checks a whole repository (what CI
    runs for an audit), reading history from git itself; `compat` takes one subject per process.
    """
    sizes = options.sizes
    contracts, versions = sizes.avro_contracts, sizes.avro_versions
    pairs = contracts * (versions - 1)
    with workdir("avro") as tmp:
        started = time.perf_counter()
        repo = synthetic.build_avro_versions(tmp / "repo", contracts, versions)
        build_s = time.perf_counter() - started
        texts = {
            f"topic{t}-value": [synthetic.avro_contract(t, v) for v in range(versions)]
            for t in range(contracts)
        }
        pairs_file = tmp / "versions.json"
        pairs_file.write_text(json.dumps(texts))
        report = tmp / "report.json"
        env = cli_env(tmp)
        cmd = [contractctl(), "check", "--all", "--format", "json", "--output", str(report)]
        ours = measure(cmd, repo, env, sizes.slow_reps, warmup=False, timeout=600)
        data = json.loads(report.read_text())
        compared = sum(r.get("compared_versions", versions - 1) for r in data["results"])
        if len(data["results"]) != contracts or not data["passed"]:
            raise BenchmarkError(f"check --all: {len(data['results'])} results, passed={data['passed']}")
        baseline = [sys.executable, str(HERE / "apache_avro_check.py"), str(pairs_file)]
        theirs = measure(baseline, repo, env, sizes.slow_reps, warmup=False, timeout=600)
        if f"pairs={pairs} " not in theirs[-1].stdout:
            raise BenchmarkError(f"apache avro baseline: {theirs[-1].stdout}")
    mine_s, avro_s = median_time(ours), median_time(theirs)
    name = f"avro: check --all ({contracts} x {versions} versions, {pairs} pairs)"
    return Outcome(
        [
            Row(
                name,
                secs(mine_s),
                f"apache avro {secs(avro_s)}",
                f"{mine_s / avro_s:.2f}x its time",
                "<= 3 s",
                met(mine_s <= 3, options.quick),
            )
        ],
        {
            "build_s": build_s,
            "contractctl_s": mine_s,
            "contractctl_runs": [s.seconds for s in ours],
            "contractctl_cpu_s": median_cpu(ours),
            "contractctl_rss_kb": median_rss(ours),
            "apache_avro_s": avro_s,
            "apache_avro_rss_kb": median_rss(theirs),
            "pairs": pairs,
            "compared_versions_reported": compared,
        },
    )


def bench_jsonschema(options: Options) -> Outcome:
    """`check --all` (BACKWARD_TRANSITIVE) over JSON Schema contracts vs the same evolution in Avro,
    both through the CLI on a repository of the same shape, measured alternately in the same run.

    Each of the contracts evolves in every commit (jsonschema_bench.synthetic_history: an optional
    property added to a closed object each version; avro_history: the same in Avro). With
    `--before`, each round also runs that contractctl on the JSON Schema repository."""
    sizes = options.sizes
    contracts, versions = sizes.avro_contracts, sizes.avro_versions
    config = synthetic.CONFIG + "defaults: {compatibility: BACKWARD_TRANSITIVE}\n"
    histories = {
        "jsonschema": [jsonschema_bench.synthetic_history(t, versions) for t in range(contracts)],
        "avro": [jsonschema_bench.avro_history(t, versions) for t in range(contracts)],
    }
    with workdir("jsonschema") as tmp:
        repos: dict[str, Path] = {}
        for kind, texts in histories.items():
            commits = []
            for version in range(versions):
                files = {str(history[version].path): history[version].text for history in texts}
                if version == 0:
                    files["contractctl.yaml"] = config
                commits.append(synthetic.Commit(f"version {version + 1}", files))
            repos[kind] = synthetic.fast_import(tmp / kind, commits)
        env = cli_env(tmp)
        runs = [(kind, contractctl(), repo) for kind, repo in repos.items()]
        if options.before:
            runs.append(("before", options.before, repos["jsonschema"]))
        samples: dict[str, list[Sample]] = {kind: [] for kind, _, _ in runs}
        for _ in range(sizes.slow_reps):  # alternate, so that load from others hits all alike
            for kind, script, repo in runs:
                report = tmp / f"{kind}.json"
                cmd = [script, "check", "--all", "--format", "json", "--output", str(report)]
                samples[kind].extend(measure(cmd, repo, env, 1, warmup=False, timeout=900))
                data = json.loads(report.read_text())
                compared = sum(r.get("compared_versions", 0) for r in data["results"])
                if len(data["results"]) != contracts or not data["passed"]:
                    raise BenchmarkError(
                        f"{kind} check --all: {len(data['results'])} results, passed={data['passed']}"
                    )
                if compared != contracts * (versions - 1):
                    raise BenchmarkError(f"{kind} check --all compared {compared} versions")
    json_s, avro_s = median_time(samples["jsonschema"]), median_time(samples["avro"])
    pairs = contracts * (versions - 1)
    rows = [
        Row(
            f"jsonschema: check --all ({contracts} x {versions} versions, {pairs} pairs)",
            secs(json_s),
            f"same in avro {secs(avro_s)}",
            f"{json_s / avro_s:.2f}x its time",
            "<= 3 s",
            met(json_s <= 3, options.quick),
        )
    ]
    before: dict[str, Any] = {}
    if options.before:
        before_s = median_time(samples["before"])
        rows.append(
            Row(
                "jsonschema: the same with --before's contractctl",
                secs(before_s),
                f"same in avro {secs(avro_s)}",
                f"{before_s / avro_s:.2f}x its time",
                "-",
                "-",
            )
        )
        before = {
            "before_s": before_s,
            "before_runs": [s.seconds for s in samples["before"]],
            "before_cpu_s": median_cpu(samples["before"]),
            "before_contractctl": options.before,
        }
    return Outcome(
        rows,
        {
            **before,
            "jsonschema_s": json_s,
            "jsonschema_runs": [s.seconds for s in samples["jsonschema"]],
            "jsonschema_cpu_s": median_cpu(samples["jsonschema"]),
            "jsonschema_rss_kb": median_rss(samples["jsonschema"]),
            "avro_s": avro_s,
            "avro_runs": [s.seconds for s in samples["avro"]],
            "avro_cpu_s": median_cpu(samples["avro"]),
            "avro_rss_kb": median_rss(samples["avro"]),
            "pairs": pairs,
        },
    )


# -- registry doubles ------------------------------------------------------------------------------

REGISTRY_CONFIG = """version: 1
contracts: {root: contracts, base_branch: main}
defaults: {compatibility: BACKWARD_TRANSITIVE}
registries:
  aws: {url: "${AWS_URL}", SETTINGS}
  azure: {url: "${AZURE_URL}", SETTINGS}
links:
  aws-to-azure: {source: aws, destination: azure, context_type: NONE, subjects: ["*"]}
"""
SETTINGS = (
    "max_concurrency: {mc}, timeout: {{connect: 5, read: 30}}, "
    "retries: {{max: 1, backoff_initial: 0.05, backoff_max: 0.1}}"
)


def registry_config(max_concurrency: int) -> str:
    return REGISTRY_CONFIG.replace("SETTINGS", SETTINGS.format(mc=max_concurrency))


class DoubleProcess:
    """A registry double in its own process (``double_server.py``), driven over a line-based pipe.

    Its own process so that its CPU (Apache Avro's checker per compatibility test) runs beside the
    client instead of under the benchmark's GIL, as a real registry's would.
    """

    def __init__(self, name: str, level: str = "BACKWARD_TRANSITIVE") -> None:
        self.name = name
        self._process = subprocess.Popen(
            [sys.executable, str(HERE / "double_server.py"), name, level],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.url: str = self._read()["url"]
        if not self.url.startswith("http://127.0.0.1:"):
            raise BenchmarkError(f"registry double {name} did not bind loopback: {self.url}")

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise BenchmarkError(f"registry double {self.name} exited ({self._process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise BenchmarkError(f"registry double {self.name}: {answer['error']}")
        return answer

    def call(self, op: str, **fields: Any) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self._process.stdin.flush()
        return self._read()

    def seed(self, items: Sequence[tuple[str, str, int | None]]) -> None:
        """Register (subject, text, id or None) directly in the store: no check, ids honoured."""
        self.call("seed", items=[list(item) for item in items])

    def latency(self, seconds: float) -> None:
        self.call("latency", seconds=seconds)

    def clear_requests(self) -> None:
        self.call("clear")

    def count(self) -> tuple[int, float]:
        """(requests logged since the last clear, CPU seconds the double's process has used)."""
        answer = self.call("count")
        return int(answer["requests"]), float(answer["cpu_s"])

    def requests(self) -> list[Recorded]:
        return [Recorded(**r) for r in self.call("requests")["requests"]]

    def errors(self) -> list[str]:
        return list(self.call("errors")["errors"])

    def stop(self) -> None:
        """Ask the process to stop the double and exit; kill it (by its own pid) if it does not."""
        if self._process.poll() is None:
            with suppress(BenchmarkError, OSError, ValueError):
                self.call("stop")
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


@dataclass(frozen=True)
class Recorded:
    """One request a double received, as much as a replay needs."""

    method: str
    path: str
    query: dict[str, list[str]]
    content_type: str | None
    body: str  # latin-1, so any bytes survive JSON


@contextmanager
def two_doubles() -> Iterator[tuple[DoubleProcess, DoubleProcess]]:
    """AWS and Azure doubles on 127.0.0.1, each in its own process; stopped on exit, errors raised."""
    with ExitStack() as stack:
        doubles = []
        for name in ("aws", "azure"):
            double = DoubleProcess(name)
            stack.callback(double.stop)
            doubles.append(double)
        yield doubles[0], doubles[1]
        for double in doubles:
            errors = double.errors()
            if errors:
                raise BenchmarkError(f"registry double {double.name} failed:\n" + "\n".join(errors))


def floor_seconds(latency: float, counts: dict[str, int], max_concurrency: int) -> float:
    """The least wall time at this latency: each registry has at most max_concurrency requests in flight
    (the issue's latency x requests / concurrency, per registry, in whole rounds)."""
    return max(latency * math.ceil(n / max_concurrency) for n in counts.values())


def replay(double: DoubleProcess, request: Recorded) -> None:
    """One recorded request again, with plain urllib (a new connection each time)."""
    url = double.url + request.path
    if request.query:
        url += "?" + urllib.parse.urlencode(request.query, doseq=True)
    headers = {"Content-Type": request.content_type} if request.content_type else {}
    body = request.body.encode("latin-1") or None
    sent = urllib.request.Request(url, data=body, headers=headers, method=request.method)
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:  # a 404 answer is still a full round trip
        error.read()


def sequential_seconds(recorded: list[tuple[DoubleProcess, Recorded]], sample: int) -> tuple[float, int]:
    """Time for all recorded requests one after another, replaying every k-th and scaling up.

    Each replayed request waits the injected latency, so the total is linear in the request count;
    replaying a spread sample keeps the benchmark bounded (``sample`` 0 replays all).
    """
    stride = 1 if sample <= 0 else max(1, len(recorded) // sample)
    chosen = recorded[::stride]
    started = time.perf_counter()
    for double, request in chosen:
        replay(double, request)
    elapsed = time.perf_counter() - started
    return elapsed * len(recorded) / len(chosen), len(chosen)


# -- 4. remote check -------------------------------------------------------------------------------


def bench_remote(options: Options) -> Outcome:
    """`check --registry aws --registry azure` with every subject changed and known to both registries."""
    sizes, mc, latency = options.sizes, options.max_concurrency, options.latency
    subjects = sizes.remote_subjects
    with workdir("remote") as tmp, two_doubles() as (aws, azure):
        repo = synthetic.build_avro_branch(tmp / "repo", subjects, registry_config(mc))
        for double in (aws, azure):
            double.seed([(f"topic{t}-value", synthetic.avro_contract(t, 0), None) for t in range(subjects)])
            double.latency(latency)
        report = tmp / "report.json"
        env = cli_env(tmp, AWS_URL=aws.url, AZURE_URL=azure.url)
        cmd = [contractctl(), "check", "--registry", "aws", "--registry", "azure"]
        cmd += ["--format", "json", "--output", str(report)]
        counts: list[dict[str, int]] = []
        server_cpu: list[float] = []

        def clear() -> None:
            aws.clear_requests()
            azure.clear_requests()
            server_cpu.append(aws.count()[1] + azure.count()[1])

        def count(_: Sample) -> None:
            (aws_n, aws_cpu), (azure_n, azure_cpu) = aws.count(), azure.count()
            counts.append({"aws": aws_n, "azure": azure_n})
            server_cpu[-1] = aws_cpu + azure_cpu - server_cpu[-1]

        ours = measure(cmd, repo, env, sizes.slow_reps, timeout=300, before=clear, after=count)
        counts, server_cpu = counts[1:], server_cpu[1:]  # without the warm-up run
        remote = [r for r in json.loads(report.read_text())["results"] if r.get("registry")]
        verdicts = {r["verdict"] for r in remote}
        if len(remote) != 2 * subjects or verdicts != {"compatible"}:
            raise BenchmarkError(f"remote check: {len(remote)} registry results, verdicts {verdicts}")
        recorded = [(aws, r) for r in aws.requests()] + [(azure, r) for r in azure.requests()]
        sequential, replayed = sequential_seconds(recorded, options.sequential_sample)
    measured = median_time(ours)
    floor = statistics.median(floor_seconds(latency, c, mc) for c in counts)
    requests = counts[-1]["aws"] + counts[-1]["azure"]
    name = f"remote: check --registry x2 ({subjects} subjects, {latency * 1000:.0f} ms, max_concurrency {mc})"
    return Outcome(
        [
            Row(
                name,
                secs(measured),
                f"floor {secs(floor)} ({requests} req)",
                f"{measured / floor:.2f}x floor",
                "<= 1.25x floor",
                met(measured <= 1.25 * floor, options.quick),
            ),
            Row(
                name,
                secs(measured),
                f"sequential urllib {secs(sequential)}",
                f"{sequential / measured:.1f}x faster",
                ">= 10x faster",
                met(sequential / measured >= 10, options.quick),
            ),
        ],
        {
            "check_s": measured,
            "runs": [s.seconds for s in ours],
            "requests_per_run": counts,
            "contractctl_cpu_s": median_cpu(ours),
            "doubles_cpu_s": statistics.median(server_cpu),
            "floor_s": floor,
            "sequential_s": sequential,
            "sequential_replayed": replayed,
            "sequential_extrapolated": replayed < len(recorded),
            "latency_s": latency,
            "max_concurrency": mc,
        },
    )


# -- 5. link verify --------------------------------------------------------------------------------


def bench_link(options: Options) -> Outcome:
    """`link verify` with every subject already replicated (same ids, versions and text on both sides)."""
    sizes, mc, latency = options.sizes, options.max_concurrency, options.latency
    subjects = sizes.link_subjects
    with workdir("link") as tmp, two_doubles() as (aws, azure):
        repo = tmp / "repo"
        repo.mkdir()
        synthetic.git(repo, "init", "-q", "-b", "main")
        (repo / "contractctl.yaml").write_text(registry_config(mc))
        for double in (aws, azure):
            double.seed(
                [(f"topic{t}-value", synthetic.avro_contract(t, 0), 100 + t) for t in range(subjects)]
            )
            double.latency(latency)
        report = tmp / "report.json"
        env = cli_env(tmp, AWS_URL=aws.url, AZURE_URL=azure.url)
        cmd = [contractctl(), "link", "verify", "--format", "json", "--output", str(report)]
        counts: list[dict[str, int]] = []

        def clear() -> None:
            aws.clear_requests()
            azure.clear_requests()

        def count(_: Sample) -> None:
            counts.append({"aws": aws.count()[0], "azure": azure.count()[0]})

        ours = measure(cmd, repo, env, sizes.slow_reps, timeout=300, before=clear, after=count)
        counts = counts[1:]
        results = json.loads(report.read_text())["results"]
        if len(results) != subjects or not all(r["verdict"] == "in parity" for r in results):
            raise BenchmarkError(
                f"link verify: {len(results)} results, {[r['verdict'] for r in results][:5]}"
            )
    measured = median_time(ours)
    floor = statistics.median(floor_seconds(latency, c, mc) for c in counts)
    requests = counts[-1]["aws"] + counts[-1]["azure"]
    return Outcome(
        [
            Row(
                f"link: verify ({subjects} subjects, {latency * 1000:.0f} ms, max_concurrency {mc})",
                secs(measured),
                f"floor {secs(floor)} ({requests} req)",
                f"{measured / floor:.2f}x floor",
                "<= 2 s",
                met(measured <= 2, options.quick),
            )
        ],
        {
            "verify_s": measured,
            "runs": [s.seconds for s in ours],
            "requests_per_run": counts,
            "floor_s": floor,
            "latency_s": latency,
            "max_concurrency": mc,
        },
    )


# -- main ------------------------------------------------------------------------------------------

BENCHMARKS: dict[str, Callable[[Options], Outcome]] = {
    "precommit": bench_precommit,
    "protobuf": bench_protobuf,
    "api-tree": bench_api_tree,
    "avro": bench_avro,
    "jsonschema": bench_jsonschema,
    "remote": bench_remote,
    "link": bench_link,
}
HEADERS = ("benchmark", "measured", "baseline", "ratio", "target", "met?")


def code_revision() -> str:
    """HEAD, and whether contractctl/ has uncommitted changes (others may be editing it)."""
    head = synthetic.git(ROOT, "rev-parse", "--short", "HEAD").strip()
    dirty = synthetic.git(ROOT, "status", "--porcelain", "--", "contractctl").strip()
    return head + (" + uncommitted changes in contractctl/" if dirty else "")


def render(rows: Sequence[Row]) -> str:
    table = [HEADERS, *[(r.benchmark, r.measured, r.baseline, r.ratio, r.target, r.met) for r in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in table]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each: a smoke test")
    parser.add_argument(
        "--only", choices=sorted(BENCHMARKS), action="append", help="run only NAME (repeatable)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write rows and raw figures to OUT")
    parser.add_argument("--reps", type=int, help="runs per measurement (default 5, slow benchmarks 3)")
    parser.add_argument("--latency", type=float, default=0.05, help="injected registry latency (s)")
    parser.add_argument("--max-concurrency", type=int, default=8, help="registries' max_concurrency")
    parser.add_argument(
        "--sequential-sample",
        type=int,
        default=200,
        help="requests replayed for the sequential baseline (0: all)",
    )
    parser.add_argument("--api-files", help="api-tree sizes, comma-separated (default 1000,5000)")
    parser.add_argument("--api-history", help="api-tree commits before the base (default 300,3000)")
    parser.add_argument(
        "--before",
        metavar="CONTRACTCTL",
        help="an earlier revision's contractctl script: jsonschema also times it, in the same rounds",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.reps:
        sizes = replace(sizes, reps=args.reps, slow_reps=args.reps)
    if args.api_files:
        sizes = replace(sizes, api_files=tuple(int(n) for n in args.api_files.split(",")))
    if args.api_history:
        sizes = replace(sizes, api_history=tuple(int(n) for n in args.api_history.split(",")))
    sample = args.sequential_sample if args.sequential_sample is not None else 60 if args.quick else 200
    options = Options(sizes, args.latency, args.max_concurrency, sample, args.quick, args.before)
    rows: list[Row] = []
    details: dict[str, Any] = {}
    failed = False
    revision = code_revision()
    print(f"contractctl at {revision}", file=sys.stderr, flush=True)
    for name in args.only or list(BENCHMARKS):
        print(f"== {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            outcome = BENCHMARKS[name](options)
        except (BenchmarkError, subprocess.SubprocessError, OSError) as error:
            failed = True
            outcome = Outcome([Row(name, "ERROR", str(error).splitlines()[0][:100], "-", "-", "-")])
            outcome.details = {"error": str(error)}
        outcome.details["benchmark_wall_s"] = time.perf_counter() - started
        print(f"   done in {outcome.details['benchmark_wall_s']:.0f} s", file=sys.stderr, flush=True)
        rows.extend(outcome.rows)
        details[name] = outcome.details
    print(render(rows))
    if args.json:
        machine = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        document = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine,
            "contractctl_revision": revision,
            "sizes": asdict(sizes),
            "options": {k: v for k, v in asdict(options).items() if k != "sizes"},
            "rows": [asdict(r) for r in rows],
            "details": details,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
