"""The validator's view of XPath 2/3 Schematron: a schema like the others, whose problems are Problems.

:func:`rules_schemas` is the one call the validator makes (in
:func:`teikit.validate.schemas.schema_set`, whose registry names this kind
``schematron-xpath2``): for each RELAX NG
grammar that embeds rules, and each ``.sch`` with ``queryBinding`` xslt2/xslt3,
a :class:`SchematronRulesSchema`; plus the lines to show the user (rules Saxon
refused, or saxonche missing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import UNAVAILABLE_MESSAGE, EmbeddedRules, SaxonUnavailable
from .extract import SCH

# queryBinding values this engine runs; the rest (xslt, exslt, none) stay with lxml's XPath 1 Schematron.
XPATH2_BINDINGS = frozenset({"xslt2", "xslt3", "xpath2", "xpath3", "xpath31"})


class SchematronRulesSchema:
    """Schematron rules (XPath 2/3) run by Saxon: embedded in a grammar, or a standalone ``.sch``."""

    kind = "schematron-xpath2"

    def __init__(self, rules: EmbeddedRules, source: str) -> None:
        self.rules = rules
        self.name = rules.name
        self.source = source  # "embedded" or "standalone"

    def prepare(self, names: frozenset[str] | None) -> None:
        pass

    def check(self, tree: etree._ElementTree, path: str, names: frozenset[str], locator) -> list:
        from ..validate.report import Problem

        # The validator passes no names (an empty set) when no grammar is restricted: find them here.
        findings = self.rules.check(tree, locator.position, names or None)
        return [Problem(path, f.line, f.column, f.severity, f.message, f.rule_id, self.name) for f in findings]


@dataclass
class RulesLoaded:
    """What loading the rules of a run's schemas gave: the schemas to add and what to tell the user."""

    schemas: list[SchematronRulesSchema] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # shown always (saxonche missing)
    details: list[str] = field(default_factory=list)  # shown with --verbose (rules Saxon refused)
    turned_off: int = 0  # checks not run because of --no-schematron

    @property
    def count(self) -> int:
        return sum(schema.rules.count for schema in self.schemas)


def query_binding(path: Path, tree: etree._ElementTree) -> str:
    root = tree.getroot()
    return (root.get("queryBinding") or "").strip().lower() if root.tag == f"{SCH}schema" else ""


def rules_schemas(
    grammars: Iterable[tuple[Path, etree._ElementTree | None]],
    standalone: Iterable[Path] = (),
    enabled: bool = True,
    use_cache: bool = True,
) -> RulesLoaded:
    """The Schematron rules of these RELAX NG grammars and XPath 2 ``.sch`` files, ready to check documents."""
    loaded = RulesLoaded()
    sources = [(path, tree, "embedded") for path, tree in grammars]
    sources += [(path, None, "standalone") for path in standalone]
    for path, tree, source in sources:
        if not enabled:
            from .extract import schematron_of

            schema = schematron_of(path, tree)
            if schema is not None:
                loaded.turned_off += sum(1 for _ in schema.iter(f"{SCH}assert", f"{SCH}report"))
            continue
        try:
            rules = EmbeddedRules.from_schema(path, tree, use_cache=use_cache)
        except SaxonUnavailable:
            if UNAVAILABLE_MESSAGE not in loaded.notices:
                loaded.notices.append(UNAVAILABLE_MESSAGE)
            continue
        if rules is None:
            continue
        loaded.schemas.append(SchematronRulesSchema(rules, source))
        for rule_id, reason in rules.skipped:
            loaded.details.append(f"{path}: Schematron rule {rule_id} could not be compiled and is not run: {reason}")
    return loaded
