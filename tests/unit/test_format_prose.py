"""Generic help texts and messages that list formats are built from the format registry (FORMATS), so
a format added there is named everywhere without touching the prose (issue 15)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import contractctl.commands.compat as compat_core
from contractctl.cli.compat_cmd import compat
from contractctl.cli.main import cli
from contractctl.errors import UsageError
from contractctl.formats import FORMATS
from contractctl.generic.wording import listing
from contractctl.model import CompatibilityLevel, SchemaType


def test_listing_reads_as_a_sentence() -> None:
    assert listing([]) == ""
    assert listing(["Avro"]) == "Avro"
    assert listing(["Avro", "Protobuf"]) == "Avro and Protobuf"
    assert listing([".avsc", ".proto", ".json"], "or") == ".avsc, .proto or .json"


def test_help_texts_name_every_registered_format() -> None:
    assert cli.help is not None and all(known.name in cli.help for known in FORMATS)
    options = {param.name: param for param in compat.params}
    type_help = getattr(options["schema_type"], "help", "") or ""
    assert all(extension in type_help for known in FORMATS for extension in known.extensions)
    assert list(getattr(options["schema_type"].type, "choices", [])) == [known.option for known in FORMATS]
    path_help = getattr(options["proto_paths"], "help", "") or ""
    for known in FORMATS:
        assert (f"{known.name} {known.references_called}" in path_help) is known.references_by_path


@pytest.fixture
def with_a_fourth_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """A made-up format whose references are found by path, registered only for the messages."""
    avro_like = next(known for known in FORMATS if not known.references_by_path)
    fourth = replace(avro_like, name="Thrift", references_called="includes", references_by_path=True)
    monkeypatch.setattr(compat_core, "FORMATS", (*FORMATS, fourth))


def _usage_error(tmp_path: Path, schema_type: SchemaType, **kwargs: object) -> str:
    schema = tmp_path / "value.avsc"
    schema.write_text('"string"')
    with pytest.raises(UsageError) as raised:
        compat_core.run_compat(schema_type, CompatibilityLevel.BACKWARD, [schema], schema, **kwargs)  # type: ignore[arg-type]
    return str(raised.value)


def test_compat_reference_messages_follow_the_registry(tmp_path: Path, with_a_fourth_format: None) -> None:
    by_name = next(known for known in FORMATS if not known.references_by_path)
    by_path = next(known for known in FORMATS if known.references_by_path)
    message = _usage_error(tmp_path, by_name.schema_type, references=[], proto_paths=[tmp_path])
    assert message.startswith("-I/--proto-path is for ") and "Thrift;" in message
    message = _usage_error(tmp_path, by_path.schema_type, references=[tmp_path / "value.avsc"])
    assert f"--reference is for {by_name.name};" in message and "Thrift includes are found by path" in message


def test_unknown_extensions_are_answered_with_every_format(tmp_path: Path) -> None:
    from contractctl.commands.can_deploy import candidate_from_file

    text = tmp_path / "value.txt"
    text.write_text("{}")
    with pytest.raises(UsageError) as raised:
        compat_core.infer_type([text])
    assert str(raised.value).endswith("give --type " + listing((known.option for known in FORMATS), "or"))
    with pytest.raises(UsageError) as raised:
        candidate_from_file(None, "s-value", text)  # type: ignore[arg-type]  # refused before the config is read
    extensions = [extension for known in FORMATS for extension in known.extensions]
    assert str(raised.value).endswith(f"(expected {listing(extensions, 'or')})")
