"""Rendering TEI as an HTML reading edition and as reading text: teikit's TEI and anyone's.

Golden files (tests/golden/) are rewritten only with --update-golden and read by a person
before they are committed. Structural checks parse the HTML with lxml.html; foreign TEI comes
from ../shared/tei/samples and, when present, public TEI corpora fetched as data outside the
repository (TEIKIT_TEI_DATA, default /work/data).
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from teikit.errors import UsageError, XMLInputError
from teikit.render import IndexEntry, render_html, render_index, render_many, render_text
from teikit.render.lossless import render_lossless
from teikit.render.stylesheets import as_tei
from teikit.render.text import layout, wrap
from teikit.xmlio import NS, TEI_NS, XML_NS, parse_xml, parse_xml_bytes

from conftest import FIXTURES, REPO, SAMPLES, imports_a_stage

RENDER_FIXTURES = FIXTURES / "render"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_TEI = REPO / "edition" / "workers-group-manifesto-1.xml"
TAGGED = RENDER_FIXTURES / "manifesto-tagged.xml"
FEATURES = RENDER_FIXTURES / "features.xml"
DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))
T = f"{{{TEI_NS}}}"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"TEI sample not found at {path}")
    return path


@pytest.fixture(scope="module")
def seed():
    return parse_xml(SEED_TEI)


@pytest.fixture(scope="module")
def tagged():
    return parse_xml(TAGGED)


@pytest.fixture(scope="module")
def features():
    return parse_xml(FEATURES)


def page(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html.encode("utf-8"))


# --------------------------------------------------------------------------- the architecture line


def test_render_imports_nothing_from_the_reader_the_tagger_or_the_model():
    """TEI is the interchange: the renderers must work on TEI alone (STYLE.md)."""
    forbidden = {"read", "tag", "model", "convert", "edition"}
    for path in (REPO / "src" / "teikit" / "render").rglob("*.py"):
        assert not imports_a_stage(path, forbidden), path.name


# --------------------------------------------------------------------------- golden files

GOLDEN_CASES = {
    "workers-group-manifesto-1.html": lambda: render_html(parse_xml(SEED_TEI), css=""),
    "workers-group-manifesto-1.txt": lambda: render_text(parse_xml(SEED_TEI)),
    "manifesto-tagged.html": lambda: render_html(parse_xml(TAGGED), css=""),
    "features.html": lambda: render_html(parse_xml(FEATURES), css=""),
    "features.txt": lambda: render_text(parse_xml(FEATURES)),
    "features-w40-no-notes.txt": lambda: render_text(parse_xml(FEATURES), width=40, notes=False),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden(name, update_golden):
    """The pages and texts as a person read and approved them (the HTML without its CSS, which is checked apart)."""
    actual = GOLDEN_CASES[name]()
    path = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        pytest.skip(f"rewrote {path.relative_to(REPO)}: read the diff before committing")
    assert path.is_file(), f"{path} is missing: run pytest --update-golden and read the result"
    assert actual == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- HTML structure


def structural_problems(html: str, landmarks: tuple[str, ...] = ("main", "nav", "header", "footer")) -> list[str]:
    """Everything that makes a page unusable: dangling links, duplicate ids, heading order, landmarks."""
    doc = page(html)
    problems = []
    ids = [element.get("id") for element in doc.iter() if isinstance(element.tag, str) and element.get("id")]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates[:5]}")
    known = set(ids)
    for link in doc.iter("a"):
        href = link.get("href", "")
        if href.startswith("#") and unquote(href[1:]) not in known:
            problems.append(f"dangling link {href}")
    headings = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if headings.count(1) != 1:
        problems.append(f"{headings.count(1)} h1 elements")
    for before, after in zip(headings, headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level skips from h{before} to h{after}")
    for landmark in landmarks:
        if len(doc.findall(f".//{landmark}")) < 1:
            problems.append(f"no {landmark}")
    if not doc.get("lang"):
        problems.append("no lang on html")
    return problems


def test_seed_page_is_structurally_sound(seed):
    assert structural_problems(render_html(seed)) == []


def test_tagged_page_is_structurally_sound(tagged):
    assert structural_problems(render_html(tagged)) == []


def test_features_page_is_structurally_sound(features):
    assert structural_problems(render_html(features)) == []


def test_page_is_one_self_contained_file(seed):
    html = render_html(seed)
    assert html.startswith("<!DOCTYPE html>\n")
    doc = page(html)
    assert doc.find(".//style").text and "--paper" in doc.find(".//style").text
    assert not doc.xpath("//link[@rel='stylesheet'] | //script[@src] | //img[starts-with(@src, 'http')]")
    assert "xmlns:tei" not in html and "urn:teikit" not in html


def plain_head(division: etree._Element) -> str:
    head = division.find(T + "head")
    return " ".join("".join(head.xpath(".//text()[not(ancestor::tei:note)]", namespaces=NS)).split())


@pytest.mark.parametrize("fixture", ["seed", "tagged", "features"])
def test_table_of_contents_lists_every_headed_division_in_order(fixture, request):
    tree = request.getfixturevalue(fixture)
    doc = page(render_html(tree))
    entries = doc.xpath("//nav[contains(@class, 'tk-toc')]//ol[@class='tk-toc-text']//a")
    # Headed divisions by their head; divisions without one by their label (@n), as the edition file gives it.
    divisions = tree.getroot().xpath("//tei:text//tei:div[tei:head or (@n and @xml:id)]", namespaces=NS)
    labels = [plain_head(d) if d.find(T + "head") is not None else d.get("n") for d in divisions]
    assert [" ".join(a.text_content().split()) for a in entries] == labels
    for link, division in zip(entries, divisions, strict=True):
        section = doc.get_element_by_id(unquote(link.get("href")[1:]))
        if division.find(T + "head") is None and division.find(T + "opener") is not None:
            assert section.xpath(".//*[contains(@class, 'tei-salute')]")  # named by the salutation opening it
            continue
        heading = section.xpath("./*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")[0]
        assert " ".join(heading.text_content().split()) == " ".join(link.text_content().split())


def test_toc_nests_as_the_divisions_nest(features):
    doc = page(render_html(features))
    seven = doc.xpath("//nav//a[normalize-space() = 'Seven']")[0]
    assert len(seven.xpath("ancestor::ol")) == 6  # Nested divisions > Level three > Four > Five > Six > Seven


@pytest.mark.parametrize("fixture", ["seed", "tagged", "features"])
def test_note_references_and_notes_link_both_ways(fixture, request):
    doc = page(render_html(request.getfixturevalue(fixture)))
    refs = doc.xpath("//a[@role='doc-noteref']")
    assert refs
    for ref in refs:
        note = doc.get_element_by_id(unquote(ref.get("href")[1:]))
        backs = [a.get("href") for a in note.xpath(".//a[contains(@class, 'tk-backref')]")]
        assert f"#{ref.get('id')}" in backs, (ref.get("id"), backs)
    for back in doc.xpath("//a[contains(@class, 'tk-backref')]"):
        ref = doc.get_element_by_id(unquote(back.get("href")[1:]))
        owner = back.xpath("ancestor::*[@id][1]")[0]
        assert ref.get("href") == f"#{owner.get('id')}"


def test_every_note_marker_has_a_preview_for_reading_in_place(features):
    doc = page(render_html(features))
    for ref in doc.xpath("//a[@role='doc-noteref']"):
        preview = ref.getnext()
        assert preview is not None and "tk-preview" in preview.get("class") and preview.get("aria-hidden") == "true"
        note = doc.get_element_by_id(unquote(ref.get("href")[1:]))
        first_words = " ".join(note.text_content().split()[1:4])
        assert first_words in " ".join(preview.text_content().split())


def test_seed_footnotes_stay_where_the_edition_put_them(seed):
    """teikit's footnotes are collected in back and referenced: they are shown there, not moved."""
    doc = page(render_html(seed))
    division = seed.getroot().xpath("//tei:div[@type='footnotes']/@xml:id", namespaces=NS)[0]
    footnotes = doc.get_element_by_id(division)
    assert [n.get("id") for n in footnotes.xpath(".//div[@role='doc-footnote']")] == [f"fn{i}" for i in range(1, 8)]
    # In a division of their own, under their own heading, not under the end note's.
    assert footnotes.xpath("./h2")[0].text_content() == "Footnotes"
    endnotes = doc.get_element_by_id("endnotes")
    assert not [n for n in endnotes.xpath(".//div[@role='doc-footnote']/@id") if n.startswith("fn")]
    # Only the editors' notes, written where they apply, are collected.
    collected = doc.xpath("//section[@id='tk-notes']//li/@id")
    assert collected == [f"ed-note{i}" for i in range(1, 5)]


