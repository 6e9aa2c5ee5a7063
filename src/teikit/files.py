"""Writing files so that a reader never sees a half-written one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import UsageError


def write_atomic(path: str | Path, data: bytes | str, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` all at once: either the old file or the new one exists, never a mix.

    The temporary file lives in the target folder so that ``os.replace`` is a
    rename on one file system; it is removed on any failure, including
    KeyboardInterrupt.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write here: {exc.strerror}", path,
                         hint="check the folder exists and is writable") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600; published files are world-readable like any other
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write: {exc.strerror}", path, hint="check disk space and permissions") from None
        raise
    return path


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Delete temporary files that an interrupted write left in ``folder`` (only the writer's own pattern)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = [p for p in folder.glob(".*.tmp") if p.is_file()]
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return stale


def read_input(path: str | Path, kind: str = "file") -> bytes:
    """The bytes of an input file, or a UsageError saying why it cannot be read (``kind`` names it: "register")."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such {kind}", path, hint="check the path") from None
    except IsADirectoryError:
        raise UsageError(f"is a folder, not a {kind}", path) from None
    except PermissionError:
        raise UsageError("permission denied", path) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path) from None
