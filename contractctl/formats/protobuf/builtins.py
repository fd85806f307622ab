"""The files Confluent Schema Registry always makes importable, laid out once per process for protoc.

The registry loads these without a schema reference (ProtobufSchema.KNOWN_DEPENDENCIES), so an import
of one of them is never a reference to another contract. google/protobuf/* come from grpcio-tools,
google/type/* from googleapis-common-protos; Confluent's own three files are written here from their
published shape (same package, messages, field names and numbers), since no PyPI package ships them.
"""

from __future__ import annotations

import atexit
import os
from functools import lru_cache
from pathlib import Path

GOOGLE_PROTOBUF = tuple(
    f"google/protobuf/{name}.proto"
    for name in (
        "any",
        "api",
        "descriptor",
        "duration",
        "empty",
        "field_mask",
        "source_context",
        "struct",
        "timestamp",
        "type",
        "wrappers",
    )
)
GOOGLE_TYPE = tuple(
    f"google/type/{name}.proto"
    for name in (
        "calendar_period",
        "color",
        "date",
        "datetime",
        "dayofweek",
        "decimal",
        "expr",
        "fraction",
        "interval",
        "latlng",
        "money",
        "month",
        "phone_number",
        "postal_address",
        "quaternion",
        "timeofday",
    )
)

_CONFLUENT_META = """\
// Confluent's schema metadata, attached to elements through custom options (field 1088).
syntax = "proto3";
package confluent;

import "google/protobuf/descriptor.proto";

message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
  repeated Rule rules = 4;
}

message Rule {
  string name = 1;
  string doc = 2;
  string expr = 3;
  string sql = 4;
}

extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
"""

_CONFLUENT_DECIMAL = """\
// An arbitrary-precision decimal: unscaled two's-complement big-endian bytes plus precision and scale.
syntax = "proto3";
package confluent.type;

message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
"""

_CONFLUENT_VARIANT = """\
// A semi-structured value in the Variant binary encoding: metadata dictionary and value bytes.
syntax = "proto3";
package confluent.type;

message Variant {
  bytes metadata = 1;
  bytes value = 2;
}
"""

CONFLUENT = {
    "confluent/meta.proto": _CONFLUENT_META,
    "confluent/type/decimal.proto": _CONFLUENT_DECIMAL,
    "confluent/type/variant.proto": _CONFLUENT_VARIANT,
}

KNOWN_DEPENDENCIES = frozenset((*GOOGLE_PROTOBUF, *GOOGLE_TYPE, *CONFLUENT))


def is_builtin(import_path: str) -> bool:
    return import_path in KNOWN_DEPENDENCIES


def _package_file(package: str, relative: str) -> Path | None:
    """A .proto shipped inside an installed package (None when the package or file is absent): the
    first folder of the package's search path holding it, as importlib.resources finds it (whose
    import costs a pre-commit check more than the lookup itself)."""
    import importlib

    try:
        folders = list(getattr(importlib.import_module(package), "__path__", ()))
    except ModuleNotFoundError:
        return None
    for folder in folders:
        candidate = os.path.join(folder, relative)
        if os.path.isfile(candidate):
            return Path(candidate)
    return None


def scratch_dir() -> str | None:
    """protoc reads files, so contracts (and the built-ins, once per process) are laid out on disk: on
    Linux in memory (/dev/shm), where creating and removing hundreds of folders costs little, else in
    the default temporary directory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


@lru_cache(maxsize=1)
def builtin_files() -> dict[str, Path]:
    """The known dependencies the installed packages ship, by import path (the Confluent ones are
    texts of this module)."""
    files: dict[str, Path] = {}
    for relative in GOOGLE_PROTOBUF:
        found = _package_file("grpc_tools", f"_proto/{relative}")
        if found is not None:
            files[relative] = found
    for relative in GOOGLE_TYPE:
        found = _package_file("google.type", relative.removeprefix("google/type/"))
        if found is not None:
            files[relative] = found
    return files


def builtin_texts() -> dict[str, str]:
    """The known dependencies' texts by import path."""
    texts = {relative: file.read_text(encoding="utf-8") for relative, file in builtin_files().items()}
    texts.update(CONFLUENT)
    return texts


@lru_cache(maxsize=1)
def builtin_include_dir() -> Path:
    """A directory holding exactly the known dependencies (so nothing else on sys.path is importable)."""
    import shutil
    import tempfile

    from contractctl.generic.termination import sigterm_held

    with sigterm_held():  # made and handed to its removal with nothing landing between
        root = Path(tempfile.mkdtemp(prefix="contractctl-proto-builtin-", dir=scratch_dir()))
        atexit.register(shutil.rmtree, root, True)
    for relative, text in builtin_texts().items():
        _place(root, relative, text)
    return root


def _place(root: Path, relative: str, text: str) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
