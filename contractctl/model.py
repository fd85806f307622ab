"""The one currency every part trades in: contracts, levels and findings.

Kept free of any I/O or third-party import so that every layer (formats, history, report) can use it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import PurePosixPath


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FindingKind(str, enum.Enum):
    """What a finding is about; decides the exit code it contributes."""

    INVALID = "invalid"  # bad input: exit 2
    INCOMPATIBLE = "incompatible"  # definite policy failure: exit 1
    POLICY = "policy"  # other gated rule violation (drift, lint error): exit 1
    ENVIRONMENT = "environment"  # could not check (registry, git): exit 3
    ADVISORY = "advisory"  # warnings and notes: never fail


class CompatibilityLevel(str, enum.Enum):
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"
    NONE = "NONE"

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")

    @property
    def checks_backward(self) -> bool:
        """New schema must read data written with earlier ones."""
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def checks_forward(self) -> bool:
        """Earlier schemas must read data written with the new one."""
        return self.value.startswith(("FORWARD", "FULL"))

    @classmethod
    def parse(cls, text: str) -> CompatibilityLevel:
        try:
            return cls(text.strip().upper())
        except ValueError:
            names = ", ".join(level.value for level in cls)
            raise ValueError(f"unknown compatibility level {text!r} (expected one of {names})") from None


class SchemaType(str, enum.Enum):
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"
    JSON = "JSON"


@dataclass(frozen=True)
class SourcePosition:
    line: int  # 1-based
    column: int  # 1-based
    # where the element ends, when known: the line and column (1-based) of its last character; not
    # part of equality, a position is where something starts
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Finding:
    """One observation about a contract; renderers and exit codes are derived from these alone."""

    rule: str
    message: str
    kind: FindingKind
    severity: Severity = Severity.ERROR
    file: str | None = None
    line: int | None = None
    column: int | None = None
    subject: str | None = None
    registry: str | None = None
    hint: str | None = None
    pointer: str | None = None  # JSON pointer (Avro) or Confluent path (Protobuf) into the reader schema
    compared_with: str | None = None  # e.g. "version 3 (a1b2c3d)"
    direction: str | None = None  # "backward" or "forward"
    allowed_reason: str | None = None  # set when an intended break was explicitly allowed
    detail: str | None = None  # more than the message (the source line it points at, ...): shown with -v
    end_line: int | None = None  # where the element at line/column ends (its last character), if known
    end_column: int | None = None

    def with_context(self, **changes: object) -> Finding:
        """A copy with the given fields filled in (only where still empty, unless overriding)."""
        current = {name: getattr(self, name) for name in changes}
        filled = {k: v for k, v in changes.items() if current[k] is None}
        return replace(self, **filled)  # type: ignore[arg-type]

    def placed(self, file: str, position: SourcePosition | None) -> Finding:
        """A copy at `position` in `file` (its first line when the element was not found)."""
        return replace(
            self,
            file=file,
            line=position.line if position else 1,
            column=position.column if position else None,
            end_line=position.end_line if position else None,
            end_column=position.end_column if position else None,
        )

    @property
    def fails(self) -> bool:
        return self.severity is Severity.ERROR and self.allowed_reason is None


@dataclass(frozen=True)
class SchemaText:
    """A contract's raw content and where it came from (a file or a git blob)."""

    path: PurePosixPath  # repository-relative (or as given on the command line)
    text: str
    origin: str = "working tree"  # or a commit id / "index"
    root: str = ""  # the contracts root (repository-relative) that imports are resolved against
    # which version of its subject this text is, where git history says: ("git", subject, number) for
    # an earlier version and for a contract unchanged since one, ("new", subject) for a contract that
    # would register a new version; None where no history answers (a registry's text, `compat`).
    # A format that skips the types of a reference whose version is the same on both sides (Protobuf,
    # as Confluent's FieldSchemaDiff does) reads it.
    version: object = field(default=None, compare=False)

    @cached_property
    def import_path(self) -> str:
        """The path other contracts use to import this one (Protobuf): relative to the root.
        Cached: reference walks ask it millions of times on deep import graphs."""
        return import_path_of(str(self.path), self.root)


