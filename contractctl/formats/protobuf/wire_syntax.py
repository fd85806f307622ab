"""Text protoc compiles but Schema Registry's parser reads otherwise or refuses.

The registry parses a Protobuf schema's text with Square Wire's ProtoParser (ProtobufSchema), not
with protoc. Where the two grammars part, a contract protoc accepts can be refused on registration
(HTTP 422), or read with other numbers than the ones protoc, and so the producer's generated code,
writes. Three such places, read from Wire 6.4.5 (the version Confluent's build uses):

- a proto2 group's body is read as fields only (`readGroup`): a nested group, message, enum, oneof,
  option or reserved statement inside one is refused;
- the end of a `reserved` or `extensions` range is read with a plain decimal conversion: `0x1F` is
  refused; a number with a sign before `0x` (`-0x1`) is refused anywhere (`SyntaxReader.readInt`);
- a number with a leading zero is decimal to Wire (`010` is 10) and octal to protoc (8): the registry
  would compare other field or enum numbers than the data carries.

Only texts holding a group or a number written with a leading zero are scanned: the usual contract
costs one regular-expression search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

from contractctl.formats.protobuf.outline import raw_tokens, token_offsets

# A text is worth scanning when it holds `group` as a word, or a 0 followed by a digit or an x that
# starts a number (no word character or dot before it; a sign there is neither). Two searches with a
# literal start instead of one pattern with a look-behind, which the regex engine tried at every
# offset: 70 us for a 1.4 kB contract against 2 us, and a check parses every contract of a chain.
_GROUP = re.compile(r"\bgroup\b")
_ZERO = re.compile(r"0[0-9xX]")
_WORD_OR_DOT = re.compile(r"[\w.]")
_LABELS = frozenset(("optional", "required", "repeated"))
_RANGES = frozenset(("reserved", "extensions"))
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_ANGLE_AFTER_BRACE = re.compile(r"\{[^{};]*<")  # `{ inner < a: 1 > }` (and `{ map<...`, a scan for nothing)
_SPACED_PACKAGE = re.compile(r"package\s+[^;\s]*(?:\s+\.|\.[\s/])")  # `package a . b;`, `a. b`
_WORD = re.compile(r"\w")
_MINUS_APART = re.compile(r"-[\s/]")  # `= - 5`: Wire reads `-` as a word of its own
# `{ # a comment` or `} # a comment` in an aggregate value; no brace in between, so that each match
# attempt ends at the next brace (`\{[^;]*#` scanned to the end from every `{`: quadratic)
_HASH_AFTER_BRACE = re.compile(r"[{}][^{};]*#")
_TYPE_URL = re.compile(r"\[[\w.]+/\w")  # `[type.googleapis.com/x.Y] { ... }` (an expanded Any)
_VALUE_STARTS = frozenset("0123456789-+./#")  # the first characters `_value_difference` looks at
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)", re.DOTALL)


_ANGLE_VALUE = (
    "the registry's parser reads an aggregate option value's fields as `name: value` or `name { ... }` "
    "only, so `<...>` makes it refuse the schema"
)
_GROUP_OPTIONS = (
    "the registry's parser reads a group as `name = number {`, without options, so `[...]` after a "
    "group's number makes it refuse the schema"
)
_SPACED_NAME = (
    "the registry's parser reads a package name as one word, so spaces or comments around its dots "
    "make it refuse the schema"
)
_SPACE_CHARACTER = (
    "the registry's parser takes only spaces, tabs and line breaks between words, so a form feed or "
    "vertical tab there makes it refuse the schema"
)
_EXPONENT = (
    "the registry's parser reads a number as letters, digits, `_`, `-` and `.`, so the `+` of an "
    "exponent (`{token}`) makes it refuse the schema: write `{fixed}`"
)
_LONE_MINUS = (
    "the registry's parser reads a minus sign followed by a space as a value of its own, so it refuses "
    "the schema: write the sign against the number"
)
_HASH_COMMENT = (
    "the registry's parser knows `//` and `/* */` comments only, so a text-format `#` comment in an "
    "option's value makes it refuse the schema"
)
_EXPANDED_ANY = (
    "the registry's parser reads a field name in `[...]` as one word, so a type URL (an expanded Any, "
    "`[type.googleapis.com/...]`) in an option's value makes it refuse the schema"
)


@dataclass(frozen=True)
class WireDifference:
    """Where and why: `offset` into the text; `refused` when the registry cannot parse it at all."""

    offset: int
    message: str
    refused: bool


def _worth_scanning(text: str) -> bool:
    """Whether `text` matches `\\bgroup\\b|(?<![\\w.])[-+]?0[0-9xX]` (a sign before the 0 is not
    a word character or a dot, so the second part is: a `0[0-9xX]` not after one), or may hold a
    `<` in an option's aggregate value, a package name written in more than one word, a form feed or
    vertical tab, an exponent with a `+`, a type URL in brackets, or a minus sign apart from its
    number."""
    if "group" in text and _GROUP.search(text):
        return True
    if "<" in text and _ANGLE_AFTER_BRACE.search(text):
        return True
    if "\f" in text or "\v" in text:
        return True
    if _exponent_plus(text):
        return True
    if "[" in text and _TYPE_URL.search(text):
        return True
    if "#" in text and _HASH_AFTER_BRACE.search(text):
        return True
    for match in _ZERO.finditer(text):
        start = match.start()
        if start == 0 or not _WORD_OR_DOT.match(text, start - 1):
            return True
    return _spaced_package(text) or _minus_apart(text)


def _exponent_plus(text: str) -> bool:
    """Whether a digit may be followed by `e+` or `E+`: found with `str.find` (comments hold many
    `e+`; a pattern starting with a digit class was searched at every offset)."""
    for marker in ("e+", "E+"):
        start = text.find(marker)
        while start != -1:
            if start and text[start - 1].isdigit():
                return True
            start = text.find(marker, start + 2)
    return False


def _minus_apart(text: str) -> bool:
    """Whether a `-` followed by a space (or a comment) may follow `=`, `:`, `,` or `[` (spaces
    between): found with a pattern that starts with the literal `-` (comments hold many `- `,
    a pattern starting with the character class searched every offset: 200 ms over googleapis)."""
    for match in _MINUS_APART.finditer(text):
        before = match.start() - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        if before >= 0 and text[before] in "=:,[":
            return True
    return False


def _spaced_package(text: str) -> bool:
    """Whether a `package` word may start a statement Wire reads otherwise: found with `str.find`,
    then matched there (a pattern searched from every offset cost 55 us for a 1.5 kB text)."""
    start = text.find("package")
    while start != -1:
        if (start == 0 or not _WORD.match(text, start - 1)) and _SPACED_PACKAGE.match(text, start):
            return True
        start = text.find("package", start + 7)
    return False


def wire_differences(text: str) -> list[WireDifference]:
    """Every place the registry's parser refuses or reads otherwise, in text order.

    Scanned first over the tokens alone (`raw_tokens`: cached, and mostly read already for the
    outline or the fingerprint), with no offsets: almost every text that is worth scanning holds no
    difference (the Envoy API's comments hold `{ ... [#next-free-field: 7]`, so every file is
    scanned), and building an offset per token was a tenth of a check's CPU there. Only a text with
    a difference, or a minus sign whose spacing decides, is scanned again with offsets."""
    if not _worth_scanning(text):
        return []
    if "\f" not in text and "\v" not in text:
        try:
            if not _scan(text, zip(raw_tokens(text), repeat(-1))):
                return []
        except _OffsetNeeded:
            pass
    found = token_offsets(text)
    out = _space_characters(text, found) if "\f" in text or "\v" in text else []
    return sorted([*out, *_scan(text, found)], key=lambda d: d.offset)


class _OffsetNeeded(Exception):
    """A scan without offsets met a token whose verdict depends on the text right after it."""


def _scan(text: str, found: Iterable[tuple[str, int]]) -> list[WireDifference]:
    """The differences a token stream holds; an offset of -1 means not known (`_OffsetNeeded` where
    one decides)."""
    out: list[WireDifference] = []
    blocks: list[str] = []  # "group", "value" (an option's aggregate value) or "other", innermost last
    statement: list[str] = []  # the tokens of the statement read so far (outside brackets)
    brackets = 0
    for token, offset in found:
        if token[0] in _VALUE_STARTS and (
            brackets or (blocks and blocks[-1] == "value") or (statement and statement[0] == "option")
        ):
            value = _value_difference(text, token, offset)
            if value is not None:
                out.append(value)
        if blocks and blocks[-1] == "value":  # inside an aggregate option value: skip to its end
            if token == "{":
                blocks.append("value")
            elif token == "}":
                blocks.pop()
            elif token == "<":  # OptionReader takes `name: value` or `name { ... }` only
                out.append(WireDifference(offset, _ANGLE_VALUE, refused=True))
            continue
        if token == "[":
            if not brackets and _declares_group(statement):  # `optional group R = 1 [deprecated = true] {`
                out.append(WireDifference(offset, _GROUP_OPTIONS, refused=True))
            brackets += 1
            continue
        if token == "]":
            brackets = max(brackets - 1, 0)
            continue
        if brackets:
            continue  # field options: defaults and option values are not numbers Wire reads as such
        if token == "{":
            blocks.append(_block_kind(statement))
            statement = []
            continue
        if token == "}":
            if blocks:
                blocks.pop()
            statement = []
            continue
        if token == ";":
            statement = []
            continue
        in_group = bool(blocks) and blocks[-1] == "group"
        if in_group and not statement and not _starts_a_field(token):
            out.append(_inside_a_group(offset, token))  # a message, enum, option, ... statement
        statement.append(token)
        if len(statement) == 3 and statement[0] == "package":  # `package a . b;`: Wire reads one word
            out.append(WireDifference(offset, _SPACED_NAME, refused=True))
        if in_group and len(statement) == 2 and token == "group":
            out.append(_inside_a_group(offset, token))  # `optional group Inner = 3 {`
        if statement[0] == "option":
            continue  # an option's value is no number Wire reads as a field or enum number
        number = _number_difference(statement, token)
        if number is not None:
            out.append(WireDifference(offset, number[0], refused=number[1]))
    return out


def _value_difference(text: str, token: str, offset: int) -> WireDifference | None:
    """A token of an option's value (a default, a `[...]` option, an `option` statement, an
    aggregate value) that Wire's OptionReader cannot read."""
    if token[:1].isdigit() or token[:1] in "-+.":
        if "e+" in token or "E+" in token:
            fixed = token.replace("e+", "e").replace("E+", "E")
            return WireDifference(offset, _EXPONENT.format(token=token, fixed=fixed), refused=True)
        if token == "-":
            if offset < 0:
                raise _OffsetNeeded
            if offset + 1 < len(text) and text[offset + 1] in " \t\r\n\f\v/":
                return WireDifference(offset, _LONE_MINUS, refused=True)
    elif token == "/":
        return WireDifference(offset, _EXPANDED_ANY, refused=True)
    elif token == "#":  # SyntaxReader skips `//` and `/* */` comments only
        return WireDifference(offset, _HASH_COMMENT, refused=True)
    return None


