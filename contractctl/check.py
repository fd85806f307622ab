"""The local gate: which contracts changed against a git ref, and are they compatible with history."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from contractctl.compat import Earlier, check_level, prove_compatible_pairs, versions_to_check
from contractctl.config import Config
from contractctl.errors import GitError, UsageError
from contractctl.formats import get_format, supported_extensions, type_for_path
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.history import Git, HistoricVersion, first_parent_log, log_blobs, subject_versions
from contractctl.model import (
    Finding,
    FindingKind,
    Report,
    SchemaText,
    Severity,
    SubjectResult,
)
from contractctl.repo import (
    ContractFile,
    ContractSet,
    SubjectMapper,
    build_contract_set,
    decode,
    outline_of,
    reference_order,
)


@dataclass
class CheckOptions:
    paths: Sequence[Path] = ()  # restrict to these files or directories (absolute, or relative to cwd)
    against: str | None = None
    staged: bool = False
    all_subjects: bool = False  # also audit unchanged contracts against the versions before them
    prove: bool = False
    samples: int = 25
    seed: int = 0
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def contracts_prefix(config: Config, git: Git) -> str:
    root = (config.directory / config.contracts_root).resolve()
    try:
        relative = root.relative_to(git.toplevel.resolve())
    except ValueError:
        raise UsageError(f"{config.path}: contracts.root {root} is outside the git repository") from None
    prefix = relative.as_posix()
    return "" if prefix == "." else prefix


def base_commit(git: Git, config: Config, options: CheckOptions) -> str | None:
    """The ref whose history holds the earlier versions (None for a repository without commits)."""
    if options.against:
        return git.resolve(options.against)
    if not git.has_commits():
        return None
    github_base = options.environ.get("GITHUB_BASE_REF")
    candidates = [f"origin/{github_base}"] if github_base else []
    candidates += [config.base_branch, f"origin/{config.base_branch}"]
    for candidate in candidates:
        try:
            sha = git.resolve(candidate)
        except GitError:
            continue
        return git.merge_base("HEAD", sha)
    raise GitError(
        f"base branch {config.base_branch!r} not found (tried {', '.join(candidates)}): "
        f"pass --against REF, or fetch it (`git fetch origin {config.base_branch}`)"
    )


def _working_tree_files(git: Git, prefix: str) -> list[tuple[PurePosixPath, bytes]]:
    top = git.toplevel
    start = top / prefix if prefix else top
    extensions = supported_extensions()
    files = []
    for directory, subdirs, names in os.walk(start):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in names:
            if name.lower().endswith(extensions):
                absolute = Path(directory) / name
                try:
                    files.append((PurePosixPath(absolute.relative_to(top).as_posix()), absolute.read_bytes()))
                except OSError as error:
                    raise UsageError(f"{absolute}: cannot read: {error.strerror}") from None
    return files


def _selected_paths(git: Git, mapper: SubjectMapper, options: CheckOptions) -> list[str] | None:
    """Repository-relative prefixes the user asked for; a path outside the contracts root is an error."""
    if not options.paths:
        return None
    top = git.toplevel.resolve()
    selected = []
    for given in options.paths:
        absolute = given.resolve()
        if not options.staged and not absolute.exists():
            raise UsageError(f"{given}: no such file or directory")
        try:
            relative = absolute.relative_to(top).as_posix()
        except ValueError:
            raise UsageError(f"{given}: outside the git repository {top}") from None
        root = mapper.root_prefix
        if root and relative != root and not relative.startswith(root + "/"):
            raise UsageError(f"{given}: outside the contracts root {root or '.'}/ (see contracts.root)")
        if absolute.is_file() and type_for_path(PurePosixPath(relative)) is None:
            raise UsageError(f"{given}: not a contract (expected one of {', '.join(supported_extensions())})")
        selected.append("" if relative == "." else relative)
    return selected


def _is_selected(path: str, selected: list[str] | None) -> bool:
    if selected is None:
        return True
    return any(not s or path == s or path.startswith(s + "/") for s in selected)


class _Checker:
    """Holds the per-run caches: parsed schemas by subject and by historic version."""

    def __init__(self, current: ContractSet, history: dict[str, list[HistoricVersion]], root: str) -> None:
        self.current = current
        self.root = root
        self.history = history
        self.defining = current.defining_subjects()
        self._parsed: dict[str, ParsedSchema] = {}
        self._historic: dict[tuple[str, int], ParsedSchema | None] = {}

    def references_of(self, subject: str, text: str, path: PurePosixPath) -> list[str]:
        contract = self.current.contracts.get(subject)
        schema_type = contract.schema_type if contract else type_for_path(path)
        assert schema_type is not None
        outline = outline_of(schema_type, path, text, self.root)
        return sorted({self.defining[n] for n in outline.referenced_names if n in self.defining} - {subject})

    def parse_current(self, subject: str) -> ParsedSchema:
        """Parse a contract after the contracts it references (cycles and missing ones are invalid)."""
        if subject in self._parsed:
            return self._parsed[subject]
        describe = {s: str(c.source.path) for s, c in self.current.contracts.items()}

        def refs(s: str) -> list[str]:
            source = self.current.contracts[s].source
            return self.references_of(s, source.text, source.path)

        for dependency in reference_order(subject, refs, describe):
            if dependency in self._parsed:
                continue
            contract = self.current.contracts[dependency]
            references = [self._parsed[r] for r in refs(dependency)]
            try:
                self._parsed[dependency] = get_format(contract.schema_type).parse(contract.source, references)
            except InvalidSchema as error:
                if dependency == subject:
                    raise
                raise InvalidSchema(
                    [
                        Finding(
                            rule="INVALID_REFERENCE",
                            message=f"referenced contract {contract.source.path} is invalid: "
                            f"{error.findings[0].message}",
                            kind=FindingKind.INVALID,
                            file=str(self.current.contracts[subject].source.path),
                            line=1,
                            hint="Fix the referenced contract first.",
                        ),
                        *error.findings,
                    ]
                ) from None
        return self._parsed[subject]

    def parse_historic(self, subject: str, version: HistoricVersion) -> ParsedSchema | None:
        """An earlier version, its references taken as they were at that commit (or as they are now)."""
        key = (subject, version.number)
        if key in self._historic:
            return self._historic[key]
        schema_type = type_for_path(version.path)
        assert schema_type is not None
        references = []
        parsed: ParsedSchema | None = None
        try:
            for dependency in self.references_of(subject, version.text, version.path):
                earlier = [v for v in self.history.get(dependency, []) if v.sequence <= version.sequence]
                if earlier:
                    reference = self.parse_historic(dependency, earlier[-1])
                else:
                    reference = self.parse_current(dependency)
                if reference is not None:
                    references.append(reference)
            source = SchemaText(version.path, version.text, version.commit, self.root)
            parsed = get_format(schema_type).parse(source, references)
        except InvalidSchema:
            parsed = None
        self._historic[key] = parsed
        return parsed

    def dependencies_closure(self, subject: str) -> set[str]:
        seen: set[str] = set()
        pending = [subject]
        while pending:
            current = pending.pop()
            contract = self.current.contracts.get(current)
            if contract is None:
                continue
            for dependency in self.references_of(current, contract.source.text, contract.source.path):
                if dependency not in seen:
                    seen.add(dependency)
                    pending.append(dependency)
        return seen


def run_check(config: Config, options: CheckOptions) -> Report:
    git = Git.discover(config.directory)
    prefix = contracts_prefix(config, git)
    mapper = SubjectMapper(config, prefix)
    selected = _selected_paths(git, mapper, options)

    if options.staged:
        index = git.index_blobs(prefix)
        contents = git.read_blobs(index.values())
        files = [(path, contents[sha]) for path, sha in index.items() if type_for_path(path)]
        current = build_contract_set(mapper, files, "index")
    else:
        current = build_contract_set(mapper, _working_tree_files(git, prefix), "working tree")

    history = _history(git, config, options, mapper, prefix)
    report = Report(command="check")
    for path, findings in sorted(current.invalid.items()):
        if _is_selected(path, selected):
            report.findings.extend(findings)

    checker = _Checker(current, history, prefix)
    changed = {
        subject
        for subject, contract in current.contracts.items()
        if not _known_version(contract, history.get(subject, []))
    }
    for subject, contract in sorted(current.contracts.items(), key=lambda item: str(item[1].source.path)):
        if not _is_selected(str(contract.source.path), selected):
            continue
        try:
            dependencies = checker.dependencies_closure(subject)
        except InvalidSchema:
            dependencies = set()
        affected = subject in changed or bool(dependencies & changed)
        if not affected and not options.all_subjects:
            continue
        report.results.append(_check_subject(checker, contract, history.get(subject, []), options, affected))
    return report


def _known_version(contract: ContractFile, versions: list[HistoricVersion]) -> bool:
    return _matching_version(contract, versions) is not None


def _matching_version(contract: ContractFile, versions: list[HistoricVersion]) -> HistoricVersion | None:
    """The earlier version with the same content, if any (a rerun or a revert is not a new version)."""
    schema_format = get_format(contract.schema_type)
    fingerprint = schema_format.fingerprint(contract.source)
    for version in versions:
        if schema_format.fingerprint(SchemaText(version.path, version.text)) == fingerprint:
            return version
    return None


def _history(
    git: Git, config: Config, options: CheckOptions, mapper: SubjectMapper, prefix: str
) -> dict[str, list[HistoricVersion]]:
    base = base_commit(git, config, options)
    if base is None:
        return {}
    commits = first_parent_log(git, base, prefix)
    blobs = git.read_blobs(log_blobs(commits))

    def identify(path: PurePosixPath, data: bytes) -> tuple[str, str, str] | None:
        schema_type = type_for_path(path)
        if schema_type is None or not mapper.in_root(path):
            return None
        try:
            text = decode(path, data)
            subject = mapper.subject_for(path, lambda: outline_of(schema_type, path, text, prefix))
        except InvalidSchema:
            return None  # a broken old commit must not block today's check
        return subject, text, get_format(schema_type).fingerprint(SchemaText(path, text, root=prefix))

    return subject_versions(commits, blobs, identify)


def _label(version: HistoricVersion) -> str:
    return f"version {version.number} ({version.commit[:7]})"


def _check_subject(
    checker: _Checker,
    contract: ContractFile,
    versions: list[HistoricVersion],
    options: CheckOptions,
    affected: bool,
) -> SubjectResult:
    """Check one subject; `affected` is False for an audit of an unchanged contract (--all)."""
    result = SubjectResult(
        subject=contract.subject,
        path=str(contract.source.path),
        schema_type=contract.schema_type.value,
        level=contract.compatibility.value,
        verdict="compatible",
    )
    try:
        new = checker.parse_current(contract.subject)
    except InvalidSchema as error:
        result.verdict = "invalid"
        result.findings = [f.with_context(subject=contract.subject) for f in error.findings]
        return result
    same = None if affected else _matching_version(contract, versions)
    if same is not None:  # an audit compares the version with the ones that came before it
        versions = versions[: same.number - 1]
    earlier: list[Earlier] = []
    for version in versions:
        parsed = checker.parse_historic(contract.subject, version)
        if parsed is None:
            result.findings.append(
                Finding(
                    rule="HISTORY_UNPARSEABLE",
                    message=f"{_label(version)} at {version.path} does not parse today; it is not compared",
                    kind=FindingKind.ADVISORY,
                    severity=Severity.WARNING,
                    file=str(contract.source.path),
                    subject=contract.subject,
                )
            )
            continue
        earlier.append(Earlier(_label(version), parsed))
    schema_format = get_format(contract.schema_type)
    findings = check_level(schema_format, new, earlier, contract.compatibility)
    result.findings.extend(f.with_context(subject=contract.subject) for f in findings)
    result.compared_versions = len(versions_to_check(contract.compatibility, earlier))
    if options.prove:
        proofs = prove_compatible_pairs(
            schema_format, new, earlier, contract.compatibility, findings, options.samples, options.seed
        )
        result.findings.extend(f.with_context(subject=contract.subject) for f in proofs)
    if not affected:
        result.verdict = "unchanged"
    elif not versions:
        result.verdict = "new"
    if any(f.fails for f in result.findings):
        result.verdict = "incompatible"
    return result
