"""Errors that stop a command; each carries the exit code DESIGN.md assigns to it."""

from __future__ import annotations


class ContractctlError(Exception):
    exit_code = 2

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # shown with -v only


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
