"""Where a contract's sidecar and examples live. Here, below contractctl.sidecar (CEL, JSONata, codecs),
because listing contracts and their history must tell sidecars and examples apart from contracts, and a
check of a repository without sidecars never imports those."""

from __future__ import annotations

from pathlib import PurePosixPath

SIDECAR_SUFFIX = ".contract.yaml"


def sidecar_path(contract_path: PurePosixPath) -> PurePosixPath:
    """contracts/orders/value.avsc -> contracts/orders/value.contract.yaml."""
    return contract_path.with_name(contract_path.stem + SIDECAR_SUFFIX)


def examples_dir(contract_path: PurePosixPath) -> PurePosixPath:
    """contracts/orders/value.avsc -> contracts/orders/examples/ (key.avsc -> examples/key/)."""
    base = contract_path.parent / "examples"
    return base if contract_path.stem == "value" else base / contract_path.stem


def sidecar_text(contract_path: str) -> str:
    """`str(sidecar_path(PurePosixPath(path)))` of a normal path given as text (one check asks it of
    every contract of a change: no path object each)."""
    folder, slash, name = contract_path.rpartition("/")
    return f"{folder}{slash}{_stem(name)}{SIDECAR_SUFFIX}"


def examples_text(contract_path: str) -> str:
    """`str(examples_dir(PurePosixPath(path)))` of a normal path given as text."""
    folder, slash, name = contract_path.rpartition("/")
    stem = _stem(name)
    base = f"{folder}{slash}examples"
    return base if stem in ("value", ".") else f"{base}/{stem}"  # a path object drops a "." part


def _stem(name: str) -> str:
    """PurePosixPath's stem of a file name: up to the last dot, unless that dot is first or last."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def is_example_text(path: str) -> bool:
    """A `.json` file in an examples folder (`<dir>/examples/` or `<dir>/examples/<key>/`): an example
    record of the contract next to it, never a contract itself (JSON Schema contracts are `.json` too;
    so a topic folder cannot be named `examples`). The path is a normal one given as text (a
    listing's: no path object per file)."""
    if path[-5:].lower() != ".json" or path[-6:-5] in ("/", ""):
        return False  # not named *.json (a name ".json" has no suffix)
    return "examples" in path.split("/")[-3:-1]
