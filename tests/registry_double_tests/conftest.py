"""Makes the double's fixtures available to its own tests without touching tests/conftest.py."""

from ..registry_double.fixtures import registry_double, registry_double_factory, two_registries

__all__ = ["registry_double", "registry_double_factory", "two_registries"]
