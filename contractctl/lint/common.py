"""How lint turns what a format's rules report into findings: severities, ignores, rule ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from contractctl.lint.rules import RULE_PREFIX, RULES
from contractctl.lint.settings import LintSettings, normalize_rule_id
from contractctl.model import Finding, FindingKind, Severity, SourcePosition


@dataclass
class CollectingEmitter:
    """The Emitter (formats.vocabulary.lint) lint passes to a format: collects findings for one
    contract, dropping rules that are off or ignored where they fire."""

    settings: LintSettings
    file: str
    file_ignores: frozenset[str] = frozenset()
    findings: list[Finding] = field(default_factory=list)

    def wants(self, rule_id: str, ignored: frozenset[str]) -> bool:
        """Whether a rule would be reported here (so callers can skip work for silenced rules)."""
        return self.settings.enabled(rule_id) and rule_id not in ignored and rule_id not in self.file_ignores

    def rule_ids(self, names: Iterable[str]) -> tuple[frozenset[str], list[str]]:
        """(known rule ids, unknown names) of an inline ignore's list; "lint/" prefixes are accepted."""
        known: set[str] = set()
        unknown: list[str] = []
        for name in names:
            rule_id = normalize_rule_id(name)
            if rule_id is None:
                unknown.append(name)
            else:
                known.add(rule_id)
        return frozenset(known), unknown

    def emit(
        self,
        rule_id: str,
        message: str,
        *,
        ignored: frozenset[str],
        pointer: str | None,
        position: SourcePosition | None,
        hint: str,
    ) -> None:
        assert rule_id in RULES, rule_id
        if not self.wants(rule_id, ignored):
            return
        error = self.settings.severity(rule_id) == "error"
        self.findings.append(
            Finding(
                rule=RULE_PREFIX + rule_id,
                message=message,
                kind=FindingKind.POLICY if error else FindingKind.ADVISORY,
                severity=Severity.ERROR if error else Severity.WARNING,
                file=self.file,
                line=position.line if position else 1,
                column=position.column if position else None,
                end_line=position.end_line if position else None,
                end_column=position.end_column if position else None,
                pointer=pointer,
                hint=hint,
            )
        )
