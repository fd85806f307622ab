"""Baseline for the Avro benchmarks: Apache Avro's Python checker on the pairs `check --all` compares.

Usage: ``python apache_avro_check.py VERSIONS.json`` where the file maps each subject to its version
texts, oldest first; an optional key ``"__shared__"`` lists texts of named types that the others
refer to (schema references), parsed first and known to every parse. Like BACKWARD_TRANSITIVE, the
newest version (reader) is checked against every earlier one (writer). Prints
``pairs=N incompatible=M``; exit 1 if any pair is incompatible.
"""

from __future__ import annotations

import json
import sys

from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from avro.name import Names
from avro.schema import Schema, make_avsc_object


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        subjects: dict[str, list[str]] = json.load(handle)
    known = Names()
    defines: dict[str, set[str]] = {}  # a shared type's full name -> every name its text defines
    for text in subjects.pop("__shared__", []):
        before = set(known.names)
        make_avsc_object(json.loads(text), known)
        added = set(known.names) - before
        defines.update(dict.fromkeys(added, added))

    def parse(text: str) -> Schema:
        document = json.loads(text)
        own = f"{document.get('namespace', '')}.{document['name']}".lstrip(".")
        names = Names()  # each text sees the shared types (but its own), not the others' types
        names.names = {n: s for n, s in known.names.items() if n not in defines.get(own, ())}
        return make_avsc_object(document, names)

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
