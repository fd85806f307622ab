"""Paths a check asks about for every contract of a change, worked out as text: each answer must be
the one the path-object spelling gives (the spelling the tests write out here)."""

from __future__ import annotations

import random
from pathlib import Path, PurePosixPath

from contractctl.commands.check import _folders_holding
from contractctl.formats import references_by_path
from contractctl.repo.contracts import _names_a_path_reference
from contractctl.repo.sidecar_paths import examples_dir, examples_text, sidecar_path, sidecar_text

NAMES = [
    "value.avsc",
    "key.proto",
    "Value.AVSC",
    "x.tar.proto",
    ".avsc",
    "value.",
    "value",
    "a b.json",
    "ü.proto",
    "..proto",
    "v.contract.yaml",
    "examples",
    ".hidden.avsc",
]
FOLDERS = ["", "contracts", "contracts/orders", "a b/ü", "contracts/examples/key", "x.proto"]


def _paths() -> list[str]:
    return [f"{folder}/{name}" if folder else name for folder in FOLDERS for name in NAMES]


def test_sidecar_and_examples_paths_as_text_are_the_path_objects() -> None:
    for path in _paths():
        assert sidecar_text(path) == str(sidecar_path(PurePosixPath(path))), path
        assert examples_text(path) == str(examples_dir(PurePosixPath(path))), path


def test_folders_holding_paths_are_their_parents() -> None:
    chooser = random.Random(3)
    parts = ["a", "b", "contracts", "x.proto", "ü", "a b"]
    for _ in range(300):
        paths = [
            "/".join(chooser.choice(parts) for _ in range(chooser.randrange(1, 5)))
            + ("/" if chooser.random() < 0.1 else "")  # git names a nested repository's folder so
            for _ in range(chooser.randrange(0, 5))
        ]
        expected = {str(parent) for path in paths for parent in PurePosixPath(path).parents}
        assert _folders_holding(paths) == expected, paths


def test_a_subject_names_a_path_reference_as_its_path_object_does() -> None:
    subjects = [
        *_paths(),
        "orders-value",
        "com.acme.Order",
        "a.proto/",
        "a.proto/.",
        ".",
        "x.json/",
        "acme/x.PROTO",
    ]
    for subject in subjects:
        assert _names_a_path_reference(subject) == references_by_path(PurePosixPath(subject)), subject


def test_a_path_as_text_has_the_format_and_reference_subject_of_its_path_object() -> None:
    from contractctl.config.project import config_from_text
    from contractctl.formats import type_for_path, type_for_text
    from contractctl.repo.contracts import SubjectMapper

    for path in _paths():
        assert type_for_text(path) is type_for_path(PurePosixPath(path)), path
    for naming in ("import_path", "qualified", "record"):
        config = config_from_text(
            f"version: 1\ncontracts: {{root: contracts}}\nprotobuf: {{reference_naming: {naming}}}\n",
            Path("/r/contractctl.yaml"),
        )
        for root in ("contracts", ""):
            mapper = SubjectMapper(config, root)
            for path in _paths():
                import_path = mapper.import_path(PurePosixPath(path))  # the path-object spelling
                expected = None
                if naming != "record" and references_by_path(PurePosixPath(path)):
                    expected = (
                        import_path
                        if naming == "import_path"
                        else import_path.replace(".proto", "").replace("/", ".")
                    )
                assert mapper.reference_subject(PurePosixPath(path)) == expected, (naming, root, path)
                assert mapper._reference_subject_text(path) == expected, (naming, root, path)
