"""The atomic writer: readers see the old file or the new one, never a mix, and no debris is left."""

from __future__ import annotations

import os
import stat

import pytest

from teikit.errors import UsageError
from teikit.files import write_atomic


def test_writes_new_file_with_normal_permissions(tmp_path):
    target = write_atomic(tmp_path / "sub" / "out.txt", "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_failure_during_write_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(UsageError, match="No space left"):
        write_atomic(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_interrupt_during_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def interrupted(fd, mode):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_unwritable_folder_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError):
        write_atomic(blocker / "inside.txt", "data")


def test_a_temporary_removed_by_someone_else_is_not_blamed_on_the_disk(tmp_path, monkeypatch):
    real_replace = os.replace

    def vanish(src, dst):
        os.unlink(src)  # what another process clearing the folder did
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", vanish)
    with pytest.raises(UsageError) as error:
        write_atomic(tmp_path / "out.txt", "x")
    assert "was removed while teikit wrote it" in error.value.message
    assert "disk space" not in error.value.one_line()
