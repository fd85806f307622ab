"""Schemas for property tests: every document of Confluent's cases and of the bad-input corpus, and
random one-keyword mutations of them (odd values at the top or one level down)."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CORPUS = HERE.parents[1] / "bad_inputs" / "jsonschema"
_ODD_VALUES = (-1, 0, 1.5, "x", "(", None, True, [], {}, ["a", "a"], [1], {"type": "nope"}, "#a")


def documents() -> list[Any]:
    cases = json.loads((HERE / "confluent_cases.json").read_text())["cases"]
    found = [case[side] for case in cases for side in ("original", "update")]
    for path in sorted(CORPUS.glob("*.json")):
        try:
            found.append(json.loads(path.read_text()))
        except (ValueError, RecursionError):
            continue
    return found


def mutations(document: Any, rng: random.Random) -> list[Any]:
    """Copies with one keyword's value replaced by an odd one, at the top or one level down."""
    found = []
    for _ in range(12):
        mutated = copy.deepcopy(document)
        target = mutated
        if isinstance(target, dict) and isinstance(target.get("properties"), dict) and target["properties"]:
            name = rng.choice(sorted(target["properties"]))
            if isinstance(target["properties"][name], dict) and rng.random() < 0.5:
                target = target["properties"][name]
        if isinstance(target, dict) and target:
            target[rng.choice(sorted(target))] = copy.deepcopy(rng.choice(_ODD_VALUES))
            found.append(mutated)
    return found
