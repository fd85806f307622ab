"""`contractctl compat` with the previous and the new version in two trees of their own (two
checkouts, or `old/` and `new/`), each importing the same path from its own tree (audit round 19,
repro 5). One -I list served both sides, so one side always took the other's dependency: a valid
version reported invalid (exit 2), or two versions compared with one definition (a silent exit 0).
Each side now finds its imports in its own tree; real CLI, real files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, run_cli

MONEY = 'syntax = "proto3";\npackage acme.common;\nmessage Money { int64 units = 1; }\n'
ORDER = (
    'syntax = "proto3";\npackage acme.orders;\nimport "acme/common/money.proto";\n'
    "message Order { acme.common.Money total = 1; }\n"
)
OLD, NEW = "old/acme/orders/order.proto", "new/acme/orders/order.proto"


def trees(root: Path, new_money: str = MONEY, new_order: str = ORDER) -> None:
    for side, money, order in (("old", MONEY, ORDER), ("new", new_money, new_order)):
        (root / side / "acme/common").mkdir(parents=True)
        (root / side / "acme/orders").mkdir(parents=True)
        (root / side / "acme/common/money.proto").write_text(money)
        (root / side / "acme/orders/order.proto").write_text(order)


def compat(root: Path, *options: str, old: str = OLD, new: str = NEW) -> Result:
    result = run_cli("compat", "--level", "BACKWARD", *options, "--previous", old, new, cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def findings(result: Result) -> list[dict[str, Any]]:
    return [f for r in json.loads(result.stdout)["results"] for f in r["findings"]]


# every way of naming the two trees: none (each side's own root, found above its file), per side,
# and the shared -I list with one or both trees in it
WAYS = {
    "own roots": (),
    "per side": ("--previous-proto-path", "old", "--new-proto-path", "new"),
    "-I both trees": ("-I", "old", "-I", "new"),
    "-I new tree": ("-I", "new"),
}


@pytest.mark.parametrize("way", WAYS)
def test_each_side_compiles_against_its_own_tree(tmp_path: Path, way: str) -> None:
    """The audit's shape: new/ renames Money to Amount; old/ still defines Money."""
    trees(
        tmp_path,
        MONEY.replace("Money { int64 units = 1; }", "Amount { int64 units = 1; string currency = 2; }"),
        ORDER.replace("acme.common.Money", "acme.common.Amount"),
    )
    result = compat(tmp_path, *WAYS[way], "--format", "json")
    assert result.code == 1, result.output
    [finding] = findings(result)
    assert finding["rule"] == "FIELD_NAMED_TYPE_CHANGED"
    assert "acme.common.Money -> acme.common.Amount" in finding["message"]
    assert (finding["file"], finding["line"]) == (NEW, 4)


@pytest.mark.parametrize("way", WAYS)
def test_a_break_in_the_new_trees_dependency_only(tmp_path: Path, way: str) -> None:
    """money's field changes type in new/ only: with one definition for both sides the versions
    looked identical (exit 0) or one did not compile (exit 2)."""
    trees(tmp_path, MONEY.replace("int64 units", "string units"))
    result = compat(tmp_path, *WAYS[way], "--format", "json")
    assert result.code == 1, result.output
    located = {(f["rule"], f["file"], f["line"]) for f in findings(result)}
    assert located == {
        ("FIELD_SCALAR_KIND_CHANGED", "new/acme/common/money.proto", 3),  # the new side's file
        ("FIELD_NAMED_TYPE_CHANGED", NEW, 4),
    }


@pytest.mark.parametrize("way", WAYS)
def test_a_compatible_change_of_the_dependency_passes(tmp_path: Path, way: str) -> None:
    trees(tmp_path, MONEY.replace("units = 1;", "units = 1; string currency = 2;"))
    result = compat(tmp_path, *WAYS[way])
    assert result.code == 0, result.output


