"""Throwaway PKI for TLS/mTLS tests, written as PEM files (built on ``trustme``).

One CA signs a server certificate for ``127.0.0.1``/``localhost`` and a client certificate, so
clients can be pointed at real files exactly as they would be configured in production
(``ssl.ca.location``, ``ssl.certificate.location``, ``ssl.key.location``).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TestPki:
    """Paths of the generated PEM files."""

    __test__ = False  # not a pytest test class despite the name

    ca_cert: Path
    server_cert: Path  # leaf + chain
    server_key: Path
    client_cert: Path  # leaf + chain
    client_key: Path
    other_ca_cert: Path  # an unrelated CA, to test verification failures

    def client_context(self, with_client_cert: bool = True) -> ssl.SSLContext:
        """An ``ssl.SSLContext`` that trusts the test CA and optionally presents the client cert."""
        context = ssl.create_default_context(cafile=str(self.ca_cert))
        if with_client_cert:
            context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context


def write_test_pki(directory: str | Path) -> TestPki:
    """Create CA, server and client certificates under ``directory`` and return their paths."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="contractctl registry double CA")
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert("contractctl-client.test")
    other = trustme.CA(organization_name="unrelated CA")
    pki = TestPki(
        ca_cert=root / "ca.pem",
        server_cert=root / "server.pem",
        server_key=root / "server-key.pem",
        client_cert=root / "client.pem",
        client_key=root / "client-key.pem",
        other_ca_cert=root / "other-ca.pem",
    )
    ca.cert_pem.write_to_path(str(pki.ca_cert))
    server.private_key_pem.write_to_path(str(pki.server_key))
    client.private_key_pem.write_to_path(str(pki.client_key))
    other.cert_pem.write_to_path(str(pki.other_ca_cert))
    for blob_path, issued in ((pki.server_cert, server), (pki.client_cert, client)):
        blob_path.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    return pki
