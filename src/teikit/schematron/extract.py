"""Collect the ISO Schematron of a schema and normalise it into one plain ``sch:schema``.

A RELAX NG grammar generated from an ODD (``tei_all.rng``, a project's customisation)
carries its rules as foreign elements: ``sch:ns`` and ``sch:pattern`` between the
grammar's definitions, ``sch:let``, ``sch:diagnostics``. A standalone ``.sch`` file
is already a ``sch:schema``. Either way the result here is one ``sch:schema`` in which

* abstract patterns are instantiated (``is-a`` with ``sch:param``: textual
  substitution of ``$name`` in every query attribute, as ISO/IEC 19757-3 §6.3 says),
* abstract rules are copied into the rules that ``sch:extends`` them,
* ``sch:include`` is replaced by the included element (local files only, parsed safely),
* only the patterns of the default phase are kept, when the schema names one,

so that the compiler (:mod:`teikit.schematron.compile`) sees concrete rules only.
"""

from __future__ import annotations

import contextlib
import copy
import re
from pathlib import Path

from lxml import etree

from .. import relaxng
from ..errors import UsageError, XMLInputError
from ..xmlio import parse_xml

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SCH = f"{{{SCH_NS}}}"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
# Attributes whose value is a query (or a name substituted into one) and so takes abstract parameters.
QUERY_ATTRIBUTES = ("context", "test", "select", "path", "value", "subject")
# How deep sch:include and sch:extends may nest (a cycle stops here instead of looping).
MAX_DEPTH = 20


def schematron_of(path: str | Path, tree: etree._ElementTree | None = None) -> etree._Element | None:
    """The normalised ``sch:schema`` of a RELAX NG grammar or a Schematron file; None if it has no rules."""
    path = Path(path)
    if tree is None:
        try:
            tree = parse_xml(path)
        except XMLInputError as exc:
            raise UsageError(f"the schema is not readable XML: {exc.message}", path, exc.line, exc.column) from None
    root = tree.getroot()
    if etree.QName(root).namespace == relaxng.RNG_NS:
        if any(True for _ in root.iter(f"{{{relaxng.RNG_NS}}}include", f"{{{relaxng.RNG_NS}}}externalRef")):
            # An unreadable include is the grammar's error to report; take the rules at hand.
            with contextlib.suppress(XMLInputError):
                tree = relaxng.inline_includes(tree, path)
        schema = embedded_schema(tree.getroot())
    elif root.tag == f"{SCH}schema":
        schema = copy.deepcopy(root)
        _resolve_includes(schema, path.parent, 0)
    else:
        raise UsageError("neither a RELAX NG grammar nor an ISO Schematron schema", path)
    normalise(schema, path)
    if not any(True for _ in schema.iter(f"{SCH}rule")):
        return None
    return schema


def embedded_schema(grammar: etree._Element) -> etree._Element:
    """A ``sch:schema`` holding the Schematron embedded anywhere in a RELAX NG grammar, in document order."""
    schema = etree.Element(f"{SCH}schema", nsmap={"sch": SCH_NS}, queryBinding="xslt2")
    seen_prefixes: dict[str, str] = {}
    for element in grammar.iter(
        f"{SCH}ns", f"{SCH}pattern", f"{SCH}let", f"{SCH}diagnostics", f"{SCH}rule", f"{XSL_NS}key", f"{XSL_NS}function"
    ):
        if _inside_schematron(element):
            continue  # a let in a rule, a rule in a pattern: it comes with its parent
        if element.tag == f"{SCH}ns":
            prefix, uri = element.get("prefix", ""), element.get("uri", "")
            if seen_prefixes.get(prefix) == uri:
                continue
            seen_prefixes[prefix] = uri
        if element.tag == f"{SCH}rule":  # a rule outside any pattern: give it one of its own
            pattern = etree.SubElement(schema, f"{SCH}pattern")
            pattern.append(copy.deepcopy(element))
            pattern[-1].tail = None
            continue
        schema.append(copy.deepcopy(element))
        schema[-1].tail = None
    return schema