def test_notes_written_at_their_anchor_are_numbered_and_collected(features):
    doc = page(render_html(features))
    notes = doc.xpath("//section[@id='tk-notes']//li")
    assert [n.xpath("string(span[@class='tk-note-n'])") for n in notes] == ["a", "2"]
    markers = [a.text_content() for a in doc.xpath("//a[contains(@class, 'tk-noteref')]")]
    assert markers[:2] == ["a", "2"]


def test_entity_links_resolve_into_the_register(tagged):
    doc = page(render_html(tagged))
    register = doc.get_element_by_id("tk-register")
    links = doc.xpath("//a[contains(@class, 'tk-entity')]")
    assert len(links) == 20  # of 23 names: Kamenev and Bukharin have no entry, Russian is inside another name
    for link in links:
        entry = doc.get_element_by_id(link.get("href")[1:])
        assert entry in register.iter(), link.get("href")
        assert link.get("data-ref") == f"#{entry.get('id')}"
        assert link.get("data-type") in entry.get("class")


def test_register_lists_every_entry_with_every_mention(tagged):
    doc = page(render_html(tagged))
    root = tagged.getroot()
    entries = root.xpath(
        "//tei:standOff//*[self::tei:person or self::tei:org or self::tei:place]/@xml:id", namespaces=NS
    )
    for entry_id in entries:
        entry = doc.get_element_by_id(entry_id)
        mentions = root.xpath("//tei:text//*[@ref = $r]", r=f"#{entry_id}", namespaces=NS)
        links = entry.xpath(".//p[@class='tk-mentions']/a")
        assert len(links) == len(mentions), entry_id
        for link, mention in zip(links, mentions, strict=True):
            target = doc.get_element_by_id(link.get("href")[1:])
            assert target.get("data-ref") == f"#{entry_id}"
            assert " ".join(target.text_content().split()) == " ".join("".join(mention.itertext()).split())