def test_a_side_never_reads_the_other_sides_tree(tmp_path: Path) -> None:
    """old/ lacks money.proto: the previous version does not compile, though new/ has one, given for
    the new side, or lying above the new file."""
    trees(tmp_path)
    (tmp_path / "old/acme/common/money.proto").unlink()
    for options in ((), ("--new-proto-path", "new")):
        result = compat(tmp_path, *options, "--format", "json")
        assert result.code == 2, result.output
        missing = [f for f in findings(result) if f["rule"] == "PROTO_IMPORT_NOT_FOUND"]
        assert [(f["file"], f["line"]) for f in missing] == [(OLD, 3)]
        hint = missing[0]["hint"]
        assert "for the previous versions" in hint and "--previous-proto-path" in hint
        assert "old/acme/orders" in hint and "new" not in hint.split(". Give")[0]


def test_a_missing_import_names_the_side_and_where_it_looked(tmp_path: Path) -> None:
    trees(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "new/acme/common/money.proto").unlink()
    result = compat(tmp_path, "-I", "lib")
    assert result.code == 2, result.output
    assert f"{NEW}:3:1: error PROTO_IMPORT_NOT_FOUND" in result.stdout
    assert (
        '"acme/common/money.proto" was looked for, for the new version, in new/acme/orders; lib (-I); '
        "new/acme, new (above the file). Give the directory that holds it with --new-proto-path"
    ) in " ".join(result.stdout.split())


def test_a_shared_directory_that_served_the_other_side_is_named(tmp_path: Path) -> None:
    """old/ lacks money.proto and -I new lends it new's, which does not define Money: the previous
    version's error says where its import came from."""
    trees(tmp_path, MONEY.replace("Money", "Amount"), ORDER.replace("Money", "Amount"))
    (tmp_path / "old/acme/common/money.proto").unlink()
    result = compat(tmp_path, "-I", "new")
    assert result.code == 2, result.output
    assert f'{OLD}:4:17: error PROTO_UNKNOWN_TYPE: "acme.common.Money" is not defined.' in result.stdout
    assert (
        'The previous versions took "acme/common/money.proto" from new (-I, both sides), which holds '
        "the new version"
    ) in " ".join(result.stdout.split())


@pytest.mark.parametrize("option", ["--previous-proto-path", "--new-proto-path"])
def test_a_missing_directory_is_a_usage_error_naming_it(tmp_path: Path, option: str) -> None:
    trees(tmp_path)
    result = compat(tmp_path, option, "nowhere")
    assert result.code == 2
    assert option in result.stderr and "nowhere" in result.stderr and "does not exist" in result.stderr


def test_per_side_directories_are_for_formats_with_imports_by_path(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "v1.avsc").write_text('{"type": "record", "name": "R", "fields": []}')
    result = run_cli("compat", "--new-proto-path", "lib", "--previous", "v1.avsc", "v1.avsc", cwd=tmp_path)
    assert result.code == 2 and "--new-proto-path" in result.stderr and "Traceback" not in result.stderr


def _json_trees(root: Path, new_zip: str) -> None:
    for side, zip_type in (("old", "string"), ("new", new_zip)):
        (root / side / "common").mkdir(parents=True)
        (root / side / "customers").mkdir()
        postal = {"type": "object", "properties": {"zip": {"type": zip_type}}, "additionalProperties": False}
        (root / side / "common/postal.json").write_text(json.dumps(postal))
        customer = {"type": "object", "properties": {"postal": {"$ref": "common/postal.json"}}}
        (root / side / "customers/value.json").write_text(json.dumps(customer))


@pytest.mark.parametrize("way", ["own roots", "per side", "-I both trees", "-I new tree"])
def test_json_schema_refs_resolve_on_their_own_side(tmp_path: Path, way: str) -> None:
    """A `$ref` by the path under the tree's root, changed in new/ only: -I old -I new compared
    old's postal.json with itself and passed."""
    _json_trees(tmp_path, "integer")
    old, new = "old/customers/value.json", "new/customers/value.json"
    result = compat(tmp_path, *WAYS[way], "--format", "json", old=old, new=new)
    assert result.code == 1, result.output
    assert [f["rule"] for f in findings(result)] == ["TYPE_CHANGED"]
    _json_trees(tmp_path / "same", "string")
    assert compat(tmp_path / "same", *WAYS[way], old=old, new=new).code == 0


