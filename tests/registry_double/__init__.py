"""Loopback test double for Confluent Schema Registry (used by contractctl's tests).

Start one with ``with RegistryDouble(name="aws") as reg: reg.url``. It speaks the documented REST
API (subjects, versions, ids, compatibility, config, mode, contexts, references, soft/hard delete)
with Schema Registry's error codes, checks AVRO compatibility with Apache Avro's own checker and
JSON Schema compatibility with Confluent's JSON Schema rules (``jsonschema_compat.py``, written for
the double from Confluent's source), and offers auth (basic/bearer), TLS/mTLS, a request log and
runtime fault injection. Schema Linking exporters (``/exporters``) really replicate into another
double over HTTP (see ``exporters.py``).

Compatibility per schema type is pluggable: ``RegistryDouble(checkers={"PROTOBUF": fn})`` where
``fn(reader, writer) -> list[str]`` (see :data:`registry_double.compat.Checker`); a given checker
replaces a built-in one. **A schema type without a checker is always compatible**: PROTOBUF
registrations are accepted and the compatibility endpoints answer ``is_compatible: true`` unless a
checker is given. AVRO and JSON are parsed, and so validated (42201 like the registry: bad JSON, a
JSON Schema that is not an object or boolean, an unknown ``type``, an unresolvable ``$ref``);
JSON ``$ref`` follows local pointers and the ``references`` by name. PROTOBUF text is stored as sent
(Confluent stores its canonical string), but lookups, duplicate registrations and schema IDs ignore
its comments and layout as Confluent's canonical string does (``protobuf_canonical.py``).

The double never imports contractctl, so its verdicts are an independent oracle.
"""

from .certs import TestPki, write_test_pki
from .compat import Checker, SchemaDoc
from .exporters import Exporter, Exporters
from .faults import Faults
from .server import BasicAuth, BearerAuth, RecordedRequest, RegistryDouble, TlsConfig
from .store import Reference, RegistryError, SchemaContent, SchemaVersion, Store

__all__ = [
    "BasicAuth",
    "BearerAuth",
    "Checker",
    "Exporter",
    "Exporters",
    "Faults",
    "RecordedRequest",
    "Reference",
    "RegistryDouble",
    "RegistryError",
    "SchemaContent",
    "SchemaDoc",
    "SchemaVersion",
    "Store",
    "TestPki",
    "TlsConfig",
    "write_test_pki",
]
