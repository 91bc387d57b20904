"""Atomic writes: the target holds the old content or the new, never a part, and no
temporary file is left behind, even when the write fails."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from autograder import atomic_files
from autograder.atomic_files import write_bytes_atomic, write_text_atomic


def _leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_writes_text_creating_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "page.html"
    returned = write_text_atomic(target, "héllo\r\n<b>")
    assert returned == target
    # Encoded as UTF-8, with no newline translation.
    assert target.read_bytes() == "héllo\r\n<b>".encode()
    assert _leftovers(target.parent, keep="page.html") == []


def test_replaces_existing_content(tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    write_bytes_atomic(target, b"old")
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path, keep="scores.csv") == []


def test_failed_rename_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "feedback.html"
    target.write_text("old page")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(atomic_files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_text_atomic(target, "new page")
    assert target.read_text() == "old page"
    assert _leftovers(tmp_path, keep="feedback.html") == []


def test_failure_while_writing_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "scores.csv"
    target.write_bytes(b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(atomic_files.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="no space"):
        write_bytes_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path, keep="scores.csv") == []


def test_bad_data_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    with pytest.raises(TypeError):
        write_bytes_atomic(target, "text is not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_new_file_gets_umask_mode_and_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        fresh = write_bytes_atomic(tmp_path / "fresh", b"x")
    finally:
        os.umask(old_umask)
    # Not mkstemp's 0600: feedback must stay readable when nbgrader copies it on.
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644

    private = tmp_path / "private"
    private.write_bytes(b"x")
    private.chmod(0o600)
    write_bytes_atomic(private, b"y")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
