"""Validate TEI files against RELAX NG, XML Schema and Schematron: many files, one report.

The flow of :func:`validate_paths`:

1. collect the files (folders recursively, ``*.xml``, sorted);
2. scan them for the element names they use and compile each RELAX NG grammar
   once, restricted to those names (see :mod:`teikit.relaxng`; the restricted
   grammar accepts exactly the same documents and compiles in milliseconds);
3. fork the workers *after* compiling, so that they share the compiled schemas,
   and validate one file per task: memory follows the largest file, not the corpus;
4. gather one :class:`FileReport` per file, in the order of the files.

A malformed file is a :class:`Problem` like any other, so one bad file never
stops a corpus run; a path that cannot be read or a schema that cannot be
loaded is a :class:`~teikit.errors.UsageError` (exit 2).
"""

from __future__ import annotations

import copy
import functools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, isoschematron

from . import relaxng, stream
from .errors import TeikitError, UsageError, XMLInputError
from .xmlio import (
    PACKAGE_DIR,
    XSLT_ACCESS,
    is_duplicate_id_error,
    max_xml_bytes,
    parse_xml,
    parse_xml_with_duplicate_ids,
)

SCHEMA_DIR = PACKAGE_DIR / "schemas"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
ERROR = "error"
WARNING = "warning"
# How many expected element names a message lists before it says "or N others".
MAX_EXPECTED = 10
# How many structural problems one file reports at most (beyond libxml2's own).
MAX_FINDINGS = 100


# ---------------------------------------------------------------------------
# The report: plain, frozen data
# ---------------------------------------------------------------------------


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

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0


@dataclass(frozen=True)
class Report:
    """The result of one validation run: one FileReport per file, in order, and the schemas used."""

    files: tuple[FileReport, ...]
    schemas: tuple[str, ...] = ()
    checks: str = ""  # which checks ran, when Schematron rules of a grammar are involved (issue 12)

    @property
    def file_count(self) -> int:
        return len(self.files)

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
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def summary(self) -> str:
        """``N files, M invalid, K errors`` (and warnings when there are any)."""
        text = (
            f"{_count(self.file_count, 'file')}, {self.invalid_count} invalid, "
            f"{_count(self.error_count, 'error')}"
        )
        if self.warning_count:
            text += f", {_count(self.warning_count, 'warning')}"
        if self.checks:
            text += f" ({self.checks})"
        return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


class RelaxNGSchema:
    """A RELAX NG grammar, compiled on demand for the element names in use (once per set of names)."""

    kind = "relaxng"

    def __init__(self, path: Path, restrict: bool = True, use_cache: bool = True) -> None:
        self.path = path
        self.name = path.name
        self.restrict = restrict
        self.use_cache = use_cache
        self._compiled: list[tuple[frozenset[str] | None, relaxng.CompiledGrammar]] = []
        self._models: relaxng.ContentModels | None = None
        self._full_tree: etree._ElementTree | None = None
        self._streamed: list[tuple[frozenset[str], stream.StreamGrammar | None]] = []
        self._check_readable()

    def _check_readable(self) -> None:
        try:
            self._full_tree = parse_xml(self.path)
        except XMLInputError as exc:
            raise UsageError(
                f"the schema is not readable XML: {exc.message}", self.path, exc.line, exc.column
            ) from None
        root = self._full_tree.getroot()
        if etree.QName(root).namespace != relaxng.RNG_NS:
            raise UsageError(
                "not a RELAX NG schema in XML syntax",
                self.path,
                hint="pass a .rng file (convert .rnc with trang)",
            )

    def prepare(self, names: frozenset[str] | None) -> None:
        """Compile the grammar for documents using only ``names`` (all names: None, or not restricting)."""
        self._grammar_for(names)

    def _grammar_for(self, names: frozenset[str] | None) -> relaxng.CompiledGrammar:
        if not self.restrict:
            names = None
        for covered, grammar in self._compiled:
            if covered is None or (names is not None and names <= covered):
                return grammar
        try:
            grammar = relaxng.compile_grammar(self.path, names, use_cache=self.use_cache)
        except etree.RelaxNGParseError as exc:
            raise UsageError(f"cannot compile the RELAX NG schema: {_first_line(exc)}", self.path) from None
        self._compiled.append((names if grammar.restricted else None, grammar))
        return grammar

    def stream_grammar(self, names: frozenset[str]) -> stream.StreamGrammar | None:
        """The grammar restricted to ``names``, compiled by the system's libxml2 for streaming; None if it cannot be.

        A grammar restricted to a superset of ``names`` serves as well (see :func:`stream_verdict`).
        """
        for covered, grammar in self._streamed:
            if names <= covered:
                return grammar
        grammar = None
        if self.restrict:
            try:
                data = relaxng.restricted_grammar_bytes(self.path, names, self.use_cache, self._full_tree)
            except XMLInputError:  # an included file is unreadable: the tree path reports it
                data = None
            grammar = stream.StreamGrammar.from_bytes(data) if data else None
        self._streamed.append((names, grammar))
        return grammar

    def stream(self, path: Path, names: frozenset[str]) -> stream.StreamResult:
        """Validate a file while reading it, against this grammar restricted to ``names``."""
        grammar = self.stream_grammar(names)
        return stream.stream_validate(path, grammar) if grammar else stream.StreamResult(None)

    @property
    def models(self) -> relaxng.ContentModels:
        """Content models of the whole grammar (not the restricted one), for explaining errors."""
        if self._models is None:
            try:
                self._models = relaxng.ContentModels(relaxng.inline_includes(self._full_tree, self.path))
            except XMLInputError:
                self._models = relaxng.ContentModels(self._full_tree)
        return self._models

    def check(
        self, tree: etree._ElementTree, path: str, names: frozenset[str], locator: Locator
    ) -> list[Problem]:
        grammar = self._grammar_for(names)
        if grammar.relaxng.validate(tree):
            return []
        entries = list(grammar.relaxng.error_log)
        return explain_relaxng(entries, tree, path, self.models, self.name, locator, grammar.relaxng)


