"""java.util.regex patterns as Python `re` patterns.

Confluent's registry loads JSON Schema with Everit, which compiles `pattern` and `patternProperties`
with java.util.regex: a pattern Java rejects makes the schema invalid, and a property name is
covered by a patternProperties entry when Java's `matcher(name).find()` says so. Python's `re`
differs (Unicode `\\w`, no class intersection, `(?P<n>)`, `\\p{..}`, `$`...), so each pattern is
parsed here with Java's grammar and rewritten, construct by construct, into a Python pattern with
the same matches; a construct without an exact Python equivalent makes the pattern untranslatable.

The parser follows JDK 17's Pattern.java. It calls a pattern invalid only on the errors it is sure
Java raises; anything it does not model is taken as valid (and untranslatable), since a wrong
"invalid" would block a schema the registry accepts.

How each use decides on an untranslatable pattern:
- validity (validity.py, fastcheck.py): valid; only Java's own errors make INVALID_SCHEMA.
- coverage in the diff (model.PatternProperty.finds): undecided, and the diff then reports the
  property not covered, an incompatible difference: a wrong "compatible" is the worst outcome.
- data (prove.py, sidecar examples): an approximation (`\\p{L}` by Python's Unicode data, Python's
  `\\b`), else Python's own reading of the text, else no check: advisory results, never a crash.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

_MAX = 0x10FFFF
Ranges = tuple[tuple[int, int], ...]
"""A set of code points: sorted, disjoint, non-adjacent inclusive ranges."""


class JavaRegexError(ValueError):
    """Java rejects the pattern (a PatternSyntaxException); the message is Java's description."""


@dataclass(frozen=True)
class Translation:
    python: str | None  # the Python pattern, flag-free (it also serves joined); None when untranslatable
    error: str | None = None  # Java's complaint when Java rejects the pattern
    # when untranslatable, a close Python pattern if there is one (Unicode data of Python's version,
    # Python's \b): good enough to validate data with, never to decide coverage
    approximation: str | None = None

    @property
    def regex(self) -> re.Pattern[str] | None:
        return None if self.python is None else _compiled(self.python)


@lru_cache(maxsize=4096)
def translate(pattern: str) -> Translation:
    """How java.util.regex reads `pattern`: invalid, untranslatable, or an equivalent Python pattern."""
    if "\x00" in pattern:
        return Translation(None)  # Java's parser takes NUL for its end-of-pattern sentinel
    parser = _Parser(_remove_qe_quoting(pattern))
    try:
        python = parser.parse()
        _compiled(python)  # e.g. a variable-width look-behind, which Java bounds and Python refuses
    except JavaRegexError as error:
        return Translation(None, str(error))
    except (re.error, RecursionError, OverflowError):
        return Translation(None)
    if parser.exact:
        return Translation(python)
    return Translation(None, approximation=python if parser.approximable else None)


def java_accepts(pattern: str) -> bool:
    return translate(pattern).error is None


@lru_cache(maxsize=4096)
def data_pattern(pattern: str) -> str | None:
    """A Python pattern to validate data with: Java's reading, exact or approximated, else the text as
    Python's `re` reads it (as Confluent's Python client does) if it takes it without a warning, else
    None (no reading: the caller skips the check rather than invent one)."""
    translation = translate(pattern)
    python = translation.python or translation.approximation
    if python is not None:
        return python
    return pattern if python_reads(pattern) else None


def python_reads(pattern: str) -> bool:
    """Python's `re` compiles the text without a warning (a FutureWarning would reach stderr)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            re.compile(pattern)
    except (re.error, Warning, RecursionError, OverflowError):
        return False
    return True


@lru_cache(maxsize=4096)
def _compiled(python: str) -> re.Pattern[str]:
    return re.compile(python)


# --- sets of code points ---


def _normal(ranges: list[tuple[int, int]]) -> Ranges:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _union(a: Ranges, b: Ranges) -> Ranges:
    return _normal([*a, *b])


def _negate(a: Ranges) -> Ranges:
    out, start = [], 0
    for lo, hi in a:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= _MAX:
        out.append((start, _MAX))
    return tuple(out)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    return _negate(_union(_negate(a), _negate(b)))


def _chars(text: str) -> Ranges:
    return _normal([(ord(c), ord(c)) for c in text])


def _span(lo: str, hi: str) -> tuple[int, int]:
    return ord(lo), ord(hi)


def _ascii_case_closed(a: Ranges) -> Ranges:
    """Java's CASE_INSENSITIVE without UNICODE_CASE: a char matches if its ASCII other case does."""
    letters = [c for lo, hi in a for c in range(max(lo, 65), min(hi, 122) + 1) if chr(c).isalpha()]
    return _normal([*a, *((c ^ 0x20, c ^ 0x20) for c in letters)])


