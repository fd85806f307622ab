"""Which JSON Schema draft a document is written in, read from `$schema` as Confluent reads it.

Confluent (JsonSchema.java, SpecificationVersion.java) strips one trailing `#` from `$schema` and looks
the URL up among the known meta-schema URLs (http and https); no `$schema`, or an unknown one, means
draft-07.
"""

from __future__ import annotations

import enum
from typing import Any


class Draft(str, enum.Enum):
    DRAFT_4 = "draft-04"
    DRAFT_6 = "draft-06"
    DRAFT_7 = "draft-07"
    DRAFT_2019_09 = "2019-09"
    DRAFT_2020_12 = "2020-12"

    @property
    def modern(self) -> bool:
        """2019-09 and 2020-12: loaded by Confluent through json-sKema and translated to Everit."""
        return self in (Draft.DRAFT_2019_09, Draft.DRAFT_2020_12)

    @property
    def id_keyword(self) -> str:
        return "id" if self is Draft.DRAFT_4 else "$id"


DEFAULT_DRAFT = Draft.DRAFT_7

_URLS: dict[str, Draft] = {}
for _scheme in ("http", "https"):
    _URLS[f"{_scheme}://json-schema.org/draft-04/schema"] = Draft.DRAFT_4
    _URLS[f"{_scheme}://json-schema.org/schema"] = Draft.DRAFT_4
    _URLS[f"{_scheme}://json-schema.org/draft-06/schema"] = Draft.DRAFT_6
    _URLS[f"{_scheme}://json-schema.org/draft-07/schema"] = Draft.DRAFT_7
    _URLS[f"{_scheme}://json-schema.org/draft/2019-09/schema"] = Draft.DRAFT_2019_09
    _URLS[f"{_scheme}://json-schema.org/draft/2020-12/schema"] = Draft.DRAFT_2020_12


def draft_of_url(url: str) -> Draft | None:
    return _URLS.get(url[:-1] if url.endswith("#") else url)


def detect_draft(document: Any) -> Draft:
    """The draft of a parsed document (a boolean schema or a schema without `$schema`: draft-07)."""
    if isinstance(document, dict):
        declared = document.get("$schema")
        if isinstance(declared, str):
            return draft_of_url(declared) or DEFAULT_DRAFT
    return DEFAULT_DRAFT