class XMLSchemaSchema:
    """A W3C XML Schema (.xsd), which lxml compiles directly."""

    kind = "xsd"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        try:
            self.schema = etree.XMLSchema(parse_xml(path))
        except XMLInputError as exc:
            raise UsageError(
                f"the schema is not readable XML: {exc.message}", path, exc.line, exc.column
            ) from None
        except etree.XMLSchemaParseError as exc:
            raise UsageError(f"cannot compile the XML Schema: {_first_line(exc)}", path) from None

    def prepare(self, names: frozenset[str] | None) -> None:
        pass

    def check(
        self, tree: etree._ElementTree, path: str, names: frozenset[str], locator: Locator
    ) -> list[Problem]:
        if self.schema.validate(tree):
            return []
        return [
            Problem(
                path,
                entry.line or None,
                entry.column or None,
                ERROR,
                entry.message,
                entry.type_name,
                self.name,
            )
            for entry in self.schema.error_log
        ]


class SchematronSchema:
    """An ISO Schematron schema (XPath 1, as lxml runs it); every failed assert or report is a Problem."""

    kind = "schematron"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        try:
            document = parse_xml(path)
            compiled = isoschematron.Schematron(document, store_xslt=True)
            self.transform = etree.XSLT(
                _with_attribute_locations(compiled.validator_xslt), access_control=XSLT_ACCESS
            )
        except XMLInputError as exc:
            raise UsageError(
                f"the schema is not readable XML: {exc.message}", path, exc.line, exc.column
            ) from None
        except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as exc:
            raise UsageError(
                f"cannot compile the Schematron schema: {_first_line(exc)}",
                path,
                hint="lxml runs ISO Schematron with queryBinding 'xslt' or 'exslt' (XPath 1) only",
            ) from None

    def prepare(self, names: frozenset[str] | None) -> None:
        pass

    def check(
        self, tree: etree._ElementTree, path: str, names: frozenset[str], locator: Locator
    ) -> list[Problem]:
        report = self.transform(tree)
        return schematron_problems(report, tree, path, self.name, locator)


def _with_attribute_locations(validator: etree._ElementTree) -> etree._ElementTree:
    """Make the SVRL ``@location`` of an attribute a full path.

    lxml's XSLT 1 skeleton writes "/@ana" for an attribute, without the path of
    its element, so the node (and its line) cannot be found again; prefixing the
    element's path fixes that.
    """
    for template in validator.iterfind(f"{{{XSL_NS}}}template[@mode='schematron-get-full-path']"):
        if template.get("match") == "@*":
            parent_path = etree.Element(
                f"{{{XSL_NS}}}apply-templates", select="parent::*", mode="schematron-get-full-path"
            )
            template.insert(0, parent_path)
    return validator


SCHEMA_LOADERS: dict[str, Callable[..., object]] = {
    ".rng": RelaxNGSchema,
    ".xsd": XMLSchemaSchema,
    ".sch": SchematronSchema,
}


@dataclass
class SchemaSet:
    """The schemas of one run, compiled once and shared by every file (and every forked worker)."""

    schemas: list = field(default_factory=list)
    # Schematron rules of the grammars (issue 12): what to tell the user, and the summary's note.
    notices: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    checks: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(schema.name for schema in self.schemas)

    @property
    def needs_element_names(self) -> bool:
        return any(isinstance(schema, RelaxNGSchema) and schema.restrict for schema in self.schemas)

    @property
    def streamable(self) -> bool:
        """Whether a verdict may come from streaming: only restricted RELAX NG grammars, nothing that needs a tree."""
        return bool(self.schemas) and all(
            isinstance(schema, RelaxNGSchema) and schema.restrict for schema in self.schemas
        )

    def prepare(self, names: frozenset[str] | None) -> None:
        """Compile every grammar for documents using only ``names`` (before forking workers)."""
        for schema in self.schemas:
            schema.prepare(names)

    def prepare_streaming(self, names: frozenset[str]) -> None:
        """Compile every grammar for streaming documents that use only ``names`` (before forking workers)."""
        for schema in self.schemas:
            schema.stream_grammar(names)


def resolve_schema_path(spec: str | Path) -> Path:
    """A schema path; ``teikit:NAME`` names a schema shipped with teikit (e.g. ``teikit:teikit.sch``)."""
    text = str(spec)
    if text.startswith("teikit:"):
        name = text[len("teikit:") :]
        path = SCHEMA_DIR / name
        if not name or "/" in name or not path.is_file():
            shipped = ", ".join(f"teikit:{p.name}" for p in default_schema_paths()) or "none"
            raise UsageError(f"teikit ships no schema called '{name}'", text, hint=f"shipped: {shipped}")
        return path
    path = Path(text)
    if not path.is_file():
        raise UsageError("no such schema file", text, hint="check the path")
    return path


