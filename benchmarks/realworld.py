"""Audit contractctl on real public trees, from the outside, as a user runs it (issues 14, 16, 17).

    python benchmarks/realworld.py protobuf TREE --against REF [--buf BIN] [--exclude GLOB...]
        [--precommit PATH [--baseline CONTRACTCTL] [--reps N]]
    python benchmarks/realworld.py jsonschema TREE [--limit N] [--pairs N]
    python benchmarks/realworld.py avro TREE [TREE...]

Run on demand, never by the test suite: it needs public repositories already cloned on this machine
(it fetches nothing itself; see benchmarks/README.md, "Real public trees", for the revisions used).
Every verdict comes from the installed console script next to this interpreter, with ground truth
from the tools each format's users trust: protoc (grpcio-tools) for Protobuf, `jsonschema`'s
meta-schema validator of the schema's draft for JSON Schema, Apache Avro's Python parser for Avro.
An "invalid" verdict (exit 2) on a schema the ground truth accepts is a defect, and so is any
traceback. Results print as JSON (and go to --json OUT).

* protobuf: writes contractctl.yaml into TREE (a clone the user owns; ignored through
  .git/info/exclude), runs `check --all` and `check --against REF` under ``/usr/bin/time -v``, compiles
  every file reported invalid with protoc to tell defects from real errors, and runs
  `buf breaking --against <checkout of REF>` (WIRE rules) on the same change for time, memory and the
  breaks each tool finds.
* jsonschema: TREE is a SchemaStore clone; its ``src/schemas/json/*.json`` go into a fresh contracts
  repository as ``contracts/<name>/value.json`` and ``contracts/shared/<name>.json``; `check --all`
  runs once over it; then the two newest git versions of each schema go through
  `contractctl compat --type json` one process each (time and memory per schema), and each verdict is
  compared with the registry double's independent checker (tests/registry_double).
  `--precommit PATH` also times `check --staged` after a compatible edit of PATH (warm, as a
  pre-commit hook runs it after its first run), against `--baseline` (another contractctl) in
  alternation.
* avro: every ``.avsc`` tracked in the TREEs that Apache Avro's Python library parses by itself goes
  into a contracts repository (``contracts/<name>/value.avsc``); `check --all` must find none invalid.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import run

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # for tests/registry_double, the independent JSON Schema oracle

TIMEOUT = 3600.0


def git(tree: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed in {tree}: {done.stderr.strip()}")
    return done.stdout


def measured(sample: run.Sample) -> dict[str, Any]:
    return {
        "seconds": round(sample.seconds, 2),
        "cpu_s": None if sample.cpu_s is None else round(sample.cpu_s, 2),
        "peak_rss_mib": None if sample.rss_kb is None else round(sample.rss_kb / 1024),
        "exit_code": sample.code,
    }


def traceback_in(sample: run.Sample) -> bool:
    return "Traceback (most recent call last)" in sample.stdout + sample.stderr


def report_of(sample: run.Sample) -> dict[str, Any]:
    """The `--format json` report a command printed; exits when there is none (itself a defect)."""
    try:
        parsed: dict[str, Any] = json.loads(sample.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"no JSON report (exit {sample.code}): {sample.stderr[-2000:]}") from None
    return parsed


def invalid_results(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in report["results"] if r["verdict"] == "invalid"]


def verdict_counts(report: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in report["results"]:
        counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
    return counts


def first_errors(results: Iterable[dict[str, Any]], limit: int = 40) -> list[dict[str, Any]]:
    shown = []
    for result in results:
        errors = [f for f in result["findings"] if f["severity"] == "error"]
        first = errors[0] if errors else {}
        shown.append(
            {
                "subject": result["subject"],
                "path": result["path"],
                "rule": first.get("rule"),
                "message": (first.get("message") or "")[:300],
            }
        )
        if len(shown) >= limit:
            break
    return shown


# -- Protobuf: a large public API tree versus protoc and buf --------------------------------------


def protoc_accepts(tree: Path, files: Sequence[str]) -> dict[str, str | None]:
    """protoc's verdict per file (None: compiles), with the include paths a user of TREE would give."""
    from grpc_tools import protoc  # the project's own protoc (grpcio-tools), as ground truth

    include = str(Path(protoc.__file__).parent / "_proto")
    verdicts: dict[str, str | None] = {}
    with tempfile.TemporaryDirectory() as out:
        for name in files:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "grpc_tools.protoc",
                    f"-I{tree}",
                    f"-I{include}",
                    f"--descriptor_set_out={out}/d.pb",
                    name,
                ],
                cwd=tree,
                capture_output=True,
                text=True,
                check=False,
            )
            verdicts[name] = None if done.returncode == 0 else done.stderr.strip()[-400:]
    return verdicts


