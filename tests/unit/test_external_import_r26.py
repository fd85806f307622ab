"""Which import makes an earlier Protobuf version undecidable (HISTORY_IMPORT_MISSING): one no file of
its commit held, directly or below the files it imports that the commit did hold, whatever file the
versions model's error names (audit 26 N1: envoy's VirtualHost 33-44 blamed proxy_protocol.proto,
whose imports were all there, while config_source.proto imported udpa's fetched authority.proto; a
HealthCheck version's error named a type, not its directly imported gogo.proto). Such a version
compiled where it was built: passed over as one that never compiled, it went uncompared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

import pytest

from contractctl import formats
from contractctl.model import SchemaText, SchemaType
from tests.conftest import GitRepo
from tests.resolvers import head_resolver

HEAD = 'syntax = "proto3";\npackage t;\n'


@pytest.fixture(autouse=True)
def _plain_protobuf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(formats, "_OPTIONS", {})
    monkeypatch.setattr(formats, "_LOADED", {})
    yield


def _missing(repo: GitRepo, error: str) -> str | None:
    resolver = head_resolver(repo)
    (version,) = resolver.versions("a-value")
    source = SchemaText(version.path, version.text, version.commit, resolver.current.root)
    return resolver._external_import(version, source, SchemaType.PROTOBUF, error)


def _a(*imports: str) -> str:
    return HEAD + "".join(f'import "{p}";\n' for p in imports) + "message A { string id = 1; }\n"


def test_a_direct_import_no_file_held_counts_when_the_error_names_a_type(repo: GitRepo) -> None:
    repo.write("contracts/a/value.proto", _a("gogoproto/gogo.proto"))
    repo.commit("built with gogo.proto fetched")
    assert _missing(repo, '"t.Percent" is not defined.') == "gogoproto/gogo.proto"


def test_an_import_missing_below_another_import_than_the_one_blamed_counts(repo: GitRepo) -> None:
    repo.write("contracts/p.proto", HEAD + "message P { string p = 1; }\n")
    repo.write("contracts/c.proto", HEAD + 'import "udpa/authority.proto";\nmessage C { string c = 1; }\n')
    repo.write("contracts/a/value.proto", _a("p.proto", "c.proto"))
    repo.commit("c.proto's build fetched udpa")
    blamed = 'Import "p.proto" was not found or had errors.'
    assert _missing(repo, blamed) == "udpa/authority.proto"


def test_an_import_an_untracked_include_folder_answers_is_not_missing(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the build fills (not in git) is searched as it is now, for earlier versions too."""
    repo.write("contracts/a/value.proto", _a("ext/opts.proto"))
    repo.commit("imports a file of the include folder")
    (repo.root / "vendor" / "ext").mkdir(parents=True)
    (repo.root / "vendor" / "ext" / "opts.proto").write_text('syntax = "proto3";\npackage ext;\n')
    monkeypatch.chdir(repo.root)
    formats.configure(SchemaType.PROTOBUF, include=["vendor"])
    assert _missing(repo, '"t.Percent" is not defined.') is None
    assert PurePosixPath("vendor").as_posix() not in repo.git("ls-files")


def test_the_import_named_follows_the_commit_not_the_error(repo: GitRepo) -> None:
    """Two fetched imports: the first in the text is named, whichever the error blamed (which file a
    compile blames depended on what earlier runs had cached: audit 26 N6)."""
    repo.write("contracts/a/value.proto", _a("x/first.proto", "y/second.proto"))
    repo.commit("two fetched imports")
    for error in ('Import "y/second.proto" was not found or had errors.', '"t.T" is not defined.'):
        assert _missing(repo, error) == "x/first.proto"