def default_schema_paths() -> list[Path]:
    """The project's own schemas: every .rng and .sch in teikit's schemas folder."""
    if not SCHEMA_DIR.is_dir():
        return []
    return sorted(path for path in SCHEMA_DIR.iterdir() if path.suffix in (".rng", ".sch") and path.is_file())


def load_schemas(
    rng: Iterable[str | Path] = (),
    schematron: Iterable[str | Path] = (),
    xsd: Iterable[str | Path] = (),
    *,
    restrict: bool = True,
    use_cache: bool = True,
    schematron_rules: bool = True,
) -> SchemaSet:
    """Load grammars and Schematron schemas; with none given, the project's own schemas.

    ``restrict`` compiles RELAX NG grammars restricted to the element names in
    the documents (same verdicts, much faster for big grammars such as tei_all);
    ``use_cache`` keeps those restricted grammars on disk between runs.
    ``schematron_rules`` runs the Schematron embedded in RELAX NG grammars
    (see :mod:`teikit.schematron`); ``.sch`` files with an XPath 2/3 query
    binding run there too.
    """
    rng, schematron, xsd = list(rng), list(schematron), list(xsd)
    if not (rng or schematron or xsd):
        defaults = default_schema_paths()
        if not defaults:
            raise UsageError(
                "no schemas to validate against", SCHEMA_DIR, hint="pass --schema, --schematron or --tei-all"
            )
        rng = [path for path in defaults if path.suffix == ".rng"]
        schematron = [path for path in defaults if path.suffix == ".sch"]
    schemas: list = []
    for spec in rng + xsd:
        path = resolve_schema_path(spec)
        if path.suffix == ".rnc":
            raise UsageError(
                "compact-syntax RELAX NG (.rnc) is not supported",
                path,
                hint="convert it: trang schema.rnc schema.rng",
            )
        if path.suffix == ".xsd":
            schemas.append(XMLSchemaSchema(path))
        else:
            schemas.append(RelaxNGSchema(path, restrict=restrict, use_cache=use_cache))
    xpath1, xpath2 = _split_by_query_binding([resolve_schema_path(spec) for spec in schematron])
    schemas.extend(SchematronSchema(path) for path in xpath1)
    return _with_schematron_rules(SchemaSet(schemas), xpath2, schematron_rules, use_cache)


