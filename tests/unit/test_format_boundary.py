"""Everything format-specific lives in contractctl/formats/: no other module names a format, and the
format registry plus the SchemaFormat Protocol is the only way in (issue 15). A third format must be
one folder and one registry line, which only holds while nobody outside formats/ branches on a type."""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

import pytest

import contractctl
from contractctl.formats import FORMATS, get_format, info, type_for_path
from contractctl.formats.base import FormatInfo, SchemaFormat

_FORMAT_TYPES = re.compile(r"\b(SchemaFormat|ParsedSchema)\b")
PACKAGE = Path(contractctl.__file__).parent
FORMATS_DIR = PACKAGE / "formats"
# a format by its enum member or by its package, in code or in a string (lazy imports are strings too)
NAMING = re.compile(r"SchemaType\.(AVRO|PROTOBUF)\b|formats[./](avro|protobuf)\b")


def _outside_formats() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if FORMATS_DIR not in p.parents)


def _format_objects(tree: ast.Module) -> set[str]:
    """Names bound to a format or its parsed schema in a module: `x = get_format(...)`, and parameters
    typed SchemaFormat or ParsedSchema."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            called = node.value.func
            if isinstance(called, ast.Name) and called.id == "get_format":
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        annotation = node.annotation if isinstance(node, ast.arg) else None
        if (
            isinstance(node, ast.arg)
            and annotation is not None
            and _FORMAT_TYPES.search(ast.unparse(annotation))
        ):
            names.add(node.arg)
    return names


def _probes_a_format(node: ast.Call, format_names: set[str]) -> bool:
    if not (isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr")) or not node.args:
        return False
    target = node.args[0]
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Name):
        return target.func.id == "get_format"
    return isinstance(target, ast.Name) and target.id in format_names


def test_no_module_outside_formats_names_a_format() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in _outside_formats()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if NAMING.search(line)
    ]
    assert offenders == [], "format-specific code outside contractctl/formats/:\n" + "\n".join(offenders)


def test_no_module_outside_formats_probes_a_format_with_getattr() -> None:
    offenders = []
    for path in _outside_formats():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        format_names = _format_objects(tree)
        offenders += [
            f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(node)}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _probes_a_format(node, format_names)
        ]
    assert offenders == [], "add the method to SchemaFormat instead:\n" + "\n".join(offenders)


def test_the_checks_see_what_they_forbid() -> None:
    """The scans above would catch a branch on a type, a lazy import of a format and a probe."""
    assert NAMING.search("if schema_type is SchemaType.PROTOBUF:")
    assert NAMING.search("    from contractctl.formats.avro.prove import x")
    assert not NAMING.search("from contractctl.formats import get_format")
    tree = ast.parse(
        "def f(t):\n"
        "    fmt = get_format(t)\n"
        "    return getattr(fmt, 'prepare', None), getattr(get_format(t), 'x')\n"
        "def g(parsed: ParsedSchema):\n"
        "    return getattr(parsed, 'has_record_type', True)\n"
    )
    names = _format_objects(tree)
    probes = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _probes_a_format(n, names)]
    assert len(probes) == 3


@pytest.mark.parametrize("known", FORMATS, ids=lambda known: known.schema_type.value)
def test_every_registered_format_implements_the_whole_interface(known: FormatInfo) -> None:
    schema_type = known.schema_type
    implementation = get_format(schema_type)
    assert implementation.schema_type is schema_type
    required = {name for name in vars(SchemaFormat) if not name.startswith("_")}
    required |= set(SchemaFormat.__annotations__)
    missing = sorted(name for name in required if not hasattr(implementation, name))
    assert missing == []
    assert info(schema_type) is known
    for extension in info(schema_type).extensions:
        assert type_for_path(PurePosixPath(f"x/value{extension.upper()}")) is schema_type
