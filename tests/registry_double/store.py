"""In-memory Schema Registry state and rules, modelled on Confluent's ``KafkaSchemaRegistry``.

Everything runs under one re-entrant lock, so HTTP handler threads and test code calling the
seeding helpers see a consistent store. Keys follow the server's: a subject is stored qualified
(``:.ctx:name``; the default context is written unqualified), config/mode keys are ``None`` for the
top level, ``":.ctx:"`` for a context and ``":.__GLOBAL:"`` for the cross-context fallback.
The store keeps no HTTP concerns, so later features (exporters) can add state and routes beside it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .compat import (
    LEVELS,
    Checker,
    SchemaDoc,
    SchemaParseError,
    avro_checker,
    canonical_text,
    check_against,
    parse_avro,
)
from .inherit import populate, tidy_metadata, tidy_rule_set
from .jsonschema_compat import jsonschema_checker, lenient_jsonschema_checker
from .jsonschema_model import load_json_schema
from .protobuf_canonical import canonical_key, same_schema

DEFAULT_CONTEXT = "."
GLOBAL_CONTEXT = ".__GLOBAL"
GLOBAL_KEY = ":.__GLOBAL:"
MODES = ("READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT", "FORWARD")
SCHEMA_TYPES = ("JSON", "PROTOBUF", "AVRO")
_CONFIG_FIELDS = (
    "compatibilityLevel",
    "normalize",
    "validateFields",
    "validateNewSchemas",
    "validateRules",
    "compatibilityPolicy",
    "compatibilityGroup",
    "alias",
    "aliasForDeks",
    "defaultMetadata",
    "overrideMetadata",
    "defaultRuleSet",
    "overrideRuleSet",
)
_CONTRACT_CONFIG = ("defaultMetadata", "overrideMetadata", "defaultRuleSet", "overrideRuleSet")


class RegistryError(Exception):
    """An error the REST layer renders as ``{"error_code", "message"}`` with ``status``."""

    def __init__(self, status: int, error_code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


def reference_exists(subject: str, version: int) -> RegistryError:
    """42206 names the referenced ``SchemaKey`` as the server formats it."""
    key = f"{{magic=1,keytype=SCHEMA,subject={subject},version={version}}}"
    return _unprocessable(42206, f"One or more references exist to the schema {key}.")


def _not_found(code: int, message: str) -> RegistryError:
    return RegistryError(404, code, message)


def _unprocessable(code: int, message: str) -> RegistryError:
    return RegistryError(422, code, message)


def subject_not_found(subject: str) -> RegistryError:
    return _not_found(40401, f"Subject '{subject}' not found.")


def version_not_found(version: int) -> RegistryError:
    return _not_found(40402, f"Version {version} not found.")


def invalid_version(version: str) -> RegistryError:
    return _unprocessable(
        42202,
        f"The specified version '{version}' is not a valid version id. "
        'Allowed values are between [1, 2^31-1] and the string "latest"',
    )


def invalid_schema(message: str) -> RegistryError:
    return _unprocessable(42201, message)


def not_permitted(message: str) -> RegistryError:
    return _unprocessable(42205, message)


# ---------------------------------------------------------------------------------------------------
# Subjects and contexts (QualifiedSubject)


def split_subject(subject: str) -> tuple[str, str]:
    """Return ``(context, unqualified subject)``; ``*`` is the wildcard context."""
    if subject.startswith(":."):
        ix = subject.find(":", 2)
        if ix >= 0:
            return subject[1:ix], subject[ix + 1 :]
        return subject[1:], ""
    if subject.startswith(":*:"):
        return "*", subject[3:]
    return DEFAULT_CONTEXT, subject


def qualify(context: str, subject: str) -> str:
    return subject if context == DEFAULT_CONTEXT else f":{context}:{subject}"


def normalize_subject(subject: str) -> str:
    """Canonical storage key: ``:.:foo`` becomes ``foo``."""
    return qualify(*split_subject(subject))


def context_prefix(subject: str) -> str:
    """The qualified context used in server messages (empty for the default context)."""
    context, _ = split_subject(subject)
    return "" if context == DEFAULT_CONTEXT else f":{context}:"


def is_valid_subject(subject: str, config_or_mode: bool = False) -> bool:
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in subject):
        return False
    context, name = split_subject(subject)
    if name in ("__GLOBAL", "__EMPTY"):
        return False
    return config_or_mode or context != GLOBAL_CONTEXT


def is_top_level(subject: str | None) -> bool:
    """True for the default context itself (``None``, ``""`` or ``:.:``)."""
    if subject is None:
        return True
    context, name = split_subject(subject)
    return context == DEFAULT_CONTEXT and name == ""


def _matches(pattern: str | None, subject: str) -> bool:
    """``matchingSubjectPredicate``: ``None`` matches all, a bare context matches its subjects."""
    if pattern is None:
        return True
    if pattern == subject:
        return True
    context, name = split_subject(pattern)
    return name == "" and split_subject(subject)[0] == context


# ---------------------------------------------------------------------------------------------------
# Entities


@dataclass(frozen=True)
class Reference:
    name: str
    subject: str
    version: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "subject": self.subject, "version": self.version}


def _group_value(content: SchemaContent, group: str) -> Any:
    """A version's compatibility group: the metadata property the config's compatibilityGroup names
    (None without one, which is a group of its own, as in Confluent)."""
    metadata = json.loads(content.metadata) if content.metadata else {}
    properties = metadata.get("properties") if isinstance(metadata, dict) else None
    return properties.get(group) if isinstance(properties, dict) else None


def _same_text(stored: SchemaContent, wanted: SchemaContent) -> bool:
    return stored.schema == wanted.schema


def _equivalent(stored: SchemaContent, wanted: SchemaContent) -> bool:
    """Parsed equality for the JSON-based types (``AvroSchema.equivalent`` compares the parsed
    schema, ``JsonSchema.equivalent`` the JSON tree). For Protobuf, ``ProtobufSchema`` compares
    ``canonicalString()``, which has no comments and its own layout: texts equal but for comments
    and blanks are equivalent (:mod:`.protobuf_canonical`, which says what else it leaves out)."""
    if stored.schema_type == "PROTOBUF":
        return same_schema(stored.schema, wanted.schema)
    if stored.schema_type not in ("AVRO", "JSON"):
        return False
    try:
        return bool(json.loads(stored.schema) == json.loads(wanted.schema))
    except ValueError:
        return False


@dataclass(frozen=True)
class SchemaContent:
    """What identifies a schema ID within a context (``MD5.ofSchema`` inputs plus the type)."""

    schema_type: str
    schema: str
    references: tuple[Reference, ...] = ()
    metadata: str | None = None  # canonical JSON, so the content stays hashable
    rule_set: str | None = None


@dataclass
class SchemaVersion:
    subject: str
    version: int
    id: int
    content: SchemaContent
    deleted: bool = False
    ts: int = field(default_factory=lambda: int(time.time() * 1000))


@dataclass(frozen=True)
class LogEntry:
    """One write in :attr:`Store.log`; ``at`` is ``time.monotonic()`` so exporters can lag behind it."""

    at: float
    record: SchemaVersion


def _id_key(content: SchemaContent) -> SchemaContent:
    """What a schema ID is found by within a context (``MD5.ofSchema`` of the canonical text): the
    content itself, but for Protobuf its text without comments and blanks, since Confluent hashes
    ``canonicalString()`` while the double keeps the text as sent."""
    if content.schema_type != "PROTOBUF":
        return content
    return replace(content, schema=canonical_key(content.schema))


def _canonical_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _parse_references(raw: Any) -> tuple[Reference, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise invalid_schema("Invalid references: expected a list")
    refs = []
    for item in raw:
        if isinstance(item, Reference):
            refs.append(item)
            continue
        if not isinstance(item, Mapping) or not all(k in item for k in ("name", "subject", "version")):
            raise invalid_schema(f"Invalid reference: {item}")
        try:
            refs.append(Reference(str(item["name"]), str(item["subject"]), int(item["version"])))
        except (TypeError, ValueError) as exc:
            raise invalid_schema(f"Invalid reference: {item}") from exc
    return tuple(refs)


def parse_version(value: str | int) -> int:
    """``VersionId``: an int in [1, 2^31-1], or ``latest``/``-1`` (returned as -1)."""
    text = str(value).strip()
    if text.lower() == "latest":
        return -1
    try:
        version = int(text)
    except ValueError:
        raise invalid_version(str(value)) from None
    if (version <= 0 and version != -1) or version > 2**31 - 1:
        raise invalid_version(str(value))
    return version


# ---------------------------------------------------------------------------------------------------
# The store


class Store:
    """Registry state plus the server's rules; thread-safe via :attr:`lock`."""

    def __init__(
        self,
        checkers: Mapping[str, Checker] | None = None,
        default_compatibility: str = "BACKWARD",
        legacy_responses: bool = False,
    ) -> None:
        self.lock = threading.RLock()
        self.checkers: dict[str, Checker] = {
            "AVRO": avro_checker,
            "JSON": jsonschema_checker,
            **dict(checkers or {}),
        }
        self.default_compatibility = default_compatibility
        self.legacy_responses = legacy_responses
        self.lookup_populates = True
        """A lookup (``POST /subjects/{S}``) that finds nothing tries again with the metadata and ruleSet
        a registration would inherit from the latest version and the config (Confluent since 7.6.6,
        7.7.4, 7.8.3, 7.9.2 and 8.0.1, schema-registry#3555). False plays the servers before it."""
        self.subjects: dict[str, dict[int, SchemaVersion]] = {}
        self.ids: dict[str, dict[int, SchemaContent]] = {}
        self.content_ids: dict[str, dict[SchemaContent, int]] = {}  # keyed by _id_key(content)
        self.contexts: set[str] = set()
        self.configs: dict[str | None, dict[str, Any]] = {}
        self.modes: dict[str | None, str] = {}
        self.log: list[LogEntry] = []
        """Every version written, in write order: the double's stand-in for the ``_schemas`` topic,
        which exporters read by offset (the index in this list)."""

    # -- seeding helpers (bypass mode and compatibility checks) -----------------------------------

    def register(
        self,
        subject: str,
        schema: str | Mapping[str, Any],
        schema_type: str = "AVRO",
        references: Iterable[Reference | Mapping[str, Any]] = (),
        id: int | None = None,
        version: int | None = None,
        metadata: Mapping[str, Any] | None = None,
        rule_set: Mapping[str, Any] | None = None,
    ) -> SchemaVersion:
        """Seed a schema as an import would: parsed and canonicalised, references resolved,
        explicit id/version honoured, but no mode gate and no compatibility check."""
        text = schema if isinstance(schema, str) else json.dumps(schema)
        subject = normalize_subject(subject)
        with self.lock:
            content = self._canonicalize(
                subject, text, schema_type.upper(), _parse_references(list(references)), metadata, rule_set
            )
            schema_id = self._assign_id(subject, content, id)
            new_version = version if version is not None else self._next_version(subject)
            return self._put(subject, new_version, schema_id, content)

    def set_config(self, subject: str | None, level: str | None = None, **fields: Any) -> None:
        """Set a config directly (``None`` = top level, ``":.__GLOBAL:"``, ``":.ctx:"`` or a subject)."""
        update = dict(fields)
        if level is not None:
            update["compatibility"] = level
        with self.lock:
            key = None if is_top_level(subject) else normalize_subject(subject or "")
            self._merge_config(key, update)

    def set_mode(self, subject: str | None, mode: str) -> None:
        """Set a mode directly, skipping the IMPORT preconditions."""
        with self.lock:
            key = None if is_top_level(subject) else normalize_subject(subject or "")
            self.modes[key] = mode.upper()

    def versions_of(self, subject: str, include_deleted: bool = False) -> list[SchemaVersion]:
        with self.lock:
            stored = self.subjects.get(normalize_subject(subject), {})
            return [v for _, v in sorted(stored.items()) if include_deleted or not v.deleted]

    # -- internals -------------------------------------------------------------------------------

    def _next_version(self, subject: str) -> int:
        return max(self.subjects.get(subject, {}), default=0) + 1

    def _get(self, subject: str, version: int, include_deleted: bool) -> SchemaVersion | None:
        """``get(subject, version, returnDeleted)``; ``latest`` only ever sees live versions."""
        stored = self.subjects.get(subject, {})
        if version == -1:
            live = [v for v in stored.values() if not v.deleted]
            return max(live, key=lambda v: v.version) if live else None
        found = stored.get(version)
        if found is None or (found.deleted and not include_deleted):
            return None
        return found

    def _has_subjects(self, pattern: str | None, include_deleted: bool) -> bool:
        return any(
            _matches(pattern, s) and any(include_deleted or not v.deleted for v in vs.values())
            for s, vs in self.subjects.items()
        )

    def _resolve(
        self,
        parent: str,
        refs: Sequence[Reference],
        include_deleted: bool,
        seen: dict[str, str] | None = None,
    ) -> tuple[list[tuple[str, str]], list[Reference]]:
        """Resolve references depth-first (dependencies first), qualified with the parent context.

        Returns the resolved (name, schema) list and the references with ``-1`` pinned.
        """
        resolved: list[tuple[str, str]] = []
        pinned: list[Reference] = []
        seen = {} if seen is None else seen
        parent_context, _ = split_subject(parent)
        for ref in refs:
            ref_context, ref_name = split_subject(ref.subject)
            target = ref.subject if ref_context != DEFAULT_CONTEXT else qualify(parent_context, ref_name)
            target = normalize_subject(target)
            found = self._get(target, ref.version, include_deleted)
            if found is None:
                raise invalid_schema(
                    f'No schema reference found for subject "{target}" and version {ref.version}'
                )
            pinned.append(Reference(ref.name, ref.subject, found.version))
            if ref.name in seen:
                continue
            seen[ref.name] = found.content.schema
            sub, _ = self._resolve(target, found.content.references, include_deleted, seen)
            resolved.extend(sub)
            resolved.append((ref.name, found.content.schema))
        return resolved, pinned

    def _canonicalize(
        self,
        subject: str,
        schema: str,
        schema_type: str,
        refs: tuple[Reference, ...],
        metadata: Mapping[str, Any] | None,
        rule_set: Mapping[str, Any] | None,
        normalize: bool = False,
        include_deleted_refs: bool = True,
    ) -> SchemaContent:
        """Parse and canonicalise, raising 42201 for unknown types, bad text or dangling references."""
        if schema_type not in SCHEMA_TYPES:
            raise invalid_schema(f"Invalid schema type {schema_type}")
        if not schema or not schema.strip():
            raise invalid_schema("Empty schema")
        try:
            resolved, pinned = self._resolve(subject, refs, include_deleted_refs)
        except RegistryError as exc:
            raise invalid_schema(f"Invalid schema of type {schema_type}, details: {exc.message}") from None
        try:
            if schema_type == "AVRO":
                parse_avro(schema, resolved)
            elif schema_type == "JSON":
                load_json_schema(schema, resolved)
            text = canonical_text(schema_type, schema, normalize)
        except SchemaParseError as exc:
            raise invalid_schema(f"Invalid schema of type {schema_type}, details: {exc}") from None
        return SchemaContent(
            schema_type,
            text,
            tuple(pinned),
            _canonical_json(tidy_metadata(metadata)),
            _canonical_json(tidy_rule_set(rule_set)),
        )

    def doc(self, subject: str, content: SchemaContent, version: int | None = None) -> SchemaDoc:
        """The checker's view of a schema: text plus resolved references (and Avro parse)."""
        resolved, _ = self._resolve(subject, content.references, True)
        parsed = parse_avro(content.schema, resolved) if content.schema_type == "AVRO" else None
        return SchemaDoc(content.schema_type, content.schema, tuple(resolved), version, parsed)

    def _assign_id(self, subject: str, content: SchemaContent, requested: int | None) -> int:
        context, _ = split_subject(subject)
        by_id = self.ids.setdefault(context, {})
        if requested is not None and requested >= 0:
            existing = by_id.get(requested)
            if existing is not None and _id_key(existing) != _id_key(content):
                context_name = context_prefix(subject)
                raise not_permitted(
                    f"Overwrite new schema with id {requested} in context {context_name} is not permitted."
                )
            return requested
        found = self.content_ids.get(context, {}).get(_id_key(content))
        if found is not None:
            return found
        return max(by_id, default=0) + 1

    def _put(self, subject: str, version: int, schema_id: int, content: SchemaContent) -> SchemaVersion:
        context, _ = split_subject(subject)
        if context != DEFAULT_CONTEXT:
            self.contexts.add(context)
        self.ids.setdefault(context, {})[schema_id] = content
        self.content_ids.setdefault(context, {}).setdefault(_id_key(content), schema_id)
        record = SchemaVersion(subject, version, schema_id, content)
        self.subjects.setdefault(subject, {})[version] = record
        self.log.append(LogEntry(time.monotonic(), record))
        return record

    def is_current(self, record: SchemaVersion) -> bool:
        """True while ``record`` is still the live version stored under its subject and number."""
        with self.lock:
            return self.subjects.get(record.subject, {}).get(record.version) is record and not record.deleted

    # -- config and mode resolution (InMemoryCache.config / mode) ---------------------------------

    def _config_entity(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        entity = {k: stored[k] for k in _CONFIG_FIELDS if stored.get(k) is not None}
        entity.setdefault("compatibilityLevel", self.default_compatibility)
        return entity

    def config(self, subject: str | None, in_scope: bool) -> dict[str, Any] | None:
        """The subject's own config (``in_scope=False``; ``None`` if unset below top level) or the
        effective one: subject (merged over top level) -> context -> ``:.__GLOBAL:`` -> default."""
        default = {"compatibilityLevel": self.default_compatibility}
        own = self.configs.get(subject)
        if not in_scope:
            if own is not None:
                return self._config_entity(own)
            if subject is None or split_subject(subject)[0] == GLOBAL_CONTEXT:
                return default
            return None
        if subject is not None and own is not None:
            top = {k: v for k, v in (self.configs.get(None) or {}).items() if k not in _CONTRACT_CONFIG}
            # metadata and rules come from the subject's own config alone (Config.mergeConfigs)
            merged = {**top, **{k: v for k, v in own.items() if v is not None}}
            return self._config_entity(merged)
        if own is not None:
            return self._config_entity(own)
        context, _ = split_subject(subject or "")
        scope_key = None if context == DEFAULT_CONTEXT else f":{context}:"
        for key in (scope_key, GLOBAL_KEY):
            if key in self.configs:
                return self._config_entity(self.configs[key])
        return default

    def mode(self, subject: str | None, in_scope: bool) -> str | None:
        if subject in self.modes:
            return self.modes[subject]
        if not in_scope:
            if subject is None or split_subject(subject)[0] == GLOBAL_CONTEXT:
                return "READWRITE"
            return None
        context, _ = split_subject(subject or "")
        scope_key = None if context == DEFAULT_CONTEXT else f":{context}:"
        for key in (scope_key, GLOBAL_KEY):
            if key in self.modes:
                return self.modes[key]
        return "READWRITE"

    def effective_mode(self, subject: str | None) -> str:
        return self.mode(subject, True) or "READWRITE"

    def effective_level(self, subject: str) -> str:
        config = self.config(subject, True) or {}
        return str(config.get("compatibilityLevel", self.default_compatibility)).upper()

    def _check_not_read_only(self, subject: str | None) -> None:
        if self.mode(subject, True) in ("READONLY", "READONLY_OVERRIDE"):
            raise not_permitted(
                f"Subject {subject} in context {context_prefix(subject or '')} is in read-only mode"
            )

    def _merge_config(self, key: str | None, update: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /config is a merge: absent keeps, explicit null clears (``ConfigValue.update``)."""
        current = dict(self.configs.get(key, {}))
        for name, value in update.items():
            target = "compatibilityLevel" if name == "compatibility" else name
            if name == "compatibilityLevel" or target not in _CONFIG_FIELDS:
                continue  # the PUT body key is "compatibility"; others are ignored like unknown JSON
            if value is None:
                current.pop(target, None)
            else:
                current[target] = value.upper() if target == "compatibilityLevel" else value
        self.configs[key] = current
        return current

    # -- REST operations ---------------------------------------------------------------------------

    def compat_messages(
        self, subject: str, content: SchemaContent, previous: Sequence[SchemaVersion]
    ) -> list[str]:
        """``isCompatibleWithPrevious``: checker messages plus the trailing config summary."""
        level = self.effective_level(subject)
        group = (self.config(subject, True) or {}).get("compatibilityGroup")
        if group:  # only versions whose metadata property has the new schema's value are compared
            value = _group_value(content, group)
            previous = [v for v in previous if _group_value(v.content, group) == value]
        new_doc = self.doc(subject, content)
        old_docs = [self.doc(v.subject, v.content, v.version) for v in previous]
        config = self.config(subject, True) or {}
        checker = self.checkers.get(content.schema_type)
        if checker is jsonschema_checker and config.get("compatibilityPolicy") == "LENIENT":
            checker = lenient_jsonschema_checker
        messages = check_against(level, new_doc, old_docs, checker)
        if messages:
            validate = "true" if config.get("validateFields") else "false"
            messages.append(f"{{validateFields: '{validate}', compatibility: '{level}'}}")
        return messages

    def _content_from_body(
        self, subject: str, body: Mapping[str, Any], normalize: bool, include_deleted_refs: bool = True
    ) -> SchemaContent:
        schema = body.get("schema")
        if schema is not None and not isinstance(schema, str):
            raise invalid_schema("Invalid schema: 'schema' must be a string")
        schema_type = str(body.get("schemaType") or "AVRO").upper()
        return self._canonicalize(
            subject,
            schema or "",
            schema_type,
            _parse_references(body.get("references")),
            body.get("metadata"),
            body.get("ruleSet"),
            normalize,
            include_deleted_refs,
        )

    def _normalize_flag(self, subject: str, normalize: bool) -> bool:
        return normalize or bool((self.config(subject, True) or {}).get("normalize"))

    def _find_in_subject(
        self, subject: str, content: SchemaContent, include_deleted: bool
    ) -> SchemaVersion | None:
        """Highest version holding ``content``, metadata and ruleSet included (null is not ``{}``).

        As Confluent, an exact match first (its lookup cache, keyed by ``MD5.ofSchema``: text,
        references, metadata, ruleSet), then the newest live version the schema is *equivalent* to
        (``ParsedSchema.canLookup`` -> ``equivalent``: for Avro and JSON Schema the parsed documents
        are equal, so JSON key order does not matter; for Protobuf the texts are equal but for
        comments and blanks; and metadata and ruleSet are equal), which is how a git file finds a
        version a serializer registered without normalizing, or one its comments have changed since."""
        candidates = sorted(self.subjects.get(subject, {}).values(), key=lambda v: -v.version)
        for same in (_same_text, _equivalent):
            for record in candidates:
                if record.deleted and not include_deleted:
                    continue
                stored = record.content
                if stored.schema_type != content.schema_type or stored.references != content.references:
                    continue
                if not same(stored, content):
                    continue
                if (content.metadata, content.rule_set) != (stored.metadata, stored.rule_set):
                    continue
                return record
        return None

    def contract_config(self, subject: str) -> dict[str, Any]:
        """The defaultMetadata/overrideMetadata/defaultRuleSet/overrideRuleSet in scope: a subject
        with a config of its own takes only its own (``Config.mergeConfigs``), else its context's
        or the global one. All absent unless a test sets them."""
        own = self.configs.get(subject)
        if own is None:
            context, _ = split_subject(subject)
            scope_key = None if context == DEFAULT_CONTEXT else f":{context}:"
            own = next((self.configs[k] for k in (scope_key, GLOBAL_KEY) if k in self.configs), {})
        return {k: own[k] for k in _CONTRACT_CONFIG if own.get(k) is not None}

    def _populated(
        self, subject: str, content: SchemaContent, new_version: int | None, version_given: bool
    ) -> SchemaContent:
        """``maybeSetMetadataRuleSet``: what a request without metadata or ruleSet is stored as."""
        live = self.versions_of(subject)
        previous = None
        if live:
            latest = live[-1].content
            previous = (_loads(latest.metadata), _loads(latest.rule_set))
        metadata, rule_set = populate(
            _loads(content.metadata),
            _loads(content.rule_set),
            previous,
            self.contract_config(subject),
            new_version,
            version_given,
        )
        return replace(content, metadata=_canonical_json(metadata), rule_set=_canonical_json(rule_set))

    def register_request(
        self, subject: str, body: Mapping[str, Any], normalize: bool = False, force: bool = False
    ) -> SchemaVersion:
        """``POST /subjects/{S}/versions`` following ``registerOrForward`` + ``register``."""
        if not is_valid_subject(subject) or split_subject(subject)[1] == "":
            raise _unprocessable(42208, f"The specified subject '{subject}' is not a valid.")
        subject = normalize_subject(subject)
        raw_id = body.get("id")
        raw_version = body.get("version")
        try:
            req_id = -1 if raw_id is None else int(raw_id)
            req_version = 0 if raw_version is None else int(raw_version)
        except (TypeError, ValueError):
            raise invalid_schema("Invalid id or version in request") from None
        with self.lock:
            mode = self.effective_mode(subject)
            normalize = self._normalize_flag(subject, normalize)
            # Idempotent fast path: an already registered schema is returned even in READONLY mode
            # (skipped when the config in scope has default or override metadata or rules).
            if body.get("schema") and not self.contract_config(subject):
                existing = self._find_in_subject(
                    subject, self._content_from_body(subject, body, normalize), False
                )
                if existing is not None:
                    if req_version in (0, -1) and (req_id < 0 or req_id == existing.id):
                        return existing
                    if req_id == existing.id and req_version == existing.version:
                        return existing
            ctx = context_prefix(subject)
            if mode in ("READONLY", "READONLY_OVERRIDE"):
                raise not_permitted(f"Subject {subject} in context {ctx} is in read-only mode")
            importing = mode in ("IMPORT", "FORWARD")
            if req_id >= 0 and not importing:
                raise not_permitted(f"Subject {subject} in context {ctx} is not in import mode")
            if req_id < 0 and mode != "READWRITE":
                raise not_permitted(f"Subject {subject} in context {ctx} is not in read-write mode")
            new_version = self._next_version(subject)
            live = self.versions_of(subject)
            if not importing and not body.get("schema"):
                if not live:
                    raise invalid_schema("Empty schema")
                latest = live[-1].content
                body = {
                    **body,
                    "schema": latest.schema,
                    "schemaType": latest.schema_type,
                    "references": [r.to_json() for r in latest.references],
                }
            content = self._content_from_body(
                subject, body, normalize and not importing, include_deleted_refs=importing
            )
            if not importing:  # metadata and ruleSet the request leaves out come from the latest version
                content = self._populated(subject, content, new_version, req_version != 0)
            schema_id = req_id
            if req_version == 0:
                same = self._find_in_subject(subject, content, False)
                if same is not None and (req_id < 0 or req_id == same.id):
                    return same
            reused = self.content_ids.get(split_subject(subject)[0], {}).get(_id_key(content))
            if reused is not None and (req_id < 0 or req_id == reused):
                schema_id = reused
            if not importing and not force:
                messages = self.compat_messages(subject, content, live)
                if messages:
                    code = 409 if self.legacy_responses else 40901
                    raise RegistryError(
                        409,
                        code,
                        "Schema being registered is incompatible with an earlier schema for subject "
                        f'"{subject}", details: [{", ".join(messages)}]',
                    )
            if req_version <= 0:
                version = new_version
            elif req_version != new_version and not importing:
                raise invalid_schema("Version is not one more than previous version")
            else:
                version = req_version
            schema_id = self._assign_id(subject, content, schema_id if schema_id >= 0 else None)
            for old in list(self.subjects.get(subject, {}).values()):
                if (
                    old.deleted
                    and old.id == schema_id
                    and old.version < version
                    and not self._referrers(old, True)
                ):
                    del self.subjects[subject][old.version]
            return self._put(subject, version, schema_id, content)

    def lookup(self, subject: str, body: Mapping[str, Any], normalize: bool, deleted: bool) -> SchemaVersion:
        """``POST /subjects/{S}``: 42201 bad schema, 40401 no (live) versions, 40403 not in subject."""
        subject = normalize_subject(subject)
        with self.lock:
            content = self._content_from_body(subject, body, self._normalize_flag(subject, normalize))
            found = self._find_in_subject(subject, content, deleted)
            if found is None and self.lookup_populates and self.versions_of(subject):
                # as registration would fill it in (AbstractSchemaRegistry.lookUpSchemaUnderSubject)
                populated = self._populated(subject, content, None, False)
                if populated != content:
                    found = self._find_in_subject(subject, populated, deleted)
            if found is None:
                if not self._has_subjects(subject, deleted):
                    raise subject_not_found(subject)
                raise _not_found(40403, "Schema not found")
            return found

    def compatibility(
        self, subject: str, body: Mapping[str, Any], version: str | None, normalize: bool, verbose: bool
    ) -> tuple[bool, list[str]]:
        """``POST /compatibility/subjects/{S}/versions[/{V}]``."""
        subject = normalize_subject(subject)
        with self.lock:
            if version is None:
                previous = self.versions_of(subject)
            else:
                number = parse_version(version)
                found = self._get(subject, number, False)
                if found is None and number != -1:
                    raise version_not_found(number)
                previous = [found] if found is not None else []
            try:
                content = self._content_from_body(subject, body, self._normalize_flag(subject, normalize))
                messages = self.compat_messages(subject, content, previous)
            except RegistryError as exc:
                if not verbose or exc.error_code != 42201:
                    raise
                messages = [exc.message]
            return not messages, messages

    def get_version(self, subject: str, version: str, deleted: bool) -> SchemaVersion:
        subject = normalize_subject(subject)
        number = parse_version(version)
        with self.lock:
            found = self._get(subject, number, deleted)
            if found is None:
                if not self._has_subjects(subject, deleted):
                    raise subject_not_found(subject)
                raise version_not_found(number)
            return found

    def list_versions(
        self, subject: str, deleted: bool, deleted_only: bool, deleted_as_negative: bool
    ) -> list[int]:
        subject = normalize_subject(subject)
        with self.lock:
            if not self._has_subjects(subject, deleted or deleted_only):
                raise subject_not_found(subject)
            out = []
            for record in self.versions_of(subject, include_deleted=True):
                if deleted_as_negative:
                    out.append(-record.version if record.deleted else record.version)
                elif deleted_only:
                    if record.deleted:
                        out.append(record.version)
                elif deleted or not record.deleted:
                    out.append(record.version)
            return out

    def list_subjects(self, prefix: str, deleted: bool, deleted_only: bool) -> list[str]:
        """``GET /subjects``: sorted; a subject counts as deleted when all its versions are."""
        context, name = split_subject(prefix)
        with self.lock:
            out = []
            for subject, versions in self.subjects.items():
                if not versions:
                    continue
                s_context, s_name = split_subject(subject)
                if context != "*" and s_context != context:
                    continue
                if not s_name.startswith(name):
                    continue
                all_deleted = all(v.deleted for v in versions.values())
                if (deleted_only and all_deleted) or (not deleted_only and (deleted or not all_deleted)):
                    out.append(subject)
            return sorted(out)

    def _referrers(self, target: SchemaVersion, include_deleted: bool) -> list[SchemaVersion]:
        found = []
        for subject, versions in self.subjects.items():
            parent_context, _ = split_subject(subject)
            for record in versions.values():
                if record.deleted and not include_deleted:
                    continue
                for ref in record.content.references:
                    ref_context, ref_name = split_subject(ref.subject)
                    qualified = (
                        ref.subject if ref_context != DEFAULT_CONTEXT else qualify(parent_context, ref_name)
                    )
                    if normalize_subject(qualified) == target.subject and ref.version == target.version:
                        found.append(record)
        return sorted(found, key=lambda r: (r.id, r.subject, r.version))

    def referenced_by(self, subject: str, version: str, deleted: bool) -> list[int]:
        target = self.get_version(subject, version, True)
        with self.lock:
            return sorted({r.id for r in self._referrers(target, deleted)})

    def delete_version(self, subject: str, version: str, permanent: bool) -> int:
        """Soft then hard delete of one version, with 40406/40407/42206/42205 as the server does."""
        subject = normalize_subject(subject)
        number = parse_version(version)
        with self.lock:
            stored = self.subjects.get(subject, {}).get(number)
            if stored is not None and stored.deleted and not permanent:
                raise _not_found(
                    40406,
                    f"Subject '{subject}' Version {number} was soft deleted.Set permanent=true to delete "
                    "permanently",
                )
            record = self._get(subject, number, True)
            if record is None:
                if not self._has_subjects(subject, True):
                    raise subject_not_found(subject)
                raise version_not_found(number)
            self._check_not_read_only(subject)
            if self._referrers(record, permanent):
                raise reference_exists(subject, record.version)
            if permanent and not record.deleted:
                raise _not_found(
                    40407,
                    f"Subject '{subject}' Version {record.version} was not deleted first before being "
                    "permanently deleted",
                )
            if not permanent:
                record.deleted = True
            else:
                del self.subjects[subject][record.version]
                if not self.subjects[subject]:
                    self._drop_subject(subject)
            return record.version

    def delete_subject(self, subject: str, permanent: bool) -> list[int]:
        subject = normalize_subject(subject)
        with self.lock:
            if not self._has_subjects(subject, True):
                raise subject_not_found(subject)
            if not permanent and not self._has_subjects(subject, False):
                raise _not_found(
                    40404, f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"
                )
            self._check_not_read_only(subject)
            targets = self.versions_of(subject, include_deleted=permanent)
            for record in targets:
                if any(r.subject != subject for r in self._referrers(record, permanent)):
                    raise reference_exists(subject, record.version)
                if permanent and not record.deleted:
                    raise _not_found(
                        40405, f"Subject '{subject}' was not deleted first before being permanently deleted"
                    )
            for record in targets:
                if permanent:
                    del self.subjects[subject][record.version]
                else:
                    record.deleted = True
            if permanent:
                self._drop_subject(subject)
            return [r.version for r in targets]

    def _drop_subject(self, subject: str) -> None:
        """After the last hard delete the subject's own mode and config go too."""
        self.subjects.pop(subject, None)
        self.modes.pop(subject, None)
        self.configs.pop(subject, None)

    def _id_context(self, schema_id: int, subject: str | None) -> str | None:
        """Context that resolves ``schema_id``: the subject's, or (unqualified) any known one."""
        context, name = split_subject(subject or "")
        if schema_id in self.ids.get(context, {}):
            return context
        if subject and context == DEFAULT_CONTEXT and name:
            for other in sorted(self.contexts):
                if schema_id in self.ids.get(other, {}):
                    return other
        return None

    def schema_by_id(self, schema_id: int, subject: str | None) -> tuple[str, SchemaContent]:
        with self.lock:
            context = self._id_context(schema_id, subject)
            if context is None:
                raise _not_found(40403, f"Schema {schema_id} not found")
            return context, self.ids[context][schema_id]

    def versions_for_id(self, schema_id: int, subject: str | None, deleted: bool) -> list[SchemaVersion]:
        with self.lock:
            context, _ = self.schema_by_id(schema_id, subject)
            out: list[SchemaVersion] = []
            for s, versions in sorted(self.subjects.items()):
                if split_subject(s)[0] != context:
                    continue
                out.extend(
                    v for _, v in sorted(versions.items()) if v.id == schema_id and (deleted or not v.deleted)
                )
            return out

    def put_config(self, subject: str | None, body: Mapping[str, Any]) -> dict[str, Any]:
        level = body.get("compatibility")
        if level is not None and (not isinstance(level, str) or level.upper() not in LEVELS):
            raise _unprocessable(
                42203,
                "Invalid compatibility level. Valid values are none, backward, forward, full, "
                "backward_transitive, forward_transitive, and full_transitive",
            )
        key = None if is_top_level(subject) else subject
        if key is not None:
            if not is_valid_subject(key, config_or_mode=True):
                raise _unprocessable(42208, f"The specified subject '{key}' is not a valid.")
            key = normalize_subject(key)
        with self.lock:
            self._check_not_read_only(key)
            stored = self._merge_config(key, body)
            rendered = self._config_entity(stored)
            rendered["compatibility"] = rendered.pop("compatibilityLevel")
            return rendered

    def delete_config(self, subject: str | None) -> dict[str, Any]:
        key = None if is_top_level(subject) else normalize_subject(subject or "")
        with self.lock:
            old = self.config(key, False)
            if old is None:
                raise subject_not_found(key or "")
            self._check_not_read_only(key)
            self.configs.pop(key, None)
            return old

    def put_mode(self, subject: str | None, body: Mapping[str, Any], force: bool) -> dict[str, Any]:
        if subject is not None and not is_valid_subject(subject, config_or_mode=True):
            raise _unprocessable(42208, f"The specified subject '{subject}' is not a valid.")
        key = None if is_top_level(subject) else normalize_subject(subject or "")
        raw = body.get("mode")
        if not isinstance(raw, str) or raw.upper() not in MODES:
            raise _unprocessable(
                42204, "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD."
            )
        mode = raw.upper()
        if raw == "FORWARD" and key != GLOBAL_KEY:
            raise _unprocessable(42204, "Forward mode only supported on global level")
        with self.lock:
            if mode == "IMPORT" and self.mode(key, True) != "IMPORT" and not force:
                if self._has_subjects(key, False):
                    raise not_permitted("Cannot import since found existing subjects")
                doomed = [v for s, vs in self.subjects.items() if _matches(key, s) for v in vs.values()]
                for record in doomed:
                    if self._referrers(record, True):
                        raise reference_exists(record.subject, record.version)
                for record in doomed:
                    del self.subjects[record.subject][record.version]
                for s in [s for s, vs in self.subjects.items() if not vs]:
                    del self.subjects[s]
            self.modes[key] = mode
            return dict(body)

    def delete_mode(self, subject: str | None, recursive: bool) -> dict[str, Any]:
        key = None if is_top_level(subject) else normalize_subject(subject or "")
        with self.lock:
            old = self.mode(key, False)
            if old is None and not recursive:
                raise subject_not_found(key or "")
            self.modes.pop(key, None)
            if recursive and key is not None and split_subject(key)[1] == "":
                for k in [k for k in self.modes if k is not None and _matches(key, k)]:
                    del self.modes[k]
            return {"mode": old} if old is not None else {}

    def list_contexts(self) -> list[str]:
        with self.lock:
            return [DEFAULT_CONTEXT, *sorted(self.contexts)]

    def delete_context(self, context: str) -> None:
        with self.lock:
            if any(split_subject(s)[0] == context and vs for s, vs in self.subjects.items()):
                raise _unprocessable(42211, f"Context '{context}' is not empty")
            if context not in self.contexts:
                raise subject_not_found(context)
            self.contexts.discard(context)
