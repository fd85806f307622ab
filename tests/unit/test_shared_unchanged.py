"""An earlier version that is the contract as it is now, references included, reuses the strict parse.

`SchemaResolver.parse_historic` parses an earlier version leniently (as the registry parses a
version it holds), with its references as they were at its commit. When that version and every
version it references at its commit are the contracts as they are now, a check hands out the schema
`parse_current` made instead (`SchemaResolver._as_now`). That is sound only if a lenient parse of a
text the strict parse accepts gives the same schema: the first tests make that a tested guarantee
for each format; the last one runs whole checks over random histories both ways and compares the
reports byte for byte.
"""

from __future__ import annotations

import json
import random
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from contractctl import formats
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import default_config
from contractctl.formats.avro import FORMAT as AVRO
from contractctl.formats.avro import AvroSchema
from contractctl.formats.avro.resolve import ResolvedSchema, resolve
from contractctl.formats.base import InvalidSchema
from contractctl.model import SchemaText, SchemaType
from contractctl.repo.references import SchemaResolver
from contractctl.report import render
from tests.conftest import GitRepo
from tests.unit.avro_cases import CASES

# -- the guarantee: lenient parse of a strictly valid text == strict parse -------------------------


def _snapshot(schema: ResolvedSchema) -> tuple[Any, ...]:
    """Everything a resolved schema holds, `closed` by its nodes (its keys are this tree's ids)."""
    return (
        schema.root,
        dict(schema.names),
        schema.defined,
        schema.external_used,
        list(schema.closed.values()),
    )


_NAMES = ["A", "b_2", "_c", "Ünïcode", "1bad", "with-dash", "", "int", "ok"]
_SPACES = [None, "com.acme", "com.1bad", "ünï.code", "", "a..b"]


def _random_type(chooser: random.Random, depth: int, named: list[str]) -> Any:
    """A random Avro type: primitives, logical types, containers, unions, named types (with
    awkward names, namespaces and aliases: some only the lenient parse accepts) and uses of names
    defined earlier or by the external contract."""
    pick = chooser.randrange(10 if depth < 3 else 4)
    if pick == 0:
        return chooser.choice(["int", "long", "string", "boolean", "null", "bytes", "double"])
    if pick == 1:
        return {"type": "int", "logicalType": chooser.choice(["date", "time-millis", "nonsense"])}
    if pick == 2 and named:
        return chooser.choice(named)
    if pick == 3:
        return chooser.choice(["ext.Shared", "ext.Missing", "long"])
    if pick == 4:
        return {"type": "array", "items": _random_type(chooser, depth + 1, named)}
    if pick == 5:
        return {"type": "map", "values": _random_type(chooser, depth + 1, named)}
    if pick == 6:
        return ["null", _random_type(chooser, depth + 1, named)]
    name = chooser.choice(_NAMES) + str(chooser.randrange(3))
    extra: dict[str, Any] = {}
    space = chooser.choice(_SPACES)
    if space is not None:
        extra["namespace"] = space
    if chooser.random() < 0.3:
        extra["aliases"] = [chooser.choice(_NAMES), "com.x.Old"]
    full = f"{space}.{name}" if space else name
    if pick == 7:
        symbols = chooser.sample(["A", "B", "c", "Ü", "1x"], 2)
        named.append(full)
        return {"type": "enum", "name": name, "symbols": symbols, **extra}
    if pick == 8:
        named.append(full)
        return {"type": "fixed", "name": name, "size": chooser.choice([4, -1, "x"]), **extra}
    fields = []
    for index in range(chooser.randrange(1, 4)):
        field: dict[str, Any] = {"name": chooser.choice(_NAMES) + str(index)}
        field["type"] = _random_type(chooser, depth + 1, named)
        if chooser.random() < 0.4:
            field["default"] = chooser.choice([None, 0, "x", 1.5, [], {}, "NaN"])
        if chooser.random() < 0.2:
            field["aliases"] = [chooser.choice(_NAMES)]
        fields.append(field)
    named.append(full)
    return {"type": "record", "name": name, "fields": fields, **extra}


def _documents() -> list[Any]:
    documents: list[Any] = [doc for case in CASES for doc in (case.reader, case.writer)]
    chooser = random.Random(17)
    documents += [_random_type(chooser, 0, []) for _ in range(1500)]
    return documents


