"""`check --staged` with the outline cache (repo/outline_cache.py): a warm run gives the verdicts of a
cold one, a changed content is judged by its new outline, a damaged cache file changes nothing; and a
poisoned entry does change the verdict, which shows the warm runs above really read the cache.
"""

from __future__ import annotations

import marshal
import shutil
import zlib
from dataclasses import replace
from typing import Any

from contractctl.repo import outline_cache
from tests.conftest import GitRepo, record

MONEY = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
MONEY_BROKEN = record("Money", [{"name": "cents", "type": "int"}], "com.acme.common")
ORDER = record("Order", [{"name": "total", "type": "com.acme.common.Money"}], "com.acme.orders")
ORDER_ALONE = record("Order", [{"name": "total", "type": "long"}], "com.acme.orders")
REFUND = record("Refund", [{"name": "amount", "type": "com.acme.common.Money"}], "com.acme.refunds")
OTHER = record("Other", [{"name": "id", "type": "string"}], "com.acme.other")
NOTE = {"name": "note", "type": ["null", "string"], "default": None}


def _cache_file(repo: GitRepo) -> Any:
    """The one cache file of the code under test (named by its stamp)."""
    folder = repo.root / ".git" / outline_cache.CACHE_FOLDER
    found = sorted(folder.glob(f"{outline_cache.CACHE_FILE}-*")) if folder.is_dir() else []
    assert len(found) <= 1, found
    return found[0] if found else folder / f"{outline_cache.CACHE_FILE}-missing"


def _check(repo: GitRepo, staged: bool = True) -> tuple[int, dict[str, str], str]:
    """(exit code, subject -> verdict, the JSON report) of a check of the index, or (`staged`
    False) of the working tree against the base."""
    result = repo.run("check", *(["--staged"] if staged else []), "--format", "json")
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    return result.code, verdicts, result.stdout


def _tree(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/other/value.avsc", OTHER)
    repo.commit("v1")


def test_a_warm_run_gives_the_verdicts_of_a_cold_one(repo: GitRepo) -> None:
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    repo.git("add", "-A")
    cold = _check(repo)
    assert _cache_file(repo).is_file()  # inside the repository's git directory, nowhere else
    warm = _check(repo)
    assert cold == warm
    assert cold[:2] == (1, {"com.acme.common.Money": "incompatible", "orders-value": "incompatible"})


def test_a_changed_content_is_judged_by_its_new_outline(repo: GitRepo) -> None:
    _tree(repo)
    repo.write("contracts/other/value.avsc", {**OTHER, "fields": [*OTHER["fields"], NOTE]})
    repo.git("add", "-A")
    assert _check(repo)[:2] == (0, {"other-value": "compatible"})  # cold: every outline cached
    # orders stops using Money (a new blob: its cached outline no longer applies); refunds starts
    repo.write("contracts/orders/value.avsc", ORDER_ALONE)
    repo.write("contracts/refunds/value.avsc", REFUND)
    repo.commit("v2")
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    repo.git("add", "-A")
    warm = _check(repo)
    assert warm[:2] == (1, {"com.acme.common.Money": "incompatible", "refunds-value": "incompatible"})
    shutil.rmtree(_cache_file(repo).parent)
    assert _check(repo) == warm  # the same without any cache


def test_a_damaged_cache_file_changes_nothing_and_is_rewritten(repo: GitRepo) -> None:
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    repo.git("add", "-A")
    cold = _check(repo)
    for damaged in (b"garbage", _cache_file(repo).read_bytes()[:-5]):
        _cache_file(repo).write_bytes(damaged)
        assert _check(repo) == cold
        assert _cache_file(repo).read_bytes().startswith(outline_cache._MAGIC)
    assert _check(repo) == cold


def test_a_poisoned_entry_changes_the_verdict_so_warm_runs_do_read_the_cache(repo: GitRepo) -> None:
    """Not a behaviour to keep but a proof that the tests above test something: an entry with a valid
    checksum that says orders uses nothing hides orders from the check of Money's change."""
    _tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_BROKEN)
    repo.git("add", "-A")
    assert "orders-value" in _check(repo)[1]
    data = _cache_file(repo).read_bytes()
    stamp, entries = marshal.loads(data[len(outline_cache._MAGIC) + 4 :])
    blob = repo.git("rev-parse", ":contracts/orders/value.avsc").strip()
    key = f"{blob}\0contracts/orders/value.avsc"
    entries[key] = outline_cache.encode(replace(outline_cache.decode(entries[key]), referenced_names=()))
    payload = marshal.dumps((stamp, entries))
    checksum = zlib.crc32(payload).to_bytes(4, "big")
    _cache_file(repo).write_bytes(outline_cache._MAGIC + checksum + payload)
    assert _check(repo)[1] == {"com.acme.common.Money": "incompatible"}
