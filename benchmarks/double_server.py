"""One registry double in its own process, driven over stdin/stdout (for the remote and link benchmarks).

    python benchmarks/double_server.py NAME [DEFAULT_COMPATIBILITY]

Why a process: the double needs a few milliseconds of CPU per compatibility test (Apache Avro's Python
checker). Two doubles as threads of the benchmark process share one GIL, so their CPU is serialised
and the floor (latency x requests / max_concurrency) cannot be reached whatever the client does. In
their own processes each double gets its own interpreter, as a real registry would. Its sockets
use TCP_NODELAY, as a real registry's do (see tests/registry_double/server.py).

It serves on 127.0.0.1 with an ephemeral port and prints one JSON line ``{"url": ...}``. Then each
line read from stdin is one JSON command, answered by one JSON line on stdout:

* ``{"op": "seed", "items": [[subject, text, id_or_null], ...]}`` registers version(s) directly in
  the store (as ``Store.register``: no compatibility check, explicit ids honoured);
* ``{"op": "latency", "seconds": s}`` injects latency into every request;
* ``{"op": "clear"}`` forgets the request log;
* ``{"op": "requests"}`` answers the request log (method, path, query, content type, body as latin-1);
* ``{"op": "count"}`` answers the number of logged requests and the process's CPU seconds so far;
* ``{"op": "errors"}`` answers the double's internal errors (tracebacks);
* ``{"op": "stop"}`` or end of input stops the double and exits.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # for tests/registry_double

from tests.registry_double import RegistryDouble  # noqa: E402


def _answer(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def _handle(double: RegistryDouble, command: dict[str, Any]) -> Any:
    op = command.get("op")
    if op == "seed":
        for subject, text, schema_id in command["items"]:
            version = 1 if schema_id is not None else None
            double.store.register(subject, text, id=schema_id, version=version)
        return {"ok": True}
    if op == "latency":
        double.faults.latency(float(command["seconds"]))
        return {"ok": True}
    if op == "clear":
        double.clear_requests()
        return {"ok": True}
    if op == "count":
        return {"requests": len(double.requests), "cpu_s": time.process_time()}
    if op == "requests":
        return {
            "requests": [
                {
                    "method": r.method,
                    "path": r.path,
                    "query": r.query,
                    "content_type": next(
                        (v for k, v in r.headers.items() if k.lower() == "content-type"), None
                    ),
                    "body": r.body.decode("latin-1"),
                }
                for r in double.requests
            ]
        }
    if op == "errors":
        return {"errors": list(double.errors)}
    return {"error": f"unknown op {op!r}"}


def main(argv: list[str]) -> int:
    name = argv[1] if len(argv) > 1 else "registry"
    level = argv[2] if len(argv) > 2 else "BACKWARD_TRANSITIVE"
    with RegistryDouble(name=name, default_compatibility=level) as double:
        _answer({"url": double.url})
        for line in sys.stdin:
            if not line.strip():
                continue
            command = json.loads(line)
            if command.get("op") == "stop":
                _answer({"ok": True})
                break
            try:
                _answer(_handle(double, command))
            except Exception as error:  # report, keep serving: the benchmark decides what to do
                _answer({"error": f"{type(error).__name__}: {error}"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
