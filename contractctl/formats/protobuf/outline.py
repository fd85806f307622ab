"""A cheap read of a .proto text without protoc: package, imports, first message, normalized tokens.

Used where compiling would be too slow (subject naming, reference discovery, fingerprints), so it only
tokenizes: comments and whitespace vanish, strings are decoded, nothing is resolved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from contractctl.formats.base import NameCandidates

_TOKEN = re.compile(
    r"""
    (?:\s+|//[^\n]*|/\*.*?(?:\*/|\Z))*  # whitespace and comments, skipped (a token always follows)
    (   "(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?  # string
      | [A-Za-z_][A-Za-z0-9_.]*|\.[A-Za-z_][A-Za-z0-9_.]*  # word
      | [-+]?(?:0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)  # number
      | .  # symbol
      | \Z  # nothing but whitespace and comments left: an empty token, dropped
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_PLAIN_STRING = re.compile(r'"[ !#-\[\]-~]*"')  # printable ASCII, no escapes: its own JSON encoding
# Over the tokens, each preceded by NUL: a single-quoted literal, a double-quoted one that is not
# plain, or two literals in a row (they concatenate). Starting with a literal NUL lets re skip ahead.
_STRING_WORK = re.compile(r"""\0(?:'|"(?![ !#-\[\]-~]*"(?:\0|\Z))|"[^\0]*\0")""")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b"}


def _unquote(literal: str) -> str:
    body = literal[1:-1] if len(literal) >= 2 and literal[-1] == literal[0] else literal[1:]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def token_offsets(text: str) -> list[tuple[str, int]]:
    """Significant tokens as written (strings undecoded), each with its offset in `text`: what
    placing an element reads (text_positions)."""
    return [(match.group(1), match.start(1)) for match in _TOKEN.finditer(text) if match.group(1)]


def first_token(text: str) -> str:
    """The first significant token ("" for none): what a file declares first (`syntax`, `edition`)."""
    match = _TOKEN.match(text)
    return match.group(1) if match else ""


def tokens(text: str) -> list[str]:
    """Significant tokens; a string token is kept as the JSON encoding of its value."""
    return list(_tokens(text))


@lru_cache(maxsize=16384)
def raw_tokens(text: str) -> tuple[str, ...]:
    """Significant tokens as written (strings undecoded): `token_offsets` without the offsets, which
    cost a Python object per token. One findall does the scanning in C (each match skips whitespace
    and comments, then captures one token). Cached with the same room as `_tokens`, which reads it."""
    found: list[str] = _TOKEN.findall(text)
    while found and not found[-1]:
        found.pop()
    return tuple(found)


@lru_cache(maxsize=16384)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: outline, fingerprint and imports all read the same texts (twice per check at scale).
    Room for a 5,000-file tree and its history's other contents (11,500 texts on the API tree, 3
    KB of tokens each): with 8,192, a third of that tree's tokenizings were of texts pushed out.

    String literals are rewritten only when one needs it (`_STRING_WORK`), which plain double-quoted
    ones, the usual case, do not: then the very tuple `raw_tokens` holds (no second copy).
    """
    raw = raw_tokens(text)
    if "\0" not in text and not _STRING_WORK.search("\0" + "\0".join(raw)):
        return raw
    found = list(raw)
    out: list[str] = []
    for token in found:
        if token[0] == '"' or token[0] == "'":
            value = token if _PLAIN_STRING.fullmatch(token) else json.dumps(_unquote(token))
            if out and out[-1][0] == '"':  # adjacent literals concatenate
                out[-1] = json.dumps(json.loads(out[-1]) + json.loads(value))
                continue
            token = value
        out.append(token)
    return tuple(out)


# A keyword, then (looked at, not consumed: a keyword read as the token after another still counts)
# what the tokenizer skips and the token it reads next, by `_TOKEN`'s alternatives in its order
_SKIPPED = r"(?:\s+|//[^\n]*|/\*.*?(?:\*/|\Z))*"
_NEXT = (
    r"(\"|'|[A-Za-z_][A-Za-z0-9_.]*|\.[A-Za-z_][A-Za-z0-9_.]*"
    r"|[-+]?(?:0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)|.)"
)


@cache
def _after(keyword: str) -> re.Pattern[str]:
    """The search for one keyword (one literal each: a fast search), compiled on first use: a check
    whose history needs no candidates (a pre-commit run with kept outlines) never pays the 1 ms."""
    return re.compile(rf"{keyword}(?={_SKIPPED}{_NEXT})", re.DOTALL)


def name_candidates(text: str) -> NameCandidates | None:
    """Every full name `read_outline` can give a content's first message or first enum (its package
    and the token after `message` or `enum`), and more: the tokens after every `package`, `message`
    and `enum` anywhere in the text, comments and strings included, each name with each package
    and with none. None when one of those tokens is a string, which the tokenizer rewrites.

    Three literal-prefix searches instead of a tokenizing of the whole text (an eighth of its cost
    on a public API tree's 58,700 historical files): enough to rule out a content that cannot name
    a subject a check wants. tests/unit/test_protobuf_name_candidates.py holds it against
    `read_outline`.
    """
    names = _after("message").findall(text) + _after("enum").findall(text)
    packages = _after("package").findall(text)
    if any(token in ('"', "'") for token in (*names, *packages)):
        return None
    scopes = ("", *sorted({f"{package}." for package in packages}))
    return NameCandidates(scopes, tuple(sorted(set(names))))


@dataclass(frozen=True)
class ProtoOutline:
    package: str
    imports: tuple[str, ...]
    first_message: str | None  # simple name of the first top-level message
    message_count: int
    first_enum: str | None = None  # simple name of the first top-level enum


_OUTLINE_TOKENS = frozenset(("{", "}", "package", "import", "message", "enum"))


@lru_cache(maxsize=8192)
def read_outline(text: str) -> ProtoOutline:
    """Cached (subject naming, references and imports ask for the same texts); only braces and the
    outline's keywords are visited, the other tokens cannot change the result."""
    parts = _tokens(text)
    package = ""
    imports: list[str] = []
    messages: list[str] = []
    enums: list[str] = []
    depth = 0
    for index in [i for i, token in enumerate(parts) if token in _OUTLINE_TOKENS]:
        token = parts[index]
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
            elif token == "enum" and following:
                enums.append(following[0])
    return ProtoOutline(
        package, tuple(imports), messages[0] if messages else None, len(messages), enums[0] if enums else None
    )


_PLAIN_DEPTH = 64  # deeper texts take `_block`, which may hit the recursion limit, as it always did


@lru_cache(maxsize=8192)
def normalized(text: str) -> str:
    """Token text with option statements and bracketed field options sorted, so their order is moot.

    Cached: a check fingerprints each text of history and of the working tree, mostly the same texts.
    """
    parts = _tokens(text)
    if "option" not in parts and "[" not in parts:
        plain = _without_options(parts)
        if plain is not None:
            return plain
    out, _ = _block(parts, 0)
    return " ".join(out)


def _without_options(parts: tuple[str, ...]) -> str | None:
    """What `_block` gives for tokens with nothing to sort, without its per-token Python loop: the
    tokens as they are, cut at an unmatched "}", an unclosed "{" closed at the end. None when nested
    deeper than _PLAIN_DEPTH."""
    depth = 0
    for index in [i for i, token in enumerate(parts) if token == "{" or token == "}"]:
        if parts[index] == "{":
            depth += 1
            if depth > _PLAIN_DEPTH:
                return None
        elif depth == 0:
            return " ".join(parts[:index])
        else:
            depth -= 1
    return " ".join(parts + ("}",) * depth)


def _block(parts: Sequence[str], start: int) -> tuple[list[str], int]:
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


def _matching(parts: Sequence[str], index: int, opening: str, closing: str) -> int:
    depth = 0
    for position in range(index, len(parts)):
        if parts[position] == opening:
            depth += 1
        elif parts[position] == closing:
            depth -= 1
            if depth == 0:
                return position
    return len(parts) - 1


def _sorted_entries(inner: Sequence[str]) -> list[str]:
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