def test_register_shows_names_life_dates_notes_and_authority_links(tagged):
    doc = page(render_html(tagged))
    miasnikov = doc.get_element_by_id("miasnikov")
    assert miasnikov.xpath("string(.//strong)") == "Gavril Miasnikov"
    assert "1889" in miasnikov.text_content() and "Gabriel Miasnikov" in miasnikov.text_content()
    moscow = doc.get_element_by_id("moscow")
    assert set(moscow.xpath(".//a[@rel='external']/@href")) == {
        "https://www.geonames.org/524901",
        "https://www.wikidata.org/wiki/Q649",
    }
    persons = doc.xpath("//section[h3[@id='tk-register-person']]//li/@id")
    assert persons == ["lenin", "miasnikov", "stalin", "trotsky", "zinoviev"]  # by surname


def test_names_without_a_register_entry_are_marked_but_not_linked(tagged):
    doc = page(render_html(tagged))
    kamenev = doc.xpath("//*[contains(@class, 'tk-person')][normalize-space() = 'Kamenev']")[0]
    bukharin = doc.xpath("//*[contains(@class, 'tk-person')][normalize-space() = 'Bukharin']")[0]
    assert kamenev.tag == bukharin.tag == "span"
    assert bukharin.get("data-ref") == "#bukharin"


def test_a_name_inside_a_name_is_not_a_link_inside_a_link(tagged):
    doc = page(render_html(tagged))
    assert not doc.xpath("//a//a")
    inner = doc.xpath("//a[@data-ref='#workers-group']//*[@data-ref='#russia']")
    assert inner and inner[0].tag == "span"


def test_dates_carry_normalised_values_and_are_listed_in_order(tagged):
    doc = page(render_html(tagged))
    times = doc.xpath("//div[contains(@class, 'tk-text')]//time")
    assert {t.get("datetime") for t in times} >= {"1918", "1923-10", "1945-11-16"}
    ranges = doc.xpath("//span[contains(@class, 'tk-date')][@data-from]")
    assert ("1923-04", "1923-05") in [(r.get("data-from"), r.get("data-to")) for r in ranges]
    keys = doc.xpath("//ol[@class='tk-date-list']/li/@data-key")
    assert keys == sorted(keys) and len(keys) == len(tagged.getroot().xpath("//tei:text//tei:date", namespaces=NS))
    for link in doc.xpath("//ol[@class='tk-date-list']/li/a"):
        assert "tk-date" in doc.get_element_by_id(link.get("href")[1:]).get("class")


def test_highlighting_toggles_exist_for_the_kinds_present(seed, tagged):
    assert page(render_html(tagged)).xpath("//fieldset//input/@id") == [
        "tk-show-person",
        "tk-show-org",
        "tk-show-place",
        "tk-show-date",
        "tk-show-edits",
    ]
    untagged = copy.deepcopy(seed)
    root = untagged.getroot()
    etree.strip_tags(root, *(T + name for name in ("persName", "orgName", "placeName", "date")))
    for stand_off in root.findall(T + "standOff"):
        root.remove(stand_off)
    assert page(render_html(untagged)).xpath("//fieldset//input/@id") == ["tk-show-edits"]


def test_title_block_comes_from_the_header(seed):
    doc = page(render_html(seed))
    header = doc.find(".//header")
    assert header.findtext("h1").startswith("The Communist Left in Russia")
    text = " ".join(header.text_content().split())
    for expected in (
        "International Communist Current (introduction)",
        "teikit developers",
        "in the teikit source repository",
        "International Review",
    ):
        assert expected in text
    about = " ".join(doc.get_element_by_id("tk-about").text_content().split())
    assert "“though” corrected to “through”" in about and "Heritage of the Communist Left" in about


def test_choices_show_the_edited_reading_and_keep_the_source_reading(features):
    doc = page(render_html(features))
    corr = doc.xpath("//span[@class='tei-choice'][span[@class='tei-corr']]")[0]
    assert corr.xpath("string(span[@class='tei-corr'])") == "the"
    assert corr.xpath("string(span[@class='tk-alt'])") == "teh"


# --------------------------------------------------------------------------- reading text


def words(text: str) -> list[str]:
    return text.split()


def test_reading_text_is_the_source_with_the_declared_corrections(seed):
    """Word for word, the reading text is the lossless source with each choice's corr and each supplied text."""
    corrected = copy.deepcopy(seed.getroot())
    # The editors' notes are not the source's: the reading text shows them (lettered), the source has none.
    reading = render_text(seed)
    for note in seed.getroot().xpath(
        "//tei:text//tei:note[@type='editorial'][@resp][ancestor::tei:p or ancestor::tei:note]", namespaces=NS
    ):
        assert f"[{note.get('n')}] {note.text}" in reading
        reading = reading.replace(f"[{note.get('n')}] {note.text}", "").replace(f"[{note.get('n')}]", "")
    reading = reading.replace("\n\nNotes\n", "\n")
    for gap in seed.getroot().iter(T + "gap"):  # the omission is described in brackets where it is
        reading = reading.replace(f"[{gap.findtext(T + 'desc')}]", " ")
    for choice in corrected.iter(T + "choice"):
        corr = choice.find(T + "corr")
        replacement = corr.text or ""
        parent, tail = choice.getparent(), (choice.tail or "")
        previous = choice.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + replacement + tail
        else:
            parent.text = (parent.text or "") + replacement + tail
        parent.remove(choice)
    for supplied in list(corrected.iter(T + "supplied")):
        supplied.tag = T + "seg"  # lossless text skips supplied, keeps seg
    assert words(reading) == words(render_lossless(corrected))


