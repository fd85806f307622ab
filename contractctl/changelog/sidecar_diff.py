"""What changed in a contract's sidecar between two refs: owner, description, properties, tags, and
domain and migration rules (by name). The sidecar is validated by `check`; here it is only read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from contractctl.formats.vocabulary.change import Change
from contractctl.formats.vocabulary.markup import code

if TYPE_CHECKING:
    from contractctl.changelog import ChangelogContext


def _load(context: ChangelogContext, commit: str, contract_path: str | None) -> Mapping[str, Any] | None:
    import yaml

    from contractctl.sidecar import sidecar_path

    if contract_path is None:
        return None
    from pathlib import PurePosixPath

    data = context.git.read_at(commit, str(sidecar_path(PurePosixPath(contract_path))))
    if data is None:
        return None
    try:
        loaded = yaml.safe_load(data.decode("utf-8", "replace"))
    except yaml.YAMLError:
        return {"__unreadable__": True}
    return loaded if isinstance(loaded, Mapping) else {"__unreadable__": True}


def _rules(sidecar: Mapping[str, Any], group: str) -> dict[str, Mapping[str, Any]]:
    rules = sidecar.get("rules") or {}
    entries = rules.get(group) if isinstance(rules, Mapping) else None
    if entries is None:  # Confluent's own spelling is accepted by the sidecar loader too
        rule_set = sidecar.get("ruleSet") or {}
        entries = rule_set.get(f"{group}Rules") if isinstance(rule_set, Mapping) else None
    return {str(r.get("name")): r for r in entries or [] if isinstance(r, Mapping)}


def sidecar_changes(context: ChangelogContext, subject: str) -> Sequence[Change]:
    before = context.old.contracts.get(subject)
    after = context.new.contracts.get(subject)
    old = _load(context, context.from_commit, str(before.path) if before else None)
    new = _load(context, context.to_commit, str(after.path) if after else None)
    if old == new or (old is None and new is None):
        return []
    if new is None:
        return [Change("rules-changed", "sidecar", "the contract's sidecar was removed", None)]
    if new.get("__unreadable__"):
        return [Change("rules-changed", "sidecar", "the sidecar does not parse as YAML", None)]
    old = old or {}
    changes = []
    for key in ("owner", "description"):
        if old.get(key) != new.get(key):
            changes.append(
                Change(
                    "metadata-changed", key, f"{code(str(old.get(key)))} → {code(str(new.get(key)))}", None
                )
            )
    for key in ("properties", "tags"):
        was, now = old.get(key) or {}, new.get(key) or {}
        if isinstance(was, Mapping) and isinstance(now, Mapping):
            for name in sorted(set(was) | set(now), key=str):
                if was.get(name) != now.get(name):
                    detail = f"{code(str(was.get(name)))} → {code(str(now.get(name)))}"
                    changes.append(
                        Change(
                            "metadata-changed",
                            f"{'property' if key == 'properties' else 'tag'} {code(str(name))}",
                            detail,
                            None,
                        )
                    )
    for group in ("domain", "migration"):
        was_rules, now_rules = _rules(old, group), _rules(new, group)
        for name in sorted(set(was_rules) | set(now_rules)):
            element = f"{group} rule {code(name)}"
            if name not in was_rules:
                rule = now_rules[name]
                changes.append(
                    Change(
                        "rule-added",
                        element,
                        f"{rule.get('type')} {rule.get('kind')} ({rule.get('mode')})",
                        None,
                    )
                )
            elif name not in now_rules:
                changes.append(Change("rule-removed", element, "", None))
            elif was_rules[name] != now_rules[name]:
                fields = sorted(
                    k
                    for k in set(was_rules[name]) | set(now_rules[name])
                    if was_rules[name].get(k) != now_rules[name].get(k)
                )
                changes.append(
                    Change("rule-changed", element, "changed: " + ", ".join(map(str, fields)), None)
                )
    return changes
