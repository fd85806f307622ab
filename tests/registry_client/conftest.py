"""Makes the registry double's fixtures available to the client tests."""

from ..registry_double.fixtures import registry_double, registry_double_factory, two_registries

__all__ = ["registry_double", "registry_double_factory", "two_registries"]
