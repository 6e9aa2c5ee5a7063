"""Validation reports for people and for CI systems: one formatter per format, in a registry.

* ``text``   — grouped per file, ``path:line:column: error: message [rule]``, then a summary line.
* ``json``   — ``{"summary": {..., "checks"}, "schemas": [...], "files": [{"path", "valid", "checked", "schemas",
  "chosen_by", "problems": [...]}]}``; each problem has ``path, line, column, severity, message, rule, schema``
  (line/column may be null); ``schemas`` and ``chosen_by`` say which schemas judged the file and why those.
* ``junit``  — one ``<testsuite>``, one ``<testcase>`` per file (with a ``schemas`` property); an invalid
  file's testcase has one ``<failure>`` whose text lists its problems, a file that could not be checked one
  ``<error>`` (what Jenkins, GitLab and GitHub test reporters read).
* ``github`` — GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``,
  which the runner shows as annotations on the pull request's diff.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from lxml import etree

from .report import FileReport, Problem, Report


def _location(problem: Problem) -> str:
    parts = [problem.path]
    if problem.line:
        parts.append(str(problem.line))
        if problem.column:
            parts.append(str(problem.column))
    return ":".join(parts)


def problem_line(problem: Problem) -> str:
    """``path:line:column: severity: message [rule]`` (the rule is left out when unknown)."""
    text = f"{_location(problem)}: {problem.severity}: {problem.message}"
    if problem.rule:
        text += f" [{problem.rule}]"
    return text


def format_file_text(report: FileReport) -> str:
    """One file's problems, one per line (nothing for a valid file)."""
    return "".join(problem_line(problem) + "\n" for problem in report.problems)


def format_text(report: Report) -> str:
    """Problems grouped per file (files in sorted order, problems by line), which schemas judged, the summary."""
    judged = report.judged_by()
    text = "".join(format_file_text(file) for file in report.files)
    return text + (judged + "\n" if judged else "") + report.summary() + "\n"


def report_dict(report: Report) -> dict:
    """The report as plain data (the structure of the json format)."""
    return {
        "summary": {
            "files": report.file_count,
            "invalid": report.invalid_count,
            "errors": report.error_count,
            "warnings": report.warning_count,
            "valid": report.valid,
            "not_checked": report.unchecked_count,
            "checks": report.checks,  # which Schematron rules of the grammars ran ("" when none are involved)
        },
        "schemas": list(report.schemas),
        "files": [
            {
                "path": file.path,
                "valid": file.valid,
                "checked": file.checked,
                "schemas": list(file.schemas),
                "chosen_by": file.chosen_by,
                "problems": [asdict(problem) for problem in file.problems],
            }
            for file in report.files
        ],
    }


def format_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


def format_junit(report: Report) -> str:
    """JUnit XML: a test suite "teikit validate" with one test case per file."""
    suite = etree.Element(
        "testsuite",
        name="teikit validate",
        tests=str(report.file_count),
        failures=str(report.invalid_count - report.unchecked_count),
        errors=str(report.unchecked_count),
        skipped="0",
    )
    properties = etree.SubElement(suite, "properties")
    for schema in report.schemas:
        etree.SubElement(properties, "property", name="schema", value=schema)
    if report.checks:  # which Schematron rules of the grammars ran, as the text summary says
        etree.SubElement(properties, "property", name="checks", value=report.checks)
    for file in report.files:
        case = etree.SubElement(suite, "testcase", classname="teikit.validate", name=file.path, file=file.path)
        if file.schemas:
            judged = " + ".join(file.schemas) + (f" ({file.chosen_by})" if file.chosen_by else "")
            etree.SubElement(etree.SubElement(case, "properties"), "property", name="schemas", value=judged)
        if not file.checked:
            first = file.problems[0]
            etree.SubElement(
                case, "error", type=first.rule or "internal-error", message=first.message
            ).text = format_file_text(file)
        elif not file.valid:
            first = next(p for p in file.problems if p.severity == "error")
            failure = etree.SubElement(
                case,
                "failure",
                type=first.rule or "invalid",
                message=f"{_plural(file.errors, 'error')}; first: {first.message}",
            )
            failure.text = format_file_text(file)
        elif file.problems:
            etree.SubElement(case, "system-out").text = format_file_text(file)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(suite, encoding="unicode", pretty_print=True)


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping: %, CR and LF in the message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report) -> str:
    """GitHub Actions annotations, one per problem, then the summary as a notice."""
    lines = []
    for file in report.files:
        for problem in file.problems:
            level = "warning" if problem.severity == "warning" else "error"
            properties = [f"file={_escape_property(problem.path)}"]
            if problem.line:
                properties.append(f"line={problem.line}")
            if problem.column:
                properties.append(f"col={problem.column}")
            title = f"teikit validate: {problem.rule}" if problem.rule else "teikit validate"
            properties.append(f"title={_escape_property(title)}")
            lines.append(f"::{level} {','.join(properties)}::{_escape_data(problem.message)}")
    judged = report.judged_by()
    summary = report.summary() + (f"; {judged}" if judged else "")
    lines.append(f"::notice title=teikit validate::{_escape_data(summary)}")
    return "\n".join(lines) + "\n"


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": format_text,
    "json": format_json,
    "junit": format_junit,
    "github": format_github,
}


def format_report(report: Report, format_name: str) -> str:
    """The report in one of the registered formats."""
    return FORMATTERS[format_name](report)
