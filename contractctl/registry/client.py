"""A thin Schema Registry client: exactly the calls contractctl needs, parsed strictly.

Why not confluent-kafka's ``SchemaRegistryClient``: it drops verbose compatibility messages, cannot
ask with ``defaultToGlobal`` (so an inherited level looks like 40408), cannot register with an id and
version in IMPORT mode, has no exporters, no timeout by default, its own retry policy, and caches
answers a gate must not trust. So this client speaks the REST API directly (see transport.py for the
HTTP library and the retry policy).

Strictness: a 200 whose body has the wrong shape is a :class:`RegistryError` ("unexpected
response"), never a guess, so a gate fails closed. "Not found" answers that a method documents
(40401, 40402, 40403, 40408) are results (None, [] or "compatible"), not errors.

Contexts: with ``context: .staging`` every subject is sent qualified (``:.staging:orders-value``) and
returned unqualified; path segments are percent-encoded with ``safe=''``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from contractctl.model import CompatibilityLevel
from contractctl.registry.error_codes import classify
from contractctl.registry.errors import (
    IncompatibleSchemaError,
    RegistryError,
    RegistryRefusal,
    RegistryRejectedInput,
    scrub,
)
from contractctl.registry.inherit import ConfigContract, config_contract
from contractctl.registry.inherit import ContractExtras as ContractExtras  # re-exported: where it began
from contractctl.registry.settings import RegistrySettings

if TYPE_CHECKING:
    from contractctl.registry.transport import Transport

MODES = frozenset({"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT", "FORWARD"})
SUBJECT_NOT_FOUND = 40401
VERSION_NOT_FOUND = 40402
SCHEMA_NOT_FOUND = 40403
SUBJECT_CONFIG_NOT_FOUND = 40408  # CP >= 7.0; before, a subject without a config of its own is 40401
SCHEMAS_PAGE = 1000  # Confluent's schema.search.max.limit default: a larger page is answered with less


@dataclass(frozen=True)
class SchemaRef:
    name: str
    subject: str
    version: int


@dataclass(frozen=True)
class RegisteredSchema:
    subject: str
    version: int
    id: int
    schema: str
    schema_type: str  # "AVRO" when the registry leaves it out (servers before CP 8.0 do)
    references: tuple[SchemaRef, ...] = ()
    # the data contract parts: with the text they make the schema an id names (Confluent's MD5.ofSchema)
    metadata: Mapping[str, Any] | None = None
    rule_set: Mapping[str, Any] | None = None

    @property
    def contract(self) -> ContractExtras | None:
        """Its metadata and rules as they are sent back (None when it has neither)."""
        if self.metadata is None and self.rule_set is None:
            return None
        return ContractExtras(self.metadata, self.rule_set)


@dataclass(frozen=True)
class CompatibilityAnswer:
    is_compatible: bool  # decide on this, never on messages being empty (schema-registry#2278)
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubjectConfig:
    level: str
    group: str | None  # compatibilityGroup: None when the registry compares every version
    contract: ConfigContract = field(default_factory=ConfigContract)  # merged into every registration


@dataclass(frozen=True)
class OwnConfig:
    """The level and group a subject's own config sets (GET /config/{subject}, nothing inherited);
    either is None when the answer leaves it out. Confluent answers an own config that sets no level
    with the server's default level (InMemoryCache.populateCompatibilityLevel), which then is also the
    level in force for that subject, so putting that answer back changes neither answer nor effect."""

    level: str | None
    group: str | None

    def describe(self) -> str:
        level = f"compatibility level {self.level}" if self.level else "no compatibility level of its own"
        return level + (f" with compatibility group {self.group}" if self.group else "")


class RegistryClient:
    """One named registry. Thread-safe: share one client between threads (see fanout.fan_out)."""

    def __init__(self, settings: RegistrySettings) -> None:
        from contractctl.registry.transport import Transport  # the HTTP stack loads only here

        self.settings = settings
        self.name = settings.name
        self._transport: Transport = Transport(settings)
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------------------------

    def mask_also(self, secrets: list[str]) -> None:
        """Mask these values too in every error (the secrets of the other registries in this run)."""
        self._transport.also_mask = list(secrets)

    def ask_again(self) -> None:
        """Ask even if a request of this run found the registry unreachable: for putting back what
        the run changed, worth every retry (the transport otherwise fails later requests at once)."""
        self._transport.forget_unreachable()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._transport.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RegistryClient(name={self.name!r}, context={self.settings.context!r})"

    # -- subjects and versions -----------------------------------------------------------------------

    def qualify(self, subject: str) -> str:
        """The subject as the registry names it (an already qualified subject is left alone)."""
        context = self.settings.context
        if context is None or subject.startswith(":"):
            return subject
        return f":{context}:{subject}"

    def subject_path(self, subject: str) -> str:
        """The percent-encoded path segment for ``subject`` (for :meth:`request`)."""
        return _segment(self.qualify(subject))

    def subjects(self) -> list[str]:
        """Live subjects of this client's context, unqualified, sorted."""
        context = self.settings.context
        # An old server (no contexts) would read ":.:" as a literal prefix, so the default context is
        # asked without a prefix and other contexts' (qualified) subjects are dropped here.
        params = {"subjectPrefix": f":{context}:"} if context else None
        payload = self.request("GET", "/subjects", params=params)
        names = self._list_of(payload, str, "a list of subject names")
        if context is None:
            return sorted(n for n in names if not n.startswith(":"))
        prefix = f":{context}:"
        return sorted(n[len(prefix) :] for n in names if n.startswith(prefix))

    def versions(self, subject: str) -> list[int]:
        """Live version numbers, ascending; [] when the subject does not exist."""
        payload = self.request(
            "GET", f"/subjects/{self.subject_path(subject)}/versions", not_found={SUBJECT_NOT_FOUND}
        )
        if payload is None:
            return []
        return sorted(self._list_of(payload, int, "a list of version numbers"))

    def get_version(self, subject: str, version: int | str = "latest") -> RegisteredSchema | None:
        """One version (default the latest); None when the subject or version does not exist."""
        payload = self.request(
            "GET",
            f"/subjects/{self.subject_path(subject)}/versions/{_version_segment(version)}",
            not_found={SUBJECT_NOT_FOUND, VERSION_NOT_FOUND},
        )
        return None if payload is None else self._record(payload, subject)

    def schemas(self, subject_prefix: str = "") -> list[RegisteredSchema] | None:
        """Every live version of every subject under a prefix (``GET /schemas``, CP 7.x+), with
        subjects as the registry names them; None when the server does not offer it, or cannot page.

        Confluent answers at most ``schema.search.default.limit`` records (1000) per request since
        7.4.1, so the listing is read page by page until an empty page (a short page proves nothing:
        a server whose maximum is lower than the page asked for answers its default instead).
        """
        records: list[RegisteredSchema] = []
        seen: set[tuple[str, int]] = set()
        while True:
            params = {"subjectPrefix": subject_prefix, "latestOnly": "false", "deleted": "false"}
            params.update(offset=str(len(records)), limit=str(SCHEMAS_PAGE))
            payload = self.request("GET", "/schemas", params=params, not_found={404})
            if payload is None:
                return None
            page = self._list_of(payload, dict, "a list of schemas")
            if not page:
                return records
            for item in page:
                subject = item.get("subject")
                if not isinstance(subject, str):
                    raise self._unexpected("a schema without subject")
                record = self._record(item, subject)
                if (subject, record.version) in seen:
                    return None  # the server ignores offset (or the listing moved): no complete read
                seen.add((subject, record.version))
                records.append(record)

    def lookup(
        self,
        subject: str,
        schema: str,
        schema_type: str,
        references: Iterable[SchemaRef] = (),
        normalize: bool = True,
        contract: ContractExtras | None = None,
    ) -> RegisteredSchema | None:
        """The version of ``subject`` that holds this schema (compared as the registry canonicalises
        it, so formatting does not matter); None when the subject lacks it or does not exist."""
        payload = self.request(
            "POST",
            f"/subjects/{self.subject_path(subject)}",
            params={"normalize": _flag(normalize)},
            json=_schema_body(schema, schema_type, references, contract),
            not_found={SUBJECT_NOT_FOUND, SCHEMA_NOT_FOUND},
        )
        return None if payload is None else self._record(payload, subject)

    def test_compatibility(
        self,
        subject: str,
        schema: str,
        schema_type: str,
        references: Iterable[SchemaRef] = (),
        version: int | str | None = "latest",
        normalize: bool = True,
        contract: ContractExtras | None = None,
    ) -> CompatibilityAnswer:
        """Ask the registry, with verbose messages. ``version=None`` checks against every version the
        subject's level requires (what registration would check). A subject without versions is
        compatible."""
        path = f"/compatibility/subjects/{self.subject_path(subject)}/versions"
        latest = version is None or str(version) in ("latest", "-1")
        if version is not None:
            path += f"/{_version_segment(version)}"
        try:
            payload = self.request(
                "POST",
                path,
                params={"verbose": "true", "normalize": _flag(normalize)},
                json=_schema_body(schema, schema_type, references, contract),
                # old servers (CP 5.5) answer 40401 for a missing subject; "latest" of nothing is nothing
                not_found={SUBJECT_NOT_FOUND, VERSION_NOT_FOUND} if latest else {SUBJECT_NOT_FOUND},
            )
        except RegistryError as error:
            if version is not None or error.status != 404 or error.error_code not in (None, 404):
                raise
            # before CP 7.0 only one version can be asked at a time: the ones the level compares with
            level = CompatibilityLevel.parse(self.effective_config(subject).level)
            asked: list[int | str] = [*self.versions(subject)] if level.transitive else ["latest"]
            answers = [
                self.test_compatibility(subject, schema, schema_type, references, v, normalize, contract)
                for v in asked
            ]
            return CompatibilityAnswer(
                all(a.is_compatible for a in answers), tuple(m for a in answers for m in a.messages)
            )
        if payload is None:
            return CompatibilityAnswer(True, ())
        body = self._mapping(payload, "a compatibility answer")
        verdict = body.get("is_compatible")
        if not isinstance(verdict, bool):
            raise self._unexpected("is_compatible is not true or false")
        messages = body.get("messages", [])
        return CompatibilityAnswer(verdict, tuple(self._list_of(messages, str, "a list of messages")))

    def register(
        self,
        subject: str,
        schema: str,
        schema_type: str,
        references: Iterable[SchemaRef] = (),
        normalize: bool = True,
        schema_id: int | None = None,
        version: int | None = None,
        contract: ContractExtras | None = None,
    ) -> int:
        """Register (idempotent: an existing identical version answers its id). ``schema_id`` and
        ``version`` are for IMPORT mode. An incompatible schema raises IncompatibleSchemaError."""
        body = _schema_body(schema, schema_type, references, contract)
        if schema_id is not None:
            body["id"] = schema_id
        if version is not None:
            body["version"] = version
        payload = self.request(
            "POST",
            f"/subjects/{self.subject_path(subject)}/versions",
            params={"normalize": _flag(normalize)},
            json=body,
        )
        registered = self._mapping(payload, "a registration answer").get("id")
        if isinstance(registered, bool) or not isinstance(registered, int):
            raise self._unexpected("the registration answer has no id")
        return registered

    # -- config and mode -----------------------------------------------------------------------------

    def effective_config(self, subject: str) -> SubjectConfig:
        """The level and compatibility group that apply to ``subject`` (one request)."""
        payload = self.request(
            "GET", f"/config/{self.subject_path(subject)}", params={"defaultToGlobal": "true"}
        )
        body = self._mapping(payload, "a config")
        group = body.get("compatibilityGroup")
        if group is not None and not isinstance(group, str):
            raise self._unexpected("compatibilityGroup is not a string")
        try:
            contract = config_contract(body)
        except ValueError as error:
            raise self._unexpected(str(error)) from None
        return SubjectConfig(self._level(payload), group or None, contract)

    def set_compatibility(
        self, subject: str | None, level: str, group: str | None = None, *, replace_group: bool = False
    ) -> None:
        """Set a subject's level (and its compatibility group, the metadata property that splits its
        versions into groups checked apart); ``None`` sets this client's top level.

        PUT /config merges (Confluent's ConfigValue.update keeps a field the body leaves out), so a
        group of None leaves the stored one alone, unless ``replace_group``: then it is cleared (an
        explicit null), and the subject follows the top level's group, if any."""
        parsed = CompatibilityLevel.parse(level).value  # ValueError for a typo, before any request
        body: dict[str, str | None] = {"compatibility": parsed}
        if group is not None or replace_group:
            body["compatibilityGroup"] = group
        payload = self.request("PUT", self._top_or_subject("/config", subject), json=body)
        self._mapping(payload, "a config answer")

    def own_config(self, subject: str) -> OwnConfig | None:
        """The level and group ``subject``'s own config sets; None when it has no config of its own."""
        payload = self.request(
            "GET",
            f"/config/{self.subject_path(subject)}",
            params={"defaultToGlobal": "false"},
            not_found={SUBJECT_NOT_FOUND, SUBJECT_CONFIG_NOT_FOUND},
        )
        if payload is None:
            return None
        body = self._mapping(payload, "a config")
        group = body.get("compatibilityGroup")
        if group is not None and not isinstance(group, str):
            raise self._unexpected("compatibilityGroup is not a string")
        return OwnConfig(self._level(payload) if "compatibilityLevel" in body else None, group or None)

    def put_back_compatibility(self, subject: str, before: OwnConfig) -> None:
        """Set ``subject``'s own level and group to ``before`` again, leaving its other config fields
        alone (PUT merges). An explicit null clears a field only on servers with ConfigUpdateRequest's
        Optional fields (CP 7.7.4, 7.8.3, 7.9.2, 8.0.0 and later); older ones keep it, so callers read
        the config back."""
        body = {"compatibility": before.level, "compatibilityGroup": before.group}
        self._mapping(self.request("PUT", f"/config/{self.subject_path(subject)}", json=body), "a config")

    def delete_config(self, subject: str) -> bool:
        """Remove ``subject``'s own config (it then follows its context's or the global one); False
        when it had none (40401)."""
        payload = self.request(
            "DELETE", f"/config/{self.subject_path(subject)}", not_found={SUBJECT_NOT_FOUND}
        )
        return payload is not None

    def effective_mode(self, subject: str) -> str:
        payload = self.request(
            "GET",
            f"/mode/{self.subject_path(subject)}",
            params={"defaultToGlobal": "true"},
            not_found={SUBJECT_NOT_FOUND},
        )
        if payload is None:
            # before CP 7.0 the server ignores defaultToGlobal and answers 40401 for a subject without
            # a mode of its own, which then follows the top-level mode (6.x ModeResource.getMode)
            payload = self.request("GET", self._top_or_subject("/mode", None))
        return self._mode(payload)

    def set_mode(self, subject: str | None, mode: str, force: bool = False) -> None:
        """Set a subject's mode; ``None`` sets this client's top level (its context's, or global)."""
        wanted = mode.strip().upper()
        if wanted not in MODES:
            raise ValueError(f"unknown mode {mode!r} (expected one of {', '.join(sorted(MODES))})")
        params = {"force": "true"} if force else None
        payload = self.request(
            "PUT", self._top_or_subject("/mode", subject), params=params, json={"mode": wanted}
        )
        self._mapping(payload, "a mode answer")

    # -- schemas by id -------------------------------------------------------------------------------

    def versions_of_id(self, schema_id: int) -> list[tuple[str, int]]:
        """The (subject, version) pairs holding a schema id; [] when no schema has it."""
        payload = self.request("GET", f"/schemas/ids/{int(schema_id)}/versions", not_found={SCHEMA_NOT_FOUND})
        pairs = []
        for item in self._list_of(payload or [], dict, "subject-version pairs"):
            subject, version = item.get("subject"), item.get("version")
            if not isinstance(subject, str) or not _is_int(version):
                raise self._unexpected("a subject-version pair without subject or version")
            pairs.append((subject, int(version)))
        return pairs

    # -- the generic call ----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        not_found: set[int] | frozenset[int] = frozenset(),
    ) -> Any:
        """One REST call (``path`` already encoded, see :meth:`subject_path`), retried per policy.

        Returns the parsed JSON body (None for an empty one), or None when the registry answers with
        one of the ``not_found`` error codes. Any other error raises :class:`RegistryError`.
        """
        if self._closed:
            raise RuntimeError(f"registry client {self.name!r} is closed")
        reply = self._transport.send(method, path, params, json)
        if 200 <= reply.status < 300:
            if reply.payload is None and not_found:
                # None means "not found" to this caller: a 2xx without a body (empty, `null`, 204)
                # is no answer, never "no such subject" (a compatibility test read as compatible)
                raise self._unexpected(f"HTTP {reply.status} without a JSON body")
            return reply.payload
        body: Mapping[str, Any] = reply.payload if isinstance(reply.payload, Mapping) else {}
        code = body.get("error_code")
        code = code if isinstance(code, int) and not isinstance(code, bool) else None
        if code is not None and code in not_found:
            return None
        raise self._http_error(reply.status, code, body.get("message"))

    # -- helpers -------------------------------------------------------------------------------------

    def _http_error(self, status: int, code: int | None, message: Any) -> RegistryError:
        text = scrub(message, self._transport.secrets()) if isinstance(message, str) else ""
        detail = (
            f" (error_code {code}: {text})" if code is not None and text else (f" ({text})" if text else "")
        )
        known = classify(status, code)
        if status == 409 and (code is None or code in (409, 40901)):
            return IncompatibleSchemaError(
                self.name,
                f"HTTP 409 Conflict: the registry rejected the schema as incompatible{detail}",
                error_code=code,
                messages=(text,) if text else (),
            )
        if status == 401:
            reason = "HTTP 401 Unauthorized: check the credentials"
        elif status == 403:
            reason = f"HTTP 403 Forbidden: the credentials lack permission for this operation{detail}"
        elif status == 404 and (code is None or code == 404):
            reason = "HTTP 404 Not Found: no such endpoint (is the url a Schema Registry?)"
        else:
            from http import HTTPStatus

            try:
                phrase = " " + HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            meaning = f": {known.meaning}" if known is not None and code is not None else ""
            reason = f"HTTP {status}{phrase}{meaning}{detail}"
        kind = {1: RegistryRefusal, 2: RegistryRejectedInput}.get(
            known.exit_code if known else 3, RegistryError
        )
        return kind(self.name, reason, status=status, error_code=code)

    def _unexpected(self, problem: str) -> RegistryError:
        return RegistryError(self.name, f"unexpected response: {problem}")

    def _mapping(self, payload: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(payload, Mapping):
            raise self._unexpected(f"expected {what} (a JSON object), got {_json_type(payload)}")
        return payload

    def _list_of(self, payload: Any, kind: type, what: str) -> list[Any]:
        if not isinstance(payload, list) or not all(
            isinstance(item, kind) and not (kind is int and isinstance(item, bool)) for item in payload
        ):
            raise self._unexpected(f"expected {what}, got {_json_type(payload)}")
        return payload

    def _top_or_subject(self, root: str, subject: str | None) -> str:
        if subject is not None:
            return f"{root}/{self.subject_path(subject)}"
        context = self.settings.context
        return f"{root}/{_segment(f':{context}:')}" if context else root

    def _level(self, payload: Any) -> str:
        level = self._mapping(payload, "a config").get("compatibilityLevel")
        if not isinstance(level, str):
            raise self._unexpected("the config has no compatibilityLevel")
        try:
            return CompatibilityLevel.parse(level).value
        except ValueError:
            raise self._unexpected(f"unknown compatibility level {scrub(level, [])!r}") from None

    def _mode(self, payload: Any) -> str:
        mode = self._mapping(payload, "a mode").get("mode")
        if not isinstance(mode, str) or mode.upper() not in MODES:
            raise self._unexpected("the mode answer has no known mode")
        return mode.upper()

    def _record(self, payload: Any, subject: str) -> RegisteredSchema:
        body = self._mapping(payload, "a schema version")
        version, schema_id, schema = body.get("version"), body.get("id"), body.get("schema")
        if not isinstance(version, int) or not isinstance(schema_id, int) or not isinstance(schema, str):
            raise self._unexpected("a schema version without version, id or schema")
        if isinstance(version, bool) or isinstance(schema_id, bool):
            raise self._unexpected("version or id is not a number")
        schema_type = body.get("schemaType", "AVRO")
        if not isinstance(schema_type, str):
            raise self._unexpected("schemaType is not a string")
        raw_refs = self._list_of(body.get("references", []), dict, "a list of references")
        references = []
        for ref in raw_refs:
            name, ref_subject, ref_version = ref.get("name"), ref.get("subject"), ref.get("version")
            if not isinstance(name, str) or not isinstance(ref_subject, str) or not _is_int(ref_version):
                raise self._unexpected("a reference without name, subject or version")
            references.append(SchemaRef(name, ref_subject, ref_version))
        extras = [body.get(key) for key in ("metadata", "ruleSet")]
        if any(part is not None and not isinstance(part, Mapping) for part in extras):
            raise self._unexpected("metadata or ruleSet is not a JSON object")
        return RegisteredSchema(
            subject, version, schema_id, schema, schema_type.upper(), tuple(references), *extras
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _segment(text: str) -> str:
    return quote(text, safe="")


def _version_segment(version: int | str) -> str:
    if isinstance(version, bool):
        raise ValueError(f"invalid version {version!r}")
    if isinstance(version, int):
        if version != -1 and not 1 <= version <= 2**31 - 1:
            raise ValueError(f"invalid version {version} (1 or more, or 'latest')")
        return str(version)
    if version.strip().lower() == "latest":
        return "latest"
    raise ValueError(f"invalid version {version!r} (a number or 'latest')")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _schema_body(
    schema: str, schema_type: str, references: Iterable[SchemaRef], contract: ContractExtras | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"schema": schema, "schemaType": schema_type.upper()}
    refs = [{"name": r.name, "subject": r.subject, "version": r.version} for r in references]
    if refs:
        body["references"] = refs
    # None leaves a part out (the registry then copies the latest version's); `{}` is sent as is
    if contract is not None and contract.metadata is not None:
        body["metadata"] = contract.metadata
    if contract is not None and contract.rule_set is not None:
        body["ruleSet"] = contract.rule_set
    return body
