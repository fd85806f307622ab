"""Schema Registry access: settings, a thin REST client, errors and concurrent fan-out.

Importing this package does not import the HTTP library; that happens when a :class:`RegistryClient`
is created, so commands that never talk to a registry (the pre-commit check) stay fast.
"""

from contractctl.registry.client import (
    CompatibilityAnswer,
    OwnConfig,
    RegisteredSchema,
    RegistryClient,
    SchemaRef,
)
from contractctl.registry.errors import IncompatibleSchemaError, RegistryError
from contractctl.registry.fanout import fan_out
from contractctl.registry.settings import RegistrySettings

__all__ = [
    "CompatibilityAnswer",
    "IncompatibleSchemaError",
    "OwnConfig",
    "RegisteredSchema",
    "RegistryClient",
    "RegistryError",
    "RegistrySettings",
    "SchemaRef",
    "fan_out",
]