def _split_by_query_binding(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The .sch files lxml runs (XPath 1) and those Saxon runs (queryBinding xslt2/xslt3)."""
    from .schematron.schema import XPATH2_BINDINGS, query_binding

    xpath1: list[Path] = []
    xpath2: list[Path] = []
    for path in paths:
        try:
            binding = query_binding(path, parse_xml(path))
        except XMLInputError:
            binding = ""  # SchematronSchema reports the unreadable file
        (xpath2 if binding in XPATH2_BINDINGS else xpath1).append(path)
    return xpath1, xpath2


def _with_schematron_rules(schemas: SchemaSet, standalone: list[Path], enabled: bool, use_cache: bool) -> SchemaSet:
    """Add the Schematron rules of the grammars (and of XPath 2 .sch files) to the set, and say which ran."""
    from .schematron.schema import rules_schemas

    grammars = [(s.path, s._full_tree) for s in schemas.schemas if isinstance(s, RelaxNGSchema)]
    loaded = rules_schemas(grammars, standalone, enabled=enabled, use_cache=use_cache)
    schemas.schemas.extend(loaded.schemas)
    schemas.notices, schemas.details = loaded.notices, loaded.details
    grammar = "grammar + " if any(isinstance(s, (RelaxNGSchema, XMLSchemaSchema)) for s in schemas.schemas) else ""
    if loaded.schemas:
        schemas.checks = f"{grammar}{_count(loaded.count, 'Schematron check')}"
    elif loaded.turned_off:
        schemas.checks = f"grammar only: {_count(loaded.turned_off, 'Schematron check')} turned off"
    elif loaded.notices:
        schemas.checks = "grammar only: saxonche is not installed"
    return schemas


def _first_line(exc: Exception) -> str:
    log = getattr(exc, "error_log", None)
    if log:
        return log[0].message
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


# ---------------------------------------------------------------------------
# Validating one tree
# ---------------------------------------------------------------------------


def element_names(tree: etree._ElementTree) -> frozenset[str]:
    """The local element names and "@"-attribute names in a tree (what grammars are restricted to)."""
    return relaxng.names_in_tree(tree)


def validate_tree(
    tree: etree._ElementTree, schemas: SchemaSet, path: str = "<tree>", names: frozenset[str] | None = None
) -> FileReport:
    """Check one parsed tree against every schema of the set.

    ``names`` (local element names, a superset of those in the tree) saves a walk
    over the tree when the caller knows them already.
    """
    if names is None:
        names = element_names(tree) if schemas.needs_element_names else frozenset()
    problems: list[Problem] = []
    locator = Locator(tree, path)
    for schema in schemas.schemas:
        problems.extend(schema.check(tree, path, names, locator))
    return FileReport(path, tuple(_sorted_problems(problems)))


def validate_file(path: str | Path, schemas: SchemaSet, names: frozenset[str] | None = None) -> FileReport:
    """Check one file; malformed XML becomes a Problem, not an exception.

    A big file checked against RELAX NG grammars only is validated while it is
    read, without a tree (:func:`stream_verdict`); every other file, and every
    file that streaming does not find valid, is parsed safely and checked on its
    tree, which is what explains problems. ``names``: a superset of the element
    and attribute names in the file, if known.
    """
    streamed = stream_verdict(Path(path), schemas, names)
    if streamed.report is not None:
        return streamed.report
    return _validate_parsed_file(path, schemas, names if names is not None else streamed.names)


def _validate_parsed_file(path: str | Path, schemas: SchemaSet, names: frozenset[str] | None) -> FileReport:
    if names is None and schemas.needs_element_names:
        names = relaxng.element_names_in_file(path)  # a byte scan: much faster than walking the tree
    return _check_parsed(_parse_for_validation(path), schemas, names)


# ---------------------------------------------------------------------------
# Streaming: a verdict without a tree
# ---------------------------------------------------------------------------
#
# Measured on two cores against tei_all (docs/validate.md): for a 50 MB file the tree path
# parses (0.66 s), validates the tree (0.77 s) and frees half a gigabyte (0.45 s); libxml2's
# text reader parses and validates in one pass in 1.1 s and bounded memory (~50 MB). At 1 MB
# streaming is already faster (0.21 s against 0.24 s for the whole command); for Hamlet (0.6 MB)
# both take 0.23-0.24 s, and a folder of 1,000 small files gains nothing. The tree path is the
# one that explains problems, so every verdict but "valid" is left to it.

# Files at least this big are streamed (when the schemas allow it; see SchemaSet.streamable).
STREAM_MIN_BYTES = 1024 * 1024
# How much of a file's beginning and end is scanned for names before streaming starts.
HEAD_TAIL_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Streamed:
    """What streaming settled for one file: its report (valid, or too big for the tree path), or nothing.

    ``names`` holds every name in the file when streaming had to scan the whole
    file for them, so that the tree path need not scan it again.
    """

    report: FileReport | None = None
    names: frozenset[str] | None = None
    # The names of the head and the tail, when the grammar restricted to them refused the file and
    # the caller asked to check the file's other names itself (``scan=False``).
    refused_with: frozenset[str] | None = None


def stream_verdict(
    path: Path, schemas: SchemaSet, names: frozenset[str] | None = None, scan: bool = True
) -> Streamed:
    """Validate a big file while reading it, if the schemas allow; a report only when that settles it.

    ``names`` is a superset of the names in the file when known (a multi-file
    run scans every file first); otherwise the grammar is restricted to the
    names in the file's first and last HEAD_TAIL_BYTES, which is exact here:

    * Restriction only ever replaces element and attribute patterns by
      ``notAllowed`` and then rewrites without changing the language (a choice
      loses a ``notAllowed`` branch, a group or element containing one becomes
      ``notAllowed``, ``optional``/``zeroOrMore`` of it ``empty``; one-child
      groups are unwrapped, definitions inlined, unreachable ones dropped: see
      :func:`teikit.relaxng.restrict_grammar`). Every RELAX NG operator is
      monotone in the languages of its operands (only ``except`` is not, and
      element and attribute patterns never occur under it), so replacing a
      pattern by ``notAllowed`` can only shrink the language: **a restricted
      grammar accepts a subset of what the full grammar accepts, and "valid"
      against any restriction means valid**, whatever names the file uses.
    * A restriction to S accepts exactly what the full grammar accepts among
      documents whose names all lie in S (a removed pattern can only match a
      name outside S). So **"invalid" is exact once every name in the file is
      known to lie in S**: then the whole file is scanned, and if it uses a name
      outside S (only in its middle), it is streamed again against the grammar
      restricted to all its names.

    Both facts are tested (tests/test_stream.py, tests/test_validate.py), and so
    is the agreement of libxml2's streaming validator with its tree validator.
    ``scan=False`` leaves the scan (and the second pass) to the caller, which
    can scan while it parses: see ``refused_with``.

    Streaming's "invalid" never becomes the report: the tree path explains the
    problems. Except for files above TEIKIT_MAX_XML_MB, which the tree path
    refuses: they are reported with streaming's first problem and its line.
    """
    if not schemas.streamable:
        return Streamed()
    try:
        size = path.stat().st_size
        oversized = size > max_xml_bytes()
        if size < STREAM_MIN_BYTES and not oversized:
            return Streamed()
        head, tail = _head_and_tail(path, size, tail=names is None)
    except (OSError, UsageError):  # unreadable, or a bad TEIKIT_MAX_XML_MB: the tree path says so
        return Streamed()
    # A document that declares entities or has an internal DTD subset is never streamed: the
    # tree path refuses it with its usual message. Other encodings than UTF-8 go there too.
    if not (stream.has_plain_prolog(head) and relaxng.byte_scannable(head)):
        return Streamed()
    exact = names is not None
    covered = names if exact else relaxng.names_in_part(head) | relaxng.names_in_part(tail)
    for schema in schemas.schemas:
        result = schema.stream(path, covered)
        if result.valid is False and not exact and not oversized and not scan:
            return Streamed(refused_with=covered)
        if result.valid is False and not exact:
            names, exact = relaxng.element_names_in_file(path), True
            if not names <= covered:  # a name only in the middle: the first pass proved nothing
                covered = names
                result = schema.stream(path, covered)
        if result.valid is not True:
            if oversized and result.valid is False:
                return Streamed(_oversized_report(path, size, result.error, schema.name), names)
            return Streamed(None, names if exact else None)
    return Streamed(FileReport(str(path)), names if exact else None)


def _head_and_tail(path: Path, size: int, tail: bool = True) -> tuple[bytes, bytes]:
    """The first and the last HEAD_TAIL_BYTES of a file (the rest of a small one as its tail)."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_TAIL_BYTES)
        if not tail:
            return head, b""
        if size <= 2 * HEAD_TAIL_BYTES:
            return head, handle.read()
        handle.seek(-HEAD_TAIL_BYTES, os.SEEK_END)
        return head, handle.read()


def _oversized_report(path: Path, size: int, error: stream.StreamError | None, schema: str) -> FileReport:
    """A file too big for a tree that streaming found invalid: its first problem, where it is."""
    limit = max_xml_bytes()
    what = _plain_message(error.message, None) if error else "the document does not match the schema"
    message = (
        f"{what} (the file is {size / 1048576:.0f} MB, more than teikit's limit of {limit / 1048576:.0f} MB "
        "for a detailed report, so only the first problem is shown; raise TEIKIT_MAX_XML_MB for all of them)"
    )
    line, column = (error.line, error.column) if error else (None, None)
    return FileReport(str(path), (Problem(str(path), line, column, ERROR, message, "relaxng", schema),))


@dataclass(frozen=True)
class _Parsed:
    """A file as parsed for validation: its tree, or the report that it cannot be parsed."""

    source: str
    tree: etree._ElementTree | None
    repeats: tuple[XMLInputError, ...] = ()
    failure: FileReport | None = None


def _parse_for_validation(path: str | Path) -> _Parsed:
    source = str(path)
    try:
        return _Parsed(source, parse_xml(path))
    except XMLInputError as exc:
        if not is_duplicate_id_error(exc):
            return _Parsed(
                source, None, failure=FileReport(source, (_problem_from_error(exc, source, "well-formed"),))
            )
        try:
            tree, repeats = parse_xml_with_duplicate_ids(path)
        except XMLInputError as again:
            failure = FileReport(source, (_problem_from_error(again, source, "well-formed"),))
            return _Parsed(source, None, failure=failure)
        return _Parsed(source, tree, tuple(repeats))


def _check_parsed(parsed: _Parsed, schemas: SchemaSet, names: frozenset[str] | None) -> FileReport:
    if parsed.failure is not None:
        return parsed.failure
    source, repeats = parsed.source, parsed.repeats
    report = validate_tree(parsed.tree, schemas, source, names)
    if not repeats or any(problem.rule == "unique-id" for problem in report.problems):
        return report  # a Schematron rule already reports every repeat, at both places
    id_problems = [_problem_from_error(exc, source, "unique-id") for exc in repeats]
    return FileReport(source, tuple(_sorted_problems(id_problems + list(report.problems))))


def _problem_from_error(exc: TeikitError, path: str, rule: str) -> Problem:
    message = exc.message + (f" ({exc.hint})" if exc.hint else "")
    return Problem(path, exc.line, exc.column, ERROR, message, rule, None)


def _sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0))


