"""The one masking rule, form by form: what a registry echo or a request may carry must not leak."""

from __future__ import annotations

import base64
import enum
import json
import random
import string
from dataclasses import dataclass
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

import pytest

from contractctl.generic import masking

SECRET = 'p@ss/w:rd "ü" <&> +=?'


@pytest.fixture(autouse=True)
def fresh_masking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no secret registered (the registry is process-wide by design)."""
    monkeypatch.setattr(masking, "_needles", set())
    monkeypatch.setattr(masking, "_pattern", None)


def test_nothing_registered_leaves_text_and_data_untouched() -> None:
    data = {"a": ["b", ("c",)]}
    assert masking.mask("token abc") == "token abc"
    assert masking.mask_data(data) is data


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s,
        lambda s: quote(s, safe=""),
        lambda s: quote(s),
        quote_plus,
        lambda s: json.dumps(s)[1:-1],
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        lambda s: escape(s, {'"': "&quot;", "'": "&apos;"}),
    ],
    ids=["raw", "percent", "percent-keep-slash", "form", "json-ascii", "json", "xml"],
)
def test_every_text_encoding_of_the_secret_is_masked(encode: object) -> None:
    masking.add_secret(SECRET)
    shown = f"registry said: {encode(SECRET)} (end)"  # type: ignore[operator]
    masked = masking.mask(shown)
    assert encode(SECRET) not in masked  # type: ignore[operator]
    assert masked == "registry said: *** (end)"


def test_basic_auth_header_and_url_credentials_are_masked() -> None:
    masking.add_secret("s3cr3t-value", username="svc-user")
    header = "Basic " + base64.b64encode(b"svc-user:s3cr3t-value").decode()
    assert masking.mask(f"Authorization: {header}") == "Authorization: ***"
    assert "s3cr3t" not in masking.mask("https://svc-user:s3cr3t-value@sr.example/subjects")


@pytest.mark.parametrize("prefix", ["", "x", "xy", "xyz", "wxyz"])
@pytest.mark.parametrize("urlsafe", [False, True])
def test_base64_of_the_secret_is_caught_at_every_alignment(prefix: str, urlsafe: bool) -> None:
    """An echo may base64 the secret inside a longer text; each byte offset mod 3 encodes it differently."""
    secret = "Zq9>~?!s3cret-material"
    masking.add_secret(secret)
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    framed = encode(f"{prefix}{secret} and more".encode()).decode()
    masked = masking.mask(framed)
    assert masking.REPLACEMENT in masked
    for piece in masked.replace("-", "+").replace("_", "/").split(masking.REPLACEMENT):
        for start in range(4):  # what is left, decoded at each alignment, holds no secret
            chunk = piece[start:].rstrip("=")
            revealed = base64.b64decode(chunk[: len(chunk) // 4 * 4])
            assert secret.encode()[:8] not in revealed


def test_random_secrets_never_survive_in_any_registered_form(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20261205)
    alphabet = string.ascii_letters + string.digits + string.punctuation + "äß€ "
    for count in range(200):
        if count % 20 == 0:  # twenty at a time: each registration recompiles every form held
            monkeypatch.setattr(masking, "_needles", set())
            monkeypatch.setattr(masking, "_pattern", None)
        secret = "".join(rng.choice(alphabet) for _ in range(rng.randint(8, 40)))
        masking.add_secret(secret)
        for form in (secret, quote(secret, safe=""), json.dumps(secret)[1:-1]):
            assert form not in masking.mask(f"<{form}>")


def test_longest_form_wins_so_no_secret_leaks_in_part() -> None:
    masking.add_secret("abcd1234")
    masking.add_secret("abcd1234-and-more")
    assert masking.mask("x abcd1234-and-more y") == "x *** y"


def test_short_secret_masks_only_itself_not_derived_noise() -> None:
    """A 2-character secret's base64 core ("YW") would match ordinary text: only derived forms of 4+
    characters are registered, the raw secret always is."""
    masking.add_secret("ab")
    assert masking.mask("ab") == "***"
    assert masking.mask("YWJj YW") == "YWJj YW"


def test_empty_secret_is_ignored() -> None:
    masking.add_secret("")
    assert masking.mask("anything") == "anything"


class Colour(enum.Enum):
    RED = "s3cr3t-value"  # an enum's value is program text, never masked or rebuilt


@dataclass(frozen=True)
class Inner:
    text: str
    colour: Colour


@dataclass(frozen=True)
class Outer:
    items: list[Inner]
    pairs: tuple[str, ...]
    extra: dict[str, str]


def test_mask_data_masks_every_string_of_nested_data_and_keeps_types() -> None:
    masking.add_secret("s3cr3t-value")
    value = Outer(
        items=[Inner("say s3cr3t-value", Colour.RED)],
        pairs=("s3cr3t-value", "ok"),
        extra={"s3cr3t-value": "key too", "k": "v s3cr3t-value"},
    )
    masked = masking.mask_data(value)
    assert masked == Outer(
        items=[Inner("say ***", Colour.RED)],
        pairs=("***", "ok"),
        extra={"***": "key too", "k": "v ***"},
    )
    assert value.items[0].text == "say s3cr3t-value"  # the original is not mutated
