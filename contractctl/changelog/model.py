"""What a changelog is made of: the changes of each subject (the entries are formats' `Change`s)."""

from __future__ import annotations

from dataclasses import dataclass

from contractctl.formats.vocabulary.change import Change


@dataclass(frozen=True)
class SubjectChanges:
    """The changes of one subject between two refs.

    from_version/to_version are git versions (1-based, by first appearance along the first-parent
    history of the `to` ref, as `publish` numbers them). from_version is None for a new subject; for a
    removed subject to_version is its last version (the same as from_version).
    """

    subject: str
    path: str
    schema_type: str
    from_version: int | None
    to_version: int
    changes: tuple[Change, ...]
    new_subject: bool = False
    removed_subject: bool = False

    @property
    def breaking(self) -> bool:
        return any(change.breaking for change in self.changes)