# ---------------------------------------------------------------------------
# Columns: libxml2's validators give lines only; find the start tag on the line
# ---------------------------------------------------------------------------


class Locator:
    """Finds the line and column of an element's start tag in the file it was parsed from."""

    def __init__(self, tree: etree._ElementTree, path: str) -> None:
        self.tree = tree
        self.path = path
        self._lines: list[str] | None = None

    def _source_lines(self) -> list[str]:
        if self._lines is None:
            try:
                with open(self.path, encoding="utf-8", errors="replace") as handle:
                    self._lines = handle.read().split("\n")
            except OSError:  # a tree built in memory, or a name that is not a file
                self._lines = []
        return self._lines

    def position(self, node: etree._Element | None, line: int | None = None) -> tuple[int | None, int | None]:
        """(line, column) of ``node``'s start tag, 1-based; no column when the source is not at hand."""
        if node is None or not node.sourceline:
            return line, None
        line = node.sourceline
        lines = self._source_lines()
        if line > len(lines):
            return line, None
        # Which of the tags of that name on the line is this one: count those before it. Walking back
        # from the node stops at the line's start, where indexing the tree would visit all of it.
        # (By local name, as the start tags are found by local name: <x:c> and <c> are both "c".)
        name, nth = _tag(node), 0
        for element in _preceding(node):
            if (element.sourceline or 0) < line:
                break
            if _tag(element) == name:
                nth += 1
        local = re.escape(name)
        pattern = re.compile(rf"<(?:[\w.-]+:)?{local}(?=[\s/>]|$)")
        found = list(pattern.finditer(lines[line - 1]))
        if nth < len(found):
            return line, found[nth].start() + 1
        return line, None


def _preceding(node: etree._Element):
    """The elements before ``node`` in document order, nearest first (its ancestors included)."""
    current = node
    while True:
        previous = current.getprevious()
        if previous is None:
            current = current.getparent()
            if current is None:
                return
        else:
            while len(previous):  # the last element inside the previous sibling comes just before
                previous = previous[-1]
            current = previous
        if isinstance(current.tag, str):
            yield current


