"""The registry double's fixtures for the end-to-end tests."""

from tests.registry_double.fixtures import registry_double, registry_double_factory, two_registries

__all__ = ["registry_double", "registry_double_factory", "two_registries"]
