"""java.util.regex read as Java reads it (Everit, hence the registry): validity, matching, translation.

The expectations were checked once by hand against JDK 17 (a small probe compiling each pattern with
`Pattern.compile` and calling `matcher(s).find()`, plus a randomized comparison of tens of thousands of
generated patterns); the tests themselves do not need Java.
"""

from __future__ import annotations

import re
import warnings

import pytest

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.javaregex import data_pattern, java_accepts, translate
from contractctl.formats.jsonschema.validity import meta_schema_problems

# (pattern, names Java's find() matches, names it does not)
MATCHES = [
    ("^\\w+$", ["name_1"], ["é", "naïve", "日本", "a-b"]),
    ("^\\d+$", ["123"], ["٣", "12a"]),
    ("^\\s$", [" ", "\x0b"], ["\xa0", "\u2028"]),
    ("^[a-z&&[^b]]$", ["a", "z"], ["b", "&"]),
    ("^[a-z&&[^aeiou]]+$", ["xyz"], ["abc"]),
    ("^[\\w&&[^\\d]]+$", ["ab_"], ["a1"]),
    ("^[ab[cd]]$", ["c"], ["["]),
    ("^[[:alpha:]]+$", [":ahp"], ["b"]),
    ("^[]a]$", ["]", "a"], []),
    ("(?i)^abc$", ["ABC", "aBc"], ["ABÇ"]),
    ("a(?i)b|c", ["aB", "C"], ["Ab"]),
    ("(?i)^[^a]$", ["b"], ["A"]),
    ("(?i)^k$", ["K"], ["\u212a"]),  # KELVIN SIGN: Java folds case in ASCII only by default
    ("^(?<cc>[A-Z]{2})-\\k<cc>$", ["DE-DE"], ["DE-FR"]),
    ("^a$", ["a", "a\n", "a\r\n", "a\r", "a\u2028"], ["a\n\n"]),
    ("^a\\Z", ["a\n", "a\x85"], []),
    ("^a\\z", ["a"], ["a\n"]),
    ("^.$", ["x"], ["\n", "\r", "\x85", "\u2029"]),
    ("(?s)^.$", ["\n", "\u2029"], []),
    ("^\\p{Alpha}+$", ["abc"], ["é"]),
    ("^\\P{Lower}+$", ["ABC"], ["aB"]),
    ("^\\p{Punct}$", ["!"], ["¡"]),
    ("^\\h$", ["\xa0", "\t"], ["\n"]),
    ("^\\v$", ["\u2028", "\x0b"], [" "]),
    ("^\\R$", ["\r\n", "\n", "\r"], []),
    ("^\\R{2}$", ["\n\n"], ["\r\n"]),
    ("^\\Qa.b\\E$", ["a.b"], ["axb"]),
    ("^\\x41\\x{42}\\u0043\\0104$", ["ABCD"], []),
    ("^\\e\\a\\cA$", ["\x1b\x07\x01"], []),
    ("^a*+a$", [], ["aaa"]),
    ("^(?>ab|a)b$", ["abb"], ["ab"]),
    ("^\\Gx", ["x"], ["yx"]),
    ("x{2}{3}", ["xx"], [""]),
    ("(a)\\2", [], ["a", "aa"]),
]

INVALID = [
    ("(?P<x>a)", "Unknown inline modifier"),
    ("(?P=x)", "Unknown inline modifier"),
    ("(?#c)", "Unknown inline modifier"),
    ("{foo}", "Illegal repetition"),
    ("a{,3}", "Illegal repetition"),
    ("a**", "Dangling meta character '*'"),
    ("\\y", "Illegal/unsupported escape sequence"),
    ("[z-a]", "Illegal character range"),
    ("a{3,2}", "Illegal repetition range"),
    ("\\0", "Illegal octal escape sequence"),
    ("\\x4", "Illegal hexadecimal escape sequence"),
    ("\\k<y>", "named capturing group <y> does not exist"),
    ("(?<x>a)(?<x>b)", "Named capturing group <x> is already defined"),
    ("(?<1a>x)", "capturing group name does not start with a Latin letter"),
    ("(", "Unclosed group"),
    (")", "Unmatched closing ')'"),
    ("[", "Unclosed character class"),
    ("[]", "Unclosed character class"),
    ("\\", "Unexpected internal error"),
    ("[a-\\d]", "Illegal character range"),
    ("\\E", "Illegal/unsupported escape sequence"),
    ("[\\1]", "Illegal/unsupported escape sequence"),
]

