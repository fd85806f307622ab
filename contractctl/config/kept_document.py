"""contractctl.yaml parsed once per text: the parsed document kept in the repository's git directory.

Every run reads the config, and parsing it needs PyYAML, whose import alone is about 10 ms of a
pre-commit check of 200. What the parse gives (the values, and the line and column of every key)
depends only on the text and on the code that parses it, so a run keeps it in
`<git dir>/contractctl/config-<path checksum>` with the exact text it came from and a stamp of that
code (generic/yaml_guard.py, every file of the PyYAML package, the Python version). A later run
takes the kept document only when its text is byte for byte the kept text under the same stamp;
any other text is parsed as always, and kept in its place. A text that does not parse is never
kept (its error is reported by every run), nor a document marshal cannot hold (a YAML timestamp).
The git directory is only looked for next to the config (`.git` beside it, a folder or a `gitdir:`
file): anywhere else, nothing is kept. Files: generic/stamped_file.py (checksummed, written
atomically, never raises), so the worst a damaged file costs is one parse.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from pathlib import Path

from contractctl.generic import stamped_file, yaml_guard

_MAGIC = b"contractctl-config-1\n"
_FOLDER = "contractctl"


def load(path: Path, text: str) -> yaml_guard.Document:
    """The document of `text` (read from `path`), as yaml_guard.load gives it; raises what it raises."""
    file = _kept_file(path)
    stamp = code_stamp() if file is not None else None
    if file is not None and stamp is not None:
        kept = stamped_file.read(file, _MAGIC, stamp)
        if isinstance(kept, tuple) and len(kept) == 4 and kept[0] == text:
            _, data, lines, columns = kept
            return yaml_guard.Document(data, lines, columns)
    document = yaml_guard.load(text)
    if file is not None and stamp is not None:
        with contextlib.suppress(ValueError):  # a value marshal cannot hold: parsed by every run
            stamped_file.write(file, _MAGIC, stamp, (text, document.data, document.lines, document.columns))
    return document


def _kept_file(path: Path) -> Path | None:
    """Where the document of the config at `path` is kept, or None without a git directory beside it."""
    dot_git = path.parent / ".git"
    try:
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():  # a linked worktree or a submodule: "gitdir: <path>"
            first = dot_git.read_text(encoding="utf-8").splitlines()[0]
            if not first.startswith("gitdir: "):
                return None
            git_dir = path.parent / first.removeprefix("gitdir: ").strip()
            if not git_dir.is_dir():
                return None
        else:
            return None
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    return git_dir / _FOLDER / f"config-{zlib.crc32(os.fsencode(path)):08x}"


def code_stamp() -> str | None:
    """What a kept document was parsed by: this Python, generic/yaml_guard.py and every file of the
    PyYAML package (path, size, change time); None when PyYAML cannot be found (then nothing is kept)."""
    from importlib.util import find_spec

    spec = find_spec("yaml")
    if spec is None or not spec.submodule_search_locations:
        return None
    return stamp_of([yaml_guard.__file__], list(spec.submodule_search_locations))


def stamp_of(files: list[str], folders: list[str]) -> str:
    """Python's version, then (path, size, change time) of each file and of every file in the folders."""
    parts = [sys.version]
    paths = list(files)
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                paths.extend(sorted(entry.path for entry in entries if entry.is_file()))
        except OSError:
            parts.append(f"{folder}\0unreadable")
    for file in paths:
        try:
            status = os.stat(file)
        except OSError:
            parts.append(f"{file}\0missing")
            continue
        parts.append(f"{file}\0{status.st_size}\0{status.st_mtime_ns}")
    return "\n".join(parts)
