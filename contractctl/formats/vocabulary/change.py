"""One entry of a changelog, as a format's `changelog` diff returns it.

`Change.element` and `Change.detail` are Markdown inline text built by `markup.code`: every name and value
from a schema sits in a code span sized to its content, so they can be pasted into any Markdown document
without escaping again (and read fine as plain text).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a contract.

    kind: "added", "removed", "renamed", "moved" (namespace), "type-changed", "default-added",
    "default-removed", "default-changed", "doc-changed", "aliases-changed", "property-changed",
    "fields-reordered", "symbols-added", "symbols-removed", "symbols-reordered", "size-changed",
    "number-changed", "oneof-changed", "reserved-added", "reserved-removed", "package-changed",
    "file-moved", "format-changed", "unparseable", "changed" (text only); sidecar differs add their own.
    breaking: whether the change alone fails the subject's compatibility level against the previous
    version, as the compatibility engine decides it (None when it cannot be told).
    """

    kind: str
    element: str
    detail: str
    breaking: bool | None
