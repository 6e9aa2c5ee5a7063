"""Errors that teikit reports to a person: where the problem is and what to do about it."""

from __future__ import annotations

from pathlib import Path


class TeikitError(Exception):
    """A problem with the user's input or environment, reported as one line.

    ``path``, ``line`` and ``column`` locate the problem (any may be unknown);
    ``hint`` says what to do. The CLI prints :meth:`one_line` and exits with
    :attr:`exit_code`; nothing else in teikit formats errors.
    """

    exit_code = 1

    # An explicit __init__ (not a dataclass) so that errors raised in worker
    # processes survive pickling: Exception.__reduce__ replays self.args.
    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, path, line, column, hint)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    def location(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def one_line(self) -> str:
        text = f"{self.location()}: error: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split())

    def __str__(self) -> str:
        return self.one_line()


class InputError(TeikitError):
    """The input (a seed text, an edition file, a register, a TEI file) is wrong."""


class XMLInputError(InputError):
    """An XML file is malformed, unsafe or unreadable as TEI."""


class UsageError(TeikitError):
    """The command was called wrongly, or the environment lacks something it needs."""

    exit_code = 2


class OverwriteRefused(UsageError):
    """A generated file was changed by hand since teikit wrote it."""
