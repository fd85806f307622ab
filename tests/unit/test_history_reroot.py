"""`contracts.history_roots`: a log over earlier folders read as the root's (history.rerooted)."""

from __future__ import annotations

from contractctl.repo.history import _log_args, parse_log, rerooted

SHA = "a" * 40
BLOB, OTHER, NULL = "b" * 40, "c" * 40, "0" * 40


def _entry(status: str, path: str, blob: str = BLOB) -> bytes:
    old, new = (NULL, blob) if status == "A" else (blob, NULL) if status == "D" else (OTHER, blob)
    return f":100644 100644 {old} {new} {status}\0{path}\0".encode()


def _log(*commits: tuple[str, list[bytes]]) -> bytes:
    out = b""
    for sha, entries in commits:
        out += f"\x01{sha}\0\n".encode() + b"".join(entries)
    return out


def _changes(output: bytes) -> list[list[tuple[str, str | None]]]:
    return [
        [(c.status, str(c.new_path or c.old_path)) for c in commit.changes] for commit in parse_log(output)
    ]


def test_paths_under_an_earlier_folder_are_read_under_the_root() -> None:
    output = _log(
        ("1" * 40, [_entry("A", "old/s/a.avsc")]),
        ("2" * 40, [_entry("M", "old/s/a.avsc"), _entry("M", "elsewhere/x.txt")]),
        # the move: the root's file written, the old one deleted
        ("3" * 40, [_entry("A", "new/s/a.avsc"), _entry("D", "old/s/a.avsc")]),
    )
    assert _changes(rerooted(output, "new/s", ("old/s",))) == [
        [("A", "new/s/a.avsc")],
        [("M", "new/s/a.avsc"), ("M", "elsewhere/x.txt")],
        [("A", "new/s/a.avsc")],
    ]
    assert rerooted(output, "new/s", ()) is output


def test_the_roots_own_file_wins_over_an_earlier_folders_in_one_commit() -> None:
    output = _log(("1" * 40, [_entry("A", "new/s/a.avsc", BLOB), _entry("M", "old/s/a.avsc", OTHER)]))
    commits = parse_log(rerooted(output, "new/s", ("old/s",)))
    assert [(c.status, c.new_blob) for c in commits[0].changes] == [("A", BLOB)]


def test_pathspecs_are_asked_under_each_earlier_folder_too() -> None:
    args = _log_args(
        "HEAD", "new/s", [":(glob,icase)new/s/**/t/value.*", ":(literal)new/s/c.avsc"], ("old/s",)
    )
    assert args[args.index("--") + 1 :] == [
        ":(glob,icase)new/s/**/t/value.*",
        ":(literal)new/s/c.avsc",
        ":(glob,icase)old/s/**/t/value.*",
        ":(literal)old/s/c.avsc",
    ]
    plain = _log_args("HEAD", "new/s", None, ("old/s", "older"))
    assert plain[plain.index("--") + 1 :] == ["new/s", "old/s", "older"]