def _external() -> AvroSchema:
    """A referenced contract (made per test: no parsed schema may outlive one, test_check_memory)."""
    text = {"type": "record", "name": "Shared", "namespace": "ext", "fields": [{"name": "x", "type": "int"}]}
    return AVRO.parse(SchemaText(PurePosixPath("contracts/ext/shared.avsc"), json.dumps(text)), [])


def test_a_lenient_avro_parse_of_a_strictly_valid_text_is_the_strict_parse() -> None:
    accepted = refused_only_strictly = 0
    external = _external().resolved.names
    for document in _documents():
        strict, problems = resolve(document, external, registered=False)
        lenient, lenient_problems = resolve(document, external, registered=True)
        if strict is None:
            refused_only_strictly += lenient is not None
            continue
        accepted += 1
        assert not problems and not lenient_problems and lenient is not None, document
        assert _snapshot(lenient) == _snapshot(strict), document
    # the corpus holds both kinds, or the guarantee is tested on nothing
    assert accepted > 300 and refused_only_strictly > 50, (accepted, refused_only_strictly)


def test_a_lenient_avro_parse_with_references_is_the_strict_parse() -> None:
    text = json.dumps(
        {
            "type": "record",
            "name": "Uses",
            "namespace": "com.acme",
            "fields": [{"name": "s", "type": "ext.Shared"}],
        }
    )
    source = SchemaText(PurePosixPath("contracts/uses/value.avsc"), text)
    external = _external()
    strict = AVRO.parse(source, [external])
    lenient = AVRO.parse_registered(source, [external])
    assert isinstance(lenient, AvroSchema)
    assert _snapshot(lenient.resolved) == _snapshot(strict.resolved)
    assert lenient.document == strict.document and lenient.references == strict.references == (external,)


def test_protobuf_parses_a_registered_version_as_a_new_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "_LOADED", {})
    protobuf = formats.get_format(SchemaType.PROTOBUF)
    shared = SchemaText(
        PurePosixPath("contracts/common/shared.proto"),
        'syntax = "proto3";\npackage acme.common;\nmessage Shared { int32 a = 1; }\n',
        root="contracts",
    )
    user = SchemaText(
        PurePosixPath("contracts/t/value.proto"),
        'syntax = "proto3";\npackage acme.t;\nimport "common/shared.proto";\n'
        "message T { acme.common.Shared s = 1; map<string, int64> m = 2; }\n",
        root="contracts",
    )
    reference = protobuf.parse(shared, [])
    strict, lenient = protobuf.parse(user, [reference]), protobuf.parse_registered(user, [reference])
    assert lenient.compiled.file == strict.compiled.file  # type: ignore[attr-defined]
    assert protobuf.differences(strict, lenient) == []  # type: ignore[attr-defined]
    broken = SchemaText(user.path, user.text.replace("int64", "nosuch"), root="contracts")
    for parse in (protobuf.parse, protobuf.parse_registered):
        with pytest.raises(InvalidSchema):
            parse(broken, [reference])


# -- the check both ways over random histories -----------------------------------------------------


def _avro_file(index: int, fields: list[tuple[str, str]]) -> dict[str, Any]:
    """Shared type `index` of a chain: it holds the one before it."""
    body = [{"name": name, "type": kind} for name, kind in fields]
    if index:
        body.append({"name": "inner", "type": f"com.acme.shared.S{index - 1}"})
    return {"type": "record", "name": f"S{index}", "namespace": "com.acme.shared", "fields": body}


def _avro_topic(fields: list[tuple[str, str]]) -> dict[str, Any]:
    body = [{"name": name, "type": kind} for name, kind in fields]
    return {
        "type": "record",
        "name": "Event",
        "namespace": "com.acme.t",
        "fields": [*body, {"name": "s", "type": "com.acme.shared.S2"}],
    }