# Java accepts these, but no exact Python `re` pattern is derived (Unicode data, JDK-dependent \b, flags
# whose semantics are not modelled, variable-width look-behind, references to open groups, surrogates)
UNTRANSLATABLE = [
    r"^\p{L}+$",
    r"\pL",
    r"^\p{javaLowerCase}$",
    r"\bword\b",
    r"\X",
    r"\N{LATIN SMALL LETTER A}",
    r"(?U)\w",
    r"(?u)(?i)é",
    r"(?m)^a$",
    r"(?d).",
    r"(?x)a b",
    r"(?<=a|bc)d",
    r"(a\1)",
    r"\uD83D\uDE00",
]

TRANSLATIONS = [
    (r"(?<cc>[A-Z]{2})", r"(?P<cc>(?:[\x41-\x5a]){2})"),
    (r"a$", r"a(?=(?:\r\n|[\x0a\x0d\x85\u2028-\u2029])?\Z)(?!(?<=\r)\n)"),  # not inside a final \r\n
    (r"(?<n>a)\k<n>", r"(?P<n>a)(?:(?P=n))"),
    (r"a\z", r"a\Z"),
    (r"[a-z&&[^b]]", r"[\x61\x63-\x7a]"),
    (r"a(?i)b", r"a[\x42\x62]"),
    (r"\w", r"[\x30-\x39\x41-\x5a\x5f\x61-\x7a]"),
    (r"a*+(?>b)", r"(?:a)*+(?>b)"),
    (r"\Qa.b\E", r"a\.b"),
]


@pytest.mark.parametrize(("pattern", "found", "missed"), MATCHES)
def test_matching_follows_java(pattern: str, found: list[str], missed: list[str]) -> None:
    regex = translate(pattern).regex
    assert regex is not None
    assert [name for name in found + missed if regex.search(name)] == found


@pytest.mark.parametrize(("pattern", "message"), INVALID)
def test_what_java_rejects_is_invalid_with_its_message(pattern: str, message: str) -> None:
    assert translate(pattern).error == message
    assert not java_accepts(pattern)


@pytest.mark.parametrize("pattern", UNTRANSLATABLE)
def test_untranslatable_patterns_stay_valid(pattern: str) -> None:
    translation = translate(pattern)
    assert translation.error is None and translation.python is None and translation.regex is None


@pytest.mark.parametrize(("pattern", "python"), TRANSLATIONS)
def test_translations(pattern: str, python: str) -> None:
    assert translate(pattern).python == python


def test_no_python_warning_for_java_classes() -> None:
    """Python warns (FutureWarning) on `[[`, `&&`, `--`: the translation never hands it such text."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for pattern in (r"[[:alpha:]]", r"[a-z&&[^b]]", r"[a||b]", r"[a~~b]", r"[&&a]"):
            assert translate(pattern).regex is not None
            assert data_pattern(pattern) is not None
        assert data_pattern(r"^[\p{javaLowerCase}&&[^a]]$") is None  # no reading, and Python warns


def test_data_patterns_are_the_translation_an_approximation_or_python_reading() -> None:
    assert data_pattern(r"\w") == "[\\x30-\\x39\\x41-\\x5a\\x5f\\x61-\\x7a]"
    letters = data_pattern(r"^\p{L}+$")  # Python's Unicode data for the registry's JDK's
    assert letters is not None and re.search(letters, "Ünïcödé") and not re.search(letters, "a1")
    assert translate(r"^\p{L}+$").regex is None  # so no exact reading to decide coverage with
    assert data_pattern(r"x\b") == r"x\b"  # \b: Python's, also only close
    assert data_pattern(r"(?m)^a$") == r"(?m)^a$"  # no reading derived: Python's own
    assert data_pattern(r"\p{javaLowerCase}") is None  # none at all


@pytest.mark.parametrize("draft", [Draft.DRAFT_4, Draft.DRAFT_7, Draft.DRAFT_2020_12])
def test_meta_schema_validity_follows_java(draft: Draft) -> None:
    def problems(pattern: str) -> list[str]:
        document = {"properties": {"code": {"pattern": pattern}}, "patternProperties": {pattern: {}}}
        return [pointer for pointer, _ in meta_schema_problems(document, draft)]

    for java_only in (r"^(?<cc>[A-Z]{2})$", r"^\p{L}+$", r"a(?i)b", r"^a\z", r"[a-z&&[^b]]"):
        assert problems(java_only) == []
    assert problems(r"^(?P<cc>[A-Z]{2})$") == ["/patternProperties", "/properties/code/pattern"]
