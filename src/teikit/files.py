"""Writing files so that a reader never sees a half-written one."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
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
        # The pid in the name tells a later run whether the writer is still alive (see remove_stale_temporaries).
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(
            f"cannot write here: {exc.strerror}", path, hint="check the folder exists and is writable"
        ) from None
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
        if isinstance(exc, FileNotFoundError):  # not a full disk: something removed the temporary or the folder
            raise UsageError(
                "cannot write: the temporary file or its folder was removed while teikit wrote it",
                path,
                hint="another program is clearing this folder; run again when it is done",
            ) from None
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write: {exc.strerror}", path, hint="check disk space and permissions") from None
        raise
    return path


_TEMPORARY = re.compile(r"^\..+\.(\d+)-[^.]+\.tmp$")  # what write_atomic names them: .NAME.PID-RANDOM.tmp


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Delete temporary files that an interrupted write left in ``folder``.

    Only the writer's own pattern, and not those whose writing process is still running: a temporary of a
    ``teikit render`` or another build writing in the same folder is left alone. (A temporary without a pid
    in its name, from a teikit before pids were written, is removed as it always was.)
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = []
    for path in folder.glob(".*.tmp"):
        match = _TEMPORARY.match(path.name)
        if (match is None or not _alive(int(match.group(1)))) and path.is_file():
            stale.append(path)
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return stale


def read_input(path: str | Path, kind: str = "file") -> bytes:
    """The bytes of an input file, or a UsageError saying why it cannot be read (``kind`` names it: "register")."""
    path = Path(path)
    check_input(path, kind)
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


# --------------------------------------------------------------------------- what a path is, before it is opened

# What stat says a path is, for the one line that refuses it (opening a FIFO would block until a writer comes).
_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def check_input(path: str | Path, kind: str = "file", *, folder_ok: bool = False) -> os.stat_result:
    """Stat ``path`` (never open it) and refuse anything but a regular file, or a folder where ``folder_ok``.

    ``kind`` names the input in the message ("source text", "TEI file"). Returns the stat result.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        what = f"{kind} or folder" if folder_ok else kind
        raise UsageError(f"no such {what}", path, hint="check the path") from None
    except PermissionError:
        raise UsageError("permission denied", path) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path) from None
    if stat.S_ISREG(info.st_mode) or (folder_ok and stat.S_ISDIR(info.st_mode)):
        return info
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"is a folder, not a {kind}", path, hint=f"name a {kind}")
    what = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), "not a regular file")
    raise UsageError(
        f"is {what}, not a regular file; teikit reads only regular files",
        path,
        hint="save what it gives into a file and pass that file",
    )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def refuse_output_over_input(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """Refuse, before anything is read, to write any of ``outputs`` over one of ``inputs``.

    Two paths are the same file when stat gives the same device and inode (the same name, a hard link or a
    symbolic link), or, for an output that does not exist yet, when both resolve to the same path (a link
    that points at the input through a folder that does not exist yet, or an input about to be created).
    """
    sources = [Path(p) for p in inputs if _identity(Path(p)) is not None]  # what does not exist cannot be lost
    identities = {_identity(p): p for p in sources}
    resolved = {p.resolve(): p for p in sources}
    for output in map(Path, outputs):
        same = identities.get(_identity(output)) or resolved.get(output.resolve())
        if same is not None:
            where = "" if same == output else f" ({same})"
            raise UsageError(
                f"the output is also an input{where}: writing it would destroy the input",
                output,
                hint="write the output to another file or folder",
            )


# --------------------------------------------------------------------------- one writer per folder

LOCK_NAME = ".teikit.lock"
DEFAULT_LOCK_WAIT = 10.0

try:  # POSIX: flock is released by the kernel when its holder ends, however it ends (even killed)
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

except ImportError:  # pragma: no cover - Windows: a byte-range lock, also released when the process ends
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # typeshed: Windows only
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]  # typeshed: Windows only


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "a process that has not said who it is yet"


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _acquire(folder: Path, wait: float, purpose: str) -> tuple[int, Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create the folder: {exc.strerror}", folder, hint="check the path and its permissions"
        ) from None
    path = folder / LOCK_NAME
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise UsageError(
                f"cannot create the lock file: {exc.strerror}", path, hint="check the folder is writable"
            ) from None
        if _try_lock(fd):
            # The holder before us may have removed the file while we waited: lock the file at the name.
            if os.fstat(fd).st_ino == _inode(path):
                when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
                os.ftruncate(fd, 0)
                os.write(fd, f"{purpose}: pid {os.getpid()} on {socket.gethostname()}, since {when}\n".encode())
                return fd, path
            _unlock(fd)
        os.close(fd)
        if time.monotonic() >= deadline:
            raise UsageError(
                f"another teikit run is writing into this folder ({_holder(path)})",
                folder,
                hint=f"wait until it ends and run again; the lock ({LOCK_NAME}) is released when "
                "that process ends, however it ends",
            )
        time.sleep(0.05)


def _release(fd: int, path: Path) -> None:
    try:
        if os.fstat(fd).st_ino == _inode(path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # while still locked, so a waiting run retries on a new file
        _unlock(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_lock(
    folders: Iterable[str | Path], *, wait: float = DEFAULT_LOCK_WAIT, purpose: str = "teikit"
) -> Iterator[None]:
    """Hold an exclusive lock on each folder (created if missing) for the duration of the block.

    The lock is ``<folder>/.teikit.lock``, holding who took it (pid, host, time) for the message another
    run gives. It is an OS lock (flock), so a killed holder never leaves a stale lock: the file it leaves
    is taken over by the next run. A second run waits up to ``wait`` seconds, then says who holds it.
    Folders are locked in one order (by resolved path), so two runs never wait for each other.
    """
    held: list[tuple[int, Path]] = []
    try:
        for folder in sorted({Path(f).resolve() for f in folders}):
            held.append(_acquire(folder, wait, purpose))
        yield
    finally:
        for fd, path in reversed(held):
            _release(fd, path)