def _inside_schematron(element: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in (f"{SCH}pattern", f"{SCH}rule", f"{SCH}diagnostics", f"{XSL_NS}function"):
            return True
        parent = parent.getparent()
    return False


def normalise(schema: etree._Element, path: Path) -> None:
    """Instantiate abstract patterns, expand ``sch:extends``, keep the default phase's patterns (in place)."""
    _instantiate_abstract_patterns(schema, path)
    _expand_abstract_rules(schema, path)
    _keep_default_phase(schema)


def _resolve_includes(element: etree._Element, base: Path, depth: int) -> None:
    for include in list(element.iter(f"{SCH}include", f"{SCH}extends")):
        href = include.get("href")
        if not href:
            continue
        if depth >= MAX_DEPTH:
            raise UsageError("sch:include nests too deeply (a cycle?)", base / href)
        if "://" in href or href.startswith("/"):
            raise UsageError(
                "sch:include only reads files beside the schema",
                href,
                hint="copy the included file next to the schema and give a relative href",
            )
        target = base / href.split("#")[0]
        try:
            included = copy.deepcopy(parse_xml(target).getroot())
        except XMLInputError as exc:
            raise UsageError(
                f"the included Schematron is not readable XML: {exc.message}", target, exc.line, exc.column
            ) from None
        _resolve_includes(included, target.parent, depth + 1)
        parent = include.getparent()
        if parent is None:
            continue
        if include.tag == f"{SCH}extends":  # extends/@href: the rule's content goes into this rule
            position = parent.index(include)
            parent.remove(include)
            for offset, child in enumerate(included if included.tag == f"{SCH}rule" else [included]):
                parent.insert(position + offset, copy.deepcopy(child))
        else:
            parent.replace(include, included)


def _instantiate_abstract_patterns(schema: etree._Element, path: Path) -> None:
    abstract = {p.get("id"): p for p in schema.iter(f"{SCH}pattern") if p.get("abstract") == "true"}
    for pattern in list(schema.iter(f"{SCH}pattern")):
        base_id = pattern.get("is-a")
        if not base_id:
            continue
        base = abstract.get(base_id)
        if base is None:
            raise UsageError(
                f"pattern '{pattern.get('id') or '?'}' is-a '{base_id}', which is no abstract pattern",
                path,
                pattern.sourceline,
            )
        params = {p.get("name", ""): p.get("value", "") for p in pattern.iterfind(f"{SCH}param")}
        concrete = etree.Element(f"{SCH}pattern", nsmap=base.nsmap)
        for key, value in pattern.attrib.items():
            if key != "is-a":
                concrete.set(key, value)
        for child in base:
            concrete.append(copy.deepcopy(child))
        _substitute(concrete, params)
        concrete.tail = pattern.tail
        pattern.getparent().replace(pattern, concrete)
    for pattern in abstract.values():
        if pattern.getparent() is not None:
            pattern.getparent().remove(pattern)


def _substitute(element: etree._Element, params: dict[str, str]) -> None:
    """Replace ``$name`` by the parameter's value in every query attribute below ``element``."""
    if not params:
        return
    # Longest names first, and a name only where it ends: $a must not eat the start of $ab.
    names = sorted(params, key=len, reverse=True)
    pattern = re.compile(r"\$(" + "|".join(re.escape(n) for n in names) + r")(?![\w.\-])")
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in QUERY_ATTRIBUTES:
            value = node.get(attribute)
            if value and "$" in value:
                node.set(attribute, pattern.sub(lambda m: params[m.group(1)], value))


def _expand_abstract_rules(schema: etree._Element, path: Path) -> None:
    abstract = {r.get("id"): r for r in schema.iter(f"{SCH}rule") if r.get("abstract") == "true"}
    for rule in list(schema.iter(f"{SCH}rule")):
        if rule.get("abstract") != "true":
            _expand_extends(rule, abstract, path, 0)
    for rule in abstract.values():
        if rule.getparent() is not None:
            rule.getparent().remove(rule)


def _expand_extends(rule: etree._Element, abstract: dict, path: Path, depth: int) -> None:
    for extends in list(rule.iterfind(f"{SCH}extends")):
        name = extends.get("rule")
        base = abstract.get(name)
        if base is None:
            raise UsageError(
                f"sch:extends names the rule '{name}', which is no abstract rule", path, extends.sourceline
            )
        if depth >= MAX_DEPTH:
            raise UsageError(f"sch:extends of '{name}' nests too deeply (a cycle?)", path, extends.sourceline)
        copied = copy.deepcopy(base)
        _expand_extends(copied, abstract, path, depth + 1)
        position = rule.index(extends)
        rule.remove(extends)
        for offset, child in enumerate(c for c in copied if isinstance(c.tag, str)):
            rule.insert(position + offset, child)


def _keep_default_phase(schema: etree._Element) -> None:
    phase_id = schema.get("defaultPhase")
    if not phase_id or phase_id == "#ALL":
        return
    phase = next((p for p in schema.iterfind(f"{SCH}phase") if p.get("id") == phase_id), None)
    if phase is None:
        return
    active = {a.get("pattern") for a in phase.iterfind(f"{SCH}active")}
    for pattern in list(schema.iterfind(f"{SCH}pattern")):
        if pattern.get("id") not in active:
            schema.remove(pattern)