def test_reading_text_separates_blocks(seed):
    text = render_text(seed)
    assert "\n\nOur introduction\n\n" in text
    assert "\n• the socialist united front;\n• the question" in text
    assert "\n\n* * *\n\n" in text
    assert "IVth International.\n\nNotes\n\n[a] " in text  # then the editors' notes, lettered
    assert text.endswith("not as the KAI's lifespan.\n")


def test_no_notes_drops_notes_and_markers_but_keeps_words_about_them(seed):
    full, bare = render_text(seed), render_text(seed, notes=False)
    assert "Communist Left,[1] on" in full and "Communist Left, on" in bare
    assert "Read our article" in full and "Read our article" not in bare
    assert "Editor's note" not in bare
    assert "(see note 1 at end of article)" in bare  # a cross-reference in words is text


def test_collected_notes_become_numbered_endnotes(features):
    text = render_text(features)
    body, _, notes = text.partition("\n\nNotes\n\n")
    assert "code() and gi.[a]" in body and "reading chosen.[2]" in body
    assert notes.startswith("[a] A note at its point of attachment, with markup inside.")
    assert "[2] Second note" in notes and "Inner paragraph." in notes


@functools.cache
def seed_protocol() -> str:
    """What text.xsl makes of the seed, before layout (computed once for the property test)."""
    from teikit.render import stylesheets

    return str(stylesheets.run(stylesheets.load(None, "text.xsl"), parse_xml(SEED_TEI)))


@settings(max_examples=25, deadline=None)
@given(width=st.integers(min_value=10, max_value=140))
def test_wrapping_keeps_every_word_in_order_and_respects_the_width(width):
    unwrapped, wrapped = layout(seed_protocol()), layout(seed_protocol(), width)
    assert words(wrapped) == words(unwrapped)
    for line in wrapped.splitlines():
        # A note's label ("[a] ") stays with the note's first word: that pair is as unbreakable as a word.
        bare = re.sub(r"^\s*\[[a-z0-9]+\] ", "", line)
        assert len(line) <= width or " " not in bare.strip(), (width, line)


def test_wrap_never_breaks_at_a_no_break_space():
    line = "alpha beta\u00a0gamma delta"
    assert wrap(line, 12, "", "") == "alpha\nbeta\u00a0gamma\ndelta"


def test_list_items_hang_under_their_marker_when_wrapped(seed):
    text = render_text(seed, width=40)
    item = text[text.index("• the question") :].split("\n• ")[0]
    lines = item.splitlines()
    assert len(lines) > 1 and all(line.startswith("  ") for line in lines[1:])


def test_too_narrow_a_width_is_refused(seed):
    with pytest.raises(UsageError, match="too narrow"):
        render_text(seed, width=5)


def test_verse_lines_and_speeches_stay_together(features):
    text = render_text(features)
    assert "A stanza\nThe first line of the verse,\nthe second line, slanted.\n\nAnother stanza" in text
    assert "ALPHA\nShall we begin? Bows.\n\nBETA\nIn prose, then." in text
    assert "ALPHA, a speaker" in text and "struck" not in text


# --------------------------------------------------------------------------- any TEI


def reading_characters(root: etree._Element, notes: bool = True) -> Counter:
    """The non-space characters a reading of tei:text must keep (source readings of choices, del, fw left out)."""
    skipped: set = set()
    for choice in root.iter(T + "choice"):
        preferred = [c for c in choice if c.tag in {T + "corr", T + "reg", T + "expan"}][:1] or list(choice)[:1]
        skipped.update(c for c in choice if c not in preferred)
    for app in root.iter(T + "app"):
        skipped.update(list(app)[1:])
    skipped.update(root.iter(T + "del", T + "fw", T + "figDesc", T + "teiHeader", T + "standOff"))
    if not notes:
        skipped.update(root.iter(T + "note"))

    def keep(element) -> Counter:
        counts: Counter = Counter()
        if element in skipped or not isinstance(element.tag, str):
            return counts
        counts.update(c for c in (element.text or "") if not c.isspace())
        for child in element:
            counts += keep(child)
            counts.update(c for c in (child.tail or "") if not c.isspace())
        return counts

    total: Counter = Counter()
    for text in text_roots(root):
        total += keep(text)
    return total


def text_roots(root: etree._Element) -> list[etree._Element]:
    """Where a document's text is: its outermost tei:text elements, else all but header and register."""
    texts = root.xpath("//tei:text[not(ancestor::tei:text)]", namespaces=NS)
    if texts or root.tag != T + "TEI":
        return texts or [root]
    return [child for child in root if child.tag not in {T + "teiHeader", T + "standOff", T + "facsimile"}]


def html_text_characters(html: str) -> Counter:
    """The characters of the text area, the notes and the apparatus (previews, which repeat notes, left out)."""
    doc = page(html)
    for preview in doc.xpath("//*[contains(@class, 'tk-preview')]"):
        preview.drop_tree()
    areas = doc.xpath("//div[contains(@class, 'tk-text')] | //section[@id='tk-notes'] | //section[@id='tk-apparatus']")
    return Counter(c for area in areas for c in area.text_content() if not c.isspace())