# ---------------------------------------------------------------------------
# RELAX NG errors made readable
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _split_tag(tag: str) -> tuple[str, str]:
    """(namespace, local name) of a tag in Clark notation; cached, as an invalid file's replay asks for
    the names of every element (a million in 50 MB of TEI) and a document uses few distinct tags."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _tag(node: etree._Element) -> str:
    return _split_tag(node.tag)[1]


def _name(node: etree._Element) -> tuple[str, str]:
    return _split_tag(node.tag)


def _element_children(node: etree._Element) -> list[etree._Element]:
    return [child for child in node if isinstance(child.tag, str)]


def _names_list(names: Sequence[str], end_of: str | None = None) -> str:
    items = [f"<{name}>" for name in names[:MAX_EXPECTED]]
    if len(names) > MAX_EXPECTED:
        items.append(f"{len(names) - MAX_EXPECTED} other elements")
    if end_of:
        items.append(f"the end of <{end_of}>")
    if not items:
        return "nothing"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _children_finding(
    node: etree._Element, models: relaxng.ContentModels
) -> tuple[etree._Element, str] | None:
    """Replay a node's children against its content model; a (node, message) when they do not fit."""
    children = _element_children(node)
    verdict = models.check_children(_name(node), [_name(child) for child in children])
    if verdict is None or verdict.ok:
        return None
    name = _tag(node)
    if verdict.index < len(children):
        child = children[verdict.index]
        where = f"after <{_tag(children[verdict.index - 1])}>" if verdict.index else "as the first child"
        expected = _names_list(verdict.expected, name if verdict.end_allowed else None)
        return (
            child,
            f"element <{_tag(child)}> is not allowed here in <{name}> ({where}); expected {expected}",
        )
    where = f"after <{_tag(children[-1])}>" if children else "inside it"
    return node, f"element <{name}> is incomplete: expected {_names_list(verdict.expected)} {where}"


def _first_finding_below(
    node: etree._Element, models: relaxng.ContentModels
) -> tuple[etree._Element, str] | None:
    """The first element at or below ``node`` (document order) whose children do not fit its content model."""
    for element in node.iter():
        if isinstance(element.tag, str):
            finding = _children_finding(element, models)
            if finding:
                return finding
    return None


def _node_at(tree: etree._ElementTree, path: str | None) -> etree._Element | None:
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


_INVALID_ATTRIBUTE = re.compile(r"Invalid attribute (\S+) for element (\S+)")


def explain_relaxng(
    entries: list,
    tree: etree._ElementTree,
    path: str,
    models: relaxng.ContentModels,
    schema: str,
    locator: Locator | None = None,
    validator: etree.RelaxNG | None = None,
) -> list[Problem]:
    """libxml2's RELAX NG errors as Problems that name the element, where it is and what was expected.

    ``validator`` (the grammar that gave ``entries``) lets attribute values
    outside their closed lists be reported as such: libxml2 instead blames the
    ancestors it backtracked through ("the content of <body> is not valid").
    """
    problems: list[Problem] = []
    explained: set[int] = set()
    locator = locator or Locator(tree, path)

    def add(node: etree._Element | None, line: int | None, message: str, rule: str) -> None:
        where, column = locator.position(node, line)
        problems.append(Problem(path, where, column, ERROR, message, rule, schema))

    outside = list(_values_outside_their_lists(tree.getroot(), models))
    for node, key, allowed in outside:
        add(node, None, _value_not_in_list_message(node, key, allowed), "relaxng-attribute")
    if outside and validator is not None:
        # libxml2's other messages are those of the document with these values corrected: the
        # ones about the same mistake go, the ones about other mistakes stay.
        entries = _entries_with_values_corrected(tree, outside, validator)
    for entry in entries:
        node = _node_at(tree, entry.path)
        kind = entry.type_name.replace("RELAXNG_ERR_", "relaxng-").lower().replace("_", "-")
        attribute = _INVALID_ATTRIBUTE.match(entry.message)
        if attribute and node is not None:
            add(node, entry.line, _attribute_message(node, attribute.group(1), models), "relaxng-attribute")
            continue
        # Which element's children to replay: the parent of an unexpected element, or the element itself.
        subject = node
        if node is not None and entry.type_name in (
            "RELAXNG_ERR_ELEMWRONG",
            "RELAXNG_ERR_ELEMNAME",
            "RELAXNG_ERR_ELEMEXTRANS",
        ):
            subject = node.getparent() if node.getparent() is not None else node
        finding = None
        if subject is not None:
            finding = _children_finding(subject, models) or _first_finding_below(subject, models)
        if finding:
            target, message = finding
            if id(target) not in explained:
                explained.add(id(target))
                add(target, entry.line, message, "relaxng-content")
            continue
        if node is not None and id(node) in explained:
            continue
        add(node, entry.line, _plain_message(entry.message, node), kind)
    # libxml2 stops inside a subtree at its first error (and says nothing at all when the
    # restricted grammar is notAllowed); replaying every element finds the others, as jing would.
    for target, message in _all_findings(tree.getroot(), models):
        if id(target) not in explained:
            explained.add(id(target))
            add(target, None, message, "relaxng-content")
    if not problems:
        root = tree.getroot()
        add(root, None, f"the document (root <{_tag(root)}>) does not match the schema", "relaxng")
    return problems


def _all_findings(root: etree._Element, models: relaxng.ContentModels, limit: int = MAX_FINDINGS):
    """Every element below ``root`` whose children do not fit its content model (at most ``limit``)."""
    found = 0
    for element in root.iter():
        if isinstance(element.tag, str):
            finding = _children_finding(element, models)
            if finding:
                yield finding
                found += 1
                if found >= limit:
                    return


