"""Contracts as git knows them: trees, the index, and each subject's earlier versions.

Plain `git` plumbing through subprocess, in a handful of processes per command: one `git log` pass
for the whole history and one `cat-file --batch` for every blob. GitPython's import alone costs about
half of the pre-commit latency budget, and its object model adds nothing for these read-only queries.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Protocol

from contractctl.errors import GitError, UsageError
from contractctl.generic.parallel import Background
from contractctl.model import import_path_of
from contractctl.repo.git_place import rev_parse_location, settled_top
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX, sidecar_path

_NULL_SHA = "0" * 40
_SYMLINK_MODE = "120000"
_GITLINK_MODE = "160000"  # a submodule: a commit of another repository
WORKTREE_KEY = "worktree:"  # blob-store keys of files read from the working tree
_PATHS_PER_LISTING = 2000  # paths per `git ls-tree` of `read_many_at` (well inside any ARG_MAX)
# a ref followed by ancestry steps (`HEAD~5`, `main^^`, `v1^2`): where the history may be too short
_ANCESTRY = re.compile(r"(?P<base>[^~^-][^~^]*)(?:~[0-9]*|\^[0-9]*)+")
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_MISSING_OBJECTS = (
    "earlier contents are missing from this clone (a partial clone whose remote cannot supply them, or a "
    "damaged one): fetch them (`git fetch --refetch origin`), or clone without --filter"
)


def _anchor_git_environment() -> None:
    """A relative GIT_DIR or GIT_WORK_TREE (`GIT_DIR=../.git` from a subfolder) is read by git from
    the directory it starts in; contractctl starts git in the config's folder and the repository's
    top, not where it was run: both are made absolute, against where it was run, before git is asked
    anything (GIT_INDEX_FILE is read from the top, as git reads it after finding the repository)."""
    for name in ("GIT_DIR", "GIT_WORK_TREE"):
        value = os.environ.get(name)
        if value and not os.path.isabs(value):
            os.environ[name] = os.path.abspath(value)


def _not_usable(start: Path, stderr: str) -> str:
    """Why git found no repository at `start`: none, or one it refuses (owned by another user, as a
    CI container's mounted workspace is), with git's own fix."""
    if "dubious ownership" not in stderr:
        return f"{start} is not inside a git repository"
    fix = next((line.strip() for line in stderr.splitlines() if "safe.directory" in line), None)
    advice = f": to trust it, `{fix}`" if fix else ""
    return f"git refuses the repository at {start}: it is owned by another user (dubious ownership){advice}"


class Git:
    """Runs git in one repository; every failure becomes a GitError (exit 3) with advice."""

    def __init__(self, toplevel: Path, git_dir: Path | None = None) -> None:
        self.toplevel = toplevel
        self.git_dir = git_dir  # this working tree's git directory, when known (for caches)

    @classmethod
    def discover(cls, start: Path) -> Git:
        _anchor_git_environment()
        try:
            result = rev_parse_location(start)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        if result.returncode != 0:
            raise GitError(_not_usable(start, result.stderr.strip()), detail=result.stderr.strip())
        lines = result.stdout.strip("\n").split("\n")
        git_dir = Path(lines[1]) if len(lines) == 2 else None
        return cls(settled_top(start, Path(lines[0].strip()), git_dir), git_dir)

    def attempt(
        self, *args: str, input_bytes: bytes | None = None, lazy_fetch: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        """Run git and hand back the outcome, for queries whose failure is an answer (no such ref).
        `lazy_fetch=False`: in a partial clone, an object it lacks fails the command instead of being
        fetched from the promisor remote on its own."""
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=self.toplevel,
            input=input_bytes,
            capture_output=True,
            check=False,
            env=None if lazy_fetch else {**os.environ, "GIT_NO_LAZY_FETCH": "1"},
        )

    def fetch_missing(self, names: Iterable[str]) -> None:
        """In a partial clone (`git clone --filter=blob:none`, actions/checkout's `filter:`), the
        objects among `names` it lacks, fetched from its promisor remote in one request, as git's own
        commands that know what they will read do. Without it each missing blob was fetched on its
        own as `cat-file` met it: a check --all of 500 contracts with 10 commits took 45 s instead
        of 0.3 s. A failure is left to the read that follows, which fails closed."""
        wanted = sorted({name for name in names if _OBJECT_ID.fullmatch(name)})
        remote = self._promisor_remote() if wanted else None
        if remote is None:
            return
        self.attempt(
            "-c", "fetch.negotiationAlgorithm=noop", "fetch", remote, "--no-tags", "--no-write-fetch-head",
            "--recurse-submodules=no", "--filter=blob:none", "--stdin",
            input_bytes="".join(f"{name}\n" for name in wanted).encode(),
        )  # fmt: skip

    def _promisor_remote(self) -> str | None:
        """The remote a partial clone fetches what it lacks from (None: not a partial clone)."""
        named = self.attempt("config", "--get", "extensions.partialClone")
        remote = named.stdout.decode("utf-8", "replace").strip() if named.returncode == 0 else ""
        if not remote:
            listed = self.attempt("config", "--get-regexp", r"^remote\..*\.promisor$")
            for line in listed.stdout.decode("utf-8", "replace").splitlines():
                key, _, value = line.partition(" ")
                if value.strip().lower() in ("true", "yes", "on", "1"):
                    remote = key.removeprefix("remote.").removesuffix(".promisor")
                    break
        return remote if remote and not remote.startswith("-") else None

    def run(self, *args: str, input_bytes: bytes | None = None) -> bytes:
        result = self.attempt(*args, input_bytes=input_bytes)
        if result.returncode != 0:
            raise git_failed(args[0], result.stderr)
        return result.stdout

    def text(self, *args: str) -> str:
        return self.run(*args).decode("utf-8", "replace").strip()

    def is_shallow(self) -> bool:
        return self.text("rev-parse", "--is-shallow-repository") == "true"

    def resolve(self, ref: str) -> str:
        """The commit a ref names; an unknown ref says how to fetch it."""
        result = self.attempt("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if result.returncode != 0:
            advice = self.unknown_ref_advice(ref)
            if self.is_shallow():
                advice += (
                    " (this is a shallow clone: use `git fetch --unshallow` or checkout with fetch-depth: 0)"
                )
            raise GitError(f"unknown git ref {ref!r}: {advice}", detail=self._refs_known(ref))
        return result.stdout.decode().strip()

    def unknown_ref_advice(self, ref: str) -> str:
        """What to do about a ref that names no commit. A fetch is suggested only for a name that a
        remote of this repository can hold: git refuses `git fetch origin HEAD~5` (an invalid
        refspec), and a repository without that remote cannot fetch at all."""
        steps = _ANCESTRY.fullmatch(ref)
        if steps is not None:
            base = steps["base"]
            found = self.attempt("rev-list", "--count", "--first-parent", base, "--")
            if found.returncode == 0:
                count = int(found.stdout)
                commits = "commit" if count == 1 else "commits"
                return f"{base}'s history holds no such commit: it has {count} {commits} along first parents"
            return f"{base!r} is not known either: {self.unknown_ref_advice(base)}"
        named = self.attempt("check-ref-format", "--allow-onelevel", ref).returncode == 0
        if not named:
            return f"git cannot resolve this revision here (`git rev-parse {ref}` says why)"
        remotes = self.text("remote").split()
        if not remotes:
            return "no branch, tag or commit has that name, and this repository has no remote to fetch from"
        remote, _, rest = ref.partition("/")
        if remote in remotes and rest:
            return f"fetch it first, e.g. `git fetch {remote} {rest}`"
        chosen = "origin" if "origin" in remotes else remotes[0]
        return f"fetch it first, e.g. `git fetch {chosen} {ref}` (remotes here: {', '.join(remotes)})"

    def _refs_known(self, ref: str) -> str:
        """The -v detail of an unknown ref: what was asked, and the refs this repository has."""
        listed = self.attempt(
            "for-each-ref", "--count=40", "--sort=-committerdate", "--format=%(refname:short)",
            "refs/heads", "refs/tags", "refs/remotes",
        )  # fmt: skip
        names = listed.stdout.decode("utf-8", "replace").split() if listed.returncode == 0 else []
        known = ", ".join(names) if names else "none (no commits yet?)"
        asked = f"asked: git rev-parse --verify {ref}^{{commit}} in {self.toplevel}"
        return f"{asked}\nrefs here (newest first): {known}"

    def has_commits(self) -> bool:
        return self.attempt("rev-parse", "--verify", "--quiet", "HEAD").returncode == 0

    def merge_base(self, first: str, second: str) -> str:
        result = self.attempt("merge-base", first, second)
        if result.returncode != 0:
            advice = "the branches share no history"
            if self.is_shallow():
                advice = (
                    "this is a shallow clone: fetch more history (`git fetch --unshallow`, or fetch-depth: 0)"
                )
            raise GitError(f"cannot find the merge base of {first} and {second}: {advice}")
        return result.stdout.decode().strip()

    def tree_blobs(self, treeish: str, prefix: str) -> dict[PurePosixPath, str]:
        """path -> blob id for files under `prefix` in a commit."""
        return {PurePosixPath(path): blob for path, blob in self.tree_entries(treeish, prefix)}

    def tree_entries(
        self,
        treeish: str,
        prefix: str,
        links: dict[str, str] | None = None,
        gitlinks: list[str] | None = None,
    ) -> list[tuple[str, str]]:
        """(path, blob id) for files under `prefix` in a commit, paths as text (see `index_entries`;
        `links` and `gitlinks` as there)."""
        # ls-tree: "<mode> <type> <sha>\t<path>"; only blobs (not submodule commits)
        listing = ["ls-tree", "-r", "-z", "--full-tree", treeish]
        return self._blob_listing(listing, prefix, 1, "blob", 2, links, gitlinks)

    def index_blobs(self, prefix: str) -> dict[PurePosixPath, str]:
        """path -> blob id for files under `prefix` in the index (merged entries only)."""
        return {PurePosixPath(path): blob for path, blob in self.index_entries(prefix)}

    def index_entries(
        self,
        prefix: str | Sequence[str],
        links: dict[str, str] | None = None,
        gitlinks: list[str] | None = None,
    ) -> list[tuple[str, str]]:
        """(path, blob id) for files under `prefix` (or these exact paths) in the index (merged
        entries only), in git's order. `links`, when given, takes the symbolic links instead (path ->
        blob id of the link's text: git stores a link as the name it leads to); `gitlinks` the
        submodules' paths (never files).

        Paths as text: git's are already normal (no `.`, `..` or empty segments), so the text is what
        `str(PurePosixPath(path))` gives, and a path object per entry (most of the listing's cost
        at 10,000 contracts) is made only for the few entries a check looks at."""
        # ls-files -s: "<mode> <sha> <stage>\t<path>"; stage 0 = not in a merge conflict
        return self._blob_listing(["ls-files", "-s", "-z"], prefix, 2, "0", 1, links, gitlinks)

    def _blob_listing(
        self,
        args: list[str],
        prefix: str | Sequence[str],
        key_field: int,
        wanted: str,
        sha_field: int,
        links: dict[str, str] | None = None,
        gitlinks: list[str] | None = None,
    ) -> list[tuple[str, str]]:
        """One NUL-separated git listing parsed into (path, blob id), keeping the entries whose
        `key_field` of the metadata is `wanted` (symbolic links into `links`, when given; submodules,
        which are commits and no file, into `gitlinks`, or left out)."""
        if isinstance(prefix, str):
            args = [*args, "--", prefix] if prefix else args
        else:
            args = [*args, "--", *(f":(literal){path}" for path in prefix)]
        out: list[tuple[str, str]] = []
        # the metadata is ASCII: decoding the whole listing at once reads paths as before
        for entry in self.run(*args).decode("utf-8", "surrogateescape").split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            fields = meta.split()
            if fields[0] == _GITLINK_MODE:
                # a merged index entry (stage 0), or a tree's entry (of type commit)
                if gitlinks is not None and fields[key_field] in (wanted, "commit"):
                    gitlinks.append(path)
            elif fields[key_field] == wanted:
                if links is not None and fields[0] == _SYMLINK_MODE:
                    links[path] = fields[sha_field]
                else:
                    out.append((path, fields[sha_field]))
        return out

    def changed_paths(self, base: str, prefix: str, staged: bool, also: Sequence[str] = ()) -> set[str]:
        """Paths under `prefix` (and among `also`) that differ between `base` and the index (staged) or
        the working tree, untracked files included for the working tree."""
        spec = ["--", prefix, *also] if prefix else []
        # --no-renames: a renamed file's old path is a change too (its subject may be gone)
        diff = ["diff", "--name-only", "--no-renames", "-z", *(["--cached"] if staged else []), base, *spec]
        names = set(self.run(*diff).decode("utf-8", "surrogateescape").split("\0"))
        if not staged:
            others = self.run("ls-files", "--others", "--exclude-standard", "-z", *spec)
            names |= set(others.decode("utf-8", "surrogateescape").split("\0"))
        names.discard("")
        return names

    def unstaged_paths(self, prefix: str) -> set[str]:
        """Tracked files under `prefix` whose working-tree content may differ from the index."""
        spec = ["--", prefix] if prefix else []
        names = set(
            self.run("diff", "--name-only", "-z", *spec).decode("utf-8", "surrogateescape").split("\0")
        )
        names.discard("")
        return names

    def hidden_from_diff(self, prefix: str) -> set[str]:
        """Tracked files under `prefix` whose working-tree changes git diff does not show (marked
        assume-unchanged or skip-worktree): a check of the working tree reads them as they are."""
        spec = ["--", prefix] if prefix else []
        out = self.run("ls-files", "-v", "-z", *spec).decode("utf-8", "surrogateescape")
        return {entry[2:] for entry in out.split("\0") if entry[:1].islower() or entry[:1] == "S"}

    def sparse_entries(self, prefix: str, links: dict[str, str]) -> list[tuple[str, str]]:
        """(path, blob id) of the index's files under `prefix` that a sparse checkout leaves out of
        the working tree (skip-worktree and not on disk): git takes them as their index content, and
        so does a check of the working tree. Their symbolic links go into `links`. Nothing (and no
        git process) unless this working tree uses sparse checkout."""
        if self.git_dir is None or not (self.git_dir / "info" / "sparse-checkout").is_file():
            return []
        spec = ["--", prefix] if prefix else []
        out: list[tuple[str, str]] = []
        # ls-files -v -s: "<tag> <mode> <sha> <stage>\t<path>"; tag S: skip-worktree
        listing = self.run("ls-files", "-v", "-s", "-z", *spec).decode("utf-8", "surrogateescape")
        for entry in listing.split("\0"):
            meta, _, path = entry.partition("\t")
            fields = meta.split()
            if len(fields) != 4 or fields[0] != "S" or fields[3] != "0":
                continue
            if os.path.lexists(self.toplevel / path):
                continue  # on disk after all: read as it is
            if fields[1] == _SYMLINK_MODE:
                links[path] = fields[2]
            else:
                out.append((path, fields[2]))
        return out

    def ignored_paths(self, prefix: str) -> set[str]:
        """Untracked files under `prefix` that .gitignore hides (they are still on disk)."""
        spec = ["--", prefix] if prefix else []
        out = self.run("ls-files", "--others", "--ignored", "--exclude-standard", "-z", *spec)
        names = set(out.decode("utf-8", "surrogateescape").split("\0"))
        names.discard("")
        return names

    def grep_files(
        self, needles: list[str], spec: str, *, untracked: bool, regex: bool = False, all_match: bool = False
    ) -> set[str]:
        """Repository-relative paths of files matching `spec` (a path prefix or pathspec) that hold any
        (`all_match`: every) of the fixed strings (or extended regexes), in the working tree: tracked
        files, and with `untracked` the untracked and ignored ones too (a check of the working tree
        reads every contract file on disk). The index is never searched: git would inflate every blob."""
        where = ["--untracked", "--no-exclude-standard"] if untracked else []
        patterns = [arg for needle in needles for arg in ("-e", needle)]
        args = ["grep", "-l", "-z", "-E" if regex else "-F", "-a", "--no-color"]
        if all_match:
            args.append("--all-match")
        result = self.attempt(*args, *where, *patterns, "--", *([spec] if spec else []))
        if result.returncode == 1:
            return set()  # no file matched
        if result.returncode != 0:
            stderr = result.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git grep failed: {stderr.splitlines()[-1] if stderr else 'no message'}")
        names = set(result.stdout.decode("utf-8", "surrogateescape").split("\0"))
        names.discard("")
        return names

    def read_at(self, commit: str, path: str, follow_links: bool = False) -> bytes | None:
        """A file's content at a commit, or None when it did not exist there. `follow_links`: a
        symbolic link is read as the file it leads to in that commit's tree, and is None when it
        leads out of the tree, nowhere or in a loop (git resolves it: nothing outside is read)."""
        if follow_links and "\n" not in path:
            kind, data = self._batch([f"{commit}:{path}"], follow_links=True)[0]
            if kind == "blob":
                return data
            if kind != "missing":
                return None  # a link leading out, nowhere or in a loop (or a folder)
            # no such path, or its content is missing from this clone: told apart below
        result = self.attempt("cat-file", "blob", f"{commit}:{path}")
        if result.returncode == 0:
            return result.stdout
        stderr = result.stderr.decode("utf-8", "replace").strip()
        if "does not exist in" in stderr or "exists on disk, but not in" in stderr:
            return None
        # the path is there but its content is not: a partial clone whose promisor cannot supply it,
        # or a damaged one. Reading it as absent would drop a sidecar's rules from the verdict.
        raise GitError(f"cannot read {path} at {commit[:12]}: {_MISSING_OBJECTS}", detail=stderr)

    def renamed_paths(self, base: str, prefix: str, staged: bool) -> dict[str, tuple[str, int]]:
        """Old path -> (new path, git's similarity in percent) of the files under `prefix` that git
        sees renamed between `base` and the index (staged) or the working tree (tracked files only, as
        `git status` shows them). Below 100 git only guesses: over a long range it pairs a deleted file
        with an unrelated added one, so callers say how alike git found them."""
        spec = ["--", prefix] if prefix else []
        cached = ["--cached"] if staged else []
        out = self.run("diff", "-z", "--name-status", "-M", "--diff-filter=R", *cached, base, *spec)
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        # "R<score>", old path, new path, per rename
        return {
            fields[i + 1]: (fields[i + 2], int(fields[i][1:] or 100))
            for i in range(0, len(fields) - 2, 3)
            if fields[i][:1] == "R"
        }

    def read_many_at(self, commit: str, paths: Iterable[str]) -> dict[str, bytes]:
        """Files' contents at a commit, as `read_at` reads each, in two git processes whatever their
        number: the commit's tree listed for exactly these paths, then their blobs in one batch (a
        change deleting 1,650 files of a public API tree spent 5 s starting a process per file). A
        file absent there (or no file: a folder, a submodule) is left out; a file whose content this
        clone lacks fails the run, as in `read_at`."""
        wanted = sorted(set(paths))
        blob_of: dict[str, str] = {}
        for start in range(0, len(wanted), _PATHS_PER_LISTING):  # a command line holds so many
            chunk = wanted[start : start + _PATHS_PER_LISTING]
            listing = ["ls-tree", "-r", "-z", "--full-tree", commit]
            blob_of.update(self._blob_listing(listing, chunk, 1, "blob", 2))
        # a literal path names a folder's files too: only the paths asked for
        asked = set(wanted)
        found = {path: blob for path, blob in blob_of.items() if path in asked}
        shas = sorted(set(found.values()))
        contents = dict(zip(shas, self._batch(shas), strict=True))
        out: dict[str, bytes] = {}
        for path, blob in found.items():
            kind, data = contents[blob]
            if kind == "missing":
                raise GitError(f"cannot read {path} at {commit[:12]}: {_MISSING_OBJECTS}")
            out[path] = data
        return out

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Contents of many blobs through one `git cat-file --batch` process."""
        wanted = sorted(set(shas))
        out: dict[str, bytes] = {}
        for sha, (kind, data) in zip(wanted, self._batch(wanted), strict=True):
            if kind == "missing":
                raise GitError(f"git object {sha}: {_MISSING_OBJECTS}")
            out[sha] = data
        return out

    def _batch(self, names: list[str], follow_links: bool = False) -> list[tuple[str, bytes]]:
        """(object type, content) of each object name, in order, through one `git cat-file --batch`;
        ("missing", b"") for a name git cannot find. `follow_links`: symbolic links in a tree are
        followed by git; one leading out of it, nowhere or in a loop is ("symlink" / "dangling" /
        "loop" / "notdir", its name)."""
        if not names:
            return []
        request = b"".join(f"{name}\n".encode("utf-8", "surrogateescape") for name in names)
        flags = ["--follow-symlinks"] if follow_links else []
        command = ("cat-file", "--batch", "--buffer", *flags)
        result = self.attempt(*command, input_bytes=request, lazy_fetch=False)
        if result.returncode != 0:  # a partial clone lacks some: fetched in one go, then read again
            self.fetch_missing(names)
            result = self.attempt(*command, input_bytes=request)
        if result.returncode != 0:  # a promisor remote that cannot supply a missing blob ends the batch
            raise GitError(_MISSING_OBJECTS, detail=result.stderr.decode("utf-8", "replace").strip())
        raw, offset = result.stdout, 0
        out: list[tuple[str, bytes]] = []
        for _ in names:
            header_end = raw.index(b"\n", offset)
            header = raw[offset:header_end]
            offset = header_end + 1
            kind, _, size_text = header.partition(b" ")
            if follow_links and kind in (b"symlink", b"dangling", b"loop", b"notdir") and size_text.isdigit():
                size = int(size_text)  # "<kind> <size>\n<name>\n": the link's name, not a file
                out.append((kind.decode(), raw[offset : offset + size]))
                offset += size + 1
                continue
            fields = header.rsplit(b" ", 2)  # "<sha> <type> <size>", or "<name> missing"
            if len(fields) < 3 or not fields[2].isdigit():
                out.append(("missing", b""))
                continue
            size = int(fields[2])
            out.append((fields[1].decode(), raw[offset : offset + size]))
            offset += size + 1
        return out


class BlobStore:
    """Contract contents by key, read from git in bulk and remembered for the run.

    Keys are blob ids, or `worktree:<path>` for files of the working tree (put in directly, or read
    from disk when first asked for). Reading lazily matters: a pre-commit check of one file must not
    read the other thousand.
    """

    def __init__(self, git: Git) -> None:
        self.git = git
        self._data: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        self._data[key] = data

    def keys_read(self) -> set[str]:
        """Every key whose content this run has read (what a check cost, for tests and profiles)."""
        return set(self._data)

    def prefetch(self, keys: Iterable[str]) -> None:
        missing = {key for key in keys if key not in self._data and not key.startswith(WORKTREE_KEY)}
        if missing:
            self._data.update(self.git.read_blobs(missing))

    def get(self, key: str) -> bytes:
        if key not in self._data:
            if key.startswith(WORKTREE_KEY):
                self._data[key] = self._read_worktree(key.removeprefix(WORKTREE_KEY))
            else:
                self.prefetch([key])
        return self._data[key]

    def _read_worktree(self, relative: str) -> bytes:
        from contractctl.repo.worktree import read_regular

        data = read_regular(self.git.toplevel / relative, relative)  # never blocks on a FIFO
        if isinstance(data, bytes):
            return data
        raise UsageError(f"{relative}: {data.message}")


@dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D, R, C, T
    old_path: PurePosixPath | None
    new_path: PurePosixPath | None
    new_blob: str | None
    link: bool = False  # the new entry is a symbolic link: its blob holds the name it leads to


@dataclass(frozen=True)
class Commit:
    sha: str
    changes: tuple[FileChange, ...]


def first_parent_log(
    git: Git,
    ref: str,
    prefix: str,
    pathspecs: list[str] | None = None,
    keep: Callable[[str], bool] | None = None,
    paths: dict[str, PurePosixPath] | None = None,
    earlier: tuple[str, ...] = (),
) -> list[Commit]:
    """Every first-parent commit of `ref` touching `prefix` (or `pathspecs`), oldest first, with its
    file changes; `earlier`: folders the root's files lay in before, read as the root (`rerooted`).

    One `git log --raw` pass: its diff against the first parent lists the blobs we need to read.
    `keep(path)`, `paths`: see `parse_log`.
    """
    return parse_log(log_output(git, ref, prefix, pathspecs, earlier), keep, paths)


def log_output(
    git: Git, ref: str, prefix: str, pathspecs: list[str] | None = None, earlier: tuple[str, ...] = ()
) -> bytes:
    """git's output for `first_parent_log`, unparsed (for a caller that parses it more than once)."""
    return rerooted(git.run(*_log_args(ref, prefix, pathspecs, earlier)), prefix, earlier)


def rerooted(output: bytes, prefix: str, earlier: tuple[str, ...]) -> bytes:
    """`git log --raw -z` output over the root and the folders its files lay in before
    (`contracts.history_roots`), as if those had been the root: a path under an earlier folder is
    taken at the same place under the root. A file there that a commit deletes is left out (the move
    out of it, or an end the root's history does not see), as is one whose place the commit also
    writes under the root (both folders held it for a while: the root's is the contract)."""
    if not earlier:
        return output
    olds = [(f"{folder}/".encode(), f"{prefix}/".encode()) for folder in earlier]
    blocks = output.split(b"\x01")
    out = [blocks[0]]
    for block in blocks[1:]:
        fields = block.split(b"\0")
        entries: list[tuple[bytes, bytes, bool]] = []  # (meta, path, under an earlier folder)
        i = 1
        while i + 1 < len(fields) and fields[i].lstrip().startswith(b":"):
            meta, path = fields[i], fields[i + 1]
            moved = next((new + path[len(old) :] for old, new in olds if path.startswith(old)), None)
            if moved is None:
                entries.append((meta, path, False))
            elif not meta.rstrip().endswith(b"D"):
                entries.append((meta, moved, True))
            i += 2
        own = {path for _, path, before in entries if not before}
        kept = [
            part for meta, path, before in entries if not (before and path in own) for part in (meta, path)
        ]
        out.append(b"\0".join([fields[0], *kept, *fields[i:]]))
    return b"\x01".join(out)


def first_parent_numbers(git: Git, ref: str) -> dict[str, int]:
    """Each first-parent commit of `ref`, oldest first, numbered from 0: its place in the history
    whatever paths a log of it was asked about."""
    listed = git.run("rev-list", "--first-parent", "--reverse", ref).decode("ascii", "replace").split()
    return {sha: number for number, sha in enumerate(listed)}


def _log_args(ref: str, prefix: str, pathspecs: list[str] | None, earlier: tuple[str, ...] = ()) -> list[str]:
    args = [
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--root",
        "--reverse",
        "--raw",
        "-z",
        "--no-abbrev",
        # no rename detection: a move is its old path gone and its new one written, which is all a
        # history keyed by subject needs of it; and finding inexact renames needs both contents,
        # which a partial clone fetched from its promisor once per commit that has one
        "--no-renames",
        "--format=%x01%H",
        ref,
    ]
    if pathspecs is not None:
        args += [
            "--",
            *pathspecs,
            *(_moved(spec, prefix, folder) for folder in earlier for spec in pathspecs),
        ]
    elif prefix:
        args += ["--", prefix, *earlier]
    return args


def _moved(spec: str, prefix: str, folder: str) -> str:
    """A pathspec under the root, under an earlier folder instead (`:(magic)` kept)."""
    magic, _, path = spec.rpartition(")") if spec.startswith(":(") else ("", "", spec)
    magic = f"{magic})" if magic else ""
    return f"{magic}{folder}{path[len(prefix) :]}" if path.startswith(f"{prefix}/") else spec


def git_failed(command: str, stderr: bytes) -> GitError:
    """The error of a git command that failed: its last line of stderr, the whole of it as detail."""
    text = stderr.decode("utf-8", "replace").strip()
    return GitError(f"git {command} failed: {text.splitlines()[-1] if text else 'no message'}", detail=text)


class LogAhead:
    """The first-parent log of the contracts root, read by git from now on while the caller works
    out which subjects it wants (on a long history git takes a quarter of a second and more)."""

    def __init__(self, git: Git, ref: str, prefix: str, earlier: tuple[str, ...] = ()) -> None:
        self.ref, self.prefix, self.earlier = ref, prefix, earlier
        self._process = subprocess.Popen(
            ["git", "-c", "core.quotepath=off", *_log_args(ref, prefix, None, earlier)],
            cwd=git.toplevel,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._output = Background(self._process.communicate)

    def commits(
        self, keep: Callable[[str], bool] | None = None, paths: dict[str, PurePosixPath] | None = None
    ) -> list[Commit]:
        return parse_log(self.output(), keep, paths)

    def output(self) -> bytes:
        """git's output, as `parse_log` reads it (kept by a history that may read it again)."""
        out, err = self._output.result()
        if self._process.returncode != 0:
            raise git_failed("log", err)
        return rerooted(out, self.prefix, self.earlier)

    def cancel(self) -> None:
        """Not wanted after all: git is stopped, and its thread joined (none may outlive a fork)."""
        if self._process.poll() is None:
            self._process.kill()
        self._output.result()


def parse_log(
    output: bytes, keep: Callable[[str], bool] | None = None, paths: dict[str, PurePosixPath] | None = None
) -> list[Commit]:
    """The commits of `git log --raw -z --format=%x01%H` output.

    `keep(path)`: the changes whose old or new path it keeps, asked once per distinct path, before
    anything is made of the change; a filter here is much cheaper than many pathspecs, which git
    matches against every path of every commit (seconds on a history of thousands of commits).
    `paths`: path text -> the one path object for it, shared with a caller that made some already.
    """
    raw = output.decode("utf-8", "surrogateescape")
    # one path object per distinct path: a file changed in every commit is one dictionary key later,
    # found by identity, not a fresh object to hash and compare each time
    if paths is None:
        paths = {}

    def path_of(text: str) -> PurePosixPath:
        path = paths.get(text)
        if path is None:
            path = paths[text] = PurePosixPath(text)
        return path

    verdicts: dict[str, bool] = {}

    def kept(text: str) -> bool:
        verdict = verdicts.get(text)
        if verdict is None:
            assert keep is not None
            verdict = verdicts[text] = keep(text)
        return verdict

    commits: list[Commit] = []
    for block in raw.split("\x01")[1:]:
        fields = block.split("\0")
        sha = fields[0].strip()
        changes: list[FileChange] = []
        i = 1
        while i < len(fields):
            meta = fields[i].strip()
            if not meta.startswith(":"):
                i += 1
                continue
            if keep is not None:  # before the change is parsed: most are dropped on a long log
                if meta[-1].isdigit():  # a rename or copy (its score): two paths
                    if not (kept(fields[i + 1]) or kept(fields[i + 2])):
                        i += 3
                        continue
                elif not kept(fields[i + 1]):
                    i += 2
                    continue
            parts = meta[1:].split()
            status = parts[4][0]
            new_blob = parts[3] if parts[3] != _NULL_SHA else None
            old_path: PurePosixPath | None
            new_path: PurePosixPath | None
            if status in "RC":
                old_path, new_path = path_of(fields[i + 1]), path_of(fields[i + 2])
                i += 3
            else:
                path = path_of(fields[i + 1])
                old_path = path if status != "A" else None
                new_path = path if status != "D" else None
                i += 2
            changes.append(FileChange(status, old_path, new_path, new_blob, parts[1] == _SYMLINK_MODE))
        commits.append(Commit(sha, tuple(changes)))
    return commits


@dataclass(frozen=True)
class HistoricVersion:
    """One distinct content of a subject along the history, oldest first."""

    number: int  # 1-based, in order of first appearance
    path: PurePosixPath
    text: str
    commit: str
    sequence: int  # index of the commit in the log (orders versions of different subjects)
    fingerprint: str
    # the blob the text was read from (None: not known), which names the content for the outline
    # cache; not part of what a version is (a content committed again is the same version)
    blob: str | None = field(default=None, compare=False)

    def lying_at(
        self, path: PurePosixPath, text: str, commit: str, sequence: int, blob: str | None
    ) -> HistoricVersion:
        """This version as a later commit holds it: moved unedited, it is the same version (the same
        number) lying at its new path, where the files importing it then import it from."""
        if path == self.path:
            return self
        return replace(self, path=path, text=text, commit=commit, sequence=sequence, blob=blob)


@dataclass(frozen=True)
class Sighting:
    """A subject's content as one commit of the log wrote it, before equal contents are merged."""

    path: PurePosixPath
    text: str
    commit: str
    sequence: int
    sidecar: str | None = None  # blob of the contract's sidecar at that commit, if it had one
    blob: str | None = None  # the contract's blob the text was read from


def sightings_by_subject(
    commits: list[Commit],
    locate: Callable[[PurePosixPath, str], tuple[str, str] | None],
    numbers: Mapping[str, int] | None = None,
) -> dict[str, list[Sighting]]:
    """Every content each subject had along the log, keyed by subject so a moved file keeps history.
    A sighting's sequence is its commit's place in `commits`, or its number in `numbers` (commit ->
    its place in the whole first-parent history: one order for logs of different paths).

    A commit that adds or edits only a contract's sidecar sights the contract too, as it then was: a
    new metadata or ruleSet is a new version in a registry (publish registers it), so every command
    that lists a subject's versions must see it. Removing a sidecar sights nothing (a registry keeps
    the latest metadata for a schema registered without any).

    `locate(path, blob)` returns (subject, text), or None for files that are not contracts, not
    wanted, or cannot be read (an old broken commit must not block today's check).
    """
    found: dict[str, list[Sighting]] = {}
    contracts: dict[PurePosixPath, str] = {}  # contract path -> its blob, as of the commit walked
    sidecars: dict[PurePosixPath, str] = {}  # sidecar path -> its blob
    by_sidecar: dict[PurePosixPath, set[PurePosixPath]] = {}  # sidecar path -> contract paths beside it
    beside: dict[PurePosixPath, PurePosixPath] = {}  # contract path -> its sidecar's: once per path
    for index, commit in enumerate(commits):
        sequence = index if numbers is None else numbers[commit.sha]
        sighted: dict[PurePosixPath, str] = {}
        for change in commit.changes:
            if change.old_path is not None and change.status in "RD":
                contracts.pop(change.old_path, None)
                sidecars.pop(change.old_path, None)
            if change.new_path is None or change.new_blob is None:
                continue
            if change.new_path.name.endswith(SIDECAR_SUFFIX):
                sidecars[change.new_path] = change.new_blob
                for contract in by_sidecar.get(change.new_path, ()):
                    if contract in contracts:
                        sighted.setdefault(contract, contracts[contract])
                continue
            contracts[change.new_path] = change.new_blob
            sidecar = beside.get(change.new_path)
            if sidecar is None:
                sidecar = beside[change.new_path] = sidecar_path(change.new_path)
            by_sidecar.setdefault(sidecar, set()).add(change.new_path)
            sighted[change.new_path] = change.new_blob
        for path, blob in sighted.items():
            located = locate(path, blob)
            if located is not None:
                subject, text = located
                found.setdefault(subject, []).append(
                    Sighting(path, text, commit.sha, sequence, sidecars.get(beside[path]), blob)
                )
    return found


class MoreHistory(Protocol):
    """Where a history of some subjects reads more of the same log (see VersionHistory.read)."""

    def sightings(self, subjects: set[str]) -> dict[str, list[Sighting]]:
        """Every sighting of these subjects along the log (none for a subject never committed)."""
        ...

    def subjects_at(self, import_paths: set[str]) -> dict[str, set[str]]:
        """For each import path (a path relative to the contracts root): every subject a content
        the log wrote at that path names."""
        ...


class VersionHistory(Mapping[str, list[HistoricVersion]]):
    """Each subject's distinct versions along the log, told apart when the subject is first asked for.

    Telling contents apart takes a canonical form of each (a JSON parse and dump for Avro). Done on
    demand, a whole-history check does it in its worker processes, next to the parse that reuses the
    same JSON, instead of for every subject in one process before the workers start.

    A check of a change reads the history of the subjects it reaches (`read`), not of every file the
    repository ever held; `more` reads the rest of the same log when an earlier version turns out to
    need it (`holders`: a file it imports that the tree no longer holds). Such a history answers as
    the whole one does for every subject it has read, and reads one before answering about it.
    """

    def __init__(
        self,
        sightings: dict[str, list[Sighting]],
        fingerprint: Callable[[PurePosixPath, str], str],
        sidecar_key: Callable[[str], str] | None = None,
        more: MoreHistory | None = None,
        read: Collection[str] = (),
        earlier: tuple[str, ...] = (),
    ) -> None:
        self._sightings = sightings
        self._fingerprint = fingerprint
        self._sidecar_key = sidecar_key  # sidecar blob -> what a registry sees of it (metadata, rules)
        self._versions: dict[str, list[HistoricVersion]] = {}
        self._timelines: dict[str, list[tuple[int, str, HistoricVersion]]] = {}
        # with `more`: the subjects whose sightings are all here (the rest are read when asked for)
        self._more = more
        self._read = set(read)
        # import path -> the subjects sighted at it, of the sightings held (see `holders`), and the
        # import paths whose subjects are all read
        self._holders: dict[str, set[str]] | None = None
        self._holders_root = ""
        self._paths_read: set[str] = set()
        # the folders the root's files lay in before (contracts.history_roots), read as the root:
        # a version laid out as its commit held its references finds them there
        self.earlier = earlier

    def __getitem__(self, subject: str) -> list[HistoricVersion]:
        versions = self._versions.get(subject)
        if versions is None:
            timeline: list[tuple[int, str, HistoricVersion]] = []
            versions = self._versions[subject] = self._distinct(self._sightings[subject], timeline)
            self._timelines[subject] = timeline
        return versions

    def timeline(self, subject: str) -> list[tuple[int, str, HistoricVersion]]:
        """(sequence, commit, the content version current from that commit on) for every commit that
        wrote the subject, in log order: a revert makes an earlier version current again."""
        if subject not in self._sightings:
            return []
        self[subject]
        return self._timelines[subject]

    def __contains__(self, subject: object) -> bool:
        return subject in self._sightings

    def __iter__(self) -> Iterator[str]:
        return iter(self._sightings)

    def __len__(self) -> int:
        return len(self._sightings)

    def sightings(self, subject: str) -> list[Sighting]:
        """The subject's contents as committed (repeats included), without telling them apart."""
        return self._sightings.get(subject, [])

    def read(self, subjects: Iterable[str]) -> None:
        """Have every sighting of these subjects, as the whole log gives them: a history of some
        subjects reads the others' in one pass over the log (a whole history has them all)."""
        if self._more is None:
            return
        missing = {s for s in subjects if s not in self._read}
        if not missing:
            return
        found = self._more.sightings(missing)
        self._read |= missing
        for subject, seen in found.items():
            self._sightings[subject] = seen
            if self._holders is not None:
                self._index(subject, seen)

    def holders(self, import_paths: Collection[str], root: str) -> dict[str, tuple[str, ...]]:
        """For each import path (relative to the contracts root `root`): every subject with a
        version at that path along the log, sorted. A history of some subjects reads first the
        subjects of every content the log wrote at a path it has not been asked about (a file
        deleted before the base that an earlier version imports), then their whole histories:
        what it answers is what the whole history answers."""
        if self._holders is None or root != self._holders_root:
            self._holders, self._holders_root = {}, root
            for subject, seen in self._sightings.items():
                self._index(subject, seen)
        if self._more is not None:
            new = {path for path in import_paths if path not in self._paths_read}
            if new:
                found = self._more.subjects_at(new)
                self.read(subject for subjects in found.values() for subject in subjects)
                self._paths_read |= new
        return {path: tuple(sorted(self._holders.get(path, ()))) for path in import_paths}

    def _index(self, subject: str, seen: list[Sighting]) -> None:
        holders, root = self._holders, self._holders_root
        assert holders is not None
        for sighting in seen:
            holders.setdefault(import_path_of(str(sighting.path), root), set()).add(subject)

    def _distinct(
        self, sightings: list[Sighting], timeline: list[tuple[int, str, HistoricVersion]]
    ) -> list[HistoricVersion]:
        versions: list[HistoricVersion] = []
        first_of: dict[str, HistoricVersion] = {}  # fingerprint -> its first version
        of_pair: dict[tuple[str, str | None], HistoricVersion] = {}  # (fingerprint, sidecar) -> version
        known: dict[tuple[PurePosixPath, str], str] = {}  # a content committed again: told apart once
        for sighting in sightings:
            fingerprint = known.get((sighting.path, sighting.text))
            if fingerprint is None:
                fingerprint = known[sighting.path, sighting.text] = self._fingerprint(
                    sighting.path, sighting.text
                )
            sidecar = None
            if sighting.sidecar is not None and self._sidecar_key is not None:
                sidecar = self._sidecar_key(sighting.sidecar)
            earlier = of_pair.get((fingerprint, sidecar))
            if earlier is None and sidecar is None:
                earlier = first_of.get(fingerprint)
            if earlier is not None:  # a revert to an earlier content (schema and sidecar): no new version
                timeline.append(
                    (
                        sighting.sequence,
                        sighting.commit,
                        earlier.lying_at(
                            sighting.path, sighting.text, sighting.commit, sighting.sequence, sighting.blob
                        ),
                    )
                )
                continue
            version = HistoricVersion(
                len(versions) + 1,
                sighting.path,
                sighting.text,
                sighting.commit,
                sighting.sequence,
                fingerprint,
                sighting.blob,
            )
            versions.append(version)
            first_of.setdefault(fingerprint, version)
            of_pair[fingerprint, sidecar] = version
            timeline.append((sighting.sequence, sighting.commit, version))
        return versions
