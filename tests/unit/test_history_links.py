"""history_links.follow_links on logs without linked contracts: the log itself, nothing read."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, cast

from contractctl.repo.history import BlobStore, Commit, FileChange, Git
from contractctl.repo.history_links import follow_links


class _Untouchable:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} was used: a log without linked contracts needs no git and no blob")


def test_a_log_without_linked_contracts_is_handed_back_unread() -> None:
    contract = PurePosixPath("contracts/orders/value.proto")
    elsewhere = PurePosixPath("docs/readme.proto")
    commits = [
        Commit("a" * 40, (FileChange("A", None, contract, "1" * 40),)),
        # a link, but not a contract's: not followed
        Commit("b" * 40, (FileChange("A", None, elsewhere, "2" * 40, link=True),)),
    ]
    untouchable = _Untouchable()
    followed = follow_links(
        cast(Git, untouchable), "HEAD", commits, cast(BlobStore, untouchable), lambda p: p == contract
    )
    assert followed is commits