def html_all_characters(root: etree._Element) -> Counter:
    """Everything under tei:text, source readings included (the HTML keeps them, hidden)."""
    return Counter(
        c for text in text_roots(root) for piece in text.xpath(".//text()") for c in piece if not c.isspace()
    )


def assert_nothing_lost(tree: etree._ElementTree, html: str, text: str) -> None:
    tree = as_tei(tree)  # what the renderers see: TEI written without its namespace gets it
    missing_html = html_all_characters(tree.getroot()) - html_text_characters(html)
    assert not missing_html, f"characters missing from the HTML: {dict(missing_html.most_common(10))}"
    missing_text = reading_characters(tree.getroot()) - Counter(c for c in text if not c.isspace())
    assert not missing_text, f"characters missing from the text: {dict(missing_text.most_common(10))}"


@pytest.mark.parametrize("name", ["hamlet.xml", "ENG19011_Jerome.xml"])
def test_real_tei_samples_render_completely_and_soundly(name):
    tree = parse_xml(sample(name))
    if etree.QName(tree.getroot()).localname not in ("TEI", "teiCorpus"):  # other vocabularies, TEI P4, fragments
        with pytest.raises(XMLInputError, match="not a TEI P5 document|TEI P4 `TEI.2`: not supported"):
            render_html(tree)
        return
    html, text = render_html(tree), render_text(tree)
    assert_nothing_lost(tree, html, text)
    assert structural_problems(html) == []


def test_hamlet_renders_as_drama():
    tree = parse_xml(sample("hamlet.xml"))
    doc = page(render_html(tree))
    assert len(doc.xpath("//div[contains(@class, 'tei-sp')]")) == len(tree.getroot().findall(f".//{T}sp"))
    assert doc.xpath("string((//p[contains(@class, 'tei-speaker')])[1])").strip() == "BARNARDO"
    assert [a.text_content() for a in doc.xpath("//nav//ol[@class='tk-toc-text']/li/a")][:2] == ["ACT 1", "ACT 2"]
    text = render_text(tree)
    assert "BARNARDO\nWho’s there?\n\nFRANCISCO\nNay, answer me." in text


def test_jerome_page_breaks_are_marked_and_left_out_of_the_text():
    tree = parse_xml(sample("ENG19011_Jerome.xml"))
    doc = page(render_html(tree))
    breaks = doc.xpath("//span[@role='doc-pagebreak']")
    assert len(breaks) == len(tree.getroot().findall(f".//{T}pb"))
    assert breaks[0].text == f"p. {tree.getroot().find(f'.//{T}pb').get('n')}"
    assert "p. 9" not in render_text(tree)


def test_features_fixture_keeps_every_character(features):
    assert_nothing_lost(features, render_html(features), render_text(features))


def test_unknown_elements_keep_their_words(features):
    doc = page(render_html(features))
    unknown = doc.xpath("//*[contains(@class, 'tei-floobar')]")
    assert [u.tag for u in unknown] == ["span", "div"]
    assert "an unknown TEI element" in unknown[0].text_content()
    assert "a foreign one" in doc.text_content() and "a foreign one" in render_text(features)


def test_blocks_inside_phrases_become_spans_so_the_html_stays_valid(features):
    doc = page(render_html(features))
    assert not doc.xpath("//p//*[self::div or self::table or self::ul or self::ol or self::p or self::blockquote]")
    assert doc.xpath("//span[@role='table']//span[@role='cell'][normalize-space() = 'in']")


def test_remote_images_are_links_not_fetches(features):
    doc = page(render_html(features))
    assert doc.xpath("//img/@src") == ["images/plate1.png"]
    assert doc.xpath("//img/@alt") == ["A drawing of a tree."]
    assert doc.xpath("//a[contains(@class, 'tk-remote')]/@href") == ["https://example.org/remote.png"]


def test_tei_without_its_namespace_is_read_as_tei():
    plain = parse_xml_bytes(
        b"<TEI><teiHeader><fileDesc><titleStmt><title>Bare</title></titleStmt></fileDesc>"
        b"</teiHeader><text><body><div><head>One</head><p>Words <hi rend='italic'>here</hi>."
        b"</p></div></body></text></TEI>"
    )
    doc = page(render_html(plain))
    assert doc.findtext(".//h1") == "Bare" and doc.xpath("//h2[normalize-space()='One']")
    assert render_text(plain) == "One\n\nWords here.\n"


def test_a_document_that_is_not_tei_is_refused_naming_its_root():
    other = parse_xml_bytes(
        b"<article xmlns='http://docbook.org/ns/docbook'><title>DocBook</title>"
        b"<para>Some <emphasis>words</emphasis>.</para></article>",
        "book.xml",
    )
    for render in (render_html, render_text):
        with pytest.raises(XMLInputError, match="not a TEI P5 document: the root element is <article>"):
            render(other)
    p4 = parse_xml_bytes(b"<TEI.2><text><body><p>x</p></body></text></TEI.2>", "old.xml")
    with pytest.raises(XMLInputError, match="TEI P4 `TEI.2`: not supported"):
        render_html(p4)


