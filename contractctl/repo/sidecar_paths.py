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


def is_example_file(path: PurePosixPath) -> bool:
    """A `.json` file in an examples folder (`<dir>/examples/` or `<dir>/examples/<key>/`): an example
    record of the contract next to it, never a contract itself (JSON Schema contracts are `.json` too;
    so a topic folder cannot be named `examples`)."""
    return is_example_text(str(path))


def is_example_text(path: str) -> bool:
    """`is_example_file` of a normal path given as text (a listing's: no path object per file)."""
    if path[-5:].lower() != ".json" or path[-6:-5] in ("/", ""):
        return False  # not named *.json (a name ".json" has no suffix)
    return "examples" in path.split("/")[-3:-1]