def _space_characters(text: str, found: list[tuple[str, int]]) -> list[WireDifference]:
    """A form feed or vertical tab between tokens (protoc's whitespace, not Wire's); one in a
    comment or a string is no matter."""
    out = []
    end = 0
    for token, offset in [*found, ("", len(text))]:
        gap = _COMMENTS.sub("", text[end:offset])
        if "\f" in gap or "\v" in gap:
            found_at = (text.find(c, end, offset) for c in "\f\v")
            where = min((i for i in found_at if i >= 0), default=end)  # the first, or one in a comment
            out.append(WireDifference(where, _SPACE_CHARACTER, refused=True))
            break  # one is enough: the registry refuses the schema
        end = offset + len(token)
    return out


def _inside_a_group(offset: int, token: str) -> WireDifference:
    return WireDifference(
        offset,
        f"a proto2 group holds only plain fields in the registry's parser (Wire's `readGroup`), so "
        f"`{token}` inside one makes it refuse the schema",
        refused=True,
    )


def _block_kind(statement: list[str]) -> str:
    """What a `{` opens, from the statement before it (brackets left out)."""
    if statement[:1] == ["option"]:
        return "value"  # `option (x) = { ... }`: a text-format value
    if "group" in statement[:2] and "=" in statement:
        return "group"  # `optional group Name = 1 {`, or `group Name = 1 {` in a oneof
    return "other"  # message, enum, oneof, service, rpc, extend