def _class(a: Ranges) -> str:
    if not a:
        return "(?!)"
    return "[" + "".join(_escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in a) + "]"


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


_DIGIT = (_span("0", "9"),)
_WORD = _normal([_span("a", "z"), _span("A", "Z"), _span("0", "9"), (95, 95)])
_SPACE = _chars(" \t\n\x0b\f\r")
_HSPACE = _normal([*_chars(" \t\xa0\u1680\u180e\u202f\u205f\u3000"), (0x2000, 0x200A)])
_VSPACE = _chars("\n\x0b\f\r\x85\u2028\u2029")
_LINE_END = _chars("\n\r\x85\u2028\u2029")  # Java's line terminators, besides "\r\n"
_PUNCT = _chars("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ALNUM = _normal([_span("a", "z"), _span("A", "Z"), _span("0", "9")])
_POSIX: dict[str, Ranges] = {  # Java's POSIX classes: US-ASCII only unless UNICODE_CHARACTER_CLASS
    "Lower": (_span("a", "z"),),
    "Upper": (_span("A", "Z"),),
    "ASCII": ((0, 0x7F),),
    "Alpha": _normal([_span("a", "z"), _span("A", "Z")]),
    "Digit": _DIGIT,
    "Alnum": _ALNUM,
    "Punct": _PUNCT,
    "Graph": _union(_ALNUM, _PUNCT),
    "Print": _union(_union(_ALNUM, _PUNCT), _chars(" ")),
    "Blank": _chars(" \t"),
    "Cntrl": _normal([(0, 0x1F), (0x7F, 0x7F)]),
    "XDigit": _normal([_span("0", "9"), _span("a", "f"), _span("A", "F")]),
    "Space": _SPACE,
}
_PREDEFINED: dict[str, Ranges] = {"d": _DIGIT, "w": _WORD, "s": _SPACE, "h": _HSPACE, "v": _VSPACE}
_LINEBREAK = f"(?:\\r\\n|{_class(_VSPACE)})"  # \R
# `$` and `\Z`: at the end, or before a final line terminator (never inside a final "\r\n")
_DOLLAR = f"(?=(?:\\r\\n|{_class(_LINE_END)})?\\Z)(?!(?<=\\r)\\n)"
# flags whose meaning is not modelled: for `^`, `$`, `.` (MULTILINE, UNIX_LINES, COMMENTS, CANON_EQ)
# and for characters and classes (COMMENTS, UNICODE_CHARACTER_CLASS, CANON_EQ; UNICODE_CASE with i)
_LINE_FLAGS = frozenset("mdxc")
_TEXT_FLAGS = frozenset("xUc")
_ESCAPE_LETTERS = frozenset("ABDGHNPRSVWXZabcdefhknprstuvwxz")  # the letters Java allows after \


def _category(name: str) -> Ranges | None:
    """A Unicode general category (`L`, `Lu`, `IsLu`, `gc=Lu`), by Python's Unicode data."""
    name = re.sub(r"^(?:Is|gc=|general_category=)", "", name)
    if not re.fullmatch(r"[CLMNPSZ][a-z]?", name):
        return None
    found = [ranges for category, ranges in _categories().items() if category.startswith(name)]
    return _normal([span for ranges in found for span in ranges]) if found else None


@lru_cache(maxsize=1)
def _categories() -> dict[str, Ranges]:
    spans: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\x00")
    for code in range(1, _MAX + 2):
        category = unicodedata.category(chr(code)) if code <= _MAX else ""
        if category != current:
            spans.setdefault(current, []).append((start, code - 1))
            start, current = code, category
    return {category: tuple(found) for category, found in spans.items()}


def _remove_qe_quoting(pattern: str) -> str:
    """Java's first pass: the text between \\Q and \\E (or the end) becomes escaped literals."""
    start = pattern.find("\\Q")
    while start > 0 and _backslashes_before(pattern, start) % 2:
        start = pattern.find("\\Q", start + 1)
    if start < 0:
        return pattern
    out, i, quoting, first = [pattern[:start]], start + 2, True, True
    while i < len(pattern):
        c = pattern[i]
        i += 1
        if not c.isascii() or c.isalpha():
            out.append(c)
        elif c.isdigit():
            out.append(("\\x3" if first else "") + c)
        elif c != "\\":
            out.append(("\\" if quoting else "") + c)
        elif quoting:
            if pattern[i : i + 1] == "E":
                i, quoting = i + 1, False
            else:
                out.append("\\\\")
        elif pattern[i : i + 1] == "Q":
            i, quoting, first = i + 1, True, True
            continue
        else:
            out.append(c + pattern[i : i + 1])
            i += 1
        first = False
    return "".join(out)


def _backslashes_before(text: str, at: int) -> int:
    n = 0
    while at - n - 1 >= 0 and text[at - n - 1] == "\\":
        n += 1
    return n


class _Parser:
    """Recursive descent over Java's grammar (Pattern.expr/sequence/atom/closure/clazz)."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.flags: set[str] = set()
        self.groups = 0  # capturing groups opened so far
        self.closed: set[int] = set()
        self.names: dict[str, int] = {}
        self.total = _count_groups(pattern)
        self.exact = True  # False once a construct without a Python equivalent was read
        self.approximable = True  # False once one without even a close one was read

    def inexact(self, approximated: bool = False) -> str:
        """Notes a construct without an exact Python equivalent; parsing goes on to find Java's errors."""
        self.exact = False
        self.approximable = self.approximable and approximated
        return ""

    def parse(self) -> str:
        out = self.expr()
        if self.i < len(self.p):
            raise JavaRegexError("Unmatched closing ')'")
        return out

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def take(self) -> str:
        c = self.peek()
        self.i += 1
        return c

    def expr(self) -> str:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        return "|".join(branches)

    def sequence(self) -> str:
        parts: list[str] = []
        while True:
            c = self.peek()
            if c in ("", "|", ")"):
                return "".join(parts)
            if c in "?*+":
                raise JavaRegexError(f"Dangling meta character '{c}'")
            if c == "(":
                self.i += 1
                atom = self.group()
                if atom is None:
                    continue  # a flags-only group: applies to the rest of the enclosing group
            else:
                atom = self.atom()
            parts.append(self.closure(atom))

    def atom(self) -> str:
        c = self.take()
        if c == "[":
            return _class(self.clazz())
        if c == "\\":
            return self.escape()
        if c == "{":
            self.i -= 1
            return ""  # nothing to repeat: the closure that follows repeats the empty string
        if c in "^$." and self.flags & _LINE_FLAGS:
            return self.inexact()
        if c == "^":
            return "\\A"
        if c == "$":
            return _DOLLAR
        if c == ".":
            return "[\\s\\S]" if "s" in self.flags else _class(_negate(_LINE_END))
        return self.literal(c)

    def text_flags(self) -> bool:
        return bool(self.flags & _TEXT_FLAGS) or {"u", "i"} <= self.flags

    def literal(self, c: str) -> str:
        if self.text_flags():
            return self.inexact()
        if "i" in self.flags and c.isascii() and c.isalpha():
            return _class(_ascii_case_closed(_chars(c)))
        return re.escape(c)

    def closure(self, atom: str) -> str:
        c = self.peek()
        if c in ("?", "*", "+"):
            self.i += 1
            quantifier = c
        elif c == "{":
            quantifier = self.counted()
        else:
            return atom
        if self.peek() in ("?", "+"):
            quantifier += self.take()
        if atom == _LINEBREAK:
            atom = "(?>" + atom[3:]  # Java repeats \R as one node: no backtracking from "\r\n" to "\r"
        return f"(?:{atom}){quantifier}" if atom else ""

    def counted(self) -> str:
        match = re.compile(r"\{([0-9]+)(,([0-9]*))?").match(self.p, self.i)
        if match is None:
            raise JavaRegexError("Illegal repetition")
        self.i = match.end()
        low = int(match[1])
        high = low if match[2] is None else int(match[3]) if match[3] else None
        if max(low, high or 0) > 2**31 - 1:
            raise JavaRegexError("Illegal repetition range")
        if self.take() != "}":
            raise JavaRegexError("Unclosed counted closure")
        if high is not None and high < low:
            raise JavaRegexError("Illegal repetition range")
        return f"{{{low}}}" if high == low else f"{{{low},{'' if high is None else high}}}"

    def group(self) -> str | None:
        saved = set(self.flags)
        if self.peek() != "?":
            return self.capturing(None)
        self.i += 1
        kind = self.take()
        if kind in (":", "=", "!", ">"):
            body = self.inside()
            prefix = {":": "?:", "=": "?=", "!": "?!", ">": "?>"}[kind]
        elif kind == "<":
            if self.peek() not in ("=", "!"):
                return self.capturing(self.group_name())
            prefix = "?<" + self.take()
            body = self.inside()
        elif kind in ("$", "@"):
            raise JavaRegexError("Unknown group type")
        else:
            self.i -= 1
            scoped = self.inline_flags()
            if not scoped:
                return None
            prefix, body = "?:", self.inside()
        self.flags = saved
        return f"({prefix}{body})"

    def capturing(self, name: str | None) -> str:
        saved = set(self.flags)
        self.groups += 1
        number = self.groups
        if name is not None:
            self.names[name] = number
        body = self.inside()
        self.closed.add(number)
        self.flags = saved
        return f"(?P<{name}>{body})" if name is not None else f"({body})"

    def inside(self) -> str:
        body = self.expr()
        if self.take() != ")":
            raise JavaRegexError("Unclosed group")
        return body

    def group_name(self) -> str:
        match = re.compile(r"[A-Za-z][A-Za-z0-9]*").match(self.p, self.i)
        if match is None:
            raise JavaRegexError("capturing group name does not start with a Latin letter")
        self.i = match.end()
        if self.take() != ">":
            raise JavaRegexError("named capturing group is missing trailing '>'")
        if match[0] in self.names:
            raise JavaRegexError(f"Named capturing group <{match[0]}> is already defined")
        return match[0]

    def inline_flags(self) -> bool:
        """Reads `idmsuxU-...` then `)` (flags for the rest of the group, False) or `:` (scoped, True)."""
        on = True
        while True:
            c = self.take()
            if c != "" and c in "imsduxUc":
                if on:
                    self.flags.add(c)
                    if c == "U":
                        self.flags.add("u")
                else:
                    self.flags.discard(c)
            elif c == "-":
                on = False
            elif c == ")":
                return False
            elif c == ":":
                return True
            else:
                raise JavaRegexError("Unknown inline modifier")

    def escape(self) -> str:
        c = self.take()
        if c == "":
            raise JavaRegexError("Unexpected internal error")
        if c.isascii() and c.isalpha() and c not in _ESCAPE_LETTERS:
            raise JavaRegexError("Illegal/unsupported escape sequence")
        if c in "123456789":
            return self.backreference(int(c))
        if c == "k":
            return self.named_reference()
        if c in "pP":
            return _class(self.family(c == "P"))
        if c.lower() in _PREDEFINED:
            if "U" in self.flags:
                return self.inexact()
            found = _PREDEFINED[c.lower()]
            return _class(_negate(found) if c.isupper() else found)
        if c in "AG":
            return "\\A"
        if c == "z":
            return "\\Z"
        if c == "Z":
            return self.inexact() if self.flags & _LINE_FLAGS else _DOLLAR
        if c == "R":
            return _LINEBREAK
        if c in "bBXN":  # \b: Unicode letters in JDK 17, \w since JDK 19; \X, \N{..}: Unicode data
            boundary = c in "bB" and self.peek() != "{"
            self.skip_braces(c)
            return self.inexact(approximated=boundary) + (f"\\{c}" if boundary else "")
        self.i -= 1
        return self.literal(chr(self.character()))

    def skip_braces(self, letter: str) -> None:
        """Steps over the `{..}` of `\\N{name}` (required) or `\\b{g}`."""
        if letter in "bN" and self.peek() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise JavaRegexError(
                    "Unclosed character name" if letter == "N" else "Illegal/unsupported escape sequence"
                )
            self.i = end + 1
        elif letter == "N":
            raise JavaRegexError("Unknown character name")

    def character(self) -> int:
        """An escape that stands for one character (after the backslash), as Java's escape()."""
        c = self.take()
        simple = {"a": 7, "e": 27, "f": 12, "n": 10, "r": 13, "t": 9}
        if c in simple:
            return simple[c]
        if c == "0":
            match = re.compile(r"[0-3][0-7]{2}|[0-7]{1,2}").match(self.p, self.i)
            if match is None:
                raise JavaRegexError("Illegal octal escape sequence")
            self.i = match.end()
            return int(match[0], 8)
        if c == "x":
            return self.hexadecimal()
        if c == "u":
            match = re.compile(r"[0-9a-fA-F]{4}").match(self.p, self.i)
            if match is None:
                raise JavaRegexError("Illegal Unicode escape sequence")
            self.i = match.end()
            if 0xD800 <= int(match[0], 16) <= 0xDFFF:
                self.inexact()  # a surrogate, maybe half of a pair Java joins
            return int(match[0], 16)
        if c == "c":
            if self.i >= len(self.p):
                raise JavaRegexError("Illegal control escape sequence")
            return ord(self.take()) ^ 64
        if c == "v":
            return 11  # a range's end: Java reads \v as VT there
        if c == "N":
            self.skip_braces(c)
            self.inexact()
            return _MAX
        if c.isascii() and c.isalnum():
            raise JavaRegexError("Illegal character range")  # a class escape (\d, \p..) or none in a class
        return ord(c)

    def hexadecimal(self) -> int:
        match = re.compile(r"[0-9a-fA-F]{2}|\{([0-9a-fA-F]+)\}").match(self.p, self.i)
        if match is None:
            raise JavaRegexError("Illegal hexadecimal escape sequence")
        self.i = match.end()
        code = int(match[1] or match[0], 16)
        if code > _MAX:
            raise JavaRegexError("Hexadecimal codepoint is too big")
        if 0xD800 <= code <= 0xDFFF:
            self.inexact()
        return code

    def backreference(self, number: int) -> str:
        """Java reads further digits while the group exists; one to a group never set never matches."""
        while self.peek().isdigit() and number * 10 + int(self.peek()) <= self.groups:
            number = number * 10 + int(self.take())
        if number > self.total:
            return "(?!)"
        if number not in self.closed:
            return self.inexact()  # a reference to an open or later group
        return self.reference(f"\\{number}")

    def named_reference(self) -> str:
        if self.take() != "<":
            raise JavaRegexError("\\k is not followed by '<' for named capturing group")
        match = re.compile(r"([A-Za-z][A-Za-z0-9]*)>").match(self.p, self.i)
        if match is None:
            raise JavaRegexError("capturing group name does not start with a Latin letter")
        self.i = match.end()
        name = match[1]
        if name not in self.names:
            raise JavaRegexError(f"named capturing group <{name}> does not exist")
        if self.names[name] not in self.closed:
            return self.inexact()
        return self.reference(f"(?P={name})")

    def reference(self, python: str) -> str:
        if self.text_flags():
            return self.inexact()
        return f"(?ai:{python})" if "i" in self.flags else f"(?:{python})"  # Java's default: ASCII case

    def family(self, complement: bool) -> Ranges:
        if self.peek() == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise JavaRegexError("Unclosed character family")
            name, self.i = self.p[self.i + 1 : end], end + 1
        else:
            name = self.take()
        found = _POSIX.get(name)
        if found is None or self.text_flags() or "i" in self.flags:
            # Unicode data (of the registry's JDK, not Python's), or flags: a general category is close
            found = _category(name) if not (self.text_flags() or "i" in self.flags) else None
            self.inexact(approximated=found is not None)
            found = found or ()
        return _negate(found) if complement else found

    def clazz(self, top: bool = True) -> Ranges:
        """Java's clazz(): unions, nested classes, `&&` intersections, with its precedence quirks."""
        prev: Ranges | None = None
        curr: Ranges | None = None
        bits: Ranges = ()
        has_bits = False
        negated = False
        if self.peek() == "^" and self.p[self.i - 1] == "[":
            self.i += 1
            negated = True
        while True:
            c = self.peek()
            if c == "[":
                self.i += 1
                curr = self.clazz()
                prev = curr if prev is None else _union(prev, curr)
                continue
            if c == "&" and self.p[self.i + 1 : self.i + 2] == "&":
                self.i += 2
                right: Ranges | None = None
                while self.peek() not in ("]", "&"):
                    if self.peek() == "":
                        raise JavaRegexError("Unclosed character class")
                    if self.peek() == "[":
                        self.i += 1
                        part = self.clazz()
                    else:
                        part = self.clazz(top=False)
                    right = part if right is None else _union(right, part)
                if has_bits:  # Java: the single characters so far bind tighter than `&&`
                    if prev is None:
                        prev = curr = bits
                    else:
                        prev = _union(prev, bits)
                    has_bits = False
                if right is not None:
                    curr = right
                if prev is None:
                    if right is None:
                        raise JavaRegexError("Bad class syntax")
                    prev = right
                elif curr is None:  # JDK 17 compiles it, then fails matching (later JDKs reject it)
                    self.inexact()
                else:
                    prev = _intersect(prev, curr)
                continue
            if c == "":
                raise JavaRegexError("Unclosed character class")
            if c == "]" and (prev is not None or has_bits):
                if top:
                    self.i += 1
                found = bits if prev is None else _union(prev, bits) if has_bits else prev
                return _negate(found) if negated else found
            single = self.range()
            if isinstance(single, int):
                bits = _union(bits, self.case_closed(((single, single),)))
                has_bits, curr = True, None
            else:
                curr = single
                prev = curr if prev is None else _union(prev, curr)

    def range(self) -> Ranges | int:
        """One class member: a set, or a single code point (Java's `bits`)."""
        c = self.take()
        if c == "\\":
            if self.peek() in ("p", "P"):
                return self.family(self.take() == "P")
            letter = self.peek()
            if letter.isascii() and letter.isalpha() and letter not in _ESCAPE_LETTERS:
                raise JavaRegexError("Illegal/unsupported escape sequence")
            vt = letter == "v" and self.p[self.i + 1 : self.i + 2] == "-"  # `[\v-x]`: \v is VT here
            if letter.lower() in _PREDEFINED and not vt:
                self.i += 1
                if "U" in self.flags:
                    self.inexact()
                found = _PREDEFINED[letter.lower()]
                return _negate(found) if letter.isupper() else found
            if letter in "123456789ABGRXZbkz" or letter == "":
                raise JavaRegexError(
                    "Unexpected internal error" if letter == "" else "Illegal/unsupported escape sequence"
                )
            if letter in "EQ":
                raise JavaRegexError("Illegal/unsupported escape sequence")
            if letter == "N":
                self.i += 1
                self.skip_braces("N")
                self.inexact()
                return ()
            code = 11 if letter == "v" else None
            if code is not None:
                self.i += 1
            else:
                code = self.character()
        else:
            code = ord(c)
        if self.peek() == "-" and self.p[self.i + 1 : self.i + 2] not in ("[", "]", ""):
            self.i += 1
            if self.peek() == "\\":
                self.i += 1
                if self.peek() != "" and self.peek() in "dDwWsShHVpP":  # a set cannot end a range
                    raise JavaRegexError("Illegal character range")
                end = self.character()
            else:
                end = ord(self.take())
            if end < code:
                raise JavaRegexError("Illegal character range")
            return self.case_closed(((code, end),))
        if code >= 0x100:
            return self.case_closed(((code, code),))
        return code

    def case_closed(self, found: Ranges) -> Ranges:
        if self.text_flags():
            self.inexact()
        return _ascii_case_closed(found) if "i" in self.flags else found


def _count_groups(pattern: str) -> int:
    """Capturing groups of a pattern Java accepts: `(` not escaped, not in a class, not `(?`, or `(?<name`."""
    count, depth, i = 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
        elif c == "(" and depth == 0:
            count += pattern[i + 1 : i + 2] != "?" or re.match(r"\(\?<[A-Za-z]", pattern[i:]) is not None
        i += 1
    return count