def buf_breaks(output: str) -> list[str]:
    """buf's breaking-change lines (``file:line:col:message``), without positions, for comparison."""
    return sorted({re.sub(r":\d+:\d+:", ":", line) for line in output.splitlines() if line.strip()})


def audit_protobuf(args: argparse.Namespace) -> dict[str, Any]:
    tree = Path(args.tree).resolve()
    excludes = ["**/*.json", *args.exclude]
    config = (
        "version: 1\n"
        f"contracts: {{root: '.', base_branch: {args.base_branch}, exclude: {json.dumps(excludes)}}}\n"
        f"defaults: {{compatibility: {args.level}, subject_strategy: {args.strategy}}}\n"
    )
    (tree / "contractctl.yaml").write_text(config)
    ignored = tree / ".git" / "info" / "exclude"
    if "contractctl.yaml" not in ignored.read_text():
        ignored.write_text(ignored.read_text() + "contractctl.yaml\n")
    cli = run.contractctl()
    out: dict[str, Any] = {"tree": str(tree), "head": git(tree, "rev-parse", "HEAD").strip()}
    out["against"] = git(tree, "rev-parse", args.against).strip()
    out["config"] = config
    with tempfile.TemporaryDirectory() as home_dir:
        home = Path(home_dir)
        env = run.cli_env(home)
        runs: dict[str, run.Sample] = {}
        if not args.skip_all:
            runs["check --all"] = run.run_once(
                [cli, "check", "--all", "--format", "json"], tree, env, TIMEOUT
            )
        runs["check --against"] = run.run_once(
            [cli, "check", "--against", args.against, "--format", "json"], tree, env, TIMEOUT
        )
        invalid_paths: set[str] = set()
        for name, sample in runs.items():
            report = report_of(sample)
            invalid = invalid_results(report)
            invalid_paths.update(r["path"] for r in invalid if r["path"])
            out[name] = {
                **measured(sample),
                "traceback": traceback_in(sample),
                "subjects": len(report["results"]),
                "verdicts": verdict_counts(report),
                "invalid_examples": first_errors(invalid),
                "incompatible": first_errors(
                    (r for r in report["results"] if r["verdict"] == "incompatible"), limit=200
                ),
            }
        truth = protoc_accepts(tree, sorted(invalid_paths))
        out["invalid_that_protoc_compiles"] = sorted(p for p, why in truth.items() if why is None)
        out["invalid_that_protoc_refuses"] = {p: why for p, why in truth.items() if why is not None}
        if args.buf:
            out["buf"] = buf_against(Path(args.buf), tree, args.against, excludes, env)
        for path in args.precommit:
            out.setdefault("precommit", []).append(
                precommit_of(tree, path, cli, args.baseline, env, args.reps)
            )
    return out


def precommit_of(
    tree: Path, path: str, cli: str, baseline: str | None, env: dict[str, str], reps: int
) -> dict[str, Any]:
    """`check --staged` after a compatible edit of one .proto file (a new field in its first
    message), as a pre-commit hook runs it: once to fill what a check keeps, then `reps` times,
    alternating with `baseline` (another contractctl) when given. The file and the index are put
    back afterwards."""
    file = tree / path
    original = file.read_bytes()
    text = original.decode("utf-8")
    found = re.search(r"^message\s+\w+\s*\{", text, re.M)
    if found is None:
        raise SystemExit(f"{path}: no top-level message to add a field to")
    file.write_text(f"{text[: found.end()]}\n  string contractctl_probe = 536870000;{text[found.end() :]}")
    commands = {"check": [cli, "check", "--staged", "-q"]}
    if baseline:
        commands["baseline"] = [baseline, "check", "--staged", "-q"]
    try:
        git(tree, "add", "--", path)
        first = {name: run.run_once(cmd, tree, env, TIMEOUT) for name, cmd in commands.items()}
        samples: dict[str, list[run.Sample]] = {name: [] for name in commands}
        for _ in range(reps):
            for name, cmd in commands.items():
                samples[name].append(run.run_once(cmd, tree, env, TIMEOUT))
        reports = {
            name: run.run_once([*cmd[:-1], "--format", "json"], tree, env, TIMEOUT).stdout
            for name, cmd in commands.items()
        }
    finally:
        file.write_bytes(original)
        git(tree, "add", "--", path)
    out: dict[str, Any] = {"path": path}
    for name in commands:
        out[name] = {
            "first_s": first[name].seconds,
            "median_s": run.median_time(samples[name]),
            "median_cpu_s": run.median_cpu(samples[name]),
            "peak_rss_kb": run.median_rss(samples[name]),
            "exit": samples[name][-1].code,
            "traceback": any(traceback_in(s) for s in samples[name]),
        }
    if baseline:
        out["same_report"] = reports["check"] == reports["baseline"]
    return out


