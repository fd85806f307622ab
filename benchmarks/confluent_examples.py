"""Confluent's own Protobuf diff examples through contractctl's engine (round 14), on demand.

    python benchmarks/confluent_examples.py REPO [--rev HEAD]

REPO is a checkout, or a bare mirror, of confluentinc/schema-registry. Its protobuf-provider test
resources (`diff-schema-examples.json`, `diff-schema-examples-with-meta.json` and the .proto files they
name) are read from REPO at run time, never copied here. Each example's two schemas are parsed as the
CLI parses contracts (dependencies as references, Confluent's built-ins from contractctl's own copy),
and contractctl's differences (type and `#/...` path, as a multiset: where Confluent iterates a Java
HashSet the order is not meaningful) and verdict are compared with the example's. Prints every
disagreement and a summary line; exits 1 if any.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from contractctl.formats.base import InvalidSchema
from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES
from contractctl.model import SchemaText

RESOURCES = "protobuf-provider/src/test/resources"
EXAMPLES = ("diff-schema-examples.json", "diff-schema-examples-with-meta.json")


def read(repo: Path, rev: str, path: str) -> str:
    """A file of the repository at `rev` (a bare mirror has no work tree to read from)."""
    git_dir = repo if (repo / "HEAD").is_file() and not (repo / ".git").exists() else repo / ".git"
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{rev}:{path}"], capture_output=True, text=True, check=True
    ).stdout


def parse(engine: ProtobufFormat, text: str, dependencies: list[dict[str, str]] | None) -> ProtobufSchema:
    references = [
        engine.parse(
            SchemaText(PurePosixPath(f"contracts/{d['name']}"), d["dependency"], root="contracts"), []
        )
        for d in dependencies or ()
        if "dependency" in d  # without a text: one of the files every registry has (a built-in)
    ]
    return engine.parse(
        SchemaText(PurePosixPath("contracts/topic/value.proto"), text, root="contracts"), references
    )


def disagreement(engine: ProtobufFormat, example: dict[str, Any], text_of: Any) -> str | None:
    try:
        original = parse(engine, text_of(example["original_schema"]), example.get("original_dependencies"))
        update = parse(engine, text_of(example["update_schema"]), example.get("update_dependencies"))
    except InvalidSchema as error:
        return f"refused as invalid: {[f.message for f in error.findings][:2]}"
    ours = [f"{kind} {path}" for kind, path in engine.differences(original, update)]
    compatible = all(item.split(" ", 1)[0] in COMPATIBLE_CHANGES[engine.oneof_rules] for item in ours)
    if Counter(ours) == Counter(example["changes"]) and compatible == example["compatible"]:
        return None
    theirs = f"Confluent {example['changes']} compatible={example['compatible']}"
    return f"{theirs}; ours {ours} compatible={compatible}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument(
        "--rules",
        choices=("current", "legacy"),
        default="current",
        help="oneof rules: 'legacy' for a release before Confluent's 3f5ff24387e (see diff.py)",
    )
    args = parser.parse_args(argv)
    engine = ProtobufFormat(args.rules)

    def text_of(value: str) -> str:  # an example names a resource file or holds the text itself
        return read(args.repo, args.rev, f"{RESOURCES}/{value}") if value.endswith(".proto") else value

    total = differing = 0
    for name in EXAMPLES:
        for index, example in enumerate(json.loads(read(args.repo, args.rev, f"{RESOURCES}/{name}"))):
            total += 1
            found = disagreement(engine, example, text_of)
            if found is not None:
                differing += 1
                print(f"{name}[{index}] {example['description']}: {found}")
    print(f"{total} examples, {differing} disagreements")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
