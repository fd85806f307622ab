"""A `SchemaResolver` of a test repository's HEAD, as a check of the tree at HEAD builds it."""

from __future__ import annotations

from contractctl.config.project import default_config
from contractctl.repo.contracts import SubjectMapper, build_contract_set, contracts_prefix
from contractctl.repo.history import BlobStore, Git
from contractctl.repo.references import SchemaResolver, subject_history
from tests.conftest import GitRepo


def head_resolver(repo: GitRepo) -> SchemaResolver:
    """The contracts at HEAD (default config) with the history of every subject up to HEAD."""
    config = default_config(repo.root)
    git = Git.discover(repo.root)
    commit = git.resolve("HEAD")
    prefix = contracts_prefix(config, git)
    mapper = SubjectMapper(config, prefix)
    store = BlobStore(git)
    tree = build_contract_set(mapper, git.tree_blobs(commit, prefix).items(), store, commit)
    return SchemaResolver(tree, subject_history(git, commit, mapper, store, None))
