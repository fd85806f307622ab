"""The one masking rule: every configured secret, in every encoding it may take, becomes ``***``.

Secrets are registered as they become known (a registry's settings are read, a secret file is read,
an OAuth token arrives); the CLI's output layer applies :func:`mask` to everything that leaves the
process. A registry may echo what it was sent in any form, so each secret is registered with the
forms a request carries or an echo produces: raw, percent-encoded (URL-embedded credentials),
base64 (``Basic`` headers, at every byte alignment so base64 of ``user:pass`` is caught however it
is framed), and escaped as JSON and XML would write it (a renderer escapes after masking, but an echo
may arrive escaped).
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json
import re
import threading
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

REPLACEMENT = "***"
_MIN_DERIVED = 4  # a derived form shorter than this would mask ordinary text, not a secret

T = TypeVar("T")

_lock = threading.Lock()
_needles: set[str] = set()
_pattern: re.Pattern[str] | None = None


def add_secret(secret: str, username: str | None = None) -> None:
    """Mask ``secret`` from now on; with ``username``, also the ``username:secret`` pair as sent in
    Basic auth and URLs."""
    if not secret:
        return
    forms = _forms(secret)
    if username:
        pair = f"{username}:{secret}"
        forms |= _forms(pair)
        encoded = base64.b64encode(pair.encode()).decode("ascii")
        forms |= {encoded, f"Basic {encoded}", f"{quote(username, safe='')}:{quote(secret, safe='')}"}
    global _pattern
    with _lock:
        if forms <= _needles:
            return
        _needles.update(forms)
        ordered = sorted(_needles, key=len, reverse=True)  # longest first: none leaks partly
        _pattern = re.compile("|".join(map(re.escape, ordered)))


def mask(text: str) -> str:
    """``text`` with every registered secret form replaced by ``***``."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(REPLACEMENT, text)


def mask_data(value: T) -> T:
    """A copy of ``value`` (dataclasses, lists, tuples, dicts, strings) with every string masked,
    so a renderer never sees a secret it could escape or cut into a form :func:`mask` misses."""
    if _pattern is None:
        return value
    return _masked(value)  # type: ignore[no-any-return]


def _masked(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return mask(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _masked(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_masked(item) for item in value)
    if isinstance(value, dict):
        return {_masked(key): _masked(item) for key, item in value.items()}
    return value


def _forms(secret: str) -> set[str]:
    from xml.sax.saxutils import escape  # here: its import pulls in urllib.request and http.client

    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        escape(secret, {'"': "&quot;", "'": "&apos;"}),
    }
    forms |= _base64_cores(secret.encode())
    return {form for form in forms if form == secret or len(form) >= _MIN_DERIVED}


def _base64_cores(raw: bytes) -> set[str]:
    """The base64 characters that depend only on ``raw``, for each of the three alignments it can
    have inside a longer encoded text (as ``pass`` does inside base64 of ``user:pass``)."""
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + raw).decode("ascii").rstrip("=")
        # characters touching the zero prefix, or the partial last group, also encode other bytes
        start = (offset * 8 + 5) // 6
        end = ((offset + len(raw)) * 8) // 6
        core = encoded[start:end]
        if len(core) >= _MIN_DERIVED:
            cores.add(core)
            cores.add(core.replace("+", "-").replace("/", "_"))  # the URL-safe alphabet
    return cores
