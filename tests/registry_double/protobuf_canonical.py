"""When two Protobuf texts are the same schema to Confluent's registry, as far as the double can tell.

What Confluent does (schema-registry, read at 794611bd):

* ``AbstractSchemaRegistry.canonicalizeSchema`` -> ``maybeValidateAndNormalizeSchema`` replaces the
  text of every schema it registers, looks up or checks with ``parsedSchema.canonicalString()``
  (after ``normalize()`` when ``normalize=true``). The lookup cache is keyed by ``MD5.ofSchema``
  of that text (``InMemoryCache.schemaIdAndSubjects``); the fallback walk
  (``lookUpSchemaUnderSubject``, and ``KafkaSchemaRegistry.register`` for a duplicate) asks
  ``ParsedSchema.canLookup`` -> ``equivalent``, which compares ``canonicalString()`` (plus metadata
  and ruleSet).
* ``ProtobufSchema.canonicalString()`` is ``ProtobufSchemaUtils.toString(ProtoFileElement)``: Square
  Wire's ``ProtoParser`` builds the elements, its ``SyntaxReader`` skipping the blanks
  ``' ' '\\t' '\\r' '\\n'`` and reading ``//`` and ``/* */`` comments only as *documentation*, which
  the printer never prints. The printer lays the file out itself.

So comments and layout never reach the canonical string. This module models exactly that and no
more: it splits a text the way ``SyntaxReader`` does -- words of ``[A-Za-z0-9_.-]``, quoted strings
kept verbatim, every other character on its own -- dropping blanks and comments. Texts with the same
tokens parse to the same elements up to documentation and source locations, so they have the same
canonical string: the comparison never calls two schemas the same that Confluent tells apart (for
texts Confluent accepts).

It is conservative the other way. Texts Confluent's printer makes equal but whose tokens differ are
still different here:

* the printer's order: in a message, reserved ranges, options, fields, oneofs, groups, extensions,
  extends, nested messages, then nested enums; in a file, messages before enums, extends, services
  (so moving a nested enum above a field, or an enum above a message, is the same schema to
  Confluent and a different one here);
* spellings the parser reads to one value: ``'x'`` and ``"x"``, adjacent strings concatenated,
  escapes, ``0x10`` and ``16`` as a tag, number spellings in option values;
* the order of ``default`` and ``json_name`` among a field's options (the printer puts them last);
* everything ``normalize=true`` adds (``ProtobufSchemaUtils.toNormalizedString``: fields and enum
  constants by tag, options by name, imports sorted, type names fully qualified, synthetic map
  entries as ``map<>``, no ``syntax = "proto2"``): the double treats a normalized lookup like a plain
  one for Protobuf.

Nor does it reject what Wire rejects: an unterminated comment or string, a stray ``/``, a
``/* */`` trailing comment with syntax after it on the same line. The double parses no Protobuf.
"""

from __future__ import annotations

import functools
import json

_BLANKS = frozenset(" \t\r\n")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """The text's tokens as Wire's ``SyntaxReader`` reads them, without blanks and comments.

    An unterminated comment or string becomes one token of all that is left, so it matches only
    the same broken tail.
    """
    out: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char in _BLANKS:
            pos += 1
        elif text.startswith("//", pos):
            newline = text.find("\n", pos)
            pos = end if newline < 0 else newline + 1
        elif text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            if close < 0:
                out.append(text[pos:])
                pos = end
            else:
                pos = close + 2
        elif char in "\"'":
            stop = pos + 1
            while stop < end and text[stop] != char:
                stop += 2 if text[stop] == "\\" else 1
            if stop >= end:
                out.append(text[pos:])
                pos = end
            else:
                out.append(text[pos : stop + 1])
                pos = stop + 1
        elif char in _WORD:
            stop = pos + 1
            while stop < end and text[stop] in _WORD:
                stop += 1
            out.append(text[pos:stop])
            pos = stop
        else:
            out.append(char)
            pos += 1
    return tuple(out)


def canonical_key(text: str) -> str:
    """A string equal for two texts exactly when their :func:`tokens` are (for hashing)."""
    return json.dumps(tokens(text), ensure_ascii=False, separators=(",", ":"))


def same_schema(left: str, right: str) -> bool:
    """True if the two Protobuf texts differ at most in comments and layout."""
    return tokens(left) == tokens(right)
