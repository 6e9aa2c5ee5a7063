"""``--send-bytes``: the caller reads each file and sends its bytes, for workers that cannot read the caller's files.

The worker writes the bytes to a private temporary folder under the file's own name, checks that copy like any
file, and names the caller's path in the report again. Schemas are still read by path on the worker (teikit's
own, ``teikit:NAME``, are in every installation). ``--xinclude`` needs the included files and is refused.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .report import FileReport


@dataclass(frozen=True)
class SentFile:
    """A file's path on the caller's machine, and its bytes once it has been sent.

    The bytes are read when the item is pickled for a worker (when its batch is submitted), not before:
    a run holds the bytes of the batches out, not of the whole corpus. In this process, the file is read
    where it is.
    """

    path: Path
    data: bytes | None = None

    def __reduce__(self):
        return (SentFile, (self.path, self.data if self.data is not None else self.path.read_bytes()))


@dataclass(frozen=True, eq=False)
class CheckSentFiles:
    """A run's work (:class:`~teikit.validate.run.CheckFiles`) over files sent as bytes."""

    inner: object  # CheckFiles

    def __hash__(self) -> int:
        return hash(self.inner)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckSentFiles) and other.inner == self.inner

    def prepare(self) -> Callable[[SentFile], FileReport]:
        check = self.inner.prepare()  # type: ignore[attr-defined]

        def check_sent(sent: SentFile) -> FileReport:
            if sent.data is None:
                return check(sent.path)
            with tempfile.TemporaryDirectory(prefix="teikit-sent-") as folder:
                copy = Path(folder) / sent.path.name
                copy.write_bytes(sent.data)
                return renamed(check(copy), str(copy), str(sent.path))

        return check_sent


def renamed(report: FileReport, old: str, new: str) -> FileReport:
    """The report with the temporary copy's path replaced by the caller's, in paths and messages."""
    problems = tuple(
        dataclasses.replace(p, path=p.path.replace(old, new), message=p.message.replace(old, new))
        for p in report.problems
    )
    return dataclasses.replace(report, path=report.path.replace(old, new), problems=problems)
