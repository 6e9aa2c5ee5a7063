"""ISO Schematron with XPath 2/3 (``queryBinding`` xslt2/xslt3), as TEI schemas embed it, run with SaxonC-HE.

>>> rules = EmbeddedRules.from_schema("tei_all.rng")        # doctest: +SKIP
>>> rules.count, rules.skipped                               # doctest: +SKIP
(89, ())
>>> rules.check("letter.xml")                                # doctest: +SKIP
[Finding(line=12, column=7, severity='error', message='Only one of the attributes @target and @cRef ...', ...)]

The pipeline: :mod:`.extract` collects and normalises the rules of a RELAX NG
grammar or a ``.sch`` file, :mod:`.compile` turns them into one XSLT 3.0
stylesheet (teikit's own compiler), :mod:`.run` compiles that with Saxon once per
process and thread, runs it over each document and maps each failure back to
the element in the lxml tree, whose line and column the caller's locator reads.

An :class:`EmbeddedRules` is plain data (the stylesheet's text and what each
check means), so it pickles into worker processes; the Saxon engine is created
lazily in whichever process and thread runs the checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import UsageError
from ..files import write_atomic
from ..relaxng import cache_dir, names_in_tree
from .compile import COMPILER_VERSION, ERROR, WARNING, Check, CompiledSchematron, Rule, severity_of
from .extract import schematron_of
from .run import SaxonUnavailable, saxon_available

__all__ = [
    "ERROR",
    "WARNING",
    "EmbeddedRules",
    "Finding",
    "SaxonUnavailable",
    "saxon_available",
    "severity_of",
    "UNAVAILABLE_MESSAGE",
]

UNAVAILABLE_MESSAGE = (
    "the Schematron rules with XPath 2 need saxonche (SaxonC-HE), which is not installed on this platform: "
    "checking the grammar only"
)

Position = Callable[[etree._Element | None], tuple[int | None, int | None]]


@dataclass(frozen=True)
class Finding:
    """One failed assert (or successful report) of a Schematron rule, where it is."""

    line: int | None
    column: int | None
    severity: str
    message: str
    rule_id: str
    attribute: str | None = None  # the attribute the rule's context or subject pointed at, if any


@dataclass(frozen=True)
class EmbeddedRules:
    """The Schematron rules of one schema, compiled to XSLT 3.0; :meth:`check` runs them over a document."""

    name: str
    compiled: CompiledSchematron
    skipped: tuple[tuple[str, str], ...] = ()  # (rule id, reason) for each rule Saxon refused
    digest: str = field(default="", compare=False)

    @classmethod
    def from_schema(
        cls, path: str | Path, tree: etree._ElementTree | None = None, use_cache: bool = True
    ) -> EmbeddedRules | None:
        """The rules embedded in a RELAX NG grammar or written in a ``.sch`` file; None if it has none.

        ``tree`` is the schema already parsed, if the caller has it. Raises
        :class:`SaxonUnavailable` when saxonche is missing (a grammar without
        rules returns None first, without needing it).
        """
        path = Path(path)
        schema = schematron_of(path, tree)
        if schema is None:
            return None
        if not saxon_available():
            raise SaxonUnavailable("saxonche is not installed")
        from . import run

        source = etree.tostring(schema, encoding="UTF-8")
        key = hashlib.sha256(f"teikit-schematron-v{COMPILER_VERSION}\n{path.name}\n".encode() + source).hexdigest()
        entry = cache_dir() / "schematron" / f"{key}.json"
        cached = None
        if use_cache and entry.is_file():
            with contextlib.suppress(OSError):
                cached = run.decode_entry(entry.read_bytes(), key)
        if cached is not None:
            compiled, skipped = cached
        else:
            compiled, skipped = run.compile_checking_rules(schema, path.name)
            if use_cache:
                with contextlib.suppress(Exception):  # a cache that cannot be written only costs time
                    write_atomic(entry, run.encode_entry(key, compiled, skipped))
        digest = hashlib.sha256(compiled.xslt.encode("utf-8")).hexdigest()
        return cls(path.name, compiled, tuple((rule.rule_id, reason) for rule, reason in skipped), digest)

    @property
    def count(self) -> int:
        """How many asserts and reports run (those of rules that compiled)."""
        return len(self.compiled.checks)

    @property
    def rule_count(self) -> int:
        """How many rules run."""
        return len(self.compiled.rules) - len(self.skipped)

    def check(
        self,
        document: etree._ElementTree | str | Path,
        position: Position | None = None,
        names: frozenset[str] | None = None,
        select: bool = True,
        xpath1: bool = True,
    ) -> list[Finding]:
        """Run the rules over a parsed tree or a file; findings sorted by line and column.

        ``position`` gives (line, column) of an element (teikit's validator
        passes its Locator, which finds the start tag's column in the file); by
        default the element's line, and its column when the file is at hand.
        ``names``: the local element and "@"-attribute names of the document (a
        superset will do), when the caller knows them. With ``select`` (the
        default) only the patterns whose rules can match something in a document
        using those names run (see :func:`.compile.required_names`); the
        findings are the same, which the tests check; ``select=False`` runs all.
        With ``xpath1`` (the default) the rules that mean the same in XPath 1 run
        in lxml on the tree itself, the others in Saxon (see :mod:`.xpath1`);
        ``xpath1=False`` (or ``TEIKIT_SCHEMATRON_XPATH1=0``) runs every rule in Saxon.
        """
        from . import run

        if isinstance(document, (str, os.PathLike)):
            from ..xmlio import parse_xml

            tree = parse_xml(Path(document))
        else:
            tree = document
        if position is None:
            position = _default_position(tree)
        digest = self.digest or hashlib.sha256(self.compiled.xslt.encode("utf-8")).hexdigest()
        if select and names is None:
            names = names_in_tree(tree)
        findings = []
        xpath1 = xpath1 and os.environ.get("TEIKIT_SCHEMATRON_XPATH1", "1") != "0"
        for failure in run.run(self.compiled, digest, tree, names if select else None, xpath1):
            line, column = position(failure.node)
            if failure.check is None:
                findings.append(Finding(line, column, ERROR, failure.message, failure.rule.rule_id, failure.attribute))
            else:
                findings.append(
                    Finding(
                        line, column, failure.check.severity, failure.message, failure.check.rule_id, failure.attribute
                    )
                )
        return sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.rule_id, f.message))


def _default_position(tree: etree._ElementTree) -> Position:
    source = tree.docinfo.URL
    try:
        from ..validate import Locator
    except ImportError:  # pragma: no cover - the validator always ships with the package
        return lambda node: ((node.sourceline if node is not None else None), None)
    return Locator(tree, source or "<tree>").position


def load_rules(path: str | Path, tree: etree._ElementTree | None = None, use_cache: bool = True) -> EmbeddedRules:
    """The rules of a standalone ``.sch`` (xslt2/xslt3); a UsageError if it has none."""
    rules = EmbeddedRules.from_schema(path, tree, use_cache)
    if rules is None:
        raise UsageError("the Schematron schema has no rules", path)
    return rules


__all__ += ["Check", "Rule", "load_rules"]
