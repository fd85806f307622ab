"""Baseline for the Avro benchmark: Apache Avro's Python checker on the pairs `check --all` compares.

Usage: ``python apache_avro_check.py VERSIONS.json`` where the file maps each subject to its version
texts, oldest first. Like BACKWARD_TRANSITIVE, the newest version (reader) is checked against every
earlier one (writer). Prints ``pairs=N incompatible=M``; exit 1 if any pair is incompatible.
"""

from __future__ import annotations

import json
import sys

from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from avro.schema import parse


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        subjects: dict[str, list[str]] = json.load(handle)
    pairs = incompatible = 0
    for texts in subjects.values():
        parsed = [parse(text) for text in texts]
        reader = parsed[-1]
        for writer in reversed(parsed[:-1]):
            checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
            result = checker.get_compatibility(reader, writer)
            pairs += 1
            incompatible += result.compatibility is not SchemaCompatibilityType.compatible
    print(f"pairs={pairs} incompatible={incompatible}")
    return 1 if incompatible else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
