"""A validation run: files → the schemas that judge each → one verdict per file, in parallel, in file order.

The flow of :func:`validate_paths`:

1. collect the files (:mod:`.collect`: folders recursively, ``*.xml``, sorted; none at all is an error);
2. choose the schemas of each file (:mod:`.choose`) and load each distinct set once;
3. scan each set's files for the element names they use, so that a RELAX NG grammar is compiled once
   per set, restricted to those names (:mod:`teikit.relaxng`);
4. check the files with :func:`teikit.parallel.map_in_order` (in this process with ``jobs=1``, else in
   worker processes that compile the schemas once each, or in the caller's executor);
5. gather one :class:`FileReport` per file, in the order of the files.

Every verdict comes from lxml on the parsed tree. A malformed file is a :class:`Problem` like any other, so
one bad file never stops a corpus run; a file above the parser's size limit and a file whose worker died
get a problem that says they were not checked (exit 2); a path that cannot be read or a schema that cannot
be loaded is a :class:`~teikit.errors.UsageError` (exit 2).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import parallel, relaxng
from ..errors import TeikitError, UsageError, XMLInputError
from ..xmlio import max_xml_bytes, parse_xml, safe_parser
from .choose import Chooser, SchemaChoice
from .collect import collect_files
from .explain import bad_id_message
from .locate import Locator
from .report import ERROR, FileReport, Problem, Report
from .schemas import SCHEMA_LOADERS, SchemaSet, schema_set
from .sent import CheckSentFiles, SentFile
from .verdicts import VerdictCache, verdict_key, work_key
from .xinclude import expand_includes


def element_names(tree: etree._ElementTree) -> frozenset[str]:
    """The local element names and "@"-attribute names in a tree (what grammars are restricted to)."""
    return relaxng.names_in_tree(tree)


def validate_tree(
    tree: etree._ElementTree,
    schemas: SchemaSet,
    path: str = "<tree>",
    names: frozenset[str] | None = None,
    *,
    origins: list | tuple = (),
) -> FileReport:
    """Check one parsed tree against every schema of the set.

    ``names`` (local element names, a superset of those in the tree) saves a walk
    over the tree when the caller knows them already. ``origins``: (element, file)
    for elements an ``xi:include`` brought in (see :mod:`.xinclude`).
    """
    if names is None:
        names = element_names(tree) if schemas.needs_element_names else frozenset()
    problems: list[Problem] = []
    locator = Locator(tree, path, origins)
    for schema in schemas.schemas:
        problems.extend(schema.check(tree, path, names, locator))
    return FileReport(path, tuple(_sorted_problems(problems)), schemas.names)


def validate_file(
    path: str | Path,
    schemas: SchemaSet,
    names: frozenset[str] | None = None,
    *,
    xinclude_roots: tuple[Path, ...] | None = None,
) -> FileReport:
    """Check one file; malformed XML becomes a Problem, not an exception.

    ``names``: a superset of the element and attribute names in the file, if known.
    ``xinclude_roots``: expand ``xi:include`` of files inside these folders first (None: do not expand).
    """
    parsed = _parse_for_validation(path, xinclude_roots)
    if parsed.failure is not None:
        return parsed.failure
    if schemas.needs_element_names and parsed.included:
        # Included files bring names a scan of the document's bytes did not see: take them from the tree.
        tree_names = element_names(parsed.tree)
        names = tree_names if names is None or not tree_names <= names else names
    elif schemas.needs_element_names and names is None:
        names = relaxng.element_names_in_file(path)  # a byte scan: about four times faster than the tree walk
    report = validate_tree(parsed.tree, schemas, parsed.source, names, origins=parsed.origins)
    problems = list(report.problems)
    id_problems = [_problem_from_error(exc, parsed.source, rule) for rule, exc in parsed.id_problems]
    if id_problems:
        # The parse found these identifiers first, at the attribute itself: the grammar's word on them goes.
        lines = {problem.line for problem in id_problems}
        problems = [p for p in problems if not (p.rule == "relaxng-id" and p.line in lines)]
        if any(problem.rule == "unique-id" for problem in problems):  # a Schematron rule reports repeats
            id_problems = [problem for problem in id_problems if problem.rule != "unique-id"]
    extra = id_problems + [
        _problem_from_error(exc, exc.path or parsed.source, "xinclude") for exc in parsed.include_problems
    ]
    if not extra and len(problems) == len(report.problems):
        return report
    return FileReport(parsed.source, tuple(_sorted_problems(extra + problems)), report.schemas)


@dataclass(frozen=True)
class _Parsed:
    """A file as parsed for validation: its tree, or the report that it cannot be parsed."""

    source: str
    tree: etree._ElementTree | None
    id_problems: tuple[tuple[str, XMLInputError], ...] = ()  # (rule, error): repeated or malformed xml:ids
    failure: FileReport | None = None
    include_problems: tuple[TeikitError, ...] = ()
    included: bool = False
    origins: tuple = ()


def _parse_for_validation(path: str | Path, xinclude_roots: tuple[Path, ...] | None = None) -> _Parsed:
    source = str(path)
    id_problems: tuple[tuple[str, XMLInputError], ...] = ()
    try:
        tree = parse_xml(path)
    except XMLInputError as exc:
        if _id_error(exc.message) is None:
            return _Parsed(source, None, failure=_unparsed_report(exc, source))
        try:
            tree, id_problems = _parse_keeping_id_errors(path)
        except XMLInputError as again:
            return _Parsed(source, None, failure=_unparsed_report(again, source))
    if xinclude_roots is None:
        return _Parsed(source, tree, id_problems)
    include_problems, origins = expand_includes(tree, Path(path), xinclude_roots)
    return _Parsed(
        source, tree, id_problems, include_problems=tuple(include_problems), included=True, origins=tuple(origins)
    )


# libxml2 checks xml:id while parsing (XML ID 1.0) and calls a repeat or a malformed value an error of the
# parse, although the document is well-formed: those are validity problems, reported as such.
_DUPLICATE_ID = re.compile(r"ID (\S+) already defined")
_BAD_ID = re.compile(r"xml:id : attribute value (.*) is not an NCName")


def _id_error(message: str) -> tuple[str, str] | None:
    """(rule, message) when a parse error is only about an xml:id; else None."""
    if message.startswith("xml:id '") and message.endswith("is used more than once"):
        return "unique-id", message
    duplicate = _DUPLICATE_ID.search(message)
    if duplicate:
        return "unique-id", f"xml:id '{duplicate.group(1)}' is used more than once"
    bad = _BAD_ID.search(message)
    if bad:
        return "xml-id", bad_id_message(bad.group(1))
    return None


def _parse_keeping_id_errors(path: str | Path) -> tuple[etree._ElementTree, tuple[tuple[str, XMLInputError], ...]]:
    """Parse a file whose only faults are xml:id values; one problem per fault. Any other fault is raised."""
    source = str(path)
    parser = safe_parser(recover=True)
    with open(path, "rb") as handle:
        tree = etree.parse(handle, parser, base_url=source)
    found = []
    for entry in parser.error_log.filter_from_errors():
        message = (entry.message or "unreadable XML").strip()
        kind = _id_error(message)
        if kind is None:
            raise XMLInputError(
                f"malformed XML: {message}", source, entry.line, entry.column, "fix the XML so that it is well-formed"
            )
        rule, text = kind
        hint = "give every element its own xml:id" if rule == "unique-id" else None
        found.append((rule, XMLInputError(text, source, entry.line, entry.column, hint)))
    dtd = tree.docinfo.internalDTD
    for entity in dtd.entities() if dtd is not None else ():
        raise XMLInputError(
            f"the document declares the entity '{entity.name}'; teikit never expands DTD entities",
            source,
            hint="replace entity references with the characters themselves",
        )
    return tree, tuple(found)


def _unparsed_report(exc: XMLInputError, source: str) -> FileReport:
    """A file the parser refused: malformed XML, or too big to parse (which is no verdict at all)."""
    too_big = exc.message.startswith("the file is ") and "teikit's limit" in exc.message
    if too_big:
        message = f"not validated: {exc.message}"
        hint = f"raise TEIKIT_MAX_XML_MB (now {max_xml_bytes() / 1048576:g}) if the machine has the memory"
        problem = Problem(source, None, None, ERROR, f"{message} ({hint})", "too-big", None)
        return FileReport(source, (problem,))
    return FileReport(source, (_problem_from_error(exc, source, "well-formed"),))


def _problem_from_error(exc: TeikitError, path: str, rule: str) -> Problem:
    message = exc.message + (f" ({exc.hint})" if exc.hint else "")
    return Problem(path, exc.line, exc.column, ERROR, message, rule, None)


def _sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0))


# ---------------------------------------------------------------------------
# Many files
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CheckFiles:
    """The work of a run for the files one schema set judges: picklable, compiled once per worker.

    Equal (and hashed) by a token made at creation, so that a worker recognises the work it has
    compiled already, whichever copy of it a task brings.
    """

    schemas: SchemaSet
    names: frozenset[str] | None
    chosen_by: str | None = None
    xinclude_roots: tuple[Path, ...] | None = None
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __hash__(self) -> int:
        return hash(self.token)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckFiles) and other.token == self.token

    def prepare(self) -> Callable[[Path], FileReport]:
        if self.names is not None:
            self.schemas.prepare(self.names)
        return self.check

    def check(self, path: Path) -> FileReport:
        report = validate_file(path, self.schemas, self.names, xinclude_roots=self.xinclude_roots)
        # The grammar was compiled here (in this worker): only here is it known whether it was restricted.
        return FileReport(report.path, report.problems, self.schemas.names, self.chosen_by, self.schemas.fallbacks)


def _crash_report(path: Path, reason: str) -> FileReport:
    message = f"internal error: {reason}; this file has no verdict (please report it to teikit's maintainers)"
    return FileReport(str(path), (Problem(str(path), None, None, ERROR, message, "internal-error", None),))


def _names_in_files(files: Iterable[Path]) -> frozenset[str]:
    found: set[str] = set()
    for file in files:
        found |= relaxng.element_names_in_file(file)
    return frozenset(found)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def default_jobs() -> int:
    """All the cores this process may use."""
    return parallel.default_jobs()


def validate_paths(
    paths: Iterable[str | Path],
    schemas: SchemaSet | None = None,
    jobs: int | None = None,
    on_file: Callable[[FileReport], None] | None = None,
    *,
    executor: Executor | None = None,
    xinclude: bool = False,
    allow_empty: bool = False,
    restrict: bool = True,
    use_cache: bool = True,
    chosen_by: str | None = None,
    verdicts: VerdictCache | None = None,
    send_bytes: bool = False,
    on_plan: Callable[[list[Path]], None] | None = None,
    keep: Callable[[FileReport], bool] | None = None,
    schematron_rules: bool = True,
) -> Report:
    """Validate files and folders (``*.xml``, recursively) in parallel; the report is in sorted file order.

    ``schemas`` judges every file; without it each file's schemas are chosen (see :mod:`.choose`:
    ``xml-model`` lines, project configuration, teikit's own schemas for teikit editions), loaded with
    ``restrict``, ``use_cache`` and ``schematron_rules`` (see :func:`.load_schemas`). ``jobs`` is the number
    of worker processes (default: all cores); 1 validates in this process. ``executor`` runs the checks
    instead (any ``concurrent.futures.Executor``).
    ``xinclude`` expands local ``xi:include`` inside the folders given. ``on_file`` is called with each
    FileReport in order.

    ``verdicts`` (a :class:`~.verdicts.VerdictCache`): files whose verdict it holds (same bytes, same schemas)
    are not checked again, the others are and their verdicts kept. ``send_bytes`` sends each file's bytes to
    the workers (for an executor whose workers cannot read these paths). ``on_plan`` is called with the files
    once they are known, before any is checked (a progress bar's total). ``keep``: only the reports it
    keeps are in the Report (the others are counted), so that a run whose reports were written as they came
    (``on_file``) does not hold a million of them.
    """
    paths = list(paths)
    given = SchemaChoice((), chosen_by or "given") if schemas is not None else None
    chooser = Chooser(given)
    files = [file for file in collect_files(paths, allow_empty=allow_empty) if not chooser.excluded(file)]
    roots = _xinclude_roots(paths) if xinclude else None
    groups: dict[SchemaChoice, list[Path]] = {}
    for file in files:
        groups.setdefault(chooser.choose(file), []).append(file)
    sets = {
        choice: schemas if given is not None else _load_choice(choice, restrict, use_cache, schematron_rules)
        for choice in groups
    }
    if on_plan is not None:
        on_plan(files)
    if verdicts is not None and xinclude:
        raise UsageError("--changed-only cannot tell when an included file changed", hint="drop --xinclude or it")
    if send_bytes and xinclude:
        raise UsageError("--send-bytes sends the documents, not the files they include", hint="drop --xinclude")
    known = _known_verdicts(groups, sets, verdicts) if verdicts is not None else {}
    works: dict[SchemaChoice, CheckFiles] = {}
    for choice, members in groups.items():
        schema_set = sets[choice]
        assert schema_set is not None
        unknown = [file for file in members if known.get(file, (None, None))[1] is None]
        # One grammar per set of schemas: restricted to the names used anywhere in the files it checks, so
        # that every file is checked against the same compiled grammar. A single file takes its names from
        # its tree. Files whose verdicts the cache holds are not read at all.
        names = _names_in_files(unknown) if schema_set.needs_element_names and len(files) > 1 and unknown else None
        works[choice] = CheckFiles(schema_set, names, choice.chosen_by, roots)
    work_of = {file: works[choice] for choice, members in groups.items() for file in members}
    to_check = [file for file in files if known.get(file, (None, None))[1] is None]
    if send_bytes:
        sent = {work: CheckSentFiles(work) for work in works.values()}
        pairs: list[tuple] = [(sent[work_of[file]], SentFile(file)) for file in to_check]
    else:
        pairs = [(work_of[file], file) for file in to_check]

    def crashed(item: Path | SentFile, reason: str) -> FileReport:
        file = item.path if isinstance(item, SentFile) else item
        restricted = work_of[file].schemas.needs_element_names
        return _crash_report(
            file, reason + ("; --full-grammar may avoid it" if restricted and "compil" in reason else "")
        )

    # jobs None: all cores. Even a small run uses worker processes, so that a crash in C is one file's error.
    merged = _Merge(files, known, on_file, verdicts, keep)
    # The map's own list of results is let go at once: the reports kept are the merge's.
    parallel.map_in_order(
        pairs,
        jobs=jobs,
        executor=executor,
        on_result=merged.add,
        on_crash=crashed,
        order=_size_of_item if executor is not None else None,
        collect=False,
    )
    reports = merged.finish()
    used: dict[str, None] = {}
    for work in works.values():
        used.update(dict.fromkeys(work.schemas.names))
    sets_used = [work.schemas for work in works.values()]
    checks = "; ".join(_unique(chosen.checks for chosen in sets_used if chosen.checks))
    notices = _unique(line for chosen in sets_used for line in chosen.notices)
    details = _unique([line for chosen in sets_used for line in chosen.details] + list(merged.notes))
    counted = tuple((schemas, chosen_by, count) for (schemas, chosen_by), count in merged.groups.items())
    return Report(
        tuple(reports),
        tuple(used),
        merged.unlisted if keep is not None else 0,
        counted if keep is not None else (),
        checks=checks,
        notices=notices,
        details=details,
    )


def _size_of_item(item: Path | SentFile) -> int:
    return _size(item.path if isinstance(item, SentFile) else item)


def _known_verdicts(
    groups: dict[SchemaChoice, list[Path]], sets: dict[SchemaChoice, SchemaSet | None], verdicts: VerdictCache
) -> dict[Path, tuple[str, FileReport | None]]:
    """Each file's cache key, and its report when the cache holds its verdict (else None: to check)."""
    known: dict[Path, tuple[str, FileReport | None]] = {}
    for choice, members in groups.items():
        schema_set = sets[choice]
        assert schema_set is not None
        work = work_key(schema_set.schemas, choice.chosen_by)
        for file in members:
            key = verdict_key(file, work)
            known[file] = (key, verdicts.get(key, file, schema_set.names, choice.chosen_by))
    return known


class _Merge:
    """The run's reports in file order: the cache's and the checked ones, ``on_file`` called as they come."""

    def __init__(
        self,
        files: list[Path],
        known: dict,
        on_file: Callable[[FileReport], None] | None,
        verdicts: VerdictCache | None,
        keep: Callable[[FileReport], bool] | None = None,
    ) -> None:
        self.files = files
        self.known = known
        self.on_file = on_file
        self.verdicts = verdicts
        self.keep = keep
        self.position = 0
        self.reports: list[FileReport] = []
        self.unlisted = 0
        self.groups: dict[tuple[tuple[str, ...], str | None], int] = {}
        # Notes of every file, kept or not (a worker's word on how it compiled the schemas: --verbose).
        self.notes: dict[str, None] = {}

    def _emit(self, report: FileReport) -> None:
        self.notes.update(dict.fromkeys(report.notes))
        if self.keep is None or self.keep(report):
            self.reports.append(report)
        else:
            self.unlisted += 1
        group = (report.schemas, report.chosen_by)
        self.groups[group] = self.groups.get(group, 0) + 1
        self.position += 1
        if self.on_file:
            self.on_file(report)

    def _emit_known(self) -> None:
        while self.position < len(self.files):
            entry = self.known.get(self.files[self.position])
            if entry is None or entry[1] is None:
                return
            self._emit(entry[1])

    def add(self, report: FileReport) -> None:
        self._emit_known()
        if self.verdicts is not None:
            self.verdicts.put(self.known[self.files[self.position]][0], report)
        self._emit(report)

    def finish(self) -> list[FileReport]:
        self._emit_known()
        assert self.position == len(self.files)
        return self.reports


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _load_choice(choice: SchemaChoice, restrict: bool, use_cache: bool, schematron_rules: bool) -> SchemaSet:
    specs = [(spec, SCHEMA_LOADERS[kind]) for spec, kind in choice.specs]
    return schema_set(specs, restrict=restrict, use_cache=use_cache, schematron_rules=schematron_rules)


def _xinclude_roots(paths: list[str | Path]) -> tuple[Path, ...]:
    """The folders includes may reach: each folder given, and the folder of each file given."""
    roots = []
    for path in map(Path, paths):
        roots.append(path.resolve() if path.is_dir() else path.resolve().parent)
    return tuple(dict.fromkeys(roots))