def _declares_group(statement: list[str]) -> bool:
    """`[label] group Name =`: protoc wants a group's name capitalized (`Group group = 2` is a field)."""
    at = 1 if statement[:1] and statement[0] in _LABELS else 0
    return (
        len(statement) > at + 2
        and statement[at] == "group"
        and statement[at + 1][:1].isupper()
        and statement[at + 2] == "="
    )


def _starts_a_field(token: str) -> bool:
    return token in _LABELS or token == "map"


def _number_difference(statement: list[str], token: str) -> tuple[str, bool] | None:
    """(message, refused) for a number token Wire reads otherwise than protoc, or None."""
    if not token[:1].isdigit() and token[:1] not in "-+":
        return None
    lowered = token.lower()
    if lowered.startswith(("-0x", "+0x")):
        return (
            f"the registry's parser reads no sign before a hexadecimal number (`{token}`) and "
            "refuses the schema",
            True,
        )
    if (
        statement[0] in _RANGES
        and len(statement) >= 2
        and statement[-2] == "to"
        and not _DECIMAL.fullmatch(token)
    ):
        return (
            f"the registry's parser reads the end of a range in `{statement[0]}` as a decimal number "
            f"only, so `{token}` makes it refuse the schema",
            True,
        )
    if _LEADING_ZERO.fullmatch(token):
        as_octal, as_decimal = int(token, 8) if _is_octal(token) else None, int(token, 10)
        if as_octal != as_decimal:
            read = "an invalid number" if as_octal is None else str(as_octal)
            return (
                f"`{token}` is {read} to protoc (octal) but {as_decimal} to the registry's parser, which "
                "would compare other numbers than the data carries",
                False,
            )
    return None


def _is_octal(token: str) -> bool:
    return all(c in "01234567" for c in token.lstrip("-+"))


def as_wire_reads(text: str) -> str | None:
    """`text` with every number Wire reads otherwise than protoc written as Wire reads it (`010` as
    ` 10`, the same length: positions stay), for an earlier version a registry holds (it accepted
    the text and compares Wire's numbers); None when there is none, or when the registry refuses the
    text anyway."""
    differences = wire_differences(text)
    if not differences or any(d.refused for d in differences):
        return None
    parts, last = [], 0
    for difference in differences:
        token = _LEADING_ZERO.match(text, difference.offset)
        assert token is not None  # the only kind of difference the registry does not refuse
        parts += [text[last : difference.offset], f"{int(token.group(), 10):>{len(token.group())}}"]
        last = token.end()
    return "".join([*parts, text[last:]])
