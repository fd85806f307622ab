"""Data contracts beyond the schema: a sidecar of metadata and rules, examples as tests, groups.

A contract ``contracts/orders/value.avsc`` (or ``.proto``) may have a sidecar
``contracts/orders/value.contract.yaml``; it is reviewed with the schema and registered with it as
Confluent's ``metadata`` and ``ruleSet``::

    owner: team-orders                       # -> metadata.properties.owner
    description: Orders placed on any channel.   # -> metadata.properties.description
    properties: {major_version: "2", domain: sales}    # string values; numbers are taken as written
    tags:                                    # field -> tags; -> metadata.tags
      customer_id: [PII]                     # a field path from the top-level record ...
      lines.sku: [INTERNAL]                  # ... through records, arrays, maps and unions
      com.acme.common.Money.amount_minor: [FINANCIAL]   # or Confluent's <record full name>.<field>
      "**.email": [PII]                      # or a Confluent wildcard pattern (* ? **)
    sensitive: [domain]                      # property names whose values are secret (Confluent's meaning)
    rules:                                   # or `ruleSet: {domainRules: [...], migrationRules: [...]}`
      domain:                                # modes WRITE | READ | WRITEREAD
        - name: positive_total               # letters, digits, _; unique per list
          kind: CONDITION                    # CONDITION | TRANSFORM (required: Confluent's silent
          mode: WRITE                        #   defaults TRANSFORM/WRITEREAD turn a typo into a transform)
          type: CEL                          # CEL | CEL_FIELD | JSONATA | ENCRYPT
          expr: message.total.amount_minor > 0
          on_failure: DLQ                    # NONE | ERROR | DLQ; "A,B" for WRITEREAD/UPDOWN (onFailure too)
          params: {dlq.topic: orders-dlq}
        - {name: encrypt_pii, kind: TRANSFORM, mode: WRITEREAD, type: ENCRYPT, tags: [PII],
           params: {encrypt.kek.name: orders-kek}}
      migration:                             # modes UPGRADE | DOWNGRADE | UPDOWN
        - {name: v1_to_v2, kind: TRANSFORM, mode: UPGRADE, type: JSONATA,
           expr: "$merge([$, {'channel': 'UNKNOWN'}])"}

Rule keys: name, doc, kind, mode, type, expr, tags, params, on_success, on_failure, disabled.
CEL rules see the record as ``message``; CEL_FIELD rules see ``value``, ``name``, ``fullName``,
``typeName``, ``tags`` and the containing record as ``message``; ``guard ; expr`` skips the rule when
the guard is false (see :mod:`contractctl.sidecar.cel`). Domain CEL expressions must compile and
name only fields the schema has; migration expressions are only parsed (they read another version).

Examples: ``contracts/orders/examples/*.json`` (see :mod:`contractctl.sidecar.examples`).
Groups: :mod:`contractctl.sidecar.groups`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX, examples_dir, sidecar_path

if TYPE_CHECKING:
    from contractctl.sidecar.examples import check_examples
    from contractctl.sidecar.groups import compatibility_group, group_findings
    from contractctl.sidecar.load import load_sidecar
    from contractctl.sidecar.meta import KINDS, MODES, RULE_TYPES, ContractMeta, Rule

# Loaded on first use: every check imports the package (sidecar.check_step), and the rest (CEL,
# examples) costs a pre-commit check without a sidecar about 10 ms of imports.
_LAZY = {
    "check_examples": "contractctl.sidecar.examples",
    "compatibility_group": "contractctl.sidecar.groups",
    "group_findings": "contractctl.sidecar.groups",
    "load_sidecar": "contractctl.sidecar.load",
    **dict.fromkeys(["KINDS", "MODES", "RULE_TYPES", "ContractMeta", "Rule"], "contractctl.sidecar.meta"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "KINDS",
    "MODES",
    "RULE_TYPES",
    "SIDECAR_SUFFIX",
    "ContractMeta",
    "Rule",
    "check_examples",
    "compatibility_group",
    "examples_dir",
    "group_findings",
    "load_sidecar",
    "sidecar_path",
]