def _proto_file(index: int, fields: list[tuple[str, str]]) -> str:
    imports = f'import "shared/s{index - 1}.proto";\n' if index else ""
    body = "".join(
        f"  {'int64' if kind == 'long' else 'int32' if kind == 'int' else 'string'} {name} = {n + 1};\n"
        for n, (name, kind) in enumerate(fields)
    )
    inner = f"  acme.shared.S{index - 1} inner = 50;\n" if index else ""
    return f'syntax = "proto3";\npackage acme.shared;\n{imports}message S{index} {{\n{body}{inner}}}\n'


def _proto_topic(fields: list[tuple[str, str]]) -> str:
    body = "".join(
        f"  {'int64' if kind == 'long' else 'int32' if kind == 'int' else 'string'} {name} = {n + 1};\n"
        for n, (name, kind) in enumerate(fields)
    )
    header = 'syntax = "proto3";\npackage acme.t;\nimport "shared/s2.proto";\n'
    return f"{header}message Event {{\n{body}  acme.shared.S2 s = 50;\n}}\n"


def _write(repo: GitRepo, kind: str, state: dict[str, list[tuple[str, str]]]) -> None:
    for name, fields in state.items():
        if kind == "avro":
            path = "contracts/t/value.avsc" if name == "t" else f"contracts/shared/{name}.avsc"
            content: Any = _avro_topic(fields) if name == "t" else _avro_file(int(name[1:]), fields)
        else:
            path = "contracts/t/value.proto" if name == "t" else f"contracts/shared/{name}.proto"
            content = _proto_topic(fields) if name == "t" else _proto_file(int(name[1:]), fields)
        repo.write(path, content)


def _mutate(chooser: random.Random, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A new version: a field added, or one's type turned (int -> long is compatible in both
    formats, long -> string and string -> int are not)."""
    fields = list(fields)
    if chooser.random() < 0.5 or not fields:
        fields.append((f"f{len(fields)}", chooser.choice(["int", "long", "string"])))
    else:
        at = chooser.randrange(len(fields))
        name, kind = fields[at]
        fields[at] = (name, {"int": "long", "long": "string", "string": "int"}[kind])
    return fields


def _report(repo: GitRepo, monkeypatch: pytest.MonkeyPatch, shared: bool, hits: list[int]) -> str:
    monkeypatch.setattr(formats, "_LOADED", {})  # a fresh compiler: nothing kept from the other run
    plain_as_now = SchemaResolver._as_now

    def counted(self: SchemaResolver, subject: str, version: Any) -> Any:
        found = plain_as_now(self, subject, version) if shared else None
        hits.append(found is not None)
        return found

    with monkeypatch.context() as patched:
        patched.setattr(SchemaResolver, "_as_now", counted)
        report = run_check(default_config(repo.root), CheckOptions(staged=True))
    return render(report, "json")


@pytest.mark.parametrize("kind", ["avro", "protobuf"])
def test_a_check_with_shared_parses_reports_what_the_plain_check_does(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random histories of a chain s0 <- s1 <- s2 <- t (each commit turns some files; some turns
    are incompatible), then a staged edit: the report with shared parses is the plain one's, and
    the sharing both fired and was refused across the runs (a dependency changed since the topic's
    last version must be parsed as it was)."""
    fired: list[int] = []
    verdicts: set[str] = set()
    for seed in range(6):
        chooser = random.Random(seed)
        repo = GitRepo(tmp_path / f"{kind}{seed}")
        repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
        state = {name: [("a", "int")] for name in ("s0", "s1", "s2", "t")}
        _write(repo, kind, state)
        repo.commit("first")
        for commit in range(chooser.randrange(1, 4)):
            for name in chooser.sample(sorted(state), chooser.randrange(1, 3)):
                state[name] = _mutate(chooser, state[name])
            _write(repo, kind, state)
            repo.commit(f"commit {commit}")
        for name in chooser.sample(sorted(state), chooser.randrange(1, 3)):
            state[name] = _mutate(chooser, state[name])
        _write(repo, kind, state)
        repo.git("add", "-A")
        plain_hits: list[int] = []
        plain = _report(repo, monkeypatch, shared=False, hits=plain_hits)
        shared = _report(repo, monkeypatch, shared=True, hits=fired)
        assert shared == plain, (seed, state)
        verdicts.update(result["verdict"] for result in json.loads(plain)["results"])
    assert any(fired) and not all(fired), fired
    assert {"compatible", "incompatible"} <= verdicts, verdicts
