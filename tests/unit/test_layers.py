"""The package layout is enforced here, not hoped for (README, "Design").

Every rule speaks of folders (the first name under ``contractctl/``: ``formats``, ``registry``, ...;
``model`` and ``errors`` are the two bottom modules), never of file lists, so a module added to a
folder is held to its folder's rules without touching this file.

The import graph is read statically with ``ast`` over every ``.py`` file of the package: nothing is
imported, so a forbidden import hidden in a rarely-run function is found as well as one at the top.
Each import is one of three kinds: module level, under ``if TYPE_CHECKING:`` (typing) and inside a
function (lazy, deferred on purpose so that a command pays only for what it runs).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import contractctl

from ..conftest import GitRepo, cli_env, record

PACKAGE = Path(contractctl.__file__).parent
TOP = "contractctl"

ENTRY = {"cli", "__main__"}  # click and the console script: may import anything
RENDERERS = {"report"}
COMMANDS = {"commands"}
BOTTOM = {"model", "errors"}
ABOVE_CORE = ENTRY | RENDERERS | COMMANDS

# What formats/ may import besides itself: the bottom and generic/, nothing else. The vocabulary a
# format speaks to the parts it plugs into (lint's Emitter, changelog's Change, sidecars' shapes) lives
# in formats/vocabulary/, which those parts import from: a format never reaches config/, repo/, lint/
# or the registry.
FORMATS_MAY_IMPORT = BOTTOM | {"generic"}
VOCABULARY = "contractctl.formats.vocabulary"


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported contractctl module (the submodule when ``from package import submodule``)
    kind: str  # "module", "typing" or "lazy"
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.kind}, line {self.line})"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def folder(module: str) -> str:
    """The layer a module belongs to: its first name under the package (``contractctl`` for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else TOP


def _imports_of(module: str, path: Path) -> Iterator[tuple[str, str, int]]:
    """(imported name, kind, line) of every import statement, contractctl's or not."""
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, kind: str) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for statement in child.body:
                    yield from visit_one(statement, "typing" if kind == "module" else kind)
                for statement in child.orelse:
                    yield from visit_one(statement, kind)
                continue
            yield from visit_one(child, kind)

    def visit_one(node: ast.AST, kind: str) -> Iterator[tuple[str, str, int]]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            kind = "lazy"
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, kind, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in modules() else base), kind, node.lineno
        yield from visit(node, kind)

    yield from visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), "module")


@cache
def all_imports() -> list[Import]:
    return [
        Import(module, target, kind, line)
        for module, path in modules().items()
        for target, kind, line in _imports_of(module, path)
    ]


def internal_imports() -> list[Import]:
    return [i for i in all_imports() if i.target == TOP or i.target.startswith(TOP + ".")]


def violations(allowed: dict[str, set[str] | None], imports: Iterable[Import] | None = None) -> list[str]:
    """Imports (by default, the package's own) whose target folder is not allowed for the source
    folder (None: anything)."""
    found = set()
    for imported in internal_imports() if imports is None else imports:
        source, target = folder(imported.source), folder(imported.target)
        if source == target or target == TOP:  # the root holds only __version__
            continue
        permitted = allowed.get(source)
        if permitted is not None and target not in permitted:
            found.add(str(imported))
    return sorted(found)


def every_folder() -> set[str]:
    return {folder(m) for m in modules()} - {TOP}


def test_the_graph_reader_sees_the_package() -> None:
    """Guards the guard: if the reader resolved nothing, every rule below would pass vacuously."""
    found = {(i.source, i.target, i.kind) for i in internal_imports()}
    assert ("contractctl.report.summary", "contractctl.model", "module") in found
    assert ("contractctl.cli.registry_cmds", "contractctl.commands.publish", "lazy") in found
    assert {"cli", "commands", "formats", "generic", "registry", "report"} <= every_folder()


def test_report_renders_and_never_runs_commands() -> None:
    assert violations({name: every_folder() - ENTRY - COMMANDS for name in RENDERERS}) == []


def test_commands_never_import_the_cli_or_renderers() -> None:
    assert violations({name: every_folder() - ENTRY - RENDERERS for name in COMMANDS}) == []


