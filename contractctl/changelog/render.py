"""The changelog as Markdown, for release notes and pull-request comments.

Deterministic: subjects sorted by name, changes in schema order. Subject names and refs are escaped
here; change elements and details already are (see contractctl.changelog.model).
"""

from __future__ import annotations

from contractctl.changelog.markup import code, text
from contractctl.changelog.model import Change, SubjectChanges

_LABELS = {
    "added": "Added",
    "removed": "Removed",
    "renamed": "Renamed",
    "moved": "Moved",
    "type-changed": "Type changed",
    "default-added": "Default added",
    "default-removed": "Default removed",
    "default-changed": "Default changed",
    "doc-changed": "Doc changed",
    "aliases-changed": "Aliases changed",
    "property-changed": "Property changed",
    "fields-reordered": "Fields reordered",
    "symbols-added": "Symbols added",
    "symbols-removed": "Symbols removed",
    "symbols-reordered": "Symbols reordered",
    "size-changed": "Size changed",
    "number-changed": "Number changed",
    "oneof-changed": "Oneof changed",
    "reserved-added": "Reserved",
    "reserved-removed": "Unreserved",
    "package-changed": "Package changed",
    "file-moved": "File moved",
    "format-changed": "Format changed",
    "unparseable": "Not compared",
    "changed": "Changed",
}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _versions(subject: SubjectChanges) -> str:
    if subject.new_subject:
        return f"new subject (git version {subject.to_version})"
    if subject.removed_subject:
        return f"subject removed (last git version {subject.to_version})"
    if subject.from_version == subject.to_version:
        return f"git version {subject.to_version} (its own text is unchanged)"
    before = "?" if subject.from_version is None else str(subject.from_version)
    return f"git version {before} → {subject.to_version}"


def render_change(change: Change) -> str:
    label = _LABELS.get(change.kind, text(change.kind.replace("-", " ").capitalize()))
    marker = "**Breaking:** " if change.breaking else ""
    return f"- {marker}{label} {change.element}: {change.detail}"


def render_markdown(changes: list[SubjectChanges], from_ref: str, to_ref: str) -> str:
    """A heading, a one-line summary, then a section per subject with a bullet per change."""
    out = ["# Contract changelog", "", f"Changes from {code(from_ref)} to {code(to_ref)}."]
    subjects = sorted(changes, key=lambda s: s.subject)
    if not subjects:
        out += ["", "No contract changes."]
        return "\n".join(out) + "\n"
    new = sum(1 for s in subjects if s.new_subject)
    removed = sum(1 for s in subjects if s.removed_subject)
    breaking = sum(1 for s in subjects if s.breaking)
    out += [
        "",
        f"{_plural(len(subjects), 'subject')} changed: {new} new, {removed} removed, "
        f"{breaking} with breaking changes.",
    ]
    for subject in subjects:
        out += ["", f"## {text(subject.subject)}", ""]
        out.append(f"{code(subject.path)} · {text(subject.schema_type)} · {_versions(subject)}")
        if subject.changes:
            out.append("")
            out += [render_change(change) for change in subject.changes]
    return "\n".join(out) + "\n"
