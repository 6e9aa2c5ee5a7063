"""Nothing of the text is lost: every word under <text> is in the reading text and the Markdown, and every
character of it in the HTML (which keeps source readings beside edited ones), unless a documented rule leaves
it out (docs/render.md and docs/export.md, "What the reading text leaves out").

The rules (the same for the three outputs, except where said):
  * of a choice, only the edited reading (corr, reg, expan, else the first child): sic, orig, abbr are left out
    of the reading text and the Markdown (the HTML keeps them, hidden until asked for);
  * of an app, only the lemma (lem, else the first reading): other readings (rdg, rdgGrp) are left out of the
    reading text and the Markdown, kept hidden in the HTML; the apparatus's notes stay;
  * del, fw (running heads, catchwords), figDesc (an image's description), surplus and the non-textual
    linking elements (interp, link, span, alt, certainty …) are left out of the reading text and the Markdown;
  * numbers alone are not compared (note markers are renumbered), words broken by lb/pb break="no" are one word.

Runs on public corpora where they are present (skipped elsewhere): DraCor, ELTeC, Perseus, EpiDoc (I.Sicily),
the TEI test files and the TEI Guidelines' examples; a few files of each by default,
TEIKIT_WORDS_SAMPLE=N for N per corpus (0: all), by hand.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from teikit.errors import TeikitError
from teikit.export import export
from teikit.export.occurrences import extract
from teikit.render import render_html, render_text
from teikit.render.stylesheets import as_tei
from teikit.xmlio import TEI_NS, parse_xml

from test_render import html_all_characters, html_text_characters

DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))
SAMPLE = int(os.environ.get("TEIKIT_WORDS_SAMPLE", "3"))
T = f"{{{TEI_NS}}}"
CORPORA = {
    "fredracor": "fredracor/tei/*.xml",
    "shakedracor": "shakedracor/tei/*.xml",
    "eltec": "eltec-eng/level1/*.xml",
    "perseus": "canonical-latinlit/data/*/*/*.xml",
    "epidoc": "isicily/inscriptions/*.xml",
    "tei-test": "tei/P5/Test/*.xml",
    "letters": "letters/**/*.xml",
}
# Left out of the reading text and the Markdown by rule (the HTML keeps them).
EDITORIAL = {"del", "fw", "figDesc", "surplus"}  # and, by _skipped, the other children of choice and app
NON_TEXTUAL = {
    "interp",
    "interpGrp",
    "link",
    "linkGrp",
    "span",
    "spanGrp",
    "alt",
    "altGrp",
    "certainty",
    "precision",
    "respons",
    "index",
    "timeline",
    "join",
    "joinGrp",
    "classCode",
    "catRef",
    "metamark",
}
WORD = re.compile(r"\w+")
# Elements that stand apart from the words around them (a word never runs across their edges); any other
# element is inline and may cut a word (EpiDoc's <expan><abbr>D</abbr><ex>is</ex></expan>).
APART = {
    "p",
    "ab",
    "l",
    "lg",
    "sp",
    "speaker",
    "stage",
    "head",
    "item",
    "list",
    "label",
    "note",
    "div",
    "div1",
    "div2",
    "div3",
    "div4",
    "div5",
    "div6",
    "div7",
    "body",
    "front",
    "back",
    "text",
    "group",
    "table",
    "row",
    "cell",
    "bibl",
    "listBibl",
    "castList",
    "castGroup",
    "castItem",
    "role",
    "roleDesc",
    "opener",
    "closer",
    "salute",
    "signed",
    "dateline",
    "byline",
    "docAuthor",
    "docTitle",
    "titlePart",
    "titlePage",
    "trailer",
    "argument",
    "epigraph",
    "figure",
    "listPerson",
    "listPlace",
    "listOrg",
    "listEvent",
    "person",
    "place",
    "org",
    "event",
    "lb",
    "gap",
    "app",
    "lem",
    "rdg",
    "listApp",
    "quote",
    "q",
    "address",
    "addrLine",
    "postscript",
    "floatingText",
    "eg",
    "desc",
    "birth",
    "death",
    "occupation",
    "persName",
    "placeName",
    "orgName",
    "forename",
    "surname",
    "idno",
    "date",
    "seg",
    "caesura",
    "space",
}


def words(text: str) -> Counter:
    """Words with a letter in them, case-folded."""
    return Counter(w.casefold() for w in WORD.findall(text) if not w.isdigit())


def _skipped(root: etree._Element, editorial: bool) -> set:
    skipped: set = set()
    for choice in root.iter(T + "choice"):
        children = [c for c in choice if isinstance(c.tag, str)]
        preferred = next(
            (c for name in ("corr", "reg", "expan", "seg", "unclear") for c in children if c.tag == T + name),
            children[0] if children else None,
        )
        skipped.update(c for c in children if c is not preferred)
    for app in root.iter(T + "app"):
        readings = [c for c in app if c.tag in (T + "lem", T + "rdg", T + "rdgGrp")]
        shown = next((c for c in readings if c.tag == T + "lem"), readings[0] if readings else None)
        skipped.update(c for c in readings if c is not shown)
    names = NON_TEXTUAL | (EDITORIAL if editorial else set())
    skipped.update(
        e for e in root.iter() if isinstance(e.tag, str) and e.tag.startswith(T) and e.tag[len(T) :] in names
    )
    return skipped


def source_words(root: etree._Element, *, editorial: bool) -> Counter:
    """The words under the outermost tei:text elements, less what the rules leave out."""
    skipped = _skipped(root, editorial) if editorial else set()
    parts: list[str] = []

    def visit(element) -> None:
        if element in skipped:
            return
        name = element.tag[len(T) :] if isinstance(element.tag, str) and element.tag.startswith(T) else ""
        apart = name in APART and element.get("break") != "no"
        parts.append(" " if apart else "")
        parts.append(element.text or "")
        for child in element:
            joins = isinstance(child.tag, str) and child.get("break") == "no"
            if joins:  # a word broken at a line or page: the layout space around the break is no space
                while parts and not parts[-1].strip():
                    parts.pop()
                if parts:
                    parts[-1] = parts[-1].rstrip()
            if isinstance(child.tag, str):
                visit(child)
            parts.append((child.tail or "").lstrip() if joins else (child.tail or ""))
        parts.append(" " if apart else "")

    texts = root.xpath("//tei:text[not(ancestor::tei:text)]", namespaces={"tei": TEI_NS})
    for text in texts:
        visit(text)
    return words("".join(parts))


MARKDOWN = MarkdownIt("commonmark").use(footnote_plugin)


def markdown_words(markdown: str) -> Counter:
    return words(lxml.html.fromstring(f"<div>{MARKDOWN.render(markdown)}</div>").text_content())


def lost(expected: Counter, got: Counter) -> list[str]:
    return sorted(w for w in expected if w not in got)


def corpus_files() -> list[Path]:
    files = []
    for pattern in CORPORA.values():
        found = sorted(DATA.glob(pattern))
        files += found[:SAMPLE] if SAMPLE else found
    return files


def check(tree: etree._ElementTree, name: str) -> dict[str, list[str]]:
    """The words each output lost: {'html': [...], 'text': [...], 'markdown': [...]} (empty lists: none)."""
    tree = as_tei(tree)
    root = tree.getroot()
    everything, reading = source_words(root, editorial=False), source_words(root, editorial=True)
    page = render_html(tree)
    # The HTML keeps source readings hidden beside the edited ones, and breaks lines where the source does:
    # its words run together where a reader's eye does not, so it is compared by characters, not words.
    missing = html_all_characters(root) - html_text_characters(page)
    losses = {"html": sorted(missing), "text": lost(reading, words(render_text(tree)))}
    del everything
    if root.tag in (T + "TEI", T + "teiCorpus"):
        markdown = export(tree, "markdown", name)[f"{name}.md"].decode("utf-8")
        losses["markdown"] = lost(reading, markdown_words(markdown))
    return losses


@pytest.mark.skipif(not corpus_files(), reason=f"no public TEI corpora under {DATA} (set TEIKIT_TEI_DATA)")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_word_of_the_text_is_in_every_output(path):
    try:
        tree = parse_xml(path)
    except TeikitError as exc:  # a malformed file is refused with a located reason, not rendered
        assert exc.line is not None
        return
    if etree.QName(tree.getroot()).localname not in ("TEI", "teiCorpus"):
        # A corpus's own catalogue files (Perseus's __cts__.xml, an Ant build file among the TEI tests): every
        # renderer refuses them in one line (test_render.py), so there is no reading to compare.
        pytest.skip(f"{path.name} is not TEI: its root is <{etree.QName(tree.getroot()).localname}>")
    losses = check(tree, path.stem)
    assert {output: words[:20] for output, words in losses.items() if words} == {}


def test_the_check_sees_a_lost_word():
    tree = etree.fromstring(
        f'<TEI xmlns="{TEI_NS}"><text><body><p>kept <del>struck</del> '
        "<choice><sic>teh</sic><corr>the</corr></choice> ha<gap/>me</p></body></text></TEI>"
    )
    root = tree.getroottree().getroot()
    assert source_words(root, editorial=True) == words("kept the ha me")
    assert lost(source_words(root, editorial=True), words("kept the hame")) == ["ha", "me"]


# ---------------------------------------------------------------- the rules, one literal case each


def _tei(body: str, back: str = "") -> etree._ElementTree:
    header = (
        "<teiHeader><fileDesc><titleStmt><title>T</title></titleStmt><publicationStmt><p>p</p>"
        "</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>"
    )
    return etree.fromstring(f'<TEI xmlns="{TEI_NS}">{header}<text><body>{body}</body>{back}</text></TEI>').getroottree()


def _outputs(tree: etree._ElementTree) -> tuple[str, str, str]:
    markdown = export(tree, "markdown", "t")["t.md"].decode("utf-8")
    return render_html(tree), render_text(tree), markdown


def test_a_gap_leaves_a_mark_so_fragments_never_fuse_into_a_word():
    tree = _tei("<p>ha<gap/>me and <gap><desc>two lines</desc></gap> lost</p>")
    html, text, markdown = _outputs(tree)
    for output in (text, markdown_words(markdown)):
        assert "hame" not in output
    assert "ha[…]me" in text and "[two lines]" in text
    assert "ha\\[…\\]me" in markdown and "\\[two lines\\]" in markdown


def test_n_values_and_rend_words_are_never_printed_as_text():
    tree = _tei(
        '<listEvent><event n="Private Lesung"><p>A reading.</p></event></listEvent>'
        '<p>Before.</p><milestone unit="section" rend="stars"/><p>After.</p>'
        '<list><item n="3a">labelled</item></list><milestone unit="section" rend="* * *"/>'
    )
    html, text, markdown = _outputs(tree)
    main = lxml.html.document_fromstring(html.encode("utf-8")).xpath("//main")[0].text_content()
    for output in (text, markdown, main):
        assert "Private" not in output and "stars" not in output
    assert "3a labelled" in text and text.count("* * *") == 2


def test_notes_between_verse_lines_are_marked_as_notes():
    tree = _tei(
        "<div><sp><speaker>ALPHA</speaker><l>First line,</l><note>Traverser: to hinder.</note>"
        "<l>second line.</l></sp></div>"
    )
    html, text, markdown = _outputs(tree)
    assert "ALPHA\nFirst line,\nNote: Traverser: to hinder.\nsecond line." in text
    assert "*Note:* Traverser: to hinder." in markdown
    labelled = _tei("<div><p>Text.</p><note><label>Editor's note:</label> A word.</note></div>")
    html, text, markdown = _outputs(labelled)
    assert "Editor's note: A word." in text and "Note: Editor" not in text
    assert "Editor's note: A word." in markdown and "*Note:*" not in markdown


def test_a_register_in_back_and_a_body_that_is_a_register_are_read():
    tree = _tei(
        '<listPlace><place xml:id="pl1"><placeName>Aphrodisias</placeName><desc>A city in Caria.'
        "</desc></place></listPlace>",
        '<back><listPerson><person xml:id="p1"><persName>Anna Maier</persName><note>Painter in Vienna.'
        "</note></person></listPerson></back>",
    )
    html, text, markdown = _outputs(tree)
    for words_wanted in ("Aphrodisias", "A city in Caria", "Anna Maier", "Painter in Vienna"):
        assert words_wanted in text and words_wanted in markdown
    # The register's own names are not mentions in the text: no occurrence is exported for them.
    assert not extract(tree, "t").occurrences


def test_the_notes_of_an_apparatus_are_kept():
    tree = _tei(
        '<div type="apparatus"><listApp><app><note>Text from photograph.</note></app>'
        '<app loc="4"><lem>vixit</lem><rdg>vixt</rdg><note>Mommsen reads vix.</note></app>'
        "</listApp></div>"
    )
    html, text, markdown = _outputs(tree)
    for output in (text, markdown):
        assert "Text from photograph" in output and "Mommsen reads vix" in output and "vixit" in output
    # The reading text ends with an apparatus criticus (the lemma, "]", then the readings); the running text and
    # the Markdown keep the lemma only.
    assert "vixt" not in markdown
    assert [line for line in text.splitlines() if "vixt" in line] == ["4 vixit ] vixt Mommsen reads vix."]


@pytest.mark.skipif(not list(DATA.glob("tei-guidelines/*.xml")), reason=f"no TEI Guidelines sources under {DATA}")
def test_the_guidelines_examples_lose_no_word_in_the_markdown():
    # HTML and the reading text of every example are checked in test_render.py; here the Markdown.
    from teikit.xmlio import parse_xml_bytes

    from test_render import guideline_examples

    examples = guideline_examples()
    assert len(examples) > 1000
    failures = []
    for name, data in examples[:: max(1, len(examples) // 400)]:  # 400 of them, spread over the chapters
        tree = parse_xml_bytes(data, name)
        markdown = export(tree, "markdown", "x")["x.md"].decode("utf-8")
        missing = lost(source_words(tree.getroot(), editorial=True), markdown_words(markdown))
        if missing:
            failures.append(f"{name}: {missing[:8]}")
    assert failures == []
