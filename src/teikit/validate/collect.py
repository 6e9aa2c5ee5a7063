"""Which files a run covers: files as given, folders searched recursively for ``*.xml``, sorted and unique.

``teikit validate DIR`` and ``teikit render DIR`` both use this, so they agree on what a folder holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError


def collect_files(paths: Iterable[str | Path], *, allow_empty: bool = False) -> list[Path]:
    """The ``*.xml`` files below folders (recursively) and the files given; sorted, unique.

    Finding no file at all is an error (a mistyped or empty folder must not pass CI) unless
    ``allow_empty``.
    """
    found: dict[str, Path] = {}
    given = [Path(spec) for spec in paths]
    for path in given:
        if path.is_dir():
            for file in path.rglob("*.xml"):
                if file.is_file():
                    found.setdefault(str(file), file)
        elif path.is_file():
            found.setdefault(str(path), path)
        else:
            raise UsageError("no such file or folder", str(path), hint="check the path")
    files = sorted(found.values(), key=lambda p: str(p))
    if not files and not allow_empty:
        where = str(given[0]) if len(given) == 1 else None
        raise UsageError(
            "no .xml file found", where, hint="check the path (folders are searched recursively), or pass --allow-empty"
        )
    for file in files:
        if not os.access(file, os.R_OK):
            raise UsageError("permission denied", str(file), hint="make the file readable")
    return files