def _attribute_message(node: etree._Element, attribute: str, models: relaxng.ContentModels) -> str:
    declared, any_name = models.attribute_names(_name(node))
    local = attribute.split(":")[-1]
    # libxml2 names an attribute by its local name; find it to show its prefix (xml:id, not id).
    key = (
        attribute
        if attribute in node.attrib
        else next((k for k in node.attrib if etree.QName(k).localname == local), attribute)
    )
    shown = _attribute_display_name(key, node)
    value = node.get(key)
    allowed = models.closed_values(_name(node), _split_tag(key)) if value is not None else None
    if allowed is not None and not allowed.allows(value):
        return _value_not_in_list_message(node, key, allowed)
    if local in declared or any_name:
        return f'the value "{value}" of @{shown} on <{_tag(node)}> is not valid for that attribute'
    return f"attribute @{shown} is not allowed on <{_tag(node)}>"


def _values_outside_their_lists(root: etree._Element, models: relaxng.ContentModels, limit: int = MAX_FINDINGS):
    """(element, attribute, allowed values) for every attribute value outside the closed list the grammar gives."""
    found = 0
    lists: dict[tuple[str, str], relaxng.AllowedValues | None] = {}  # (tag, attribute) → its list, if closed
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        for key, value in element.items():
            if (tag, key) not in lists:
                lists[tag, key] = models.closed_values(_split_tag(tag), _split_tag(key))
            allowed = lists[tag, key]
            if allowed is not None and not allowed.allows(value):
                yield element, key, allowed
                found += 1
                if found >= limit:
                    return


def _value_not_in_list_message(node: etree._Element, key: str, allowed: relaxng.AllowedValues) -> str:
    values = allowed.listed()
    shown = ", ".join(values[:MAX_EXPECTED])
    if len(values) > MAX_EXPECTED:
        shown += f" or {len(values) - MAX_EXPECTED} others"
    return (
        f'the value "{node.get(key)}" of @{_attribute_display_name(key, node)} on <{_tag(node)}> is not allowed; '
        f"expected one of: {shown}"
    )


def _entries_with_values_corrected(tree: etree._ElementTree, outside: list, validator: etree.RelaxNG) -> list:
    """libxml2's errors for a copy of the tree whose listed attribute values are replaced by allowed ones."""
    corrected = copy.deepcopy(tree)
    for node, key, allowed in outside:
        twin = corrected.xpath(tree.getpath(node))[0]
        twin.set(key, allowed.listed()[0])
    if validator.validate(corrected):
        return []
    return list(validator.error_log)


def _attribute_display_name(key: str, node: etree._Element) -> str:
    qname = etree.QName(key)
    if not qname.namespace:
        return qname.localname
    if qname.namespace == "http://www.w3.org/XML/1998/namespace":
        return f"xml:{qname.localname}"
    prefix = next((p for p, uri in node.nsmap.items() if uri == qname.namespace and p), None)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


_PLAIN_MESSAGES = [
    (
        re.compile(r"Invalid attribute (\S+) for element (\S+)"),
        "attribute @{0} is not allowed on <{1}>, or its value is not valid",
    ),
    (re.compile(r"Did not expect element (\S+) there"), "element <{0}> is not allowed here"),
    (re.compile(r"Expecting element (\S+), got (\S+)"), "expected element <{0}>, found <{1}>"),
    (re.compile(r"Element (\S+) has extra content: text"), "element <{0}> may not contain text"),
    (
        re.compile(r"Element (\S+) failed to validate attributes"),
        "an attribute of <{0}> is missing or not valid",
    ),
    (re.compile(r"Element (\S+) failed to validate content"), "the content of <{0}> is not valid"),
    (
        re.compile(r"Expecting an element (\S*), got nothing"),
        "element is incomplete: a required child is missing",
    ),
    (
        re.compile(r"Element (\S+) has wrong namespace: expecting (\S+)"),
        "element <{0}> is in the wrong namespace (expected {1})",
    ),
]


def _plain_message(message: str, node: etree._Element | None) -> str:
    for pattern, template in _PLAIN_MESSAGES:
        match = pattern.match(message)
        if match:
            text = template.format(*match.groups())
            if node is not None and "<" not in text:
                text = f"<{_tag(node)}>: {text}"
            if node is not None and node.getparent() is not None and "here" in text:
                text += f" in <{_tag(node.getparent())}>"
            return text
    return message


# ---------------------------------------------------------------------------
# Schematron reports mapped back to lines
# ---------------------------------------------------------------------------


def schematron_problems(
    report: etree._ElementTree,
    tree: etree._ElementTree,
    path: str,
    schema: str,
    locator: Locator | None = None,
) -> list[Problem]:
    """Problems from an SVRL report: each failed assert or successful report, at its node's line.

    lxml's ISO Schematron reports line 0; the SVRL ``@location`` is an XPath to
    the node, which we evaluate on the tree to read ``sourceline``.
    """
    problems = []
    locator = locator or Locator(tree, path)
    current_rule = None
    for item in report.getroot():
        tag = etree.QName(item).localname if isinstance(item.tag, str) else None
        if tag == "fired-rule":
            current_rule = item.get("id")
        elif tag in ("failed-assert", "successful-report"):
            text = " ".join("".join(part.itertext()) for part in item.iterfind(f"{{{SVRL_NS}}}text"))
            role = (item.get("role") or "").lower()
            severity = WARNING if role in ("warning", "warn", "info", "information") else ERROR
            line, column = locator.position(_node_of(tree, item.get("location")))
            rule = item.get("id") or current_rule or item.get("test")
            problems.append(Problem(path, line, column, severity, " ".join(text.split()), rule, schema))
    return problems


