"""Every error code a Schema Registry can answer with, placed on purpose in exit 1, 2 or 3.

1: the registry answered and refused (a verdict; retrying gives the same answer).
2: the registry says our input is bad (a contract or a setting in contractctl.yaml).
3: the registry could not answer usefully (credentials, permissions, its own failures, races that a
   rerun resolves, or an answer contractctl never expects from the calls it makes).

Codes the client asks for as answers (40401 "no such subject" when asking whether one exists, 40408
"inherits the global level", 40450 "no such exporter") are results where they are expected; met
anywhere else they are exit 3 like every unexpected answer. README's exit-code table lists this one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegistryErrorCode:
    code: int
    meaning: str
    exit_code: int
    advice: str


_CODES = (
    RegistryErrorCode(401, "unauthorized (no or wrong credentials)", 3, "check the credentials"),
    RegistryErrorCode(40101, "unauthorized (no or wrong credentials)", 3, "check the credentials"),
    RegistryErrorCode(403, "forbidden", 3, "grant the credentials this operation"),
    RegistryErrorCode(
        40301, "forbidden (user denied the operation)", 3, "grant the credentials this operation"
    ),
    RegistryErrorCode(40401, "subject not found", 3, "an answer where contractctl asks whether it exists"),
    RegistryErrorCode(40402, "version not found", 3, "an answer where contractctl asks whether it exists"),
    RegistryErrorCode(40403, "schema not found", 3, "an answer where contractctl asks whether it exists"),
    RegistryErrorCode(40404, "subject soft-deleted", 3, "restore or hard-delete the subject in the registry"),
    RegistryErrorCode(40405, "subject not soft-deleted first", 3, "contractctl never deletes; unexpected"),
    RegistryErrorCode(40406, "version soft-deleted", 3, "restore or hard-delete the version in the registry"),
    RegistryErrorCode(40407, "version not soft-deleted first", 3, "contractctl never deletes; unexpected"),
    RegistryErrorCode(
        40408, "no subject-level compatibility", 3, "an answer: the subject inherits the level"
    ),
    RegistryErrorCode(40409, "no subject-level mode", 3, "an answer: the subject inherits the mode"),
    RegistryErrorCode(40410, "association not found", 3, "contractctl uses no associations; unexpected"),
    RegistryErrorCode(40450, "exporter not found", 3, "an answer where link commands ask whether it exists"),
    RegistryErrorCode(409, "incompatible schema", 1, "make the change compatible, or allow the break"),
    RegistryErrorCode(40901, "incompatible schema", 1, "make the change compatible, or allow the break"),
    *(
        RegistryErrorCode(code, "association conflict", 3, "contractctl uses no associations; unexpected")
        for code in range(40902, 40909)
    ),
    RegistryErrorCode(
        40950, "invalid exporter name", 2, "fix the link's name under links: in contractctl.yaml"
    ),
    RegistryErrorCode(40951, "invalid exporter config", 2, "fix the link under links: in contractctl.yaml"),
    RegistryErrorCode(40952, "invalid exporter subjects", 2, "fix the link's subjects in contractctl.yaml"),
    RegistryErrorCode(40960, "exporter already exists", 3, "created meanwhile by another run: rerun"),
    RegistryErrorCode(40961, "exporter already running", 3, "changed meanwhile by another run: rerun"),
    RegistryErrorCode(40963, "exporter not paused", 3, "changed meanwhile by another run: rerun"),
    RegistryErrorCode(40964, "too many exporters", 1, "the registry's exporter limit is reached: remove one"),
    RegistryErrorCode(
        42201, "invalid schema or schema type", 2, "the registry cannot parse the contract: fix it"
    ),
    RegistryErrorCode(42202, "invalid version", 2, "use a version number of 1 or more, or latest"),
    RegistryErrorCode(42203, "invalid compatibility level", 2, "fix the level in contractctl.yaml"),
    RegistryErrorCode(42204, "invalid mode", 2, "use READWRITE, READONLY, READONLY_OVERRIDE or IMPORT"),
    RegistryErrorCode(42205, "operation not permitted", 1, "the registry refuses it in its current state"),
    RegistryErrorCode(42206, "reference exists", 1, "another schema still refers to it"),
    RegistryErrorCode(42207, "id does not match", 1, "the id holds another schema there"),
    RegistryErrorCode(42208, "invalid subject", 2, "fix the subject name (contractctl.yaml subjects:)"),
    RegistryErrorCode(42209, "schema too large", 2, "split the contract"),
    RegistryErrorCode(42210, "invalid rule set", 2, "fix the rules in the contract's sidecar"),
    RegistryErrorCode(42211, "context not empty", 1, "the context still holds subjects"),
    RegistryErrorCode(42212, "invalid association", 3, "contractctl uses no associations; unexpected"),
    RegistryErrorCode(50001, "error in the backend data store", 3, "the registry failed: rerun later"),
    RegistryErrorCode(50002, "operation timed out", 3, "the registry failed: rerun later"),
    RegistryErrorCode(
        50003, "error forwarding the request to the leader", 3, "the registry failed: rerun later"
    ),
    RegistryErrorCode(50004, "unknown leader", 3, "the registry failed: rerun later"),
    RegistryErrorCode(50005, "the registry could not parse the request JSON", 3, "report it: unexpected"),
)
REGISTRY_ERROR_CODES: dict[int, RegistryErrorCode] = {entry.code: entry for entry in _CODES}


def classify(status: int, code: int | None) -> RegistryErrorCode | None:
    """The entry for an error answer, by its error_code, else by its HTTP status for 4xx answers
    that carry none (409 alone is Confluent's incompatible schema). None: exit 3, unexpected."""
    if code is not None and code in REGISTRY_ERROR_CODES:
        return REGISTRY_ERROR_CODES[code]
    if code is None or code == status:
        return REGISTRY_ERROR_CODES.get(status)
    return None
