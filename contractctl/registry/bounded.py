"""Registry answers read within bounds: a size cap on the decoded body, and a JSON depth limit.

A registry (or whatever answers at its URL) is not trusted to be small or flat: a gzip bomb, a huge
Content-Length or an endless chunked body must stop at the cap, streamed, without ever holding more
than the cap (plus one decompressed piece) in memory; a deeply nested answer must be a clear error,
not a RecursionError.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

MAX_JSON_DEPTH = 64
"""Registry answers nest a few levels (a schema version with references, metadata and rule sets)."""

_ZLIB_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class TooLarge(Exception):
    """The answer is bigger than the cap (raw or decoded)."""


class BadEncoding(Exception):
    """The answer uses a content encoding that is not asked for and not understood."""


def read_capped(headers: Mapping[str, str], chunks: Iterable[bytes], cap: int) -> bytes:
    """The body decoded, stopping as soon as it (or its raw form) grows past ``cap`` bytes."""
    length = headers.get("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > cap:
        raise TooLarge()  # refused before reading a byte
    encoding = headers.get("Content-Encoding", "identity").strip().lower() or "identity"
    decoder = None
    if encoding in _ZLIB_WBITS:
        decoder = zlib.decompressobj(_ZLIB_WBITS[encoding])
    elif encoding != "identity":
        raise BadEncoding(encoding)
    body = bytearray()
    raw_size = 0
    for chunk in chunks:
        raw_size += len(chunk)
        if raw_size > cap:
            raise TooLarge()
        if decoder is None:
            body += chunk
        else:
            _inflate(decoder, chunk, body, cap)
        if len(body) > cap:
            raise TooLarge()
    if decoder is not None:
        body += decoder.flush(cap + 1 - len(body))
        if len(body) > cap:
            raise TooLarge()
    return bytes(body)


def _inflate(decoder: Any, data: bytes, body: bytearray, cap: int) -> None:
    """Decompress ``data`` into ``body``, never producing more than one byte past the cap."""
    try:
        while data:
            body += decoder.decompress(data, cap + 1 - len(body))  # max_length >= 1: bounded
            if len(body) > cap:
                raise TooLarge()
            data = decoder.unconsumed_tail
    except zlib.error:
        raise BadEncoding("corrupt compressed data") from None


class TooDeep(Exception):
    """The JSON nests deeper than :data:`MAX_JSON_DEPTH`."""


def parse_json(content: bytes) -> Any:
    """JSON with a nesting limit; ValueError when it is not JSON, TooDeep when it nests too deep."""
    try:
        value = json.loads(content)
    except RecursionError:
        raise TooDeep() from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise TooDeep()
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Iterative, so checking the depth cannot itself recurse too deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
