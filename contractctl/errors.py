"""Errors that stop a command; each carries the exit code DESIGN.md assigns to it."""

from __future__ import annotations

from typing import Any


class ContractctlError(Exception):
    exit_code = 2

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # shown with -v only

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without __init__ (subclasses take other arguments) and with every attribute, so an
        # error raised in a worker process reaches the parent as it was.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[ContractctlError], args: tuple[Any, ...], state: dict[str, Any]) -> ContractctlError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class UsageError(ContractctlError):
    """Bad invocation or bad input (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """contractctl.yaml is missing, malformed or invalid (exit 2)."""


class EnvironmentFailure(ContractctlError):
    """git unusable, a registry unreachable (exit 3)."""

    exit_code = 3


class GitError(EnvironmentFailure):
    pass
