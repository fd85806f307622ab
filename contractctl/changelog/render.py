"""The changelog as Markdown, for release notes and pull-request comments.

Deterministic: subjects sorted by name, changes in schema order. Subject names and refs are escaped
here; change elements and details already are (see contractctl.changelog.model).
"""

from __future__ import annotations

from contractctl.changelog.model import SubjectChanges
from contractctl.formats.vocabulary.change import Change
from contractctl.formats.vocabulary.markup import code, text

_TEMPLATES = {  # how a change of each kind reads, `{element}` being what it is about
    "added": "Added {element}",
    "removed": "Removed {element}",
    "renamed": "Renamed {element}",
    "moved": "Moved {element}",
    "type-changed": "Changed the type of {element}",
    "default-added": "Added a default to {element}",
    "default-removed": "Removed the default of {element}",
    "default-changed": "Changed the default of {element}",
    "doc-changed": "Changed the doc of {element}",
    "aliases-changed": "Changed the aliases of {element}",
    "property-changed": "Changed a property of {element}",
    "fields-reordered": "Reordered the fields of {element}",
    "symbols-added": "Added symbols to {element}",
    "symbols-removed": "Removed symbols from {element}",
    "symbols-reordered": "Reordered the symbols of {element}",
    "size-changed": "Changed the size of {element}",
    "number-changed": "Changed the number of {element}",
    "oneof-changed": "Changed the oneof of {element}",
    "reserved-added": "Reserved in {element}",
    "reserved-removed": "Unreserved in {element}",
    "package-changed": "Changed the {element}",
    "file-moved": "Moved the {element}",
    "format-changed": "Changed the format of the {element}",
    "unparseable": "Could not compare the {element}",
    "changed": "Changed the {element}",
    "metadata-changed": "Changed {element}",
    "rule-added": "Added {element}",
    "rule-removed": "Removed {element}",
    "rule-changed": "Changed {element}",
    "rules-changed": "Changed the {element}",
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
    if subject.from_version is not None and subject.to_version < subject.from_version:
        # A revert: a text seen before keeps its number (the registry answers it with that version's ID).
        back = subject.to_version
        return f"git version {before} → {back} (back to the text of version {back})"
    return f"git version {before} → {subject.to_version}"


def render_change(change: Change) -> str:
    """One bullet: what happened to which element (a sentence), then the detail."""
    template = _TEMPLATES.get(change.kind)
    if template is None:  # a kind a sidecar differ added without a template: its name, then the element
        template = text(change.kind.replace("-", " ").capitalize()) + ": {element}"
    marker = "**Breaking:** " if change.breaking else ""
    detail = f": {change.detail}" if change.detail else ""
    return f"- {marker}{template.format(element=change.element)}{detail}"


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