def test_core_never_imports_commands_cli_or_renderers() -> None:
    core = every_folder() - ABOVE_CORE
    assert violations({name: every_folder() - ABOVE_CORE for name in core}) == []


def test_bottom_modules_import_nothing_above_them() -> None:
    assert violations({name: set(BOTTOM) for name in BOTTOM}) == []


def test_generic_has_no_domain_knowledge() -> None:
    assert violations({"generic": BOTTOM | {"generic"}}) == []


def test_formats_depend_only_on_the_bottom_and_generic() -> None:
    assert violations({"formats": FORMATS_MAY_IMPORT}) == []


def test_the_layer_rules_catch_a_planted_import() -> None:
    """Guards the guard: an import of a higher layer from formats/, of any kind, is a violation."""
    planted = [
        Import("contractctl.formats.avro.lint", "contractctl.lint.settings", kind, 1)
        for kind in ("module", "typing", "lazy")
    ]
    assert len(violations({"formats": FORMATS_MAY_IMPORT}, planted)) == 3
    allowed = [Import(VOCABULARY, "contractctl.model", "module", 1)]
    assert violations({"formats": FORMATS_MAY_IMPORT}, allowed) == []


def test_the_format_vocabulary_imports_only_the_bottom() -> None:
    """lint/, changelog/ and sidecar/ import formats/vocabulary/: it must not pull format machinery in."""
    leaks = [
        str(i)
        for i in internal_imports()
        if (i.source + ".").startswith(VOCABULARY + ".")
        and folder(i.target) not in BOTTOM
        and i.target not in (TOP, "contractctl.formats")  # the package __init__ runs regardless
        and not (i.target + ".").startswith(VOCABULARY + ".")
    ]
    assert leaks == []


def test_only_the_cli_imports_click() -> None:
    clicky = [
        str(i) for i in all_imports() if i.target.split(".")[0] == "click" and folder(i.source) not in ENTRY
    ]
    assert clicky == []


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := walk(start)) is not None:
            return found
    return None


def test_no_import_cycle_between_modules() -> None:
    """A cycle decides whether a module can be imported alone: which of its members imports first
    then finds the other half-initialised. Checked on the static graph rather than by importing each
    module in a fresh interpreter (one process per module would cost seconds, and an import order
    that happens to work hides a cycle; the graph finds it whatever the order).

    Counted: module-level imports and those under ``if TYPE_CHECKING:`` (a cycle there is a design
    cycle even if it never runs, as config -> lint -> config was). Not counted: imports inside
    functions; deferring them is how commands stay fast, and they run after every module involved
    is complete. Importing ``a.b.c`` first runs ``a.b``'s ``__init__``, so a module-level import also
    depends on the packages above its target (never on the importer's own packages, initialised
    before it); a ``TYPE_CHECKING`` import runs nothing, so it counts as its direct edge only.
    """
    graph: dict[str, set[str]] = {module: set() for module in modules()}
    for imported in internal_imports():
        if imported.kind == "lazy":
            continue
        targets = graph[imported.source]
        targets.add(imported.target)
        if imported.kind == "typing":
            continue
        parts = imported.target.split(".")
        for end in range(2, len(parts)):
            package = ".".join(parts[:end])
            if not (imported.source + ".").startswith(package + "."):
                targets.add(package)
    assert _cycle(graph) is None


def folder_graph(imports: Iterable[Import]) -> dict[str, set[str]]:
    """Which folders each folder imports from, by imports of every kind."""
    graph: dict[str, set[str]] = {}
    for imported in imports:
        source, target = folder(imported.source), folder(imported.target)
        if source != target and TOP not in (source, target):
            graph.setdefault(source, set()).add(target)
    return graph


def test_no_import_cycle_between_folders() -> None:
    """The folders are layers: if two reach each other, even through a third, neither is below the
    other and the layout stops saying anything. Unlike between modules, every import counts here,
    lazy ones too: deferring an import changes when it runs, not which layer depends on which (so a
    piece both layers need lives in the lower one, as repo/sidecar_paths.py does)."""
    cycle = _cycle(folder_graph(internal_imports()))
    assert cycle is None, " -> ".join(cycle)


