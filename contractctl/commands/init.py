"""`contractctl init`: write the starter files into a repository, all or nothing.

An existing `.pre-commit-config.yaml` is never replaced: the contractctl hook is added to its
`repos:` list as text, so its comments and other repositories stay as they were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from contractctl.commands.init_detect import Detected
from contractctl.errors import UsageError
from contractctl.repo.history import Git

if TYPE_CHECKING:
    import yaml
from contractctl.repo.worktree import is_within

PRE_COMMIT = ".pre-commit-config.yaml"
HOOK_ID = "contractctl-check"

# destination (relative to the repository) -> template in contractctl/scaffold
EXAMPLE = "contracts/example/value.avsc"
TEMPLATES = {
    "contractctl.yaml": "contractctl.yaml",
    EXAMPLE: "example-value.avsc",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}


@dataclass(frozen=True)
class Scaffolded:
    written: list[Path]
    overwritten: list[Path]
    hook_added: list[Path] = field(default_factory=list)  # an existing pre-commit config, hook added
    hook_present: list[Path] = field(default_factory=list)  # an existing one that already had it


def default_branch(git: Git) -> str:
    """The branch `check` should compare with: the remote's default branch (origin/HEAD) when the
    clone knows it, else the branch checked out (in a new repository: the one `git init` made,
    main or master), else git's init.defaultBranch, else main."""
    remote = git.attempt("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if remote.returncode == 0 and remote.stdout.strip():
        return remote.stdout.decode().strip().removeprefix("origin/")
    for query in (("symbolic-ref", "--quiet", "--short", "HEAD"), ("config", "init.defaultBranch")):
        found = git.attempt(*query)
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.decode().strip()
    return "main"


def scaffold(
    target: Path, force: bool, base_branch: str = "main", detected: Detected | None = None
) -> Scaffolded:
    """Refuses (writing nothing) when contractctl.yaml or the example exists, unless `force`; an
    existing pre-commit config gets the hook added instead (see the module docstring). `detected`:
    the contracts the repository holds already (init_detect): the config names their root, and no
    example is written."""
    destinations = {
        target / relative: template
        for relative, template in TEMPLATES.items()
        if detected is None or relative != EXAMPLE
    }
    _refuse_links_out(target, destinations)
    pre_commit = target / PRE_COMMIT
    existing = [path for path in destinations if path.exists() and path != pre_commit]
    if existing and not force:
        names = ", ".join(str(p.relative_to(target)) for p in existing)
        raise UsageError(f"refusing to overwrite existing files: {names} (use --force to replace them)")
    package = resources.files("contractctl.scaffold")
    contents = {
        path: package.joinpath(template).read_text(encoding="utf-8")
        for path, template in destinations.items()
    }
    config = target / "contractctl.yaml"
    contents[config] = re.sub(
        r"base_branch: main( +)#",
        lambda m: f"base_branch: {_scalar(base_branch)}".ljust(len(m[0]) - 2) + " #",
        contents[config],
    )
    if detected is not None:
        contents[config] = _configured(contents[config], detected)
    hook_added: list[Path] = []
    hook_present: list[Path] = []
    if pre_commit.exists():
        merged = with_hook(_read(pre_commit), contents[pre_commit], pre_commit)
        if merged is None:
            hook_present.append(pre_commit)
            del contents[pre_commit]
        else:
            hook_added.append(pre_commit)
            contents[pre_commit] = merged
    written = []
    for path, text in contents.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror}") from None
        if path not in hook_added:
            written.append(path)
    return Scaffolded(written, existing, hook_added, hook_present)


def _configured(template: str, detected: Detected) -> str:
    """The config template with the detected root (and formats, excludes, include folders)."""
    text = re.sub(
        r"^  root: contracts .*\n", lambda _: detected.config_lines(), template, count=1, flags=re.M
    )
    if detected.include:
        folders = ", ".join(json.dumps(folder) for folder in detected.include)
        section = f"protobuf:\n  include: [{folders}]  # where vendored imports are found, like protoc's -I\n"
        text = text.replace("\ndefaults:", "\n" + section + "defaults:", 1)
    # a tree with a history: the registry's default level, not the transitive one a new tree starts
    # with (every break its history ever let through would fail the first check at once)
    return text.replace(
        "  compatibility: BACKWARD_TRANSITIVE\n",
        "  compatibility: BACKWARD  # the registry's default: set the level each subject has there\n",
        1,
    )


def with_hook(text: str, template: str, path: Path) -> str | None:
    """`text` (a pre-commit config) with the template's `repos:` entry appended to its `repos:`
    list, indented like its own entries; None when it already has the contractctl hook."""
    from contractctl.generic.yaml_guard import YamlProblem, compose

    try:
        root = compose(text)
    except YamlProblem as problem:
        raise UsageError(f"{path}: cannot add the {HOOK_ID} hook: {problem.message}") from None
    if re.search(rf"^\s*-?\s*id:\s*['\"]?{HOOK_ID}\b", text, re.MULTILINE):
        return None
    repos = None if root is None else _repos_node(root, path)
    if repos is None:  # an empty file, or one without `repos:` yet
        return text + ("\n" if text and not text.endswith("\n") else "") + template
    entry = template.split("\n", 1)[1]  # the template's one `repos:` item, its dash at column 2
    if repos.flow_style:
        if repos.value:
            raise UsageError(
                f"{path}: `repos:` is a one-line list; write it as a block list (one `- repo:` per "
                f"line) or add the {HOOK_ID} hook from `contractctl init` in an empty directory"
            )
        start, end = repos.start_mark.index, repos.end_mark.index  # `[]`
        return text[:start].rstrip(" ") + "\n" + entry + text[end:].lstrip(" \n")
    lines = text.splitlines(keepends=True)
    first = repos.value[0].start_mark
    dash = lines[first.line].rfind("-", 0, first.column)
    shift = dash - 2
    indented = "".join(
        (" " * shift + line if shift >= 0 else line[-shift:]) if line.strip() else line
        for line in entry.splitlines(keepends=True)
    )
    end = repos.end_mark
    cut = end.line if end.column == 0 or end.line >= len(lines) else end.line + 1
    cut = min(cut, len(lines))
    while cut > first.line + 1 and (not lines[cut - 1].strip() or lines[cut - 1].lstrip().startswith("#")):
        cut -= 1  # blank lines and comments before the next key stay with it
    before = "".join(lines[:cut])
    if before and not before.endswith("\n"):
        before += "\n"
    return before + indented + "".join(lines[cut:])


def _repos_node(root: object, path: Path) -> yaml.SequenceNode | None:
    import yaml

    if not isinstance(root, yaml.MappingNode):
        raise UsageError(f"{path}: cannot add the {HOOK_ID} hook: the file is not a mapping")
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "repos":
            if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
                raise UsageError(f"{path}: cannot add the {HOOK_ID} hook: `repos:` is empty, not a list")
            if not isinstance(value, yaml.SequenceNode):
                raise UsageError(f"{path}: cannot add the {HOOK_ID} hook: `repos:` is not a list")
            return value
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None


def _scalar(name: str) -> str:
    """A branch name as a YAML scalar (quoted unless it is plainly safe)."""
    return name if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", name) else json.dumps(name)


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
