"""What a format's lint rules report through (the Emitter, which lint/ implements) and name cases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from contractctl.model import SourcePosition


class LintConventions(Protocol):
    """The conventions of contractctl.yaml's `lint:` section that rules check names against."""

    @property
    def field_case(self) -> str: ...

    @property
    def record_case(self) -> str: ...

    @property
    def protobuf_package_version(self) -> str:
        """A regular expression the package must match (re.search)."""
        ...

    def enabled(self, rule_id: str) -> bool:
        """Whether the rule's severity is other than "off"."""
        ...


class Emitter(Protocol):
    """Takes one contract's lint problems and turns them into findings, dropping those of rules that
    are off or ignored where they fire (lint/ implements it; a format only reports through it)."""

    @property
    def settings(self) -> LintConventions: ...

    def wants(self, rule_id: str, ignored: frozenset[str]) -> bool:
        """Whether a rule would be reported here (so callers can skip work for silenced rules)."""
        ...

    def emit(
        self,
        rule_id: str,
        message: str,
        *,
        ignored: frozenset[str],
        pointer: str | None,
        position: SourcePosition | None,
        hint: str,
    ) -> None: ...

    def rule_ids(self, names: Iterable[str]) -> tuple[frozenset[str], list[str]]:
        """(known rule ids, unknown names) of an inline ignore's list; "lint/" prefixes are accepted."""
        ...


_CASE_PATTERNS = {
    "snake_case": re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"),
    "camelCase": re.compile(r"[a-z][a-zA-Z0-9]*"),
    "PascalCase": re.compile(r"[A-Z][a-zA-Z0-9]*"),
    "UPPER_SNAKE_CASE": re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*"),
}
_WORDS = re.compile(r"[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+")


def follows_case(name: str, case: str) -> bool:
    return case == "any" or _CASE_PATTERNS[case].fullmatch(name) is not None


def to_case(name: str, case: str) -> str:
    """`name` rewritten in `case`, for hints ("orderID" -> "order_id"); digits stay with their word."""
    words = _WORDS.findall(name) or [name]
    if case == "snake_case":
        return "_".join(w.lower() for w in words)
    if case == "UPPER_SNAKE_CASE":
        return "_".join(w.upper() for w in words)
    pascal = "".join(w[:1].upper() + w[1:].lower() for w in words)
    if case == "camelCase":
        return pascal[:1].lower() + pascal[1:]
    return pascal if case == "PascalCase" else name
