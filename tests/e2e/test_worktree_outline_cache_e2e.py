"""`check` of the working tree with the outline cache: outlines of files on disk are kept by the id git
gives their bytes (`git hash-object`), so a warm run gives the verdicts of a cold one and of a run
without any cache, an edited file is judged by its new outline, a damaged cache changes nothing; and
a poisoned entry under that id does change the verdict, which shows the warm runs really read it.
"""

from __future__ import annotations

import json
import marshal
import shutil
import zlib
from dataclasses import replace

from contractctl.repo import outline_cache
from tests.conftest import GitRepo, record
from tests.e2e.test_outline_cache_e2e import (
    MONEY_BROKEN,
    ORDER,
    REFUND,
    _cache_file,
)
from tests.e2e.test_outline_cache_e2e import _check as check_of
from tests.e2e.test_outline_cache_e2e import _tree as tree_of

ORDER_USING_OTHER = record("Order", [{"name": "total", "type": "com.acme.other.Other"}], "com.acme.orders")


def _check(repo: GitRepo) -> tuple[int, dict[str, str], str]:
    return check_of(repo, staged=False)  # the working tree against the base


def _tree(repo: GitRepo) -> None:
    repo.write("contracts/refunds/value.avsc", {**REFUND, "fields": [{"name": "amount", "type": "long"}]})
    tree_of(repo)  # writes the index test's three contracts and commits all four


def test_a_warm_run_gives_the_verdicts_of_a_cold_one_and_of_no_cache(repo: GitRepo) -> None:
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)  # not staged: the working tree decides
    cold = _check(repo)
    assert _cache_file(repo).is_file()  # inside the repository's git directory, nowhere else
    assert _check(repo) == cold
    assert cold[:2] == (1, {"com.acme.common.Money": "incompatible", "orders-value": "incompatible"})
    shutil.rmtree(_cache_file(repo).parent)
    assert _check(repo) == cold


def test_an_edited_file_on_disk_is_judged_by_its_new_outline(repo: GitRepo) -> None:
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    assert set(_check(repo)[1]) == {"com.acme.common.Money", "orders-value"}  # orders' outline cached
    # same path, other bytes (unstaged): orders now uses Other, not Money; refunds starts using Money
    repo.write("contracts/orders/value.avsc", ORDER_USING_OTHER)
    repo.write("contracts/refunds/value.avsc", REFUND)
    warm = _check(repo)
    assert warm[1] == {  # an outline of the old bytes would leave Other unresolved: invalid
        "com.acme.common.Money": "incompatible",
        "orders-value": "incompatible",
        "refunds-value": "incompatible",
    }
    shutil.rmtree(_cache_file(repo).parent)
    assert _check(repo) == warm  # the same without any cache


def test_a_damaged_cache_file_changes_nothing_and_is_rewritten(repo: GitRepo) -> None:
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    cold = _check(repo)
    for damaged in (b"garbage", _cache_file(repo).read_bytes()[:-5]):
        _cache_file(repo).write_bytes(damaged)
        assert _check(repo) == cold
        assert _cache_file(repo).read_bytes().startswith(outline_cache._MAGIC)
    assert _check(repo) == cold


def _poison(repo: GitRepo, path: str, blob: str | None = None) -> None:
    """Make the cached outline of `blob` at `path` (default: of the file's bytes on disk) say it uses
    nothing, the file's checksum kept valid."""
    data = _cache_file(repo).read_bytes()
    stamp, entries = marshal.loads(data[len(outline_cache._MAGIC) + 4 :])
    blob = blob or repo.git("hash-object", path).strip()
    key = f"{blob}\0{path}"
    entries[key] = outline_cache.encode(replace(outline_cache.decode(entries[key]), referenced_names=()))
    payload = marshal.dumps((stamp, entries))
    checksum = zlib.crc32(payload).to_bytes(4, "big")
    _cache_file(repo).write_bytes(outline_cache._MAGIC + checksum + payload)


def test_a_poisoned_entry_is_read_for_those_bytes_and_no_others(repo: GitRepo) -> None:
    """Not a behaviour to keep but a proof: an entry with a valid checksum, under the id of the bytes
    orders has on disk, that says orders uses nothing hides orders from the check of Money's change;
    once orders' bytes change, the entry no longer applies."""
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    assert "orders-value" in _check(repo)[1]
    _poison(repo, "contracts/orders/value.avsc")
    assert _check(repo)[1] == {"com.acme.common.Money": "incompatible"}
    repo.write("contracts/orders/value.avsc", {**ORDER, "doc": "other bytes, same uses"})
    assert "orders-value" in _check(repo)[1]


MONEY_PROTO = 'syntax = "proto3";\npackage acme.common;\nmessage Money { int64 cents = 1; }\n'
ORDER_PROTO = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/money.proto";\n'
    "message Order { acme.common.Money total = 1; }\n"
)


def test_earlier_versions_outlines_are_kept_by_blob_and_read_back(repo: GitRepo) -> None:
    """An earlier version's imports come from the outline of its blob (found while the check
    prepares Protobuf's compilation): a warm run gives the verdict of a cold one and of none. They
    decide its versions: orders, committed again (a comment) after Money changed, is a second
    version. A poisoned entry for its first blob (it imports nothing, says it) leaves one version
    to compare with, which shows the entry is read. (Its compile does not show it: a version whose
    imports do not compile as the model lays them out is laid out as its commit held them.)"""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD_TRANSITIVE}\n")
    repo.write("contracts/common/money.proto", MONEY_PROTO)
    repo.write("contracts/orders/value.proto", ORDER_PROTO)
    repo.commit("v1")
    repo.write("contracts/common/money.proto", MONEY_PROTO.replace(" = 1; }", " = 1; string currency = 2; }"))
    repo.commit("Money v2")
    repo.write("contracts/orders/value.proto", ORDER_PROTO + "// reviewed\n")
    repo.commit("orders committed again: a second version (Money changed)")
    repo.write("contracts/orders/value.proto", ORDER_PROTO.replace(" = 1; }", " = 1; string note = 2; }"))
    cold = _check(repo)
    assert cold[:2] == (0, {"orders-value": "compatible"})
    assert _compared(cold) == 2
    assert _check(repo) == cold
    shutil.rmtree(_cache_file(repo).parent)
    assert _check(repo) == cold
    blob = repo.git("rev-parse", "HEAD~2:contracts/orders/value.proto").strip()
    _poison(repo, "contracts/orders/value.proto", blob)
    poisoned = _check(repo)
    assert poisoned[:2] == cold[:2] and _compared(poisoned) == 1


def _compared(check: tuple[int, dict[str, str], str]) -> int:
    """How many earlier versions orders was compared with."""
    (result,) = json.loads(check[2])["results"]
    return int(result["compared_versions"])