def test_the_folder_cycle_check_catches_a_planted_lazy_import() -> None:
    planted = Import("contractctl.repo.history", "contractctl.sidecar.load", "lazy", 1)
    cycle = _cycle(folder_graph([*internal_imports(), planted]))
    assert cycle is not None and {"repo", "sidecar"} <= set(cycle)


# -- what the pre-commit hook loads --------------------------------------------------------------

# Folders a `check --staged` of one Avro contract must not load, and within the layers it does
# load, the only modules it may use (the hook runs on every commit: each import is latency).
STAGED_FORBIDDEN_FOLDERS = {"changelog", "linking", "registry"}
STAGED_ONLY = {
    "sidecar": {"contractctl.sidecar", "contractctl.sidecar.check_step"},
    "commands": {"contractctl.commands", "contractctl.commands.check"},
    "report": {"contractctl.report", "contractctl.report.summary", "contractctl.report.text"},
    "checking": {
        "contractctl.checking",
        "contractctl.checking.allowances",
        "contractctl.checking.removals",
        "contractctl.checking.config_changes",  # every check asks whether contractctl.yaml changed
    },
}
STAGED_FORBIDDEN_CLI = "_cmd"  # cli/*_cmd.py are the other commands; only check_cmd may load
# Third-party stacks the hook never needs for an Avro change: HTTP, the terminal UI, protoc and
# protobuf, Avro data codecs; and the standard library's network and mail stacks (a check without
# registries opens no connection: about 20 ms of imports).
STAGED_FORBIDDEN_LIBRARIES = {"httpx2", "httpcore2", "rich", "grpc_tools", "google", "fastavro"}
STAGED_FORBIDDEN_STDLIB = {"http", "email", "ssl", "socket", "xml", "urllib.request", "tempfile", "difflib"}

_DUMP_MODULES = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["contractctl", "check", "--staged"]
from contractctl.cli.main import main
main()
"""


def test_check_staged_loads_only_what_it_needs(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("contractctl.yaml", "version: 1\n")
    fields = [{"name": "id", "type": "string"}]
    repo.write("contracts/orders/value.avsc", record("Order", fields))
    repo.write(
        "contracts/shipments/value.proto", 'syntax = "proto3";\npackage acme;\nmessage S { int32 a = 1; }\n'
    )
    repo.commit("first")
    repo.write(
        "contracts/orders/value.avsc", record("Order", [*fields, {"name": "n", "type": "int", "default": 0}])
    )
    repo.git("add", "-A")
    # the first run outlines every contract (filling the outline cache), the second reads the cache:
    # it must not even load the format of a contract the change does not touch
    for run in ("cold", "warm"):
        loaded = _modules_of_check_staged(repo, tmp_path / f"modules-{run}.json")
        _assert_only_what_it_needs(loaded)
    assert "contractctl.formats.protobuf" not in loaded


def _modules_of_check_staged(repo: GitRepo, dump: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", _DUMP_MODULES, str(dump)],
        cwd=repo.root,
        env={**cli_env(repo.root), "PYTHONPATH": str(PACKAGE.parent)},  # the package under test
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "compatible" in completed.stdout  # the check really ran
    modules: list[str] = json.loads(dump.read_text())
    return modules


def _assert_only_what_it_needs(loaded: list[str]) -> None:
    ours = [m for m in loaded if m.startswith(TOP + ".")]
    assert "contractctl.formats.avro" in ours  # the probe saw the check's own imports
    unwanted = [m for m in ours if folder(m) in STAGED_FORBIDDEN_FOLDERS]
    unwanted += [m for m in ours if folder(m) in STAGED_ONLY and m not in STAGED_ONLY[folder(m)]]
    unwanted += [
        m
        for m in ours
        if folder(m) == "cli" and m.endswith(STAGED_FORBIDDEN_CLI) and m != "contractctl.cli.check_cmd"
    ]
    unwanted += [m for m in loaded if m.split(".")[0] in STAGED_FORBIDDEN_LIBRARIES]
    unwanted += [m for m in loaded if {m, m.split(".")[0]} & STAGED_FORBIDDEN_STDLIB]
    assert unwanted == []
