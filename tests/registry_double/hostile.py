"""A hostile "registry" on loopback: whatever the request, it answers with one kind of abuse.

Separate from the well-behaved double on purpose: it speaks raw HTTP/1.1 over a socket, so it can do
what no honest server library would let it (trickle headers, lie about Content-Length, never end a
chunked body). Each mode is one attack an outside run found (issue 18 items 1, 2 and 4):

* ``gzip_bomb``: a 200 whose ~100 KB gzip body inflates to 100 MiB;
* ``huge_length``: a 200 announcing a terabyte, then streaming zeros as fast as it can;
* ``endless_chunked``: a 200 with a chunked body that never ends;
* ``trickle_headers``: the status line, then one header byte every ``trickle`` seconds, forever;
* ``trickle_body``: complete headers, then one body byte every ``trickle`` seconds, forever;
* ``deep_json``: a 200 whose JSON nests a million levels deep.
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from functools import lru_cache

MODES = ("gzip_bomb", "huge_length", "endless_chunked", "trickle_headers", "trickle_body", "deep_json")
BOMB_INFLATED = 100 * 1024 * 1024
DEEP = 1_000_000
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """100 MiB of zeros as one gzip member (~100 KB), built once per test session."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(BOMB_INFLATED // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


class HostileServer:
    """``with HostileServer("gzip_bomb") as server: ... server.url``; every connection is abused."""

    def __init__(self, mode: str, trickle: float = 0.1) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.trickle = trickle
        self.requests = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name=f"hostile-{mode}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> HostileServer:
        if self.mode == "gzip_bomb":
            gzip_bomb()  # built before the clock of any test starts
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            try:
                if not self._read_request(connection):
                    return
                self.requests += 1
                getattr(self, f"_{self.mode}")(connection)
            except OSError:
                return  # the client gave up (as it should): done

    def _read_request(self, connection: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return False
            body += chunk
        return True

    def _headers(self, *lines: str) -> bytes:
        return ("HTTP/1.1 200 OK\r\n" + "".join(f"{line}\r\n" for line in lines) + "\r\n").encode()

    def _forever(self, connection: socket.socket, piece: bytes, pause: float = 0.0) -> None:
        while not self._stop.is_set():
            connection.sendall(piece)
            if pause:
                time.sleep(pause)

    def _gzip_bomb(self, connection: socket.socket) -> None:
        bomb = gzip_bomb()
        connection.sendall(
            self._headers(
                f"Content-Type: {CONTENT_TYPE}", "Content-Encoding: gzip", f"Content-Length: {len(bomb)}"
            )
            + bomb
        )

    def _huge_length(self, connection: socket.socket) -> None:
        connection.sendall(self._headers(f"Content-Type: {CONTENT_TYPE}", f"Content-Length: {10**12}"))
        self._forever(connection, bytes(65536))

    def _endless_chunked(self, connection: socket.socket) -> None:
        connection.sendall(self._headers(f"Content-Type: {CONTENT_TYPE}", "Transfer-Encoding: chunked"))
        piece = b"0," * 8192
        self._forever(connection, f"{len(piece):x}\r\n".encode() + piece + b"\r\n")

    def _trickle_headers(self, connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        self._forever(connection, b"X", self.trickle)

    def _trickle_body(self, connection: socket.socket) -> None:
        connection.sendall(self._headers(f"Content-Type: {CONTENT_TYPE}", "Content-Length: 100000"))
        self._forever(connection, b" ", self.trickle)

    def _deep_json(self, connection: socket.socket) -> None:
        body = b"[" * DEEP + b"]" * DEEP
        connection.sendall(
            self._headers(f"Content-Type: {CONTENT_TYPE}", f"Content-Length: {len(body)}") + body
        )