def _avro_trees(root: Path, new_cents: str) -> None:
    for side, cents in (("old", "long"), ("new", new_cents)):
        (root / side).mkdir(parents=True)
        money = {"type": "record", "name": "Money", "namespace": "com.acme.common", "fields": []}
        money["fields"] = [{"name": "cents", "type": cents}]
        (root / side / "money.avsc").write_text(json.dumps(money))
        order = {"type": "record", "name": "Order", "namespace": "com.acme", "fields": []}
        order["fields"] = [{"name": "total", "type": "com.acme.common.Money"}]
        (root / side / "order.avsc").write_text(json.dumps(order))


def test_avro_references_per_side(tmp_path: Path) -> None:
    """Avro names its references with --reference, one list for both sides: two versions of Money
    could not be compared (either one for both sides passed; both were AVRO_DUPLICATE_NAME)."""
    _avro_trees(tmp_path, "string")
    options = ["--previous-reference", "old/money.avsc", "--new-reference", "new/money.avsc"]
    result = compat(tmp_path, *options, "--format", "json", old="old/order.avsc", new="new/order.avsc")
    assert result.code == 1, result.output
    assert [f["rule"] for f in findings(result)] == ["TYPE_MISMATCH"]
    _avro_trees(tmp_path / "same", "long")
    assert compat(tmp_path / "same", *options, old="old/order.avsc", new="new/order.avsc").code == 0
    # the other side's reference is not lent: the new version alone lacks Money
    alone = compat(
        tmp_path, "--previous-reference", "old/money.avsc", old="old/order.avsc", new="new/order.avsc"
    )
    assert alone.code == 2 and "new/order.avsc:1:" in alone.stdout and "AVRO_UNKNOWN_TYPE" in alone.stdout
    missing = compat(tmp_path, "--new-reference", "nowhere.avsc", old="old/order.avsc", new="new/order.avsc")
    assert missing.code == 2 and "--new-reference" in missing.stderr and "nowhere.avsc" in missing.stderr


def test_avro_references_are_not_for_formats_with_imports_by_path(tmp_path: Path) -> None:
    trees(tmp_path)
    result = compat(tmp_path, "--new-reference", "new/acme/common/money.proto")
    assert result.code == 2 and "--new-reference is for Avro" in result.stderr


def test_a_shared_reference_is_given_only_to_a_side_that_uses_it(tmp_path: Path) -> None:
    """The usual "inline the shared type" change: OLD takes Priority from a --reference, NEW defines
    it itself (one symbol fewer). Handed the reference too, NEW defined Priority twice (exit 2,
    AVRO_DUPLICATE_NAME); the registry registers NEW with its own references, and Avro Java finds
    MISSING_ENUM_SYMBOLS (an outside audit's repro)."""
    priority = {"type": "enum", "name": "Priority", "namespace": "com.x", "symbols": ["P1", "P2"]}
    (tmp_path / "priority.avsc").write_text(json.dumps(priority))
    alarm = {
        "type": "record",
        "name": "Alarm",
        "namespace": "com.x",
        "fields": [{"name": "p", "type": "com.x.Priority"}],
    }
    (tmp_path / "old.avsc").write_text(json.dumps(alarm))
    inlined = {"type": "enum", "name": "Priority", "symbols": ["P1"]}
    (tmp_path / "new.avsc").write_text(json.dumps({**alarm, "fields": [{"name": "p", "type": inlined}]}))
    result = compat(
        tmp_path, "--reference", "priority.avsc", "--format", "json", old="old.avsc", new="new.avsc"
    )
    assert result.code == 1, result.output
    assert [f["rule"] for f in findings(result)] == ["MISSING_ENUM_SYMBOLS"]
    # a reference a side uses through another is kept for it
    wrapper = {
        "type": "record",
        "name": "Wrap",
        "namespace": "com.x",
        "fields": [{"name": "a", "type": "com.x.Alarm"}],
    }
    (tmp_path / "wrap.avsc").write_text(json.dumps(wrapper))
    both = ["--reference", "priority.avsc", "--reference", "old.avsc"]
    assert compat(tmp_path, *both, old="wrap.avsc", new="wrap.avsc").code == 0
