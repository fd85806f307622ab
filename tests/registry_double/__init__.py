"""Loopback test double for Confluent Schema Registry (used by contractctl's tests).

Start one with ``with RegistryDouble(name="aws") as reg: reg.url``. It speaks the documented REST
API (subjects, versions, ids, compatibility, config, mode, contexts, references, soft/hard delete)
with Schema Registry's error codes, checks AVRO compatibility with Apache Avro's own checker, and
offers auth (basic/bearer), TLS/mTLS, a request log and runtime fault injection. Schema Linking
exporters (``/exporters``) really replicate into another double over HTTP (see ``exporters.py``).

Compatibility per schema type is pluggable: ``RegistryDouble(checkers={"PROTOBUF": fn})`` where
``fn(reader, writer) -> list[str]`` (see :data:`registry_double.compat.Checker`). **A schema type
without a checker is always compatible**: PROTOBUF and JSON registrations are accepted and the
compatibility endpoints answer ``is_compatible: true`` unless a checker is given. Only AVRO is
parsed (and so validated); JSON schemas must merely be valid JSON, PROTOBUF text is stored as sent.

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
