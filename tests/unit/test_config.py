"""contractctl.yaml: defaults, overrides, interpolation, and errors that name file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractctl.config.project import interpolate, load_config, parse_config
from contractctl.errors import ConfigError
from contractctl.model import CompatibilityLevel

CONFIG = Path("/repo/contractctl.yaml")


def test_defaults_when_sections_are_missing() -> None:
    config = parse_config({"version": 1}, CONFIG)
    assert config.contracts_root == "contracts"
    assert config.base_branch == "main"
    assert config.compatibility is CompatibilityLevel.BACKWARD_TRANSITIVE
    assert config.subject_strategy == "topic"


def test_full_config_is_typed() -> None:
    config = parse_config(
        {
            "version": 1,
            "contracts": {"root": "schemas/", "base_branch": "trunk"},
            "defaults": {"compatibility": "full", "subject_strategy": "TopicRecordNameStrategy"},
            "subjects": [{"match": "schemas/payments/**", "compatibility": "FULL_TRANSITIVE"}],
            "registries": {"aws": {"url": "${SR_URL}"}},
        },
        CONFIG,
    )
    assert config.contracts_root == "schemas"
    assert config.base_branch == "trunk"
    assert config.compatibility is CompatibilityLevel.FULL
    assert config.subject_strategy == "topic_record"
    assert config.subject_rules[0].compatibility is CompatibilityLevel.FULL_TRANSITIVE
    assert config.registries["aws"]["url"] == "${SR_URL}"  # not interpolated until used


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"version": 1, "colour": "red"}, "colour: unknown key"),
        ({"version": 2}, "version: unsupported config version 2"),
        ({"defaults": {"compatibility": "SIDEWAYS"}}, "defaults.compatibility: unknown compatibility level"),
        ({"defaults": {"normalize": "yes"}}, "defaults.normalize: expected true or false"),
        # accepted and ignored before (an audit: a reverted option order is a new version there)
        ({"defaults": {"normalize": False}}, "defaults.normalize: false is not supported"),
        ({"subjects": [{"compatibility": "FULL"}]}, "subjects[0].match: missing"),
        (
            {"subjects": [{"match": "x", "subject": "y"}]},
            "subjects[0].subject: an explicit subject needs a path",
        ),
        ({"contracts": {"root": "../outside"}}, "contracts.root: must be a relative path"),
        (
            {"subjects": [{"match": "c/a.avsc", "subject": "a"}, {"match": "c/a.avsc", "subject": "b"}]},
            "subjects[1].subject: 'c/a.avsc' is mapped to 'a' by subjects[0] already: one file",
        ),
        ({"contracts": {"history_roots": ["../old"]}}, "contracts.history_roots[0]: must be a relative path"),
        ({"contracts": {"history_roots": "old"}}, "contracts.history_roots: expected a list"),
        ({"registries": {"aws": {"auth": {}}}}, "registries.aws.url: missing"),
        ({"registries": {"aws": {"url": "x", "passwd": "y"}}}, "registries.aws.passwd: unknown key"),
        (
            {"defaults": {"subject_strategy": "by-vibes"}},
            "defaults.subject_strategy: unknown subject strategy",
        ),
        (["not", "a", "mapping"], "(top level): expected a mapping"),
    ],
)
def test_invalid_config_names_file_and_key(data: object, fragment: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(data, CONFIG)
    assert str(CONFIG) in error.value.message
    assert fragment in error.value.message


def test_interpolation_with_defaults_and_unset_variables() -> None:
    env = {"HOST": "sr.example"}
    value = {"url": "https://${HOST}:${PORT:-8081}", "list": ["${HOST}"]}
    assert interpolate(value, "registries.aws", CONFIG, env) == {
        "url": "https://sr.example:8081",
        "list": ["sr.example"],
    }
    with pytest.raises(ConfigError) as error:
        interpolate({"auth": {"password": "${SECRET}"}}, "registries.aws", CONFIG, env)
    assert "registries.aws.auth.password: environment variable SECRET is not set" in error.value.message


def test_registry_settings_interpolate_on_use(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config({"registries": {"aws": {"url": "${SR_URL_FOR_TEST}"}}}, CONFIG)
    monkeypatch.delenv("SR_URL_FOR_TEST", raising=False)
    with pytest.raises(ConfigError, match="SR_URL_FOR_TEST is not set"):
        config.registry_settings("aws")
    monkeypatch.setenv("SR_URL_FOR_TEST", "http://127.0.0.1:1")
    assert config.registry_settings("aws")["url"] == "http://127.0.0.1:1"
    with pytest.raises(ConfigError, match="no such registry"):
        config.registry_settings("gcp")


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "contractctl.yaml"
    path.write_text("version: 1\ndefaults: {compatibility: BACKWARD\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert f"{path}:" in error.value.message and "invalid YAML" in error.value.message


def test_protobuf_reference_naming() -> None:
    assert parse_config({"version": 1}, CONFIG).reference_naming == "import_path"
    for value, expected in [
        ("qualified", "qualified"),
        ("record", "record"),
        ("DefaultReferenceSubjectNameStrategy", "import_path"),
        ("QualifiedReferenceSubjectNameStrategy", "qualified"),
    ]:
        assert parse_config({"protobuf": {"reference_naming": value}}, CONFIG).reference_naming == expected
    with pytest.raises(
        ConfigError, match=r"protobuf.reference_naming: expected import_path, qualified or record"
    ):
        parse_config({"protobuf": {"reference_naming": "topic"}}, CONFIG)


def test_contracts_exclude_and_protobuf_include() -> None:
    config = parse_config(
        {"contracts": {"exclude": ["contracts/vendor/**"]}, "protobuf": {"include": ["third_party/"]}}, CONFIG
    )
    assert config.exclude == ("contracts/vendor/**",)
    assert config.protobuf_options["include"] == ("/repo/third_party",)
    with pytest.raises(ConfigError, match=r"contracts.exclude: expected a list, got a string"):
        parse_config({"contracts": {"exclude": "contracts/vendor/**"}}, CONFIG)
    with pytest.raises(ConfigError, match=r"protobuf.include\[0\]: must be a relative path inside"):
        parse_config({"protobuf": {"include": ["../elsewhere"]}}, CONFIG)


def test_history_roots_and_one_subject_per_file() -> None:
    config = parse_config({"contracts": {"root": "contracts", "history_roots": ["schemas/", "old"]}}, CONFIG)
    assert config.history_roots == ("schemas", "old")
    same = {"match": "c/a.avsc", "subject": "a"}
    assert (
        len(parse_config({"subjects": [same, {**same, "compatibility": "FULL"}]}, CONFIG).subject_rules) == 2
    )


def test_protobuf_oneof_rules() -> None:
    assert parse_config({"version": 1}, CONFIG).oneof_rules == "current"
    assert parse_config({"protobuf": {"oneof_rules": "legacy"}}, CONFIG).oneof_rules == "legacy"
    with pytest.raises(ConfigError, match=r"protobuf.oneof_rules: expected current or legacy"):
        parse_config({"protobuf": {"oneof_rules": "newest"}}, CONFIG)


def test_avro_parser() -> None:
    default = parse_config({"version": 1}, CONFIG)
    assert default.avro_parser == "1.12" and "avro" not in default.format_sections
    chosen = parse_config({"avro": {"parser": "1.11"}}, CONFIG)
    assert chosen.avro_parser == "1.11" and chosen.format_sections["avro"] == {"parser": "1.11"}
    assert parse_config({"avro": {"parser": 1.11}}, CONFIG).avro_parser == "1.11"  # unquoted YAML
    assert "avro" not in parse_config({"avro": {"parser": "1.12"}}, CONFIG).format_sections
    with pytest.raises(ConfigError, match=r'avro.parser: expected "1.12" or "1.11"'):
        parse_config({"avro": {"parser": "1.10"}}, CONFIG)
    with pytest.raises(ConfigError, match=r"avro.validator"):
        parse_config({"avro": {"validator": "x"}}, CONFIG)
