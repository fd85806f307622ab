"""The outline cache (repo/outline_cache.py): what it keeps, and that a bad file is never believed."""

from __future__ import annotations

import os
import threading
from pathlib import Path, PurePosixPath

import pytest

import contractctl
from contractctl.formats.base import Outline
from contractctl.repo import outline_cache
from contractctl.repo.outline_cache import OutlineCache, code_stamp

PATH = PurePosixPath("contracts/common/money.avsc")
MONEY = Outline(("com.acme.Money",), ("com.acme.Currency",), "com.acme.Money", "com.acme.Money")


def _filled(git_dir: Path, stamp: str, count: int, tag: str = "") -> dict[str, Outline]:
    """A cache file holding `count` outlines (enough to be written), and what it holds."""
    cache = OutlineCache.load(git_dir, stamp)
    written = {}
    for number in range(count):
        blob = f"{number:040x}"
        written[blob] = Outline((f"com.acme.T{number}{tag}",), (), f"com.acme.T{number}{tag}", None)
        cache.put(blob, PATH, written[blob])
    cache.save()
    return written


def test_an_outline_is_cached_only_when_it_comes_back_as_it_was(tmp_path: Path) -> None:
    cache = OutlineCache.load(tmp_path, "s1")
    empty = Outline((), (), None, None)
    cache.put("1" * 40, PATH, empty)
    assert cache.get("1" * 40, PATH) == empty
    for odd in (
        Outline(("a\x1fb",), (), None, None),
        Outline(("",), (), None, None),
        Outline((), (), "", None),
    ):
        cache.put("2" * 40, PATH, odd)
        assert cache.get("2" * 40, PATH) is None  # outlined again each time instead


def test_outlines_come_back_by_blob_and_path(tmp_path: Path) -> None:
    written = _filled(tmp_path, "s1", 20)
    cache = OutlineCache.load(tmp_path, "s1")
    assert all(cache.get(blob, PATH) == outline for blob, outline in written.items())
    assert cache.get(next(iter(written)), PurePosixPath("contracts/other.avsc")) is None  # the path counts
    assert cache.get("f" * 40, PATH) is None


def test_a_cache_written_by_other_code_or_options_is_ignored(tmp_path: Path) -> None:
    _filled(tmp_path, "s1", 20)
    assert OutlineCache.load(tmp_path, "s2").get(f"{0:040x}", PATH) is None
    # the stamp follows the options and the root (and every module of the package)
    assert code_stamp("contracts\0{}") == code_stamp("contracts\0{}")
    assert code_stamp("contracts\0{}") != code_stamp('contracts\0{"protobuf": {"x": 1}}')
    assert code_stamp("contracts\0{}") != code_stamp("schemas\0{}")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-7],  # torn write
        lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],  # one bit flipped in the entries
        lambda data: b"garbage",
        lambda data: b"",
        lambda data: outline_cache._MAGIC + bytes(4) + b"\x00",
    ],
)
def test_a_damaged_file_is_an_empty_cache_and_is_rewritten(tmp_path: Path, damage: object) -> None:
    _filled(tmp_path, "s1", 20)
    file = outline_cache.cache_file(tmp_path, "s1")
    file.write_bytes(damage(file.read_bytes()))  # type: ignore[operator]
    cache = OutlineCache.load(tmp_path, "s1")
    assert cache.get(f"{0:040x}", PATH) is None
    cache.put("a" * 40, PATH, MONEY)  # an empty cache is written back, however little it learned
    cache.save()
    assert OutlineCache.load(tmp_path, "s1").get("a" * 40, PATH) == MONEY


def test_a_run_keeps_what_it_used_and_drops_the_rest(tmp_path: Path) -> None:
    written = _filled(tmp_path, "s1", 20)
    cache = OutlineCache.load(tmp_path, "s1")
    kept = list(written)[:5]
    for blob in kept:
        cache.get(blob, PATH)
    for number in range(16):  # enough new outlines to rewrite the file
        cache.put(f"{number + 100:040x}", PATH, MONEY)
    cache.save()
    again = OutlineCache.load(tmp_path, "s1")
    assert [again.get(blob, PATH) for blob in kept] == [written[blob] for blob in kept]
    assert again.get(list(written)[10], PATH) is None  # a content no longer in the tree
    assert again.get(f"{100:040x}", PATH) == MONEY


def test_a_few_new_outlines_do_not_rewrite_a_valid_file(tmp_path: Path) -> None:
    written = _filled(tmp_path, "s1", 20)
    cache = OutlineCache.load(tmp_path, "s1")
    cache.put("a" * 40, PATH, MONEY)
    cache.save()
    again = OutlineCache.load(tmp_path, "s1")
    assert again.get("a" * 40, PATH) is None  # outlined again next time: one commit's few files
    assert again.get(next(iter(written)), PATH) == written[next(iter(written))]


