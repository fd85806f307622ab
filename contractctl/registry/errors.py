"""Registry failures as exit-3 environment errors that never carry a secret.

A reason is one line in our own words (plus the registry's own error message for 4xx answers, with
every known secret masked), so it is safe to print in CI logs, JSON reports and exception reprs.
"""

from __future__ import annotations

from collections.abc import Iterable

from contractctl.errors import EnvironmentFailure
from contractctl.generic.masking import add_secret, mask
from contractctl.model import one_line

_MAX_SERVER_MESSAGE = 500


class RegistryError(EnvironmentFailure):
    """A registry could not answer usefully: unreachable, timed out, refused, or answered nonsense."""

    def __init__(
        self,
        registry: str,
        reason: str,
        *,
        status: int | None = None,
        error_code: int | None = None,
        detail: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.registry = registry
        self.reason = reason
        self.hint = hint  # what to do, when the failure knows better than its exit code's general advice
        self.status = status
        self.error_code = error_code
        # the subject whose request failed, where the caller knows it and the message does not say
        self.subject: str | None = None
        super().__init__(f"registry {registry}: {reason}", detail=detail)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(registry={self.registry!r}, reason={self.reason!r}, "
            f"status={self.status!r}, error_code={self.error_code!r})"
        )


class IncompatibleSchemaError(RegistryError):
    """The registry refused a registration as incompatible (HTTP 409): a verdict, so exit 1."""

    exit_code = 1

    def __init__(self, registry: str, reason: str, *, error_code: int | None, messages: tuple[str, ...]):
        super().__init__(registry, reason, status=409, error_code=error_code)
        self.messages = messages


class RegistryRefusal(RegistryError):
    """The registry answered and refused the operation for a reason a retry does not change (an id
    already taken, a subject that forbids it): a verdict, so exit 1."""

    exit_code = 1


class RegistryRejectedInput(RegistryError):
    """The registry says what contractctl sent is invalid (a contract, a level, a link's settings):
    bad input, so exit 2."""

    exit_code = 2


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """One line, bounded, masked by the one rule (contractctl.generic.masking) before it is cut, so a cut
    never leaves part of a secret; ``secrets`` are registered with that rule first."""
    for secret in secrets:
        add_secret(secret)
    text = one_line(" ".join(mask(text).split()))  # no escape sequence reaches a terminal
    if len(text) > _MAX_SERVER_MESSAGE:
        text = text[: _MAX_SERVER_MESSAGE - 1] + "…"
    return text
