"""contractctl.yaml -> typed config. Every validation error names the file, the key path and the problem.

Registry and link sections are interpolated only when a command uses them, so a local check (the
pre-commit hook) never needs registry credentials in its environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contractctl.errors import ConfigError
from contractctl.generic.value_kind import type_name
from contractctl.generic.yaml_guard import YamlProblem, shown
from contractctl.model import CompatibilityLevel

CONFIG_FILE_NAME = "contractctl.yaml"
MAX_CONFIG_BYTES = 4 * 1024 * 1024  # a config is a few KiB; past this it is not one
SUBJECT_STRATEGIES = {
    "topic": "topic",
    "topicnamestrategy": "topic",
    "record": "record",
    "recordnamestrategy": "record",
    "topic_record": "topic_record",
    "topicrecordnamestrategy": "topic_record",
}
ONEOF_RULES = ("current", "legacy")
AVRO_PARSERS = ("1.12", "1.11")  # the Avro format's PARSERS, without importing it
JSON_POLICIES = ("STRICT", "LENIENT")  # Confluent compatibilityPolicy values contractctl models
# the keys of one `registries.<name>` entry (registry/settings.py reads their values)
REGISTRY_KEYS = frozenset(
    {"url", "context", "auth", "tls", "timeout", "retries", "max_concurrency", "verify", "max_response_bytes"}
)
# How shared Protobuf files (references) are named, as Confluent's ReferenceSubjectNameStrategy does;
# the serializers' class names are accepted as aliases.
REFERENCE_NAMINGS = {
    "import_path": "import_path",
    "defaultreferencesubjectnamestrategy": "import_path",
    "qualified": "qualified",
    "qualifiedreferencesubjectnamestrategy": "qualified",
    "record": "record",
}
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True)
class SubjectRule:
    """An override matched by path glob (contains '/' or a wildcard) or by exact subject name."""

    match: str
    compatibility: CompatibilityLevel | None = None
    compatibility_group: str | None = None
    subject: str | None = None
    subject_strategy: str | None = None

    @property
    def is_path_glob(self) -> bool:
        return "/" in self.match or any(c in self.match for c in "*?")

    def subject_for(self, path: str) -> str | None:
        """The explicit subject of a file this rule matches: `subject` with its placeholders filled
        in from the path (`{stem}`: the file's name without its extension; `{folder}`: the name of
        the folder holding it)."""
        if self.subject is None or "{" not in self.subject:
            return self.subject
        return fill_subject_template(self.subject, path)


SUBJECT_PLACEHOLDERS = ("{stem}", "{folder}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def fill_subject_template(template: str, path: str) -> str:
    folder, _, name = path.rpartition("/")
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 else name
    return template.replace("{stem}", stem).replace("{folder}", folder.rpartition("/")[2])


def _unknown_braces(template: str) -> bool:
    for placeholder in SUBJECT_PLACEHOLDERS:
        template = template.replace(placeholder, "")
    return "{" in template or "}" in template


def subject_template_regex(template: str) -> re.Pattern[str]:
    """The subjects a template can give (each placeholder: one path segment's part)."""
    parts = [re.escape(part) for part in _PLACEHOLDER.split(template)]
    return re.compile("[^/]+".join(parts))


@dataclass(frozen=True)
class Config:
    path: Path  # the config file
    contracts_root: str  # relative to the config file's directory, POSIX style
    base_branch: str
    compatibility: CompatibilityLevel
    subject_strategy: str
    normalize: bool
    subject_rules: tuple[SubjectRule, ...] = ()
    compatibility_group: str | None = None  # metadata property that starts a new compatibility group
    registries: Mapping[str, Any] = field(default_factory=dict)  # raw, interpolated on use
    links: Mapping[str, Any] = field(default_factory=dict)  # raw, interpolated on use
    protobuf: Mapping[str, Any] = field(default_factory=dict)
    jsonschema: Mapping[str, Any] = field(default_factory=dict)  # `jsonschema.compatibility_policy`
    avro: Mapping[str, Any] = field(default_factory=dict)  # `avro.parser`
    exclude: tuple[str, ...] = ()  # path globs under which files are not contracts
    # folders the contracts lived in before `contracts_root` (relative like it): their history is read
    # as the root's, each path under one taken at the same place under the root
    history_roots: tuple[str, ...] = ()
    # the contract formats read (`contracts.formats`); empty: all. A tree whose root is the repository
    # holds package.json, tsconfig.json and the like that are no JSON Schema
    formats: tuple[str, ...] = ()
    lint: Mapping[str, Any] | None = None  # raw `lint:`; None when absent (then check does not lint)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)  # key path -> line
    columns: Mapping[str, int] = field(default_factory=dict, compare=False)  # key path -> column
    # a config file outside any repository (--config) applies to the working directory's repository:
    # its paths are read from that repository's top (see `directory`)
    anchor: Path | None = None

    def line(self, key_path: str) -> int | None:
        """The line where `key_path` (or its nearest enclosing key) is written, if known."""
        from contractctl.generic.yaml_guard import line_of

        return line_of(self.lines, key_path)

    def where(self, key_path: str) -> str:
        """`file:line:column` of a key for messages (just the file when the line is unknown)."""
        from contractctl.generic.yaml_guard import location

        return location(self.path, self.lines, self.columns, key_path)

    @property
    def oneof_rules(self) -> str:
        """Protobuf oneof rule set: `current` (registries patched mid-2026) or `legacy`."""
        return str(self.protobuf.get("oneof_rules", "current"))

    @property
    def reference_naming(self) -> str:
        """Subjects of shared Protobuf files: `import_path` (Confluent's default), `qualified`, `record`."""
        return REFERENCE_NAMINGS[str(self.protobuf.get("reference_naming", "import_path")).lower()]

    @property
    def protobuf_options(self) -> dict[str, object]:
        """The Protobuf format's options: the oneof rule set and, when configured, the absolute
        `protobuf.include` directories (relative to the config file) searched for imports that are
        not contracts."""
        options: dict[str, object] = {"oneof_rules": self.oneof_rules}
        if self.protobuf.get("include"):
            options["include"] = tuple(str(self.directory / d) for d in self.protobuf["include"])
        return options

    @property
    def format_sections(self) -> dict[str, Mapping[str, object]]:
        """Each format's options by its section of this file (see FormatInfo.config_section)."""
        sections: dict[str, Mapping[str, object]] = {
            "protobuf": self.protobuf_options,
            "jsonschema": self.jsonschema_options,
        }
        if self.avro_parser != "1.12":  # (the default adds nothing: cache keys stay as they were)
            sections["avro"] = {"parser": self.avro_parser}
        return sections

    @property
    def avro_parser(self) -> str:
        """The Apache Avro parser the registries run: "1.12" (Avro 1.12.1: Confluent 8.0.3+, 8.1.1+,
        8.2+) or "1.11" (Confluent 7.x, 8.0.0-8.0.2, 8.1.0)."""
        return str(self.avro.get("parser", "1.12"))

    @property
    def jsonschema_options(self) -> dict[str, object]:
        """The JSON Schema format's options: Confluent's compatibilityPolicy (STRICT by default) and
        validateFields (off by default, as in Schema Registry)."""
        return {
            "policy": str(self.jsonschema.get("compatibility_policy", "STRICT")).upper(),
            "validate_fields": bool(self.jsonschema.get("validate_fields", False)),
        }

    @property
    def directory(self) -> Path:
        """What the config's paths are relative to: its own folder, or the top of the repository it
        was named for from outside (`anchor`)."""
        return self.anchor if self.anchor is not None else self.path.parent

    def registry_settings(self, name: str) -> dict[str, Any]:
        """The named registry's settings with ${VAR} interpolated (errors name the variable)."""
        if name not in self.registries:
            known = ", ".join(sorted(self.registries)) or "none"
            raise ConfigError(f"{self.path}: registries.{name}: no such registry (configured: {known})")
        value = interpolate(
            self.registries[name], f"registries.{name}", self.where(f"registries.{name}"), os.environ
        )
        assert isinstance(value, dict)
        return value


def find_config(start: Path) -> Path | None:
    """contractctl.yaml in `start` or the nearest directory above it, up to the top of the git
    working tree holding `start`: a file above the repository is not the repository's (a home
    folder's, a CI runner's workspace's) and could point the check at other contracts, or its
    credentials at other registries; it is named with --config when meant. Outside any working
    tree, every directory above."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE_NAME
        if os.path.lexists(candidate):  # a dangling or looping link, a FIFO: an error, never "no config"
            return candidate
        if (directory / ".git").exists():  # a folder or, in a worktree or submodule, a file
            return None
    return None


def default_config(directory: Path) -> Config:
    """Used when no config file exists: the documented defaults."""
    return Config(
        path=directory / CONFIG_FILE_NAME,
        contracts_root="contracts",
        base_branch="main",
        compatibility=CompatibilityLevel.BACKWARD_TRANSITIVE,
        subject_strategy="topic",
        normalize=True,
    )


def load_config(path: Path) -> Config:
    from contractctl.config import kept_document  # deferred: only commands with a config pay

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)  # /dev/zero, or a file that never ends
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: config file is larger than {MAX_CONFIG_BYTES // (1024 * 1024)} MiB")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: config file is not valid UTF-8 (byte offset {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file: {error.strerror}") from None
    try:
        document = kept_document.load(path, text)
    except YamlProblem as problem:
        raise _yaml_error(path, problem) from None
    return parse_config(document.data, path, document.lines, document.columns)


def config_from_text(text: str, path: Path, leave_out: AbstractSet[str] = frozenset()) -> Config:
    """The config a text holds (errors name `path`), without the top-level sections in `leave_out`:
    an earlier commit's config, read for what it decides (see checking/config_changes.py)."""
    from contractctl.generic.yaml_guard import load

    try:
        document = load(text)
    except YamlProblem as problem:
        raise _yaml_error(path, problem) from None
    data = document.data
    if leave_out and isinstance(data, dict):
        data = {key: value for key, value in data.items() if key not in leave_out}
    return parse_config(data, path, document.lines, document.columns)


def _yaml_error(path: Path, problem: YamlProblem) -> ConfigError:
    where = f":{problem.line}" if problem.line else ""
    where += f":{problem.column}" if problem.line and problem.column else ""
    return ConfigError(f"{path}{where}: {problem.message}")


class _Reader:
    """Walks the raw YAML mapping, naming the key path in every error."""

    def __init__(
        self, path: Path, lines: Mapping[str, int] | None = None, columns: Mapping[str, int] | None = None
    ) -> None:
        self.path = path
        self.lines = dict(lines or {})
        self.columns = dict(columns or {})

    def where(self, key_path: str) -> str:
        from contractctl.generic.yaml_guard import location

        return location(self.path, self.lines, self.columns, key_path)

    def fail(self, key_path: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.where(key_path)}: {key_path}: {problem}")

    def mapping(self, value: Any, key_path: str, allowed: AbstractSet[str] | None) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key_path, f"expected a mapping, got {type_name(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(key_path, f"keys must be strings, got {shown(key)}")
            if allowed is not None and key not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.fail(_join(key_path, key), f"unknown key (expected one of: {expected})")
        return value

    def string(self, value: Any, key_path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key_path, f"expected a non-empty string, got {type_name(value)}")
        return self.interpolated(value, key_path)

    def interpolated(self, value: str, key_path: str) -> str:
        result = interpolate(value, key_path, self.where(key_path), os.environ)
        assert isinstance(result, str)
        return result

    def boolean(self, value: Any, key_path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key_path, f"expected true or false, got {type_name(value)}")
        return value

    def level(self, value: Any, key_path: str) -> CompatibilityLevel:
        text = self.string(value, key_path)
        try:
            return CompatibilityLevel.parse(text)
        except ValueError as error:
            raise self.fail(key_path, str(error)) from None

    def strategy(self, value: Any, key_path: str) -> str:
        text = self.string(value, key_path)
        key = text.replace("-", "_").lower()
        if key not in SUBJECT_STRATEGIES:
            raise self.fail(
                key_path, f"unknown subject strategy {shown(text)} (expected topic, record or topic_record)"
            )
        return SUBJECT_STRATEGIES[key]


def parse_config(
    data: Any, path: Path, lines: Mapping[str, int] | None = None, columns: Mapping[str, int] | None = None
) -> Config:
    """Validate the raw document; `lines` and `columns` (key path -> position) let errors name it."""
    reader = _Reader(path, lines, columns)
    top = reader.mapping(
        data,
        "(top level)",
        {
            "version",
            "contracts",
            "defaults",
            "subjects",
            "registries",
            "links",
            "protobuf",
            "jsonschema",
            "avro",
        }
        | {"lint"},
    )
    version = top.get("version", 1)
    if version != 1:
        raise reader.fail(
            "version", f"unsupported config version {shown(version)} (this contractctl reads version 1)"
        )
    contracts = reader.mapping(
        top.get("contracts"), "contracts", {"root", "base_branch", "exclude", "history_roots", "formats"}
    )
    defaults = reader.mapping(
        top.get("defaults"),
        "defaults",
        {"compatibility", "subject_strategy", "normalize", "compatibility_group"},
    )
    root = reader.string(contracts.get("root", "contracts"), "contracts.root").strip()
    if Path(root).is_absolute() or ".." in Path(root).parts:
        raise reader.fail(
            "contracts.root", f"must be a relative path inside the repository, got {shown(root)}"
        )
    root = root.rstrip("/")
    rules = _subject_rules(reader, top.get("subjects"))
    registries = reader.mapping(top.get("registries"), "registries", None)
    for name, settings in registries.items():
        reader.mapping(settings, f"registries.{name}", REGISTRY_KEYS)
        if "url" not in settings:
            raise reader.fail(f"registries.{name}.url", "missing (the registry's base URL)")
    links = reader.mapping(top.get("links"), "links", None)
    for name, settings in links.items():
        for end in ("source", "destination"):
            named = reader.mapping(settings, f"links.{name}", None).get(end)
            if named is not None and (not isinstance(named, str) or named not in registries):
                known = ", ".join(sorted(registries)) or "none"
                raise reader.fail(
                    f"links.{name}.{end}",
                    f"names no registry: {shown(named)} (configured under registries: {known})",
                )
    protobuf = reader.mapping(top.get("protobuf"), "protobuf", {"oneof_rules", "reference_naming", "include"})
    if "oneof_rules" in protobuf:
        oneof_rules = reader.string(protobuf["oneof_rules"], "protobuf.oneof_rules")
        if oneof_rules not in ONEOF_RULES:
            raise reader.fail("protobuf.oneof_rules", f"expected current or legacy, got {shown(oneof_rules)}")
    if "reference_naming" in protobuf:
        naming = reader.string(protobuf["reference_naming"], "protobuf.reference_naming")
        if naming.lower() not in REFERENCE_NAMINGS:
            raise reader.fail(
                "protobuf.reference_naming", f"expected import_path, qualified or record, got {shown(naming)}"
            )
    if "include" in protobuf:
        protobuf = {**protobuf, "include": _relative_paths(reader, protobuf["include"], "protobuf.include")}
    avro = reader.mapping(top.get("avro"), "avro", {"parser"})
    if "parser" in avro:
        parser = avro["parser"]
        if isinstance(parser, float):
            parser = repr(parser)  # `parser: 1.11` unquoted is a YAML number
        parser = reader.string(parser, "avro.parser")
        if parser not in AVRO_PARSERS:
            raise reader.fail("avro.parser", f'expected "1.12" or "1.11", got {shown(parser)}')
        avro = {**avro, "parser": parser}
    jsonschema = reader.mapping(
        top.get("jsonschema"), "jsonschema", {"compatibility_policy", "validate_fields"}
    )
    reader.boolean(jsonschema.get("validate_fields", False), "jsonschema.validate_fields")
    if "compatibility_policy" in jsonschema:
        policy = reader.string(jsonschema["compatibility_policy"], "jsonschema.compatibility_policy")
        if policy.upper() not in JSON_POLICIES:
            raise reader.fail(
                "jsonschema.compatibility_policy", f"expected STRICT or LENIENT, got {shown(policy)}"
            )
    return Config(
        path=path,
        contracts_root=root or ".",
        base_branch=reader.string(contracts.get("base_branch", "main"), "contracts.base_branch"),
        compatibility=reader.level(
            defaults.get("compatibility", "BACKWARD_TRANSITIVE"), "defaults.compatibility"
        ),
        subject_strategy=reader.strategy(
            defaults.get("subject_strategy", "topic"), "defaults.subject_strategy"
        ),
        normalize=_normalized_only(reader, defaults.get("normalize", True)),
        compatibility_group=(
            reader.string(defaults["compatibility_group"], "defaults.compatibility_group")
            if "compatibility_group" in defaults
            else None
        ),
        subject_rules=rules,
        registries=registries,
        links=links,
        protobuf=protobuf,
        jsonschema=jsonschema,
        avro=avro,
        exclude=(
            tuple(_string_list(reader, contracts["exclude"], "contracts.exclude"))
            if "exclude" in contracts
            else ()
        ),
        history_roots=(
            tuple(_relative_paths(reader, contracts["history_roots"], "contracts.history_roots"))
            if "history_roots" in contracts
            else ()
        ),
        formats=_formats(reader, contracts["formats"]) if "formats" in contracts else (),
        lint=reader.mapping(top["lint"], "lint", None) if "lint" in top else None,
        lines=reader.lines,
        columns=reader.columns,
    )


CONTRACT_FORMATS = {"avro": ".avsc", "protobuf": ".proto", "jsonschema": ".json"}
"""`contracts.formats` names, and the extension of each format's contracts."""


def _formats(reader: _Reader, value: Any) -> tuple[str, ...]:
    names = _string_list(reader, value, "contracts.formats")
    for index, name in enumerate(names):
        if name not in CONTRACT_FORMATS:
            raise reader.fail(
                f"contracts.formats[{index}]",
                f"unknown format {shown(name)} (one of {', '.join(CONTRACT_FORMATS)})",
            )
    if not names:
        raise reader.fail("contracts.formats", "name at least one format (leave the key out for all)")
    return tuple(dict.fromkeys(names))


def _string_list(reader: _Reader, value: Any, key_path: str) -> list[str]:
    if not isinstance(value, list):
        raise reader.fail(key_path, f"expected a list, got {type_name(value)}")
    return [reader.string(item, f"{key_path}[{index}]") for index, item in enumerate(value)]


def _relative_paths(reader: _Reader, value: Any, key_path: str) -> list[str]:
    """Directories inside the repository, POSIX style, without trailing slashes."""
    out = []
    for index, text in enumerate(_string_list(reader, value, key_path)):
        if Path(text).is_absolute() or ".." in Path(text).parts:
            raise reader.fail(f"{key_path}[{index}]", "must be a relative path inside the repository")
        out.append(text.strip("/") or ".")
    return out


def _subject_rules(reader: _Reader, value: Any) -> tuple[SubjectRule, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise reader.fail("subjects", f"expected a list, got {type_name(value)}")
    rules: list[SubjectRule] = []
    for index, item in enumerate(value):
        key_path = f"subjects[{index}]"
        entry = reader.mapping(
            item, key_path, {"match", "compatibility", "subject", "subject_strategy", "compatibility_group"}
        )
        if "match" not in entry:
            raise reader.fail(f"{key_path}.match", "missing (a path glob or a subject name)")
        if isinstance(entry["match"], str) and any(c in entry["match"] for c in "[]"):
            raise reader.fail(
                f"{key_path}.match",
                f"{shown(entry['match'])}: [ and ] are not pattern characters here "
                "(a match knows *, ** and ?; character classes are not supported)",
            )
        rule = SubjectRule(
            match=reader.string(entry["match"], f"{key_path}.match"),
            compatibility=(
                reader.level(entry["compatibility"], f"{key_path}.compatibility")
                if "compatibility" in entry
                else None
            ),
            subject=reader.string(entry["subject"], f"{key_path}.subject") if "subject" in entry else None,
            compatibility_group=(
                reader.string(entry["compatibility_group"], f"{key_path}.compatibility_group")
                if "compatibility_group" in entry
                else None
            ),
            subject_strategy=(
                reader.strategy(entry["subject_strategy"], f"{key_path}.subject_strategy")
                if "subject_strategy" in entry
                else None
            ),
        )
        if rule.subject is not None and not rule.is_path_glob:
            raise reader.fail(f"{key_path}.subject", "an explicit subject needs a path in match")
        if rule.subject is not None and _unknown_braces(rule.subject):
            raise reader.fail(
                f"{key_path}.subject",
                f"{shown(rule.subject)}: a subject template knows {{stem}} (the file name without its "
                "extension) and {folder} (the folder holding the file), and no other braces",
            )
        earlier = next((i for i, r in enumerate(rules) if r.match == rule.match and r.subject), None)
        if rule.subject is not None and earlier is not None and rules[earlier].subject != rule.subject:
            raise reader.fail(
                f"{key_path}.subject",
                f"{shown(rule.match)} is mapped to {shown(rules[earlier].subject)} by subjects[{earlier}] "
                f"already: one file is one subject (the later entry would silently win); register the "
                "same schema under another subject from a file of its own",
            )
        rules.append(rule)
    return tuple(rules)


def interpolate(value: Any, key_path: str, path: Path | str, environ: Mapping[str, str]) -> Any:
    """Replace ${VAR} and ${VAR:-default} in every string; an unset variable (or one set but empty
    where the value would be empty) is a config error naming it. `path` labels the file (and line)."""
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in environ:
                return environ[name]
            if default is not None:
                return default
            raise ConfigError(f"{path}: {key_path}: environment variable {name} is not set")

        result = _VARIABLE.sub(substitute, value)
        if value.strip() and not result.strip():
            empty = [m.group(1) for m in _VARIABLE.finditer(value) if environ.get(m.group(1)) == ""]
            if empty:
                raise ConfigError(f"{path}: {key_path}: environment variable {empty[0]} is set but empty")
        return result
    if isinstance(value, dict):
        return {k: interpolate(v, _join(key_path, str(k)), path, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, f"{key_path}[{i}]", path, environ) for i, v in enumerate(value)]
    return value


def _join(key_path: str, key: str) -> str:
    return key if key_path == "(top level)" else f"{key_path}.{key}"


def _normalized_only(reader: _Reader, value: Any) -> bool:
    """`defaults.normalize`: true only. Versions are told apart, looked up and registered as the
    registry's normalization makes them (option order, comments, layout: one version); with
    `false` the registry would hold versions git does not number, and accepting the key while
    ignoring it misled (an audit: a reverted option order, a new version there, none here)."""
    if not reader.boolean(value, "defaults.normalize"):
        raise reader.fail(
            "defaults.normalize",
            "false is not supported: contractctl numbers, looks up and registers versions normalized "
            "(as the registry's normalize=true); remove the key or set it to true",
        )
    return True