def buf_against(
    buf: Path, tree: Path, against: str, excludes: Sequence[str], env: dict[str, str]
) -> dict[str, Any]:
    """`buf breaking` (WIRE rules) of TREE's working tree against a checkout of AGAINST."""
    dirs = sorted({g.removesuffix("/**") for g in excludes if g.endswith("/**")})
    config = "version: v2\nmodules:\n  - path: .\n"
    if dirs:
        config += f"    excludes: {json.dumps(dirs)}\n"
    config += "breaking:\n  use: [WIRE]\n"
    with tempfile.TemporaryDirectory() as base_dir:
        base = Path(base_dir) / "base"
        base.mkdir()
        # A checkout of AGAINST through a scratch index, without the excluded paths (a snapshot may
        # lack their blobs) and without touching TREE's own index or worktrees.
        skip = [f":(exclude,glob){glob}" for glob in excludes]
        subprocess.run(
            ["git", "-C", str(tree), f"--work-tree={base}", "checkout", against, "--", ".", *skip],
            env={**env, "GIT_INDEX_FILE": str(Path(base_dir) / "index")},
            capture_output=True,
            check=True,
        )
        try:
            for root in (tree, base):
                (root / "buf.yaml").write_text(config)
            sample = run.run_once([str(buf), "breaking", "--against", str(base)], tree, env, TIMEOUT)
        finally:
            (tree / "buf.yaml").unlink(missing_ok=True)
    return {**measured(sample), "breaks": buf_breaks(sample.stdout), "stderr": sample.stderr[-2000:]}


# -- JSON Schema: SchemaStore ---------------------------------------------------------------------


def meta_verdict(text: str) -> str | None:
    """None when `jsonschema`'s validator for the schema's draft accepts it, else why not."""
    import jsonschema

    try:
        schema = json.loads(text)
    except ValueError as error:
        return f"not JSON: {error}"
    if not isinstance(schema, (dict, bool)):
        return "not an object or boolean"
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        return f"{error.message[:200]} at {list(error.absolute_path)}"
    except Exception as error:  # a meta-schema validator crash is itself worth recording
        return f"validator raised {type(error).__name__}: {error}"[:300]
    return None


def subject_name(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem)


def schemastore_files(tree: Path, limit: int | None) -> dict[str, str]:
    """name -> text of each schema at HEAD whose blob the clone has (snapshots lack files >= 4 MiB)."""
    listing = git(tree, "ls-tree", "-r", "HEAD", "--", "src/schemas/json/").splitlines()
    texts: dict[str, str] = {}
    for line in listing:
        meta, path = line.split("\t", 1)
        if not path.endswith(".json"):
            continue
        blob = meta.split()[2]
        shown = subprocess.run(
            ["git", "-C", str(tree), "cat-file", "blob", blob], capture_output=True, check=False
        )
        if shown.returncode == 0:
            texts[path] = shown.stdout.decode("utf-8", "replace")
        if limit and len(texts) >= limit:
            break
    return texts


