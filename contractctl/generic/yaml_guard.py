"""YAML that people edit (contractctl.yaml, sidecars), composed before it is trusted.

PyYAML lets a later duplicate key replace an earlier one (a second `contracts:` silently points the
gate elsewhere) and shares aliased nodes, so a few hundred bytes of nested anchors stand for billions
of values once anything walks or prints them. Both are refused here, on the composed node graph and
before any value is built, and every error carries a 1-based line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Values counted with every alias expanded; a real config or sidecar holds a few thousand at most.
MAX_EXPANDED_NODES = 100_000
# How much of a value a message may quote.
MAX_SHOWN = 60


class YamlProblem(Exception):
    """The document is not acceptable; `line`/`column` are 1-based (None when unknown)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Document:
    data: Any
    lines: dict[str, int]  # key path (`contracts.root`, `subjects[0].match`) -> line of the key or item
    columns: dict[str, int] = field(default_factory=dict)  # key path -> its column (1-based)


def shown(value: Any) -> str:
    """A value as a message may quote it: repr, cut to a bounded length."""
    text = repr(value) if not isinstance(value, (dict, list)) else _shape(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _shape(value: dict[Any, Any] | list[Any]) -> str:
    return f"a mapping of {len(value)} keys" if isinstance(value, dict) else f"a list of {len(value)} items"


def compose(text: str) -> Any:
    """The node graph of a single-document YAML text (None when empty), checked by `check_nodes`."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        raise YamlProblem(
            f"invalid YAML: {problem}", mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"invalid YAML: {error}") from None
    except RecursionError:
        raise YamlProblem("invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if node is not None:
        check_nodes(node)
    return node


def load(text: str) -> Document:
    """Parse `text` into plain values, with the line of every key path."""
    import yaml

    node = compose(text)
    if node is None:
        return Document(None, {})
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    constructor = loader_class("")
    try:
        data = constructor.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise YamlProblem(f"invalid YAML: {error.problem}", mark.line + 1 if mark else None) from None
    except ValueError:  # an integer past Python's int_max_str_digits (4300 digits)
        line, column = _long_integer(node)
        raise YamlProblem("invalid YAML: a number too long to read", line, column) from None
    finally:
        constructor.dispose()
    lines, columns = _key_positions(node)
    return Document(data, lines, columns)


def check_nodes(root: Any) -> None:
    """Refuse duplicate mapping keys (naming both lines), recursive aliases and alias expansion beyond
    MAX_EXPANDED_NODES. Linear in the distinct nodes: expanded sizes are summed, never expanded."""
    import yaml

    size: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            if size[key] > MAX_EXPANDED_NODES:
                raise YamlProblem(
                    f"aliases expand to more than {MAX_EXPANDED_NODES} values; write the values out "
                    "instead of nesting anchors",
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                )
            continue
        if key in size:
            continue
        if key in in_progress:
            raise YamlProblem("an alias refers to the value that contains it", node.start_mark.line + 1, None)
        if isinstance(node, yaml.MappingNode):
            _check_duplicates(node)
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _long_integer(root: Any) -> tuple[int | None, int | None]:
    """Where the first integer scalar too long for int() is (line and column, 1-based)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag == "tag:yaml.org,2002:int" and sum(c.isdigit() for c in str(node.value)) > 4300:
            return node.start_mark.line + 1, node.start_mark.column + 1
        stack.extend(reversed(_children(node)))
    return None, None


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_duplicates(node: Any) -> None:
    import yaml

    first: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        line = key_node.start_mark.line + 1
        identity = (key_node.tag, key_node.value)
        if identity in first:
            raise YamlProblem(
                f"duplicate key {shown(key_node.value)} (lines {first[identity]} and {line}); "
                "YAML would keep only the last",
                line,
                key_node.start_mark.column + 1,
            )
        first[identity] = line


def _key_positions(root: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Key path -> line and key path -> column, for messages. Aliased values are not walked again
    (bounded by check_nodes)."""
    import yaml

    lines: dict[str, int] = {}
    columns: dict[str, int] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
                    lines.setdefault(path, key_node.start_mark.line + 1)
                    columns.setdefault(path, key_node.start_mark.column + 1)
                    stack.append((value_node, path))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                path = f"{prefix}[{index}]"
                lines.setdefault(path, item.start_mark.line + 1)
                columns.setdefault(path, item.start_mark.column + 1)
                stack.append((item, path))
    return lines, columns


def _nearest(lines: Mapping[str, int], key_path: str) -> str | None:
    """`key_path`, or the nearest enclosing key path that has a line."""
    path = key_path
    while path:
        if path in lines:
            return path
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return None
        path = path[:cut]
    return None


def line_of(lines: Mapping[str, int], key_path: str) -> int | None:
    """The line of `key_path`, or of the nearest enclosing key that has one."""
    path = _nearest(lines, key_path)
    return lines[path] if path else None


def location(file: object, lines: Mapping[str, int], columns: Mapping[str, int], key_path: str) -> str:
    """`file:line:column` of `key_path` (or of its nearest enclosing key) for messages; `file:line`
    when the column is unknown, just the file when the line is."""
    path = _nearest(lines, key_path)
    if path is None:
        return str(file)
    column = columns.get(path)
    return f"{file}:{lines[path]}" + (f":{column}" if column else "")
