"""Which contracts of the checked tree may mention a name, answered by git without reading them.

A check of one change needs the contracts that define the types it uses and the contracts that use
the types it defines; outlining the whole tree to find them made a pre-commit check grow with the
repository. `git grep` (in C, over the index or the working tree) narrows the tree to the files whose
text spells every part of a name (its namespace and simple name, or a whole import path); an outline
of those few decides exactly. The narrowing only ever keeps too many: a schema
spells a name with its parts as plain text, except through escapes (Avro JSON `\\u`, Protobuf string
escapes and adjacent string literals) or a symbolic link, and files with those are always kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from contractctl.formats import FORMATS
from contractctl.formats.base import Outline
from contractctl.generic.parallel import Background
from contractctl.model import SchemaType
from contractctl.repo.history import Git
from contractctl.repo.outline_cache import decode_defined, decode_names

# Files whose text may spell a name other than plainly: FormatInfo.spelled_otherwise.
_FEW_NAMES = 3  # up to this many names, one search each; above, one search for all
# Past this many searches (a change to a type used everywhere) reading the whole tree once is cheaper
# than searching on; the answers are the same either way.
SEARCH_BUDGET = 16
# A search for more than a few names, more than one per this many contracts (a change to types most
# of the tree uses), costs git more than reading the whole tree: a git grep of 3,585 import paths over
# 5,000 files took 3.4 s; reading and outlining every file, under 1 s.
_CONTRACTS_PER_NAME = 16
# Lookups an OutlineSearch answers by scanning every contract's names before it indexes them.
_SCANS = 4
# names beyond which a scan tests every entry's decoded names instead of one pattern of all of them:
# the users of an Avro type shared by 40 subjects are 762 names, whose pattern took 142 ms over 2,000
# entries (decoding all of them: 5 ms)
_ALTERNATIVES = 24


def name_patterns(name: str) -> tuple[list[str], bool]:
    """(fixed strings every spelling of the name holds, False: they are not regular expressions).

    A Protobuf import path whole. An Avro name is a JSON string: its namespace starts one
    (`"com.acme"` or `"com.acme.Money"`), its simple name ends one (`"Money"`, `.Money"`; a
    reference inside the namespace may give the simple name alone). Fixed strings: git grep finds
    them several times faster than a pattern.
    """
    if is_import_path(name) or is_uri(name):
        return [name], False
    namespace, _, simple = name.rpartition(".")
    patterns = [f'{simple}"']
    if namespace:
        patterns.insert(0, f'"{namespace}')
    return patterns, False


def is_uri(name: str) -> bool:
    """A reference by URI (a JSON Schema `$id`): searched for as written, defined by content."""
    return "://" in name or name.startswith("urn:")


def is_import_path(name: str) -> bool:
    """Protobuf and JSON Schema name references by path (relative to the contracts root); no type
    name holds a slash."""
    return "/" in name and not is_uri(name)


def may_be_import_path(name: str) -> bool:
    """A path, or a name a file at the top of the contracts root has as its import path
    (`money.proto`; an Avro type could be named so too, so such a name is looked up both ways)."""
    path_extensions = tuple(e for known in FORMATS if known.references_by_path for e in known.extensions)
    return is_import_path(name) or (not is_uri(name) and name.lower().endswith(path_extensions))


def search_worth_it(names: int, contracts: int) -> bool:
    """Whether a search for this many names among this many contracts beats reading them all."""
    return names <= _FEW_NAMES or names * _CONTRACTS_PER_NAME <= contracts


class ContractTextSearch:
    """Candidate contract paths for names, in the index (`staged`) or the working tree."""

    def __init__(
        self,
        git: Git,
        prefix: str,
        staged: bool,
        kept: set[str],
        formats: set[SchemaType],
        eager: bool = True,
    ) -> None:
        """`eager` False: the first search is unlikely (a change of many contracts reads the whole
        tree instead, `worth_it`), so the search for escapes waits for it rather than start now
        (on the API tree, a git grep of 5,000 files costing 0.3 CPU-s for nothing)."""
        self._git = git
        self._searches = 0
        self._prefix = prefix
        self._staged = staged
        root = f"{prefix}/" if prefix else ""
        # the formats the tree holds (the others' escapes are not looked for): what may spell a name
        # otherwise, in files with their extensions, in any case as type_for_path reads them
        self._escapes = [
            (known.spelled_otherwise, f":(glob,icase){root}**/*{extension}")
            for known in FORMATS
            if known.schema_type in formats and known.spelled_otherwise is not None
            for extension in known.extensions
        ]
        # asked for by every search: started now, unless no search is likely
        self._escaped = Background(self._spelled_otherwise) if eager else None
        # paths git grep does not read as the check does (symbolic links, nested repositories,
        # files git diff is told to ignore): always candidates
        self._kept = kept
        # The index is searched through the working tree (reading files is much cheaper than git
        # inflating every blob); files whose working-tree content differs from the index are kept.
        self._unstaged = Background(lambda: git.unstaged_paths(prefix) if staged else set[str]())

    def exhausted(self) -> bool:
        """Whether enough searches ran that reading the whole tree is the cheaper way on."""
        return self._searches >= SEARCH_BUDGET

    def worth_it(self, names: int, contracts: int) -> bool:
        """Whether a search for this many names among this many contracts beats reading them all;
        when it does not, the search is spent for good (the next level of a walk asks for more)."""
        if not search_worth_it(names, contracts):
            self._searches = SEARCH_BUDGET
        return not self.exhausted()

    def _grep(
        self, needles: list[str], regex: bool, spec: str | None = None, all_match: bool = False
    ) -> set[str]:
        self._searches += 1
        return self._git.grep_files(
            needles, spec or self._prefix, untracked=not self._staged, regex=regex, all_match=all_match
        )

    def _spelled_otherwise(self) -> set[str]:
        found: set[str] = set()
        for (pattern, regex), spec in self._escapes:
            found |= self._grep([pattern], regex, spec)
        return found

    def candidates(self, names: Iterable[str], defining: bool = False) -> tuple[set[str], set[str]]:
        """(paths whose text may spell one of the names; paths to keep whatever their text holds),
        both repository-relative.

        A few names: one git grep each, side by side, for files holding every part of the name.
        Many: one git grep for any of them by one part each, and the caller's outlines decide. To
        find where names are defined (`defining`), the simple name: only its definition and its
        users hold it. To find users of the many types one contract defines, its namespace.
        """
        if self._escaped is None:
            self._escaped = Background(self._spelled_otherwise)
        wanted = sorted(set(names))
        if len(wanted) <= _FEW_NAMES:
            searches = [
                Background(lambda name=name: self._grep(*name_patterns(name), all_match=True))  # type: ignore[misc]
                for name in wanted
            ]
            found: set[str] = set().union(*(search.result() for search in searches))
        else:
            parts = {
                (patterns[-1 if defining else 0], regex) for patterns, regex in map(name_patterns, wanted)
            }
            typed = sorted(pattern for pattern, regex in parts if regex)
            plain = sorted(pattern for pattern, regex in parts if not regex)
            found = (self._grep(typed, True) if typed else set()) | (
                self._grep(plain, False) if plain else set()
            )
        return found, self._escaped.result() | self._kept | self._unstaged.result()

    def contract_path(self, import_path: str) -> str:
        """Where the contract with this Protobuf import path lives (it defines that name)."""
        return contract_path(self._prefix, import_path)


def contract_path(prefix: str, import_path: str) -> str:
    """Where the contract with this import path lives under the contracts root `prefix`."""
    root = f"{prefix}/" if prefix else ""
    return str(PurePosixPath(f"{root}{import_path}"))


def _spelling_test(wanted: frozenset[str]) -> Callable[[str], object]:
    """A test of whether a text spells one of `wanted` (as a substring): `in` for one name, else one
    regular expression of every name, which scans a text in C (a generator of `in` tests per cache
    entry cost a pre-commit check of 2,000 contracts 5-8 ms)."""
    if not wanted:
        return lambda text: False
    if len(wanted) == 1:
        [name] = wanted
        return lambda text: name in text
    if len(wanted) > _ALTERNATIVES:
        return lambda text: True  # the caller decodes every entry: cheaper than this many alternatives
    return re.compile("|".join(re.escape(name) for name in sorted(wanted))).search


class OutlineSearch:
    """The same answers as ContractTextSearch, from every contract's outline instead of its text
    (for a check of the index, whose outlines are cached by blob id: see repo/outline_cache.py).

    Exact where the text search over-approximates: a contract is a candidate for a name when its
    outline defines or uses that name, which is what the callers then decide by anyway.
    """

    def __init__(
        self, prefix: str, cached: list[tuple[str, str]], outlined: list[tuple[str, Outline]]
    ) -> None:
        self._prefix = prefix
        self._cached = cached  # (path, cache entry: names joined) of contracts outlined by earlier runs
        self._outlined = [(path, o.defined_names, o.referenced_names) for path, o in outlined]
        self._searches = 0
        self._defining: dict[str, list[str]] | None = None  # name -> paths defining it
        self._using: dict[str, list[str]] | None = None  # see _users

    def exhausted(self) -> bool:
        return False  # a lookup never reads a contract: never cheaper to read the whole tree

    def worth_it(self, names: int, contracts: int) -> bool:
        return True

    def candidates(self, names: Iterable[str], defining: bool = False) -> tuple[set[str], set[str]]:
        """Paths whose outline defines one of the names, or (unless `defining`: the caller looks for
        definitions only and decides by them) uses one."""
        wanted = set(names)
        self._searches += 1
        if self._searches <= _SCANS:  # a pre-commit check asks a few times: a scan is cheaper
            # an entry spells each of its names whole: one that holds no wanted name as text is out
            spells = _spelling_test(frozenset(wanted))
            rows = [(path, *decode_names(entry)) for path, entry in self._cached if spells(entry)]
            rows += self._outlined
            found = {
                p
                for p, defined, used in rows
                if not (wanted.isdisjoint(defined) and (defining or wanted.isdisjoint(used)))
            }
            return found, set()
        if self._defining is None:  # a walk over a deep graph asks once per level
            self._defining = {}
            every = [(path, decode_defined(entry)) for path, entry in self._cached]
            for path, defined in every + [(path, defined) for path, defined, _ in self._outlined]:
                for name in defined:
                    self._defining.setdefault(name, []).append(path)
        found = {path for name in wanted for path in self._defining.get(name, ())}
        if not defining:
            found.update(path for name in wanted for path in self._users().get(name, ()))
        return found, set()

    def _users(self) -> dict[str, list[str]]:
        """Name -> paths using it (and not defining it), indexed on the first lookup that asks: a
        walk down references asks only where names are defined (a chain of 200 shared Avro types:
        the users' index was 40% of the 14-22 ms this index cost)."""
        if self._using is None:
            self._using = {}
            every = [(path, *decode_names(entry)) for path, entry in self._cached] + self._outlined
            for path, defined, used in every:
                for name in set(used).difference(defined):
                    self._using.setdefault(name, []).append(path)
        return self._using

    def contract_path(self, import_path: str) -> str:
        return contract_path(self._prefix, import_path)
