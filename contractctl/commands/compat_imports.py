"""Where `compat` finds the files a Protobuf file imports (or a JSON Schema `$ref` names), per side.

The previous versions and the new one often come from two checkouts of one tree (`old/acme/...`,
`new/acme/...`) that import the same paths. Each side must find them in its own tree, never in the
other's: a version resolved against the other side's dependency is reported invalid, or compared with
the wrong definition. So a file's imports are looked for next to it (an imported file: in the directory
it was found in), then in its side's own directories (--previous-proto-path or --new-proto-path), then
in the directories of both sides (-I), then in the directories above the side's file that hold nothing
of the other side: its checkout's root, found without being named. Explicit directories come first, so
the last step only finds what used to be a missing import.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from contractctl.errors import UsageError
from contractctl.formats.base import InvalidSchema, ParsedSchema, SchemaFormat
from contractctl.model import Finding, FindingKind, SchemaText
from contractctl.repo.contracts import decode


def read_schema(path: Path, root: Path | None = None) -> SchemaText:
    """A schema file given on the command line (or found for one), imports resolved against `root`
    (default: its own directory)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a schema file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    posix = PurePosixPath(path.as_posix())
    base = (root or path.parent).as_posix()
    return SchemaText(posix, decode(posix, data), "file", root=base)


@dataclass(frozen=True)
class Side:
    """The previous versions, or the new one: their files and the directories given for them."""

    name: str  # "previous" or "new", as the options spell it
    files: tuple[Path, ...]
    own_dirs: tuple[Path, ...]  # --previous-proto-path / --new-proto-path
    shared_dirs: tuple[Path, ...]  # -I/--proto-path

    @property
    def option(self) -> str:
        return f"--{self.name}-proto-path"

    @property
    def versions(self) -> str:
        return "the previous versions" if self.name == "previous" else "the new version"

    def tree(self) -> list[Path]:
        """What belongs to this side alone, as real paths: the other side never looks above these."""
        return [path.resolve() for path in (*self.files, *self.own_dirs)]


def _above(file: Path, other: Side) -> list[Path]:
    """The directories above `file`'s own, nearest first, up to the first that holds a file or a
    directory of the other side (which, and everything above it, is no longer this side's tree)."""
    others = other.tree()
    out: list[Path] = []
    directory = file.parent
    while True:
        directory = Path(_up(directory))
        real = directory.resolve()
        if real == real.parent or any(path.is_relative_to(real) for path in others):
            return out
        out.append(directory)


def _up(directory: Path) -> str:
    """The parent as the user would spell it: `old/acme` -> `old`, `.` -> `..`, `..` -> `../..`."""
    if directory.name in ("", ".", ".."):
        return (directory / "..").as_posix().removeprefix("./")
    return directory.parent.as_posix()


_ABOVE = "above the file"
_THEIRS = "-I, holding the other side"


class ImportResolver:
    """Parses one side's file after the files it imports, found as the module docstring says."""

    def __init__(self, schema_format: SchemaFormat, side: Side, other: Side, file: Path) -> None:
        self.schema_format = schema_format
        self.side = side
        other_tree = other.tree()
        # a shared directory that holds the other side (`-I new` for both) comes after this side's own tree
        theirs = [d for d in side.shared_dirs if any(p.is_relative_to(d.resolve()) for p in other_tree)]
        self.search: list[tuple[Path, str]] = [
            *((directory, side.option) for directory in side.own_dirs),
            *((directory, "-I") for directory in side.shared_dirs if directory not in theirs),
            *((directory, _ABOVE) for directory in _above(file, other)),
            *((directory, _THEIRS) for directory in theirs),
        ]
        self._parsed: dict[str, ParsedSchema] = {}
        self._missing: dict[str, list[tuple[str, Path]]] = {}  # importer -> (import, its own dir)
        self._crossed: list[tuple[str, Path]] = []  # (import, _THEIRS directory it was found in)

    def parse(self, source: SchemaText) -> ParsedSchema:
        """`source` parsed with its imports; a finding that comes of where this side looked for an
        import (none found, or one found in a shared directory that holds the other side) says so."""
        try:
            return self._parse(source, ())
        except InvalidSchema as error:
            raise InvalidSchema([self._explained(finding) for finding in error.findings]) from None

    def _parse(self, source: SchemaText, stack: tuple[str, ...]) -> ParsedSchema:
        if source.import_path in stack:
            cycle = " -> ".join([*stack, source.import_path])
            raise InvalidSchema(
                [
                    Finding(
                        rule="REFERENCE_CYCLE",
                        message=f"imports form a cycle: {cycle}",
                        kind=FindingKind.INVALID,
                        file=str(source.path),
                        line=1,
                    )
                ]
            )
        references = []
        for imported in self.schema_format.outline(source).referenced_names:
            found = self._find(imported, Path(source.root))
            if found is None:  # the compiler reports the missing import with its line
                self._missing.setdefault(str(source.path), []).append((imported, Path(source.root)))
                continue
            if imported not in self._parsed:
                self._parsed[imported] = self._parse(found, (*stack, source.import_path))
            references.append(self._parsed[imported])
        return self.schema_format.parse(source, references)

    def _find(self, import_path: str, own_dir: Path) -> SchemaText | None:
        for directory, why in ((own_dir, ""), *self.search):
            candidate = directory / import_path
            # above the file, a path that climbs (`../x.json`) could reach the other side's tree
            if why == _ABOVE and not candidate.resolve().is_relative_to(directory.resolve()):
                continue
            if candidate.is_file():
                if why == _THEIRS:
                    self._crossed.append((import_path, directory))
                return read_schema(candidate, directory)
        return None

    def _explained(self, finding: Finding) -> Finding:
        """The compiler's hint for a missing import speaks of a repository's contracts root: here it
        says where this side looked. Any other finding of a side that took an import from a shared
        directory holding the other side says that, the likely cause."""
        versions, option = self.side.versions, self.side.option
        for imported, own_dir in self._missing.get(finding.file or "", ()):
            if imported in finding.message:
                groups: dict[str, list[str]] = {}
                for directory, why in self.search:
                    groups.setdefault(why, []).append(directory.as_posix())
                where = [own_dir.as_posix(), *(f"{', '.join(dirs)} ({why})" for why, dirs in groups.items())]
                return replace(
                    finding,
                    hint=f'"{imported}" was looked for, for {versions}, in {"; ".join(where)}. Give the '
                    f"directory that holds it with {option} ({versions} only) or -I (both sides).",
                )
        if self._crossed:
            imported, directory = self._crossed[0]
            other = "the new version" if self.side.name == "previous" else "the previous versions"
            note = (
                f'{versions.capitalize()} took "{imported}" from {directory.as_posix()} (-I, both sides), '
                f"which holds {other}: give each side its own with --previous-proto-path and "
                "--new-proto-path."
            )
            return replace(finding, hint=f"{finding.hint} {note}" if finding.hint else note)
        return finding


def parse_sides(
    schema_format: SchemaFormat, previous: Side, new: Side
) -> tuple[ParsedSchema, list[ParsedSchema]]:
    """The new schema and each previous one, every file resolved on its own side only."""
    new_schema = ImportResolver(schema_format, new, previous, new.files[0]).parse(read_schema(new.files[0]))
    earlier = [
        ImportResolver(schema_format, previous, new, path).parse(read_schema(path)) for path in previous.files
    ]
    return new_schema, earlier