def test_a_teicorpus_renders_each_text_under_its_own_title(tmp_path):
    corpus = parse_xml_bytes(
        f"""<teiCorpus xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>Corpus</title>
        </titleStmt></fileDesc></teiHeader>
        <TEI><teiHeader><fileDesc><titleStmt><title>First</title></titleStmt></fileDesc></teiHeader>
          <text><body><div><head>A</head><p>one<note>n1</note></p></div></body></text></TEI>
        <TEI><teiHeader><fileDesc><titleStmt><title>Second</title></titleStmt></fileDesc></teiHeader>
          <text><body><div><head>B</head><p>two<note>n2</note></p></div></body></text></TEI>
        </teiCorpus>""".encode()
    )
    html = render_html(corpus)
    assert structural_problems(html) == []
    doc = page(html)
    headings = [(h.tag, h.text_content()) for h in doc.xpath("//main//h2 | //main//h3")]
    assert headings[:4] == [("h2", "First"), ("h3", "A"), ("h2", "Second"), ("h3", "B")]
    assert "one" in render_text(corpus) and "two" in render_text(corpus)


def data_files(pattern: str, limit: int) -> list[Path]:
    files = sorted(DATA.glob(pattern))
    return files[:limit]


def public_tei() -> list[Path]:
    """A few files of each public corpus fetched as data (none when absent)."""
    files = []
    files += data_files("tei-stylesheets-tests/Test/*.xml", 60)
    files += data_files("eltec-eng/level1/*.xml", 3)
    files += data_files("shakedracor/tei/*.xml", 2)
    return files