def newest_pairs(tree: Path, paths: Iterable[str]) -> dict[str, tuple[str, str]]:
    """path -> (older commit, newer commit): its two newest versions, from one pass over the log."""
    wanted = set(paths)
    seen: dict[str, list[str]] = {}
    log = subprocess.run(
        [
            "git",
            "-C",
            str(tree),
            "log",
            "--format=@%H",
            "--name-only",
            "--no-renames",
            "--",
            "src/schemas/json/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commit = ""
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line in wanted and len(seen.setdefault(line, [])) < 2:
            seen[line].append(commit)
    return {p: (c[1], c[0]) for p, c in seen.items() if len(c) == 2}


def double_verdict(old: str, new: str) -> str:
    """BACKWARD verdict of the registry double's own JSON Schema checker (it never imports contractctl)."""
    from tests.registry_double.compat import SchemaDoc
    from tests.registry_double.jsonschema_compat import jsonschema_checker

    try:
        messages = jsonschema_checker(SchemaDoc("JSON", new), SchemaDoc("JSON", old))
    except RecursionError:
        return "double: recursion"
    except Exception as error:
        return f"double: {type(error).__name__}"
    return "incompatible" if messages else "compatible"


def commit_and_check_all(repo: Path, cli: str, env: dict[str, str]) -> run.Sample:
    """The written contracts committed as one repository, then `check --all` over them."""
    (repo / "contractctl.yaml").write_text("version: 1\ncontracts: {root: contracts, base_branch: main}\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "schemas"], check=True, env=env)
    return run.run_once([cli, "check", "--all", "--format", "json"], repo, env, TIMEOUT)


def audit_jsonschema(args: argparse.Namespace) -> dict[str, Any]:
    tree = Path(args.tree).resolve()
    texts = schemastore_files(tree, args.limit)
    meta = {path: meta_verdict(text) for path, text in texts.items()}
    out: dict[str, Any] = {
        "tree": str(tree),
        "head": git(tree, "rev-parse", "HEAD").strip(),
        "schemas": len(texts),
        "meta_invalid": {p: why for p, why in meta.items() if why is not None},
    }
    cli = run.contractctl()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        env = run.cli_env(work)
        repo = work / "repo"
        (repo / "contracts" / "shared").mkdir(parents=True)
        by_file: dict[str, str] = {}
        for path, text in texts.items():
            name = subject_name(path)
            (repo / "contracts" / name).mkdir()
            (repo / "contracts" / name / "value.json").write_text(text)
            (repo / "contracts" / "shared" / f"{name}.json").write_text(text)
            by_file[f"contracts/{name}/value.json"] = path
            by_file[f"contracts/shared/{name}.json"] = path
        sample = commit_and_check_all(repo, cli, env)
        report = report_of(sample)
        invalid = invalid_results(report)
        out["check --all"] = {
            **measured(sample),
            "traceback": traceback_in(sample),
            "subjects": len(report["results"]),
            "verdicts": verdict_counts(report),
            "invalid_but_meta_valid": [
                r for r in first_errors(invalid, limit=10_000) if meta.get(by_file.get(r["path"], "")) is None
            ],
        }
        out["pairs"] = compat_pairs(tree, texts, meta, args.pairs, cli, env, work)
    return out


def compat_pairs(
    tree: Path,
    texts: dict[str, str],
    meta: dict[str, str | None],
    limit: int | None,
    cli: str,
    env: dict[str, str],
    work: Path,
) -> dict[str, Any]:
    """`compat --type json --level BACKWARD` on the two newest versions of each schema, one process each."""
    pairs = newest_pairs(tree, [p for p, why in meta.items() if why is None])
    rows: list[dict[str, Any]] = []
    for path, (older, newer) in sorted(pairs.items())[: limit or None]:
        old_text = git(tree, "show", f"{older}:{path}", check=False)
        new_text = git(tree, "show", f"{newer}:{path}", check=False)
        if not old_text or not new_text or meta_verdict(old_text) is not None:
            continue
        old_file, new_file = work / "old.json", work / "new.json"
        old_file.write_text(old_text)
        new_file.write_text(new_text)
        cmd = [cli, "compat", "--type", "json", "--level", "BACKWARD", "--format", "json"]
        sample = run.run_once([*cmd, "--previous", str(old_file), str(new_file)], work, env, 600)
        report = json.loads(sample.stdout) if sample.stdout.strip().startswith("{") else None
        ours = report["results"][0]["verdict"] if report and report["results"] else f"exit {sample.code}"
        rows.append(
            {
                "path": path,
                "older": older[:12],
                "newer": newer[:12],
                **measured(sample),
                "traceback": traceback_in(sample),
                "verdict": ours,
                "double": double_verdict(old_text, new_text),
            }
        )
    judged = [r for r in rows if r["verdict"] in ("compatible", "incompatible", "unchanged")]
    agree = [
        r for r in judged if r["double"] == ("compatible" if r["verdict"] == "unchanged" else r["verdict"])
    ]
    return {
        "pairs": len(rows),
        "tracebacks": [r["path"] for r in rows if r["traceback"]],
        "not_judged": [r for r in rows if r not in judged],
        "agree_with_double": len(agree),
        "disagree_with_double": [r for r in judged if r not in agree],
        "slowest": sorted(rows, key=lambda r: r["seconds"], reverse=True)[:10],
        "largest_rss": sorted(rows, key=lambda r: r["peak_rss_mib"] or 0, reverse=True)[:5],
    }


# -- Avro: every .avsc Apache Avro parses by itself -----------------------------------------------


def audit_avro(args: argparse.Namespace) -> dict[str, Any]:
    import avro.schema

    found: dict[str, str] = {}
    refused: dict[str, str] = {}
    for tree_arg in args.tree:
        tree = Path(tree_arg).resolve()
        for path in git(tree, "ls-files", "*.avsc").splitlines():
            text = (tree / path).read_text(errors="replace")
            key = f"{tree.name}/{path}"
            try:
                avro.schema.parse(text)
            except Exception as error:  # Apache Avro refuses it alone (e.g. it names another file's type)
                refused[key] = f"{type(error).__name__}: {error}"[:200]
                continue
            found[key] = text
    cli = run.contractctl()
    out: dict[str, Any] = {"parsed_by_apache_avro": len(found), "refused_by_apache_avro": refused}
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        env = run.cli_env(work)
        repo = work / "repo"
        by_file: dict[str, str] = {}
        for number, (key, text) in enumerate(sorted(found.items())):
            folder = repo / "contracts" / f"s{number:04d}_{subject_name(key)}"
            folder.mkdir(parents=True)
            (folder / "value.avsc").write_text(text)
            by_file[f"contracts/{folder.name}/value.avsc"] = key
        sample = commit_and_check_all(repo, cli, env)
        report = report_of(sample)
        invalid = first_errors(invalid_results(report), limit=10_000)
        for row in invalid:
            row["source"] = by_file.get(row["path"])
        out["check --all"] = {
            **measured(sample),
            "traceback": traceback_in(sample),
            "subjects": len(report["results"]),
            "verdicts": verdict_counts(report),
            "invalid_but_apache_avro_parses": invalid,
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", help="also write the results to this file")
    sub = parser.add_subparsers(dest="format", required=True)
    proto = sub.add_parser("protobuf")
    proto.add_argument("tree")
    proto.add_argument("--against", required=True)
    proto.add_argument("--base-branch", default="master")
    proto.add_argument("--level", default="BACKWARD")
    proto.add_argument("--strategy", default="record", choices=["record", "topic", "topic_record"])
    proto.add_argument("--exclude", action="append", default=[], help="contracts.exclude glob (repeatable)")
    proto.add_argument("--buf", help="the buf binary (e.g. benchmarks/.cache/node_modules/@bufbuild/...)")
    proto.add_argument("--skip-all", action="store_true", help="only the change set, not check --all")
    proto.add_argument(
        "--precommit",
        action="append",
        default=[],
        help="also time `check --staged` after a compatible edit of this .proto file (repeatable)",
    )
    proto.add_argument("--baseline", help="another contractctl, alternated with this one in --precommit")
    proto.add_argument("--reps", type=int, default=5, help="runs of each --precommit measurement")
    schemas = sub.add_parser("jsonschema")
    schemas.add_argument("tree")
    schemas.add_argument("--limit", type=int, help="at most this many schemas")
    schemas.add_argument("--pairs", type=int, help="at most this many consecutive-version pairs")
    avsc = sub.add_parser("avro")
    avsc.add_argument("tree", nargs="+")
    args = parser.parse_args(argv)
    audits = {"protobuf": audit_protobuf, "jsonschema": audit_jsonschema, "avro": audit_avro}
    results = audits[args.format](args)
    text = json.dumps(results, indent=2, default=str)
    if args.json:
        Path(args.json).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
