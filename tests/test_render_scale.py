"""The renderers cost what the document costs: no XPath form that libxml2 evaluates in quadratic time,
generated ids and note numbers that do not depend on how many documents a teiCorpus gathers.

Timing is measured by tests/benchmarks/bench_render_scaling.py, never asserted here; these tests pin
the constructs that made rendering quadratic (found with lxml's XSLT profiler).
"""

from __future__ import annotations

import copy
import re
from collections import Counter

import pytest
from lxml import etree

from teikit.render import render_html, render_text
from teikit.xmlio import TEI_NS, XSLT_DIR, parse_xml

from conftest import FIXTURES

XSL = "http://www.w3.org/1999/XSL/Transform"
# libxml2 evaluates 'A//B[predicate]' (after a first step) by merging one result per descendant of A:
# quadratic in a teiCorpus. 'A/descendant::B[predicate]' is the same node set in linear time.
SLOW_DESCENDANT = re.compile(r"[\w)\]*]//[^/\s'\"()|]*\[")
# libxslt indexes a key by evaluating '//' + its match pattern, so a key pattern must not hold '//' at all.
EXPRESSION_ATTRIBUTES = ("select", "test", "match", "use", "count", "from", "value")


def _expressions():
    for path in sorted(XSLT_DIR.glob("*.xsl")):
        tree = etree.parse(str(path))
        for element in tree.iter(f"{{{XSL}}}*"):
            for name in EXPRESSION_ATTRIBUTES:
                value = element.get(name)
                if value:
                    yield path.name, element.sourceline, etree.QName(element).localname, name, " ".join(value.split())


def test_no_xpath_in_the_stylesheets_uses_the_quadratic_descendant_form():
    slow = [f"{file}:{line}: {value}" for file, line, _, _, value in _expressions() if SLOW_DESCENDANT.search(value)]
    assert not slow, "write A/descendant::B[…] instead of A//B[…]:\n" + "\n".join(slow)


def test_no_key_pattern_holds_a_descendant_step():
    slow = [
        f"{file}:{line}: {value}"
        for file, line, element, attribute, value in _expressions()
        if element == "key" and attribute == "match" and "//" in value
    ]
    assert not slow, "libxslt evaluates //PATTERN for a key: test ancestors in a predicate\n" + "\n".join(slow)


def test_no_template_counts_with_xsl_number_level_any_except_the_rare_fallback():
    numbers = [
        (file, line)
        for file, line, element, attribute, value in _expressions()
        if element == "number" and attribute == "count" and value != "*"
    ]
    assert not numbers, f"xsl:number level='any' scans the document before the node: {numbers}"


def _corpus(tree: etree._ElementTree, copies: int) -> etree._ElementTree:
    """A teiCorpus holding ``copies`` copies of one TEI document, ids made unique per copy."""
    corpus = etree.Element(f"{{{TEI_NS}}}teiCorpus", nsmap={None: TEI_NS})
    corpus.append(copy.deepcopy(tree.getroot().find(f"{{{TEI_NS}}}teiHeader")))
    for number in range(1, copies + 1):
        member = copy.deepcopy(tree.getroot())
        for element in member.iter():
            for name, value in element.attrib.items():
                if name == "{http://www.w3.org/XML/1998/namespace}id":
                    element.set(name, f"c{number}-{value}")
                elif "#" in value:
                    element.set(
                        name, " ".join(f"#c{number}-{t[1:]}" if t.startswith("#") else t for t in value.split())
                    )
        corpus.append(member)
    return corpus.getroottree()


@pytest.mark.parametrize("fixture", ["features.xml", "manifesto-tagged.xml"])
def test_generated_ids_in_a_corpus_are_unique_and_note_numbers_restart_per_text(fixture):
    tree = parse_xml(FIXTURES / "render" / fixture)
    page = render_html(_corpus(tree, 3))
    ids = re.findall(r' id="([^"]+)"', page)
    repeated = {i for i in ids if ids.count(i) > 1}
    assert not repeated
    single = render_text(tree)
    three = render_text(_corpus(tree, 3))
    # Each member's notes are numbered as in the document alone: the same markers, three times over.
    markers = Counter(re.findall(r"\[\d+\]", single))
    assert Counter(re.findall(r"\[\d+\]", three)) == Counter({m: 3 * n for m, n in markers.items()})