def _node_of(tree: etree._ElementTree, location: str | None) -> etree._Element | None:
    if not location:
        return None
    try:
        found = tree.xpath(location)
    except etree.XPathError:
        return None
    if not found:
        return None
    node = found[0]
    if not isinstance(node, etree._Element):  # an attribute or text: its element's line
        getparent = getattr(node, "getparent", None)
        node = getparent() if getparent else None
    return node


# ---------------------------------------------------------------------------
# Many files
# ---------------------------------------------------------------------------


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to validate: files as given, folders searched for ``*.xml`` recursively; sorted, unique."""
    found: dict[str, Path] = {}
    for spec in paths:
        path = Path(spec)
        if path.is_dir():
            for file in path.rglob("*.xml"):
                if file.is_file():
                    found.setdefault(str(file), file)
        elif path.is_file():
            found.setdefault(str(path), path)
        else:
            raise UsageError("no such file or folder", str(path), hint="check the path")
    files = sorted(found.values(), key=lambda p: str(p))
    for file in files:
        if not os.access(file, os.R_OK):
            raise UsageError("permission denied", str(file), hint="make the file readable")
    return files


# The schemas of the running validation, set in the parent before the workers are
# forked: the workers inherit the compiled grammars instead of compiling their own.
_WORKER_SCHEMAS: SchemaSet | None = None


_WORKER_NAMES: frozenset[str] | None = None


def _validate_in_worker(path: Path) -> FileReport:
    return validate_file(path, _WORKER_SCHEMAS, _WORKER_NAMES)


def _names_in_files(files: Iterable[Path]) -> frozenset[str]:
    found: set[str] = set()
    for file in files:
        found |= relaxng.element_names_in_file(file)
    return frozenset(found)


_END_OF_NAMES = "\n.\n"  # names never contain a newline; a missing end means the child failed


def _names_in_child_process(files: list[Path]) -> Callable[[], frozenset[str]]:
    """Start scanning ``files`` for names in a forked child; the returned function waits for the result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: scan, write, leave without running the parent's clean-up
        status = 1
        try:
            os.close(read_end)
            text = "\n".join(sorted(_names_in_files(files))) + _END_OF_NAMES
            with os.fdopen(write_end, "wb") as out:
                out.write(text.encode("utf-8"))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def result() -> frozenset[str]:
        with os.fdopen(read_end, "rb") as pipe:
            text = pipe.read().decode("utf-8")
        os.waitpid(pid, 0)
        if not text.endswith(_END_OF_NAMES):  # never trust a partial list: scan here instead
            return _names_in_files(files)
        return frozenset(name for name in text[: -len(_END_OF_NAMES)].split("\n") if name)

    return result


def _validate_one_file(path: Path, schemas: SchemaSet) -> FileReport:
    if not (schemas.needs_element_names and hasattr(os, "fork")):
        return validate_file(path, schemas)
    streamed = stream_verdict(path, schemas, scan=False)
    if streamed.report is not None:
        return streamed.report
    # One file (often a big one) on the tree path: a child process scans it for names while
    # this process parses it, so the scan costs no time; then compile, then check.
    names_from_child = _names_in_child_process([path])
    parsed = _parse_for_validation(path)
    names = names_from_child()
    if streamed.refused_with is not None and not names <= streamed.refused_with:
        # The stream's "invalid" was against the names of the head and the tail only, and the
        # file uses others: stream again against all its names before explaining anything.
        again = stream_verdict(path, schemas, names)
        if again.report is not None:
            return again.report
    schemas.prepare(names)
    return _check_parsed(parsed, schemas, names)


def _may_stream(path: Path) -> bool:
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= STREAM_MIN_BYTES or size > max_xml_bytes()


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def validate_paths(
    paths: Iterable[str | Path],
    schemas: SchemaSet,
    jobs: int | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> Report:
    """Validate files and folders (``*.xml``, recursively) in parallel; the report is in sorted file order.

    ``jobs`` is the number of worker processes (default: all cores); 1, or a
    single file, validates in this process. ``on_file`` is called with each
    FileReport as it arrives, in order.
    """
    global _WORKER_SCHEMAS, _WORKER_NAMES
    files = collect_files(paths)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    jobs = min(jobs, len(files))
    reports: list[FileReport] = []
    if len(files) == 1:
        report = _validate_one_file(files[0], schemas)
        if on_file:
            on_file(report)
        return Report((report,), schemas.names, schemas.checks)
    # One grammar for the whole run: restricted to the names used anywhere in it, so that
    # every file is checked against the same compiled grammar.
    names = _names_in_files(files) if schemas.needs_element_names else None
    schemas.prepare(names)
    if names is not None and schemas.streamable and any(_may_stream(file) for file in files):
        schemas.prepare_streaming(names)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        results: Iterable[FileReport] = (validate_file(file, schemas, names) for file in files)
        for report in results:
            reports.append(report)
            if on_file:
                on_file(report)
    else:
        _WORKER_SCHEMAS, _WORKER_NAMES = schemas, names
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs) as pool:
                chunk = max(1, min(32, len(files) // (jobs * 8)))
                for report in pool.imap(_validate_in_worker, files, chunksize=chunk):
                    reports.append(report)
                    if on_file:
                        on_file(report)
        finally:
            _WORKER_SCHEMAS, _WORKER_NAMES = None, None
    return Report(tuple(reports), schemas.names, schemas.checks)
