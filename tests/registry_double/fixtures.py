"""Pytest fixtures for the registry double; load with ``pytest_plugins = ["tests.registry_double.fixtures"]``.

Every double is stopped at teardown, and a test fails if the double recorded an internal error,
so a bug in the double cannot masquerade as a client failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import pytest

from .server import RegistryDouble


class TwoRegistries(NamedTuple):
    aws: RegistryDouble
    azure: RegistryDouble


def _check_clean(double: RegistryDouble) -> None:
    if double.errors:
        pytest.fail(f"registry double {double.name!r} hit internal errors:\n" + "\n".join(double.errors))


@pytest.fixture
def registry_double_factory() -> Iterator[Callable[..., RegistryDouble]]:
    """Start doubles with custom options (auth, tls, checkers); all are stopped at teardown."""
    started: list[RegistryDouble] = []

    def make(**kwargs: Any) -> RegistryDouble:
        double = RegistryDouble(**kwargs).start()
        started.append(double)
        return double

    yield make
    for double in started:
        double.stop()
    for double in started:
        _check_clean(double)


@pytest.fixture
def registry_double() -> Iterator[RegistryDouble]:
    """One plain-HTTP, unauthenticated registry."""
    with RegistryDouble(name="registry") as double:
        yield double
    _check_clean(double)


@pytest.fixture
def two_registries() -> Iterator[TwoRegistries]:
    """The AWS and Azure registries, independent stores on separate ports."""
    with RegistryDouble(name="aws") as aws, RegistryDouble(name="azure") as azure:
        yield TwoRegistries(aws, azure)
    _check_clean(aws)
    _check_clean(azure)
