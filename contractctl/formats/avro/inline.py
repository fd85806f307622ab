"""A self-contained Avro schema: referenced named types written out at their first use.

The registry's compatibility endpoint needs every type a schema uses. Written inline, a schema whose
references are new in the same change (and so not registered yet) can still be checked remotely,
with the same verdict as with references, since Avro resolves names before comparing.
"""

from __future__ import annotations

from typing import Any

from contractctl.formats.avro.resolve import NAMED_TYPES, PRIMITIVES, ResolvedSchema


def inline_document(schema: ResolvedSchema) -> Any:
    """The resolved schema as one JSON document, every named type defined once, before its reuse."""
    written: set[str] = set()

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            if node in PRIMITIVES or node in written or node not in schema.names:
                return node
            return walk(schema.names[node])
        if isinstance(node, list):
            return [walk(branch) for branch in node]
        if not isinstance(node, dict):
            return node
        out = dict(node)
        if node.get("type") in NAMED_TYPES:
            name = str(node["name"])
            written.add(name)
            if "." not in name:
                out["namespace"] = ""  # keep a null-namespace type out of its enclosing namespace
        if "fields" in node:
            out["fields"] = [{**field, "type": walk(field["type"])} for field in node["fields"]]
        for key in ("items", "values"):
            if key in node:
                out[key] = walk(node[key])
        return out

    return walk(schema.root)
