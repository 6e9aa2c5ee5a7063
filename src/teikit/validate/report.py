"""The report of a validation run: plain, frozen data (picklable, so workers can return it).

A :class:`Problem` is one thing wrong with one file; a :class:`FileReport` the problems of one file and
the schemas that judged it; a :class:`Report` one run. Formats for people and CI are in
:mod:`teikit.validate.formats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
# Rules of problems that mean "no verdict": the file was not checked, so the run cannot pass (exit 2).
NOT_CHECKED = frozenset({"internal-error", "too-big"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, where it is, and which rule of which schema says so."""

    path: str
    line: int | None
    column: int | None
    severity: str
    message: str
    rule: str | None = None
    schema: str | None = None


@dataclass(frozen=True)
class FileReport:
    """The problems found in one file (none when it is valid)."""

    path: str
    problems: tuple[Problem, ...] = ()
    # The schemas that judged this file (their names), and why these: "option", "xml-model", a config file…
    schemas: tuple[str, ...] = ()
    chosen_by: str | None = None
    # What the process that checked the file has to say about how (a grammar compiled whole instead of
    # restricted, and why): gathered into Report.details, shown with --verbose; no part of the verdict.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def checked(self) -> bool:
        """Whether the file got a verdict (not when its worker died or it is above the size limit)."""
        return not any(problem.rule in NOT_CHECKED for problem in self.problems)


@dataclass(frozen=True)
class Report:
    """The result of one validation run: one FileReport per file, in order, and the schemas used."""

    files: tuple[FileReport, ...]
    schemas: tuple[str, ...] = ()
    # A run that keeps only some reports (a streamed text or github report keeps those with problems) counts
    # the others here: how many, and (schemas, chosen by, files) of every file in order of first use.
    unlisted: int = 0
    counted_groups: tuple[tuple[tuple[str, ...], str | None, int], ...] = ()
    # Which checks ran when Schematron rules of a grammar or an XPath 2 .sch are involved (issue 12):
    # "grammar + 89 Schematron checks", "grammar only: 89 Schematron checks turned off"…
    checks: str = ""
    # Lines for the user about the checks themselves: always shown (saxonche missing), and with --verbose
    # (Schematron rules that did not compile, grammars compiled whole instead of restricted).
    notices: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def file_count(self) -> int:
        return len(self.files) + self.unlisted

    @property
    def invalid_count(self) -> int:
        return sum(1 for report in self.files if not report.valid)

    @property
    def error_count(self) -> int:
        return sum(report.errors for report in self.files)

    @property
    def warning_count(self) -> int:
        return sum(report.warnings for report in self.files)

    @property
    def valid(self) -> bool:
        return self.invalid_count == 0

    @property
    def unchecked_count(self) -> int:
        return sum(1 for report in self.files if not report.checked)

    @property
    def exit_code(self) -> int:
        """0 every file valid, 1 some file invalid, 2 some file could not be checked at all."""
        if self.unchecked_count:
            return 2
        return 0 if self.valid else 1

    def schema_groups(self) -> list[tuple[tuple[str, ...], str | None, int]]:
        """(schemas, chosen by, number of files) for each distinct choice, in order of first use."""
        if self.counted_groups:
            return list(self.counted_groups)
        counts: dict[tuple[tuple[str, ...], str | None], int] = {}
        for file in self.files:
            key = (file.schemas, file.chosen_by)
            counts[key] = counts.get(key, 0) + 1
        return [(schemas, chosen_by, count) for (schemas, chosen_by), count in counts.items()]

    def summary(self) -> str:
        """``N files, M invalid, K errors`` (warnings and unchecked files when there are any, then the checks)."""
        text = f"{_count(self.file_count, 'file')}, {self.invalid_count} invalid, {_count(self.error_count, 'error')}"
        if self.warning_count:
            text += f", {_count(self.warning_count, 'warning')}"
        if self.unchecked_count:
            text += f", {self.unchecked_count} not checked"
        if self.checks:
            text += f" ({self.checks})"
        return text

    def judged_by(self) -> str:
        """Which schemas judged the files: ``judged by a.rng + b.sch (xml-model)``, per group when they differ."""
        groups = [g for g in self.schema_groups() if g[0]]
        parts = []
        for schemas, chosen_by, count in groups:
            text = " + ".join(schemas) + (f" ({chosen_by})" if chosen_by else "")
            parts.append(text if len(groups) == 1 else f"{text}: {_count(count, 'file')}")
        return "judged by " + "; ".join(parts) if parts else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