def test_without_a_writable_git_directory_nothing_is_written(tmp_path: Path) -> None:
    assert not OutlineCache.load(None, "s1").saves
    (tmp_path / "ro").mkdir(mode=0o500)
    cache = OutlineCache.load(tmp_path / "ro", "s1")
    if cache.saves:  # running as root: the directory is writable all the same
        pytest.skip("root writes anywhere")
    cache.put("a" * 40, PATH, MONEY)
    cache.save()
    assert not (tmp_path / "ro" / outline_cache.CACHE_FOLDER).exists()


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    """Each writer replaces the file whole: a reader sees nothing, or one writer's full set, never a
    mix or a torn file."""
    sets = {
        tag: {f"{n:040x}": Outline((f"com.acme.T{n}{tag}",), (), None, None) for n in range(300)}
        for tag in "abcd"
    }
    stop = threading.Event()
    seen: list[str] = []
    errors: list[str] = []

    def write(tag: str) -> None:
        for _ in range(15):
            cache = OutlineCache.load(tmp_path, "s1")
            cache._entries = {}  # as a cold run: everything it knows is new
            for blob, outline in sets[tag].items():
                cache.put(blob, PATH, outline)
            cache.save()

    def read() -> None:
        while not stop.is_set():
            cache = OutlineCache.load(tmp_path, "s1")
            got = {blob: cache.get(blob, PATH) for blob in sets["a"]}
            if all(value is None for value in got.values()):
                continue
            tags = {value.defined_names[0][-1] if value else "-" for value in got.values()}
            if len(tags) != 1 or "-" in tags:
                errors.append(f"mixed or partial file: {sorted(tags)}")
            seen.append(tags.pop())

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(tag,)) for tag in sets]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert errors == []
    assert seen  # the reader did read files while they were being replaced
    final = OutlineCache.load(tmp_path, "s1")
    assert {final.get(f"{0:040x}", PATH).defined_names[0][-1]} <= set(sets)  # type: ignore[union-attr]
    leftovers = [p.name for p in (tmp_path / outline_cache.CACHE_FOLDER).iterdir()]
    assert leftovers == [outline_cache.cache_file(tmp_path, "s1").name]  # no file written aside is left


def test_two_codes_keep_a_file_each_and_week_old_files_of_others_go(tmp_path: Path) -> None:
    """Two installed versions used in turn on one working tree (a hook's and a developer's) do not
    rewrite one file in turn, each finding the other's stamp; an old code's file goes in a week."""
    import os
    import time

    first = _filled(tmp_path, "s1", 20)
    second = _filled(tmp_path, "s2", 20, tag="b")
    assert OutlineCache.load(tmp_path, "s1").get(f"{0:040x}", PATH) == first[f"{0:040x}"]
    assert OutlineCache.load(tmp_path, "s2").get(f"{0:040x}", PATH) == second[f"{0:040x}"]
    old = outline_cache.cache_file(tmp_path, "s1")
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    legacy = old.with_name(outline_cache.CACHE_FILE)  # an earlier release's single file
    legacy.write_bytes(b"x")
    os.utime(legacy, (week_ago, week_ago))
    _filled(tmp_path, "s2", 20, tag="c")
    assert not old.exists() and not legacy.exists()
    assert outline_cache.cache_file(tmp_path, "s2").exists()


def _installed(site: Path, record_lines: list[str], dist_infos: int = 1) -> Path:
    """A site-packages holding a `contractctl` package and `dist_infos` dist-info folders whose RECORD
    holds `record_lines`; the package's __init__.py."""
    package = site / "contractctl"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('__version__ = "0"\n')
    (package / "model.py").write_text("X = 1\n")
    for index in range(dist_infos):
        info = site / f"contractctl-0.{index}.dist-info"
        info.mkdir(exist_ok=True)
        (info / "RECORD").write_text("".join(f"{line}\n" for line in record_lines))
    return package / "__init__.py"


WHEEL_RECORD = [
    "contractctl/__init__.py,sha256=abc,18",
    "contractctl/model.py,sha256=def,6",
    "contractctl-0.0.dist-info/RECORD,,",
]


def _touched(init: Path) -> None:
    """Every module written again: what a fresh install in another CI job does to change times."""
    for module in init.parent.glob("*.py"):
        module.write_text(module.read_text())
        stamp = module.stat().st_mtime_ns + 10**9
        os.utime(module, ns=(stamp, stamp))


def test_a_wheel_install_keeps_its_stamp_when_installed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI job installs contractctl into a fresh environment: other change times, the same code.
    The stamp follows the wheel's RECORD, so a cached `.git/contractctl` answers the next job."""
    init = _installed(tmp_path / "site", WHEEL_RECORD)
    monkeypatch.setattr(contractctl, "__file__", str(init))
    first = code_stamp("contracts\0{}")
    _touched(init)
    assert code_stamp("contracts\0{}") == first
    # other code (another wheel): another stamp
    record = tmp_path / "site" / "contractctl-0.0.dist-info" / "RECORD"
    record.write_text(record.read_text().replace("sha256=def", "sha256=xyz"))
    assert code_stamp("contracts\0{}") != first


@pytest.mark.parametrize(
    ("record_lines", "dist_infos"),
    [
        (["__editable__.contractctl-0.pth,sha256=abc,40", "contractctl-0.0.dist-info/RECORD,,"], 1),
        (WHEEL_RECORD, 2),  # an earlier install's left beside it: which is ours is unclear
        (WHEEL_RECORD, 0),  # a source checkout
    ],
    ids=["editable", "two-dist-infos", "no-dist-info"],
)
def test_without_a_wheel_record_the_stamp_follows_the_modules_change_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_lines: list[str], dist_infos: int
) -> None:
    init = _installed(tmp_path / "site", record_lines, dist_infos)
    monkeypatch.setattr(contractctl, "__file__", str(init))
    first = code_stamp("contracts\0{}")
    assert code_stamp("contracts\0{}") == first
    _touched(init)  # an edit in a source checkout: the cache must not be believed
    assert code_stamp("contracts\0{}") != first
