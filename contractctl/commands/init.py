"""`contractctl init`: write the starter files into a repository, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from contractctl.errors import UsageError
from contractctl.repo.worktree import is_within

# destination (relative to the repository) -> template in contractctl/scaffold
TEMPLATES = {
    "contractctl.yaml": "contractctl.yaml",
    "contracts/example/value.avsc": "example-value.avsc",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}


@dataclass(frozen=True)
class Scaffolded:
    written: list[Path]
    overwritten: list[Path]


def scaffold(target: Path, force: bool) -> Scaffolded:
    """Refuses (writing nothing) when any file exists, unless `force`."""
    destinations = {target / relative: template for relative, template in TEMPLATES.items()}
    _refuse_links_out(target, destinations)
    existing = [path for path in destinations if path.exists()]
    if existing and not force:
        names = ", ".join(str(p.relative_to(target)) for p in existing)
        raise UsageError(f"refusing to overwrite existing files: {names} (use --force to replace them)")
    package = resources.files("contractctl.scaffold")
    contents = {
        path: package.joinpath(template).read_text(encoding="utf-8")
        for path, template in destinations.items()
    }
    written = []
    for path, text in contents.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror}") from None
        written.append(path)
    return Scaffolded(written=written, overwritten=existing)


def _refuse_links_out(target: Path, destinations: Iterable[Path]) -> None:
    """Never write through a symlink (the file or a folder on its way) that leads out of the
    repository, `--force` or not: a planted link must not make init overwrite a file elsewhere."""
    top = target.resolve()
    for path in destinations:
        resolved = path.resolve()
        if not is_within(resolved, top):
            raise UsageError(
                f"{path.relative_to(target)}: a symlink leads it outside the repository (to {resolved}); "
                "refusing to write through it (remove the link first)"
            )
