"""BLAKE2b without importing hashlib, whose import loads OpenSSL for constructors these digests
never use: 2-3 ms of every pre-commit check of a .proto, which digests files to find kept answers."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it: hashlib's, as before
    from hashlib import blake2b

__all__ = ["blake2b"]
