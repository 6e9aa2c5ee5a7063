"""A progress line on stderr for long runs: files done, MB/s, time left; nothing when stderr is not a terminal.

Drawn by ``tqdm`` (a well-kept library that handles terminal widths, rates and the ETA) rather than by
hand-written carriage returns. The line counts bytes (so the rate is in MB/s and the estimate follows the
size of what is left) and shows the files done beside them. Off with ``--quiet``, in CI logs and pipes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


class Progress:
    """Progress of one run: ``start(files)``, ``done(path)`` per file; usable as a context manager."""

    def __init__(self, enabled: bool = True, stream: Any = None, interval: float = 0.25) -> None:
        self.interval = interval  # seconds between redraws at most
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _is_terminal(self.stream)
        self._bar: Any = None
        self._sizes: dict[str, int] = {}
        self._files = 0

    def start(self, files: list[Path]) -> None:
        if not self.enabled or len(files) < 2:
            return
        from tqdm import tqdm  # type: ignore[import-untyped]

        self._sizes = {str(file): _size(file) for file in files}
        self._bar = tqdm(
            total=sum(self._sizes.values()),
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            file=self.stream,
            leave=False,
            dynamic_ncols=True,
            mininterval=self.interval,
            miniters=1,
        )
        self._count = len(files)
        self._bar.set_postfix_str(f"0/{self._count} files", refresh=False)

    def done(self, path: str) -> None:
        if self._bar is None:
            return
        self._files += 1
        self._bar.set_postfix_str(f"{self._files}/{self._count} files", refresh=False)
        self._bar.update(self._sizes.get(path, 0))

    def echo(self, text: str) -> None:
        """Print a report's lines on stdout without breaking the progress line."""
        if self._bar is None:
            click.echo(text, nl=False)
        else:
            self._bar.clear()
            click.echo(text, nl=False)
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
