"""What every registry command shares: opening the named registries' clients (and closing them), and
turning a registry's failure into the finding that reports it, so one failing registry never hides
another's result and never passes.

Commands (``contractctl/commands``) open their clients here, never the CLI: opening validates the
registry settings and registers their secrets for masking, which is core work a caller without click
needs as well; the CLI passes names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

from contractctl.config.project import Config
from contractctl.model import Finding, FindingKind
from contractctl.registry.client import RegistryClient
from contractctl.registry.errors import RegistryError
from contractctl.registry.fanout import fan_out, settled
from contractctl.registry.settings import RegistrySettings

T = TypeVar("T")


@contextmanager
def open_session(config: Config, names: Sequence[str]) -> Iterator[dict[str, RegistryClient]]:
    """One client per named registry (an unknown name or bad setting is exit 2 before any request),
    each masking every registry's secrets; all closed on the way out, whatever happened."""
    unique = list(dict.fromkeys(names))
    settings = [RegistrySettings.from_config(n, config.registry_settings(n), config.path) for n in unique]
    clients = {s.name: RegistryClient(s) for s in settings}
    every_secret = [secret for s in settings for secret in s.secrets()]
    for client in clients.values():
        client.mask_also(every_secret)
    try:
        yield clients
    finally:
        for client in clients.values():
            client.close()


def each_registry(
    clients: Mapping[str, RegistryClient], work: Callable[[RegistryClient], T]
) -> list[tuple[RegistryClient, T | Finding]]:
    """``work`` on every registry concurrently, in the clients' order; a registry that fails gives its
    `failure_finding` in place of a result. Any other exception is re-raised."""
    order = list(clients.values())
    outcomes = settled(fan_out([partial(work, client) for client in order], max(1, len(order))))
    return [
        (client, failure_finding(outcome) if isinstance(outcome, RegistryError) else outcome)
        for client, outcome in zip(order, outcomes, strict=True)
    ]


def _failure_verb(error: RegistryError) -> str:
    """'refused the request' for a registry that answered with a client error, else 'could not answer'."""
    status = error.status or 0
    if error.exit_code in (1, 2):
        return "refused the request"
    if 400 <= status < 500 and status not in (401, 403, 408, 429):
        return "refused the request"
    return "could not answer"


def failure_finding(error: RegistryError, subject: str | None = None, file: str | None = None) -> Finding:
    """A registry failure as a finding whose exit code is the error's own (README's registry error
    code table): a refusal is a verdict (1), rejected input is bad input (2), the rest exit 3."""
    if error.exit_code == 1:
        rule, kind = "REGISTRY_REFUSED", FindingKind.POLICY
        hint = "The registry answered and refused; retrying gives the same answer: see the message."
    elif error.exit_code == 2:
        rule, kind = "REGISTRY_REJECTED_INPUT", FindingKind.INVALID
        hint = "The registry rejected what contractctl sent as invalid: fix the contract or contractctl.yaml."
    else:
        rule, kind = "REGISTRY_UNAVAILABLE", FindingKind.ENVIRONMENT
        hint = "The check fails closed: fix access to this registry (URL, credentials, network) and rerun."
    return Finding(
        rule=rule,
        message=f"registry {error.registry} {_failure_verb(error)}: {error.reason}",
        kind=kind,
        registry=error.registry,
        subject=subject or error.subject,
        file=file,
        hint=error.hint or hint,
    )