def import_path_of(path: str, root: str) -> str:
    """A repository-relative path as contracts import it: relative to the contracts root `root`
    ("" for the repository's top); a path outside the root stays as it is."""
    return path[len(root) + 1 :] if root and path.startswith(root + "/") else path


@dataclass
class SubjectResult:
    """Everything a check learned about one subject."""

    subject: str
    path: str
    schema_type: str
    level: str
    verdict: str  # "compatible" | "incompatible" | "invalid" | "new" | "unchanged" | "error" | "allowed"
    compared_versions: int = 0
    registry: str | None = None
    findings: list[Finding] = field(default_factory=list)
    proof: tuple[int, int] | None = None  # with --prove: (pairs proven by data, records written and read)


@dataclass
class Report:
    """What a command hands to a renderer."""

    command: str
    results: list[SubjectResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # findings not tied to one subject

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for result in self.results:
            out.extend(result.findings)
        return out

    def in_order(self) -> Report:
        """The report as every output shows it: findings by position (file, line, column), each
        identical finding once (two steps may observe the same fact), results by file, each
        subject's local result before its registries'. A finding several subjects' checks made alike
        (a broken file that each of its importers compiled) is shown once in the run (`_shown_once`)."""
        results = [replace(result, findings=in_position_order(result.findings)) for result in self.results]
        results.sort(key=lambda r: (r.path, r.subject, r.registry is not None, r.registry or ""))
        return Report(self.command, _shown_once(results), in_position_order(self.findings))

    def without_details(self) -> Report:
        """The report as shown without -v: no finding carries its detail."""

        def plain(findings: list[Finding]) -> list[Finding]:
            return [replace(f, detail=None) if f.detail else f for f in findings]

        results = [replace(result, findings=plain(result.findings)) for result in self.results]
        return Report(self.command, results, plain(self.findings))


def _shown_once(results: list[SubjectResult]) -> list[SubjectResult]:
    """`results` with an invalid-input finding that several of them hold alike, but for the subject
    it is filed under, kept by one: the result of the file it points at where one is in the run (the
    broken contract's own), else the first. The others keep what is theirs (an importer its
    INVALID_REFERENCE, which names the file and its error); a result left with nothing but such
    copies keeps them, so that no result's verdict goes unexplained. grpc-proto reported one
    PROTO_SYNTAX at s2a_context.proto:36 once per subject that compiled it (audit W6).

    Only INVALID findings: a file's error is the file's whatever compiled it, while a break of a
    referenced type is each importer's own verdict (each subject's registry refuses its version)."""

    def alike(finding: Finding) -> Finding:
        return replace(finding, subject=None) if finding.subject is not None else finding

    keeper: dict[Finding, int] = {}
    for index, result in enumerate(results):
        for finding in result.findings:
            if finding.kind is not FindingKind.INVALID:
                continue
            key = alike(finding)
            held = keeper.setdefault(key, index)
            if held != index and results[held].path != finding.file and result.path == finding.file:
                keeper[key] = index
    out = []
    for index, result in enumerate(results):
        own = [f for f in result.findings if f.kind is not FindingKind.INVALID or keeper[alike(f)] == index]
        if own and len(own) < len(result.findings):
            result = replace(result, findings=own)
        out.append(result)
    return out


def in_position_order(findings: list[Finding]) -> list[Finding]:
    """Findings sorted by file, line and column (file-wide ones first), duplicates dropped; the
    order among findings at one position is the order they were found in."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.file or "", f.line or 0, f.column or 0))


RULE_HELP: dict[str, tuple[str, str]] = {}
"""rule id -> (short description, help text) for rules whose help lives with their code (lint rules
register theirs on import), so renderers such as SARIF can show it without importing that code."""


def exit_code_for(findings: list[Finding]) -> int:
    """DESIGN.md: 2 wins over 1, and 1 over 3; allowed breaks and warnings never fail."""
    failing = [f for f in findings if f.fails]
    kinds = {f.kind for f in failing}
    if FindingKind.INVALID in kinds:
        return 2
    if kinds & {FindingKind.INCOMPATIBLE, FindingKind.POLICY}:
        return 1
    if FindingKind.ENVIRONMENT in kinds:
        return 3
    return 0


def one_line(text: str) -> str:
    """A name (a path, a subject) as a one-line message may show it: a newline or other control
    character inside it is escaped, so the line still names the file it is about."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
