"""The schemas teikit validates against, one class per kind, found through one registry.

* :class:`RelaxNGSchema` — RELAX NG in XML syntax, compiled by lxml restricted to the names the documents
  use (:mod:`teikit.relaxng`: same verdicts, compiled in milliseconds instead of seconds for tei_all);
* :class:`XMLSchemaSchema` — W3C XML Schema, compiled by lxml;
* :class:`SchematronSchema` — ISO Schematron with XPath 1 (what lxml runs), failed asserts mapped back to lines;
* :class:`~teikit.schematron.schema.SchematronRulesSchema` — Schematron with XPath 2/3, run by Saxon
  (:mod:`teikit.schematron`): the rules embedded in a RELAX NG grammar (tei_all's 89, an ODD's), which
  :func:`schema_set` adds beside their grammar, and ``.sch`` files with ``queryBinding`` xslt2/xslt3, which
  :func:`load_schema` tells from XPath 1 ones by that attribute.

:data:`SCHEMA_LOADERS` maps a kind (and the file suffixes and ``schematypens`` namespaces that name it) to its
class; :func:`load_schema` is the one place that picks a loader, for the CLI's options, ``xml-model``
processing instructions and project configuration alike.

Every schema pickles as the file it came from (and its options), never as compiled C structures: a worker
process unpickles it and compiles its own copy, once. A schema object may be shared by threads: the compiled
validator (whose error log is per object) is used under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, isoschematron

from .. import relaxng
from ..errors import UsageError, XMLInputError
from ..schematron.schema import XPATH2_BINDINGS, SchematronRulesSchema, query_binding, rules_schemas
from ..xmlio import PACKAGE_DIR, XSLT_ACCESS, parse_xml
from .explain import explain_relaxng
from .locate import Locator
from .report import ERROR, WARNING, Problem

SCHEMA_DIR = PACKAGE_DIR / "schemas"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"


def _first_line(exc: Exception) -> str:
    log = getattr(exc, "error_log", None)
    if log:
        return log[0].message
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def _readable_schema(path: Path) -> etree._ElementTree:
    try:
        return parse_xml(path)
    except XMLInputError as exc:
        raise UsageError(f"the schema is not readable XML: {exc.message}", path, exc.line, exc.column) from None


class _Compiled:
    """Base of the schema kinds: pickles as (class, arguments); the compiled parts are rebuilt after unpickling."""

    path: Path
    name: str

    def __reduce__(self):
        return (type(self), self._arguments())

    def _arguments(self) -> tuple:
        return (self.path,)

    def prepare(self, names: frozenset[str] | None) -> None:
        """Compile what documents using only ``names`` need (nothing to do for most kinds)."""


class RelaxNGSchema(_Compiled):
    """A RELAX NG grammar, compiled on demand for the element names in use (once per set of names)."""

    kind = "relaxng"

    def __init__(self, path: Path, restrict: bool = True, use_cache: bool = True) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.restrict = restrict
        self.use_cache = use_cache
        self._compiled: list[tuple[frozenset[str] | None, relaxng.CompiledGrammar]] = []
        # Why a restriction asked for here was compiled whole instead (relaxng's fallback_reason), for --verbose.
        self.fallbacks: list[str] = []
        self._models: relaxng.ContentModels | None = None
        self._lock = threading.Lock()
        self._full_tree = _readable_schema(self.path)
        if etree.QName(self._full_tree.getroot()).namespace != relaxng.RNG_NS:
            raise UsageError(
                "not a RELAX NG schema in XML syntax", self.path, hint="pass a .rng file (convert .rnc with trang)"
            )

    def _arguments(self) -> tuple:
        return (self.path, self.restrict, self.use_cache)

    def prepare(self, names: frozenset[str] | None) -> None:
        """Compile the grammar for documents using only ``names`` (all names: None, or not restricting)."""
        with self._lock:
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
        except XMLInputError as exc:
            raise UsageError(f"cannot read the RELAX NG schema: {exc.message}", exc.path, exc.line) from None
        self._compiled.append((names if grammar.restricted else None, grammar))
        if grammar.fallback_reason:
            reason = grammar.fallback_reason
            self.fallbacks.append(f"{self.path}: the grammar is compiled whole, not restricted: {reason}")
        return grammar

    @property
    def models(self) -> relaxng.ContentModels:
        """Content models of the whole grammar (not the restricted one), for explaining errors."""
        if self._models is None:
            try:
                self._models = relaxng.ContentModels(relaxng.inline_includes(self._full_tree, self.path))
            except XMLInputError:
                self._models = relaxng.ContentModels(self._full_tree)
        return self._models

    def check(self, tree: etree._ElementTree, path: str, names: frozenset[str], locator: Locator) -> list[Problem]:
        with self._lock:  # one compiled validator, one error log: one document at a time
            grammar = self._grammar_for(names)
            if grammar.relaxng.validate(tree):
                return []
            entries = list(grammar.relaxng.error_log)
            return explain_relaxng(entries, tree, path, self.models, self.name, locator, grammar.relaxng)


class XMLSchemaSchema(_Compiled):
    """A W3C XML Schema (.xsd), which lxml compiles directly."""

    kind = "xsd"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._lock = threading.Lock()
        try:
            self.schema = etree.XMLSchema(_readable_schema(self.path))
        except etree.XMLSchemaParseError as exc:
            raise UsageError(f"cannot compile the XML Schema: {_first_line(exc)}", path) from None

    def check(self, tree: etree._ElementTree, path: str, names: frozenset[str], locator: Locator) -> list[Problem]:
        with self._lock:
            if self.schema.validate(tree):
                return []
            entries = list(self.schema.error_log)
        return [
            Problem(path, entry.line or None, entry.column or None, ERROR, entry.message, entry.type_name, self.name)
            for entry in entries
        ]


class SchematronSchema(_Compiled):
    """An ISO Schematron schema (XPath 1, as lxml runs it); every failed assert or report is a Problem."""

    kind = "schematron"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._lock = threading.Lock()
        document = _readable_schema(self.path)
        try:
            compiled = isoschematron.Schematron(document, store_xslt=True)
            self.transform = etree.XSLT(_with_attribute_locations(compiled.validator_xslt), access_control=XSLT_ACCESS)
        except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as exc:
            raise UsageError(
                f"cannot compile the Schematron schema: {_first_line(exc)}",
                path,
                hint="lxml runs ISO Schematron with queryBinding 'xslt' or 'exslt' (XPath 1) only",
            ) from None

    def check(self, tree: etree._ElementTree, path: str, names: frozenset[str], locator: Locator) -> list[Problem]:
        with self._lock:
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
            node = _node_of(tree, item.get("location"))
            line, column = locator.position(node)
            rule = item.get("id") or current_rule or item.get("test")
            message = " ".join(text.split())
            problems.append(Problem(locator.source_of(node), line, column, severity, message, rule, schema))
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
# The registry: which class loads which kind of schema
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaKind:
    """One kind of schema: its name, the file suffixes and ``schematypens`` namespaces that name it, its loader."""

    name: str
    suffixes: tuple[str, ...]
    namespaces: tuple[str, ...]
    load: Callable[..., object]
    grammar: bool  # restricted to the names in use (takes restrict= and use_cache=)


def _load_xpath2_schematron(path: Path, use_cache: bool = True) -> SchematronRulesSchema:
    """A ``.sch`` with an XPath 2/3 query binding, compiled for Saxon (a UsageError when saxonche is missing)."""
    loaded = rules_schemas((), [path], use_cache=use_cache)
    if loaded.notices:
        raise UsageError(loaded.notices[0], path, hint="install saxonche, or use queryBinding xslt (XPath 1)")
    if not loaded.schemas:
        raise UsageError("the Schematron schema has no rules", path)
    return loaded.schemas[0]


SCHEMA_LOADERS: dict[str, SchemaKind] = {
    kind.name: kind
    for kind in (
        SchemaKind("relaxng", (".rng",), (relaxng.RNG_NS,), RelaxNGSchema, grammar=True),
        SchemaKind("xsd", (".xsd",), ("http://www.w3.org/2001/XMLSchema",), XMLSchemaSchema, grammar=False),
        SchemaKind(
            "schematron",
            (".sch",),
            ("http://purl.oclc.org/dsdl/schematron", "http://www.ascc.net/xml/schematron"),
            SchematronSchema,
            grammar=False,
        ),
        # Same suffix and namespace as "schematron": load_schema picks it by the file's queryBinding.
        SchemaKind("schematron-xpath2", (), (), _load_xpath2_schematron, grammar=False),
    )
}


def _refined(kind: SchemaKind, path: Path) -> SchemaKind:
    """The kind a file really is: a Schematron schema with an XPath 2/3 query binding is Saxon's, not lxml's."""
    if kind.name != "schematron":
        return kind
    try:
        binding = query_binding(path, parse_xml(path))
    except XMLInputError:
        return kind  # SchematronSchema reports the unreadable file
    return SCHEMA_LOADERS["schematron-xpath2"] if binding in XPATH2_BINDINGS else kind


def schema_kind(path: str | Path, schematypens: str | None = None) -> SchemaKind:
    """The kind of a schema, from the ``schematypens`` an ``xml-model`` line gives or else from its suffix."""
    if schematypens:
        for kind in SCHEMA_LOADERS.values():
            if schematypens in kind.namespaces:
                return kind
        raise UsageError(
            f"teikit cannot validate against schemas of type {schematypens}",
            str(path),
            hint="RELAX NG, XML Schema and ISO Schematron are supported",
        )
    suffix = Path(str(path)).suffix.lower()
    if suffix == ".rnc":
        raise UsageError(
            "compact-syntax RELAX NG (.rnc) is not supported", str(path), hint="convert it: trang schema.rnc schema.rng"
        )
    for kind in SCHEMA_LOADERS.values():
        if suffix in kind.suffixes:
            return kind
    known = ", ".join(suffix for kind in SCHEMA_LOADERS.values() for suffix in kind.suffixes)
    raise UsageError(f"cannot tell what kind of schema '{suffix or path}' is", str(path), hint=f"use one of {known}")


def load_schema(
    spec: str | Path, kind: SchemaKind | None = None, *, restrict: bool = True, use_cache: bool = True
) -> object:
    """One schema, by path or ``teikit:NAME``, loaded by the class its kind registers."""
    path = resolve_schema_path(spec)
    kind = _refined(kind or schema_kind(path), path)
    if kind.grammar:
        return kind.load(path, restrict=restrict, use_cache=use_cache)
    if kind.name == "schematron-xpath2":
        return kind.load(path, use_cache=use_cache)
    return kind.load(path)


@dataclass
class SchemaSet:
    """The schemas that judge a file, compiled once per process and shared by every file it checks."""

    schemas: list = field(default_factory=list)
    # The Schematron rules of the set (issue 12): lines to show the user, and the summary's note.
    notices: list[str] = field(default_factory=list)  # always shown (saxonche missing)
    details: list[str] = field(default_factory=list)  # shown with --verbose
    checks: str = ""  # "grammar + 89 Schematron checks", "grammar only: 89 Schematron checks turned off"…

    @property
    def names(self) -> tuple[str, ...]:
        # A grammar and its embedded rules share a name (problems say which rule): listed once.
        return tuple(dict.fromkeys(schema.name for schema in self.schemas))

    @property
    def needs_element_names(self) -> bool:
        return any(isinstance(schema, RelaxNGSchema) and schema.restrict for schema in self.schemas)

    def prepare(self, names: frozenset[str] | None) -> None:
        """Compile every grammar for documents using only ``names``."""
        for schema in self.schemas:
            schema.prepare(names)

    @property
    def fallbacks(self) -> tuple[str, ...]:
        """Why grammars compiled in this process were compiled whole instead of restricted (one line each)."""
        return tuple(line for schema in self.schemas for line in getattr(schema, "fallbacks", ()))


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
    """teikit's own schemas: every .rng and .sch in teikit's schemas folder."""
    if not SCHEMA_DIR.is_dir():
        return []
    return sorted(path for path in SCHEMA_DIR.iterdir() if path.suffix in (".rng", ".sch") and path.is_file())


def load_schemas(
    rng: Iterable[str | Path] = (),
    schematron: Iterable[str | Path] = (),
    xsd: Iterable[str | Path] = (),
    *,
    schemas: Iterable[str | Path] = (),
    restrict: bool = True,
    use_cache: bool = True,
    schematron_rules: bool = True,
) -> SchemaSet:
    """Load schemas (``schemas``: any kind, told by its suffix); with none given, teikit's own schemas.

    ``restrict`` compiles RELAX NG grammars restricted to the element names in
    the documents (same verdicts, much faster for big grammars such as tei_all);
    ``use_cache`` keeps those restricted grammars (and compiled Schematron rules)
    on disk between runs. ``schematron_rules`` runs the Schematron embedded in
    RELAX NG grammars and ``.sch`` files with an XPath 2/3 query binding
    (through Saxon, see :mod:`teikit.schematron`); False leaves them out.
    """
    kinds = SCHEMA_LOADERS
    specs: list[tuple[str | Path, SchemaKind | None]] = []
    specs += [(spec, kinds["relaxng"]) for spec in rng]
    specs += [(spec, kinds["xsd"]) for spec in xsd]
    specs += [(spec, None) for spec in schemas]
    specs += [(spec, kinds["schematron"]) for spec in schematron]
    if not specs:
        defaults = default_schema_paths()
        if not defaults:
            raise UsageError("no schemas to validate against", SCHEMA_DIR, hint="pass --schema or --tei-all")
        specs = [(path, None) for path in defaults]
    resolved = []
    for spec, kind in specs:
        path = resolve_schema_path(spec)
        kind = kind or schema_kind(path)
        if kind.name == "relaxng" and path.suffix.lower() == ".rnc":
            schema_kind(path)  # raises the .rnc message
        resolved.append((path, kind))
    return schema_set(resolved, restrict=restrict, use_cache=use_cache, schematron_rules=schematron_rules)


def schema_set(
    specs: Iterable[tuple[str | Path, SchemaKind]],
    *,
    restrict: bool = True,
    use_cache: bool = True,
    schematron_rules: bool = True,
) -> SchemaSet:
    """The set of these schemas, with the Schematron rules its grammars embed, and the note on which checks run.

    The one place a set is built, whether its schemas come from options, ``xml-model`` lines or a configuration.
    """
    loaded = []
    xpath2: list[Path] = []  # .sch files Saxon runs: loaded with the grammars' rules, below
    for spec, kind in specs:
        path = resolve_schema_path(spec)
        kind = _refined(kind, path)
        if kind.name == "schematron-xpath2":
            xpath2.append(path)
        else:
            loaded.append(load_schema(path, kind, restrict=restrict, use_cache=use_cache))
    grammars = [(schema.path, schema._full_tree) for schema in loaded if isinstance(schema, RelaxNGSchema)]
    rules = rules_schemas(grammars, xpath2, enabled=schematron_rules, use_cache=use_cache)
    # Grammars first, then rule-based schemas: the order the report lists them in.
    schemas: list = [schema for schema in loaded if not isinstance(schema, SchematronSchema)]
    schemas += [schema for schema in loaded if isinstance(schema, SchematronSchema)]
    schemas += rules.schemas
    has_grammar = any(isinstance(schema, (RelaxNGSchema, XMLSchemaSchema)) for schema in schemas)
    return SchemaSet(schemas, rules.notices, rules.details, _checks_note(rules, has_grammar))


def _checks_note(rules, has_grammar: bool) -> str:
    """Which Schematron rules of grammars (and XPath 2 .sch files) ran, for the summary; "" when none are involved."""
    if rules.schemas:
        return ("grammar + " if has_grammar else "") + _count(rules.count, "Schematron check")
    if rules.turned_off:
        return f"grammar only: {_count(rules.turned_off, 'Schematron check')} turned off"
    if rules.notices:
        return "grammar only: saxonche is not installed"
    return ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