@pytest.mark.skipif(not public_tei(), reason=f"no public TEI data under {DATA} (set TEIKIT_TEI_DATA)")
@pytest.mark.parametrize("path", public_tei(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_public_tei_renders_without_losing_text(path):
    try:
        tree = parse_xml(path)
    except XMLInputError as exc:  # malformed or entity-declaring files are refused with a reason, not rendered
        assert exc.line is not None or "entity" in exc.message
        return
    if etree.QName(tree.getroot()).localname not in ("TEI", "teiCorpus"):  # other vocabularies, TEI P4, fragments
        with pytest.raises(XMLInputError, match="not a TEI P5 document|TEI P4 `TEI.2`: not supported"):
            render_html(tree)
        return
    html, text = render_html(tree), render_text(tree)
    assert_nothing_lost(tree, html, text)
    assert structural_problems(html) == []


def guideline_examples() -> list[tuple[str, bytes]]:
    """The TEI Guidelines' own examples (egXML in the chapter sources), each as a small TEI document."""
    examples = []
    egxml = "http://www.tei-c.org/ns/Examples"
    for chapter in sorted(DATA.glob("tei-guidelines/*.xml")):
        try:
            root = parse_xml(chapter).getroot()
        except XMLInputError:
            continue
        for number, example in enumerate(root.iter(f"{{{egxml}}}egXML"), start=1):
            body = copy.deepcopy(example)
            for element in body.iter():
                if isinstance(element.tag, str) and element.tag.startswith(f"{{{egxml}}}"):
                    element.tag = T + element.tag.split("}")[1]
            body.tag = T + "div"
            wrapper = etree.Element(T + "TEI", nsmap={None: TEI_NS})
            etree.SubElement(etree.SubElement(wrapper, T + "text"), T + "body").append(body)
            examples.append((f"{chapter.stem}-{number}", etree.tostring(wrapper)))
    return examples


@pytest.mark.skipif(not list(DATA.glob("tei-guidelines/*.xml")), reason=f"no TEI Guidelines sources under {DATA}")
def test_every_tei_guidelines_example_renders_without_losing_text():
    examples = guideline_examples()
    assert len(examples) > 1000
    failures = []
    for name, data in examples:
        tree = parse_xml_bytes(data, name)
        try:
            assert_nothing_lost(tree, render_html(tree), render_text(tree))
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert failures == []


# --------------------------------------------------------------------------- user stylesheets


def test_a_user_stylesheet_overrides_one_template_and_keeps_the_rest(tmp_path, tagged):
    mine = tmp_path / "elsewhere" / "my-edition.xsl"
    mine.parent.mkdir()
    mine.write_text(
        """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        xmlns:tei="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="tei">
      <xsl:import href="teikit:html.xsl"/>
      <xsl:variable name="tk:word.contents" xmlns:tk="urn:teikit" select="'Inhalt'"/>
      <xsl:template match="tei:persName"><mark class="person"><xsl:apply-templates/></mark></xsl:template>
    </xsl:stylesheet>""",
        encoding="utf-8",
    )
    doc = page(render_html(tagged, stylesheet=mine))
    assert [m.text_content() for m in doc.xpath("//mark")][:3] == ["Miasnikov", "Lenin", "Stalin"]
    assert doc.xpath("string(//h2[@id='tk-toc-heading'])") == "Inhalt"
    assert doc.findtext(".//h1").startswith("The Communist Left")  # everything else is teikit's


def test_a_user_text_stylesheet_imports_teikits(tmp_path, features):
    mine = tmp_path / "text.xsl"
    mine.write_text(
        """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        xmlns:tei="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="tei">
      <xsl:import href="teikit:text.xsl"/>
      <xsl:template match="tei:speaker"/>
    </xsl:stylesheet>""",
        encoding="utf-8",
    )
    text = render_text(features, stylesheet=mine)
    assert "Shall we begin?" in text and "ALPHA\nShall" not in text


def test_a_user_stylesheet_cannot_write_files(tmp_path, features):
    target = tmp_path / "written.txt"
    mine = tmp_path / "writer.xsl"
    mine.write_text(
        f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">
      <xsl:import href="teikit:html.xsl"/>
      <xsl:template match="/"><exsl:document href="{target}" method="text">gotcha</exsl:document></xsl:template>
    </xsl:stylesheet>""",
        encoding="utf-8",
    )
    with pytest.raises(XMLInputError) as caught:
        render_html(features, stylesheet=mine)
    assert not target.exists()
    assert "without permission to write" in caught.value.one_line()


def test_a_broken_user_stylesheet_is_one_line_with_its_location(tmp_path, features):
    mine = tmp_path / "broken.xsl"
    mine.write_text(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><xsl:value-of select="1 +"/></xsl:template></xsl:stylesheet>'
    )
    with pytest.raises(XMLInputError) as caught:
        render_html(features, stylesheet=mine)
    assert str(mine) in caught.value.one_line()
    with pytest.raises(UsageError):
        render_html(features, stylesheet=tmp_path / "missing.xsl")


def test_a_stylesheet_edited_between_calls_is_compiled_again(tmp_path, features):
    mine = tmp_path / "mine.xsl"
    template = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:import href="teikit:html.xsl"/><xsl:variable name="tk:word.notes" xmlns:tk="urn:teikit" select="'{}'"/>
    </xsl:stylesheet>"""
    mine.write_text(template.format("Anmerkungen"))
    assert "Anmerkungen" in render_html(features, stylesheet=mine)
    mine.write_text(template.format("Remarques"))
    os.utime(mine, ns=(mine.stat().st_atime_ns, mine.stat().st_mtime_ns + 10**9))
    assert "Remarques" in render_html(features, stylesheet=mine)


# --------------------------------------------------------------------------- many files, the index page


def test_render_many_writes_both_formats_and_an_index(tmp_path):
    report = render_many([SEED_TEI, FEATURES], tmp_path, index=True, jobs=2)
    assert report.failures == ()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "features.html",
        "features.txt",
        "index.html",
        "workers-group-manifesto-1.html",
        "workers-group-manifesto-1.txt",
    ]
    index = page((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert structural_problems((tmp_path / "index.html").read_text(encoding="utf-8"), ("main", "header")) == []
    links = index.xpath("//li[@class='tk-edition']/h2/a")
    assert [a.get("href") for a in links] == ["workers-group-manifesto-1.html", "features.html"]
    assert "A Miscellany for Renderers" in index.text_content()


def test_parallel_and_serial_rendering_give_the_same_bytes(tmp_path):
    files = [SEED_TEI, FEATURES, TAGGED]
    render_many(files, tmp_path / "serial", jobs=1, width=60)
    render_many(files, tmp_path / "parallel", jobs=2, width=60)
    for path in sorted((tmp_path / "serial").iterdir()):
        assert path.read_bytes() == (tmp_path / "parallel" / path.name).read_bytes(), path.name


def test_a_bad_file_is_reported_and_the_others_are_written(tmp_path):
    bad = tmp_path / "in" / "bad.xml"
    bad.parent.mkdir()
    bad.write_text("<TEI><text>unclosed</TEI>")
    report = render_many([bad, FEATURES], tmp_path / "out", formats=("html",), jobs=2)
    assert [e.path for e in report.failures] == [str(bad)]
    assert report.failures[0].line == 1
    assert [p.name for p in report.written] == ["features.html"]
    assert not (tmp_path / "out" / "bad.html").exists()


def test_inputs_with_the_same_name_are_refused_before_anything_is_written(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.xml").write_bytes(FEATURES.read_bytes())
    with pytest.raises(UsageError, match="same name"):
        render_many([tmp_path / "a", tmp_path / "b"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_index_entries_pickle_and_render_without_their_documents():
    import pickle

    entry = IndexEntry.from_tree(parse_xml(SEED_TEI), "seed.html", "seed.txt", "../edition/seed.xml")
    clone = pickle.loads(pickle.dumps(entry))
    doc = page(render_index([clone], title="Our editions"))
    assert doc.findtext(".//h1") == "Our editions"
    assert doc.xpath("//p[@class='tk-formats']/a/@href") == ["seed.html", "seed.txt", "../edition/seed.xml"]
    assert re.search(r"By International Communist Current \(introduction\)", doc.text_content())


# --------------------------------------------------------------------------- the command line


def test_cli_render_writes_pages_and_texts_and_reports(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    result = CliRunner().invoke(
        cli, ["render", str(SEED_TEI), str(FEATURES), "-o", str(tmp_path), "--index", "--jobs", "2"]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'features.html'}" in result.output
    assert re.search(r"2 files \([\d.]+ MB\) rendered in [\d.]+ s with 2 jobs: 5 written, 0 failed", result.output)
    assert (tmp_path / "index.html").is_file() and (tmp_path / "workers-group-manifesto-1.txt").is_file()


def test_cli_render_text_only_with_options(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    result = CliRunner().invoke(
        cli, ["render", str(SEED_TEI), "-o", str(tmp_path), "--format", "text", "--width", "50", "--no-notes"]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["workers-group-manifesto-1.txt"]
    text = (tmp_path / "workers-group-manifesto-1.txt").read_text(encoding="utf-8")
    assert text == render_text(parse_xml(SEED_TEI), width=50, notes=False)


def test_cli_render_with_a_user_stylesheet(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    mine = tmp_path / "mine.xsl"
    mine.write_text("""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        xmlns:tk="urn:teikit" exclude-result-prefixes="tk"><xsl:import href="teikit:html.xsl"/>
        <xsl:template name="tk:page-footer"><footer><p>My footer</p></footer></xsl:template></xsl:stylesheet>""")
    result = CliRunner().invoke(
        cli, ["render", str(FEATURES), "-o", str(tmp_path / "out"), "--format", "html", "--stylesheet", str(mine)]
    )
    assert result.exit_code == 0, result.output
    assert "<footer><p>My footer</p></footer>" in (tmp_path / "out" / "features.html").read_text(encoding="utf-8")


def test_cli_render_reports_bad_files_in_one_line_and_exits_1(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI>")
    result = CliRunner().invoke(cli, ["render", str(bad), str(FEATURES), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{bad}:1:6: error: malformed XML" in result.output
    assert "Traceback" not in result.output and (tmp_path / "out" / "features.html").is_file()


def test_cli_render_missing_input_is_a_usage_error(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    result = CliRunner().invoke(cli, ["render", str(tmp_path / "nope.xml"), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "no such TEI file or folder" in result.output


def test_cli_text_gives_the_reading_text_by_default_and_lossless_on_request():
    from click.testing import CliRunner

    from teikit.cli import cli

    runner = CliRunner()
    reading = runner.invoke(cli, ["text", str(SEED_TEI), "--width", "72"])
    assert reading.exit_code == 0 and reading.output == render_text(parse_xml(SEED_TEI), width=72)
    lossless = runner.invoke(cli, ["text", "--lossless", str(SEED_TEI)])
    assert lossless.exit_code == 0 and lossless.output == render_lossless(parse_xml(SEED_TEI))
    mixed = runner.invoke(cli, ["text", "--lossless", "--no-notes", str(SEED_TEI)])
    assert mixed.exit_code == 2 and "takes no other option" in mixed.output


# --------------------------------------------------------------------------- the documentation


def test_the_documented_stylesheet_example_works(tmp_path, tagged):
    """The README's own XSLT example, run as a reader would copy it."""
    docs = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```xml\n(.*?)```", docs, re.S).group(1)
    mine = tmp_path / "my-edition.xsl"
    mine.write_text(example, encoding="utf-8")
    html = render_html(tagged, stylesheet=mine)
    doc = page(html)
    assert doc.xpath("string(//h2[@id='tk-toc-heading'])") == "Inhalt"
    assert doc.xpath("//span[@class='my-person']/a[@href='#miasnikov']")
    assert "Published by the Example Project with teikit" in doc.findtext(".//footer/p")
    assert structural_problems(html) == [] and "xmlns:" not in html


def test_every_render_option_is_documented():
    docs = (REPO / "docs" / "render.md").read_text(encoding="utf-8")
    from teikit.cli import cli

    for command in ("render", "text"):
        for param in cli.commands[command].params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in docs, f"{command} {option} is not in docs/render.md"


def test_drama_register_counts_each_speakers_speeches():
    tree = parse_xml(sample("hamlet.xml"))
    doc = page(render_html(tree))
    speeches = tree.getroot().xpath("//tei:sp[@who='#Hamlet_Ham']", namespaces=NS)
    entry = doc.get_element_by_id("Hamlet_Ham")
    assert entry.xpath("string(p[@class='tk-speeches'])").startswith(f"Speeches: {len(speeches)}, first ")
    first = entry.xpath("p[@class='tk-speeches']/a/@href")[0]
    assert first == f"#{speeches[0].get(f'{{{XML_NS}}}id')}"


def test_register_links_an_entrys_sameas_url():
    tree = parse_xml_bytes(
        f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>
        </fileDesc></teiHeader><standOff><listPerson><person xml:id="a" sameAs="https://viaf.org/viaf/1">
        <persName>A</persName></person></listPerson></standOff><text><body><p><persName ref="#a">A</persName>
        </p></body></text></TEI>""".encode()
    )
    entry = page(render_html(tree)).get_element_by_id("a")
    assert entry.xpath(".//a[@rel='external']/@href") == ["https://viaf.org/viaf/1"]
    assert entry.xpath("string(.//a[@rel='external'])") == "VIAF"


def test_language_codes_become_what_html_accepts():
    tree = parse_xml_bytes(
        f"""<TEI xmlns="{TEI_NS}" xml:lang="eng"><teiHeader><fileDesc><titleStmt><title>t</title>
        </titleStmt></fileDesc></teiHeader><text><body><p><foreign xml:lang="lat">arma</foreign>
        <foreign xml:lang="el-grc">logos</foreign> <foreign xml:lang="sr-Latn">reč</foreign></p></body></text></TEI>
        """.encode()
    )
    doc = page(render_html(tree))
    assert doc.get("lang") == "en"
    assert doc.xpath("//span[contains(@class, 'tei-foreign')]/@lang") == ["la", "el", "sr-Latn"]


def test_an_empty_title_falls_back_to_untitled():
    tree = parse_xml_bytes(
        f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title/></titleStmt>
        </fileDesc></teiHeader><text><body><p>x</p></body></text></TEI>""".encode()
    )
    doc = page(render_html(tree))
    assert doc.findtext(".//title") == doc.findtext(".//h1") == "Untitled"
