"""A cheap read of a .proto text without protoc: package, imports, first message, normalized tokens.

Used where compiling would be too slow (subject naming, reference discovery, fingerprints), so it only
tokenizes: comments and whitespace vanish, strings are decoded, nothing is resolved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?(?:\*/|\Z))
  | (?P<string>"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*|\.[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<number>[-+]?(?:0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))
  | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b"}


def _unquote(literal: str) -> str:
    body = literal[1:-1] if len(literal) >= 2 and literal[-1] == literal[0] else literal[1:]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def tokens(text: str) -> list[str]:
    """Significant tokens; a string token is kept as the JSON encoding of its value."""
    return list(_tokens(text))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: outline, fingerprint and imports all read the same texts (twice per check at scale)."""
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "line_comment", "block_comment"):
            continue
        value = match.group()
        if kind == "string":
            decoded = _unquote(value)
            if out and out[-1].startswith('"'):  # adjacent literals concatenate
                out[-1] = json.dumps(json.loads(out[-1]) + decoded)
                continue
            value = json.dumps(decoded)
        out.append(value)
    return tuple(out)


@dataclass(frozen=True)
class ProtoOutline:
    package: str
    imports: tuple[str, ...]
    first_message: str | None  # simple name of the first top-level message
    message_count: int


def read_outline(text: str) -> ProtoOutline:
    parts = tokens(text)
    package = ""
    imports: list[str] = []
    messages: list[str] = []
    depth = 0
    for index, token in enumerate(parts):
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and (index == 0 or parts[index - 1] in (";", "}")):
            following = parts[index + 1 : index + 3]
            if token == "package" and following:
                package = following[0]
            elif token == "import" and following:
                literal = (
                    following[1]
                    if following[0] in ("public", "weak") and len(following) > 1
                    else following[0]
                )
                if literal.startswith('"'):
                    imports.append(json.loads(literal))
            elif token == "message" and following:
                messages.append(following[0])
    return ProtoOutline(package, tuple(imports), messages[0] if messages else None, len(messages))


def normalized(text: str) -> str:
    """Token text with option statements and bracketed field options sorted, so their order is moot."""
    parts = tokens(text)
    out, _ = _block(parts, 0)
    return " ".join(out)


def _block(parts: list[str], start: int) -> tuple[list[str], int]:
    """Normalize from `start` to the matching close brace (or the end); returns tokens and next index."""
    options: list[str] = []
    body: list[str] = []
    index = start
    while index < len(parts):
        token = parts[index]
        if token == "}":
            return [*sorted(options), *body], index
        if token == "option" and (index == start or parts[index - 1] in (";", "{", "}")):
            end = index
            while end < len(parts) and parts[end] != ";":
                end += 1
            options.append(" ".join(parts[index : end + 1]))
            index = end + 1
            continue
        if token == "{":
            inner, close = _block(parts, index + 1)
            body.extend(["{", *inner, "}"])
            index = close + 1
            continue
        if token == "[":
            close = _matching(parts, index, "[", "]")
            body.extend(["[", *_sorted_entries(parts[index + 1 : close]), "]"])
            index = close + 1
            continue
        body.append(token)
        index += 1
    return [*sorted(options), *body], index


def _matching(parts: list[str], index: int, opening: str, closing: str) -> int:
    depth = 0
    for position in range(index, len(parts)):
        if parts[position] == opening:
            depth += 1
        elif parts[position] == closing:
            depth -= 1
            if depth == 0:
                return position
    return len(parts) - 1


def _sorted_entries(inner: list[str]) -> list[str]:
    entries: list[list[str]] = [[]]
    depth = 0
    for token in inner:
        if token in ("[", "{", "("):
            depth += 1
        elif token in ("]", "}", ")"):
            depth -= 1
        if token == "," and depth == 0:
            entries.append([])
        else:
            entries[-1].append(token)
    texts = sorted(" ".join(entry) for entry in entries if entry)
    return " , ".join(texts).split(" ") if texts else []
