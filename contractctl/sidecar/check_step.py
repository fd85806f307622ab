"""Data contracts inside `check`: the sidecar is validated with the schema, examples are tested, and a
change of compatibility group limits which earlier versions are compared."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.levels import Earlier
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaType, Severity
from contractctl.repo.history import BlobStore, Git, HistoricVersion
from contractctl.repo.sidecar_paths import examples_dir, sidecar_path


class ContractFiles:
    """Sidecars and examples as the checked tree has them (working tree or index) or as a commit had."""

    def __init__(
        self,
        git: Git,
        store: BlobStore,
        index: dict[PurePosixPath, str] | None,
        sparse: dict[PurePosixPath, str] | None = None,
        plain_links: dict[PurePosixPath, str | Finding] | None = None,
    ) -> None:
        self.git = git
        self.store = store
        self.index = index  # None: read the working tree
        # the working tree's files a sparse checkout leaves out, by path: read from the index
        self.sparse = sparse or {}
        # its links checked out as plain files (core.symlinks=false): the key of the file each leads
        # to, or why it is not read (index_links.plain_file_links)
        self.plain_links = plain_links or {}
        self._sparse_examples: dict[PurePosixPath, list[PurePosixPath]] | None = None  # by folder
        self._at: dict[tuple[str, str], str | None] = {}
        # files of the working tree not read, by path: symlinks leaving the repository, looping or
        # leading nowhere (a sidecar linked to ~/.netrc must not be read, let alone quoted)
        self.refused: dict[PurePosixPath, Finding] = {}

    def read(self, path: PurePosixPath) -> str | None:
        data = self.read_bytes(path)
        return None if data is None else data.decode("utf-8", "replace")

    def read_bytes(self, path: PurePosixPath) -> bytes | None:
        """The file's bytes; None when absent (or, on disk, not a regular file inside the repository:
        never a FIFO that would block)."""
        if self.index is not None:
            sha = self.index.get(path)
            return None if sha is None else self.store.get(sha)
        if path in self.sparse:
            return self.store.get(self.sparse[path])
        through = self.plain_links.get(path)
        if isinstance(through, Finding):
            self.refused[path] = through
            return None
        if through is not None:
            return self.store.get(through)
        file = self.git.toplevel / path
        from contractctl.repo.worktree import link_refused, read_regular

        if file.is_symlink():
            refused = link_refused(file, str(path), self.git.toplevel.resolve())
            if refused is not None:
                self.refused[path] = refused
                return None
        if not file.is_file():
            return None
        data = read_regular(file, str(path))
        return data if isinstance(data, bytes) else None

    def examples(self, directory: PurePosixPath) -> list[tuple[PurePosixPath, str]]:
        return self.examples_and_skipped(directory)[0]

    def examples_and_skipped(
        self, directory: PurePosixPath
    ) -> tuple[list[tuple[PurePosixPath, str]], list[Finding]]:
        """The examples, and warnings for entries not read (symlink loops, FIFOs, links leaving the
        repository)."""
        if self.index is not None:
            paths = sorted(p for p in self.index if p.parent == directory and p.suffix == ".json")
            found = [(p, self.store.get(self.index[p])) for p in paths]
            return [(p, data.decode("utf-8", "replace")) for p, data in found], []
        from contractctl.repo.worktree import example_files

        disk = example_files(self.git.toplevel, directory, ".json")
        files = disk.files
        if self.sparse:
            if self._sparse_examples is None:  # once: an audit asks for every contract's folder
                self._sparse_examples = {}
                for path in self.sparse:
                    if path.suffix == ".json":
                        self._sparse_examples.setdefault(path.parent, []).append(path)
            left_out = self._sparse_examples.get(directory, ())
            if left_out:
                files = sorted([*files, *((p, self.store.get(self.sparse[p])) for p in left_out)])
        return [(p, data.decode("utf-8", "replace")) for p, data in files], disk.skipped

    def read_at(self, commit: str, path: PurePosixPath) -> str | None:
        """The file at a commit, a symlink read as the file it leads to in that commit's tree (None
        for one leading out of it, nowhere or in a loop), as the history of its contract reads it."""
        key = (commit, str(path))
        if key not in self._at:
            data = self.git.read_at(commit, str(path), follow_links=True)
            self._at[key] = None if data is None else data.decode("utf-8", "replace")
        return self._at[key]


def contract_checks(
    files: ContractFiles,
    contract_path: PurePosixPath,
    schema_type: SchemaType,
    new: ParsedSchema,
    earlier: Sequence[tuple[HistoricVersion, Earlier]],
    level: CompatibilityLevel,
    group_property: str | None,
) -> tuple[list[Earlier], list[Finding]]:
    """(the earlier versions to compare, findings). Without sidecar, examples or groups: unchanged."""
    compared = [e for _, e in earlier]
    sidecar = sidecar_path(contract_path)
    data = files.read_bytes(sidecar)
    examples, skipped = files.examples_and_skipped(examples_dir(contract_path))
    if sidecar in files.refused:
        skipped = [files.refused[sidecar], *skipped]
    if data is None and not examples and not group_property:
        return compared, skipped
    from contractctl.repo.contracts import decode_utf8
    from contractctl.sidecar import check_examples, group_findings, load_sidecar

    findings: list[Finding] = list(skipped)
    meta = None
    if data is not None:
        try:
            meta = load_sidecar(sidecar, decode_utf8(sidecar, data), new, schema_type)
        except InvalidSchema as error:
            return compared, [*skipped, *error.findings]
    if group_property:
        metas = []
        for version, item in earlier:
            old_text = files.read_at(version.commit, sidecar_path(version.path))
            old_meta = None
            if old_text is not None:
                try:
                    old_meta = load_sidecar(sidecar_path(version.path), old_text, item.schema, schema_type)
                except InvalidSchema:
                    unreadable = _filtered_sidecar(files.git, item.label, version, str(sidecar))
                    findings.append(
                        unreadable
                        if unreadable is not None
                        else Finding(
                            rule="CONTRACT_SIDECAR_HISTORY_INVALID",
                            message=f"the sidecar of {item.label} does not validate today; its group is "
                            "taken from the version before it",
                            kind=FindingKind.ADVISORY,
                            severity=Severity.WARNING,
                            file=str(sidecar),
                        )
                    )
            metas.append((item.label, old_meta))
        same_group, group_notes = group_findings(meta, metas, group_property)
        findings.extend(group_notes)
        compared = [compared[i] for i in same_group]
    if examples:
        findings.extend(
            check_examples(new, schema_type, meta, examples, [(e.label, e.schema) for e in compared], level)
        )
    return compared, findings


def _filtered_sidecar(git: Git, label: str, version: HistoricVersion, path: str) -> Finding | None:
    """HISTORY_FILTERED when the earlier sidecar that does not validate is stored through a git
    filter (an encrypted text): its group is unknown, and taking it from the version before would
    put the versions it bounds in another group, not compared (a break passed)."""
    from contractctl.repo.filters import filtered_paths, history_finding

    old = str(sidecar_path(version.path))
    name = filtered_paths(git, [old]).get(old)
    return None if name is None else history_finding(f"the sidecar of {label}", old, path, None, name)
