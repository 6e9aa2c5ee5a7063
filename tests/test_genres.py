"""Every kind of TEI reads well: numbering, apparatus, Leiden, manuscripts, letters, direction, sloppy sources,
and the exports that fit each genre (issue 14). Fixtures in tests/fixtures/genres; public corpora where present."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree
from lxml import html as lxml_html

from teikit.errors import XMLInputError
from teikit.export import export_many
from teikit.render import render_html, render_text
from teikit.render.direction import language_direction
from teikit.render.rendition import sanitise_declarations
from teikit.xmlio import check_tei_root, parse_tei_tolerant, parse_xml, parse_xml_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "genres"
DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))


def fixture(name: str) -> etree._ElementTree:
    return parse_xml(FIXTURES / name)


def page(name: str, **options) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(render_html(fixture(name), **options).encode("utf-8"))


# ---------------------------------------------------------------- 1. numbering


def test_verse_lines_are_numbered_every_fifth_line():
    doc = page("poems.xml")
    assert doc.xpath("//*[contains(@class, 'tk-lineno')]/text()") == ["5"]


def test_headless_numbered_divisions_get_a_heading_and_a_contents_entry():
    doc = page("poems.xml")
    assert doc.xpath("//h2[contains(@class, 'tk-div-label')]/text()") == ["Poem 1"]
    entries = [a.text_content() for a in doc.xpath("//ol[@class='tk-toc-text']//a")]
    assert entries == ["Sigla", "Poem 1", "Poem 2"]


def test_an_empty_head_is_no_empty_heading():
    doc = page("poems.xml")
    for heading in doc.xpath("//h1 | //h2 | //h3 | //h4"):
        assert heading.text_content().strip(), etree.tostring(heading)
    assert doc.xpath("//h2[contains(@class, 'tk-sr')]/text()") == ["Poem 2"]


def test_numbered_milestones_are_visible():
    doc = page("poems.xml")
    assert doc.xpath("//span[contains(@class, 'tk-milestone-marker')]/text()") == ["Section 3"]


# ---------------------------------------------------------------- 2. apparatus criticus


def test_apparatus_shows_the_lemma_and_a_numbered_entry_with_sigla():
    doc = page("poems.xml")
    line = doc.xpath("//div[contains(@class, 'tei-l')][4]")[0].text_content()
    assert "nugas" in line and "nugulas" not in line
    entry = doc.xpath("//section[@id='tk-apparatus']//li")[0].text_content()
    assert "#" not in entry
    assert "nugas O ]" in " ".join(entry.split())
    assert "om. G′" in entry and "nugulas Scaliger 1577" in entry
    assert doc.xpath("//a[@class='tk-appref']/@href") == ["#tk-app-1"]


def test_witness_lists_show_their_sigla():
    doc = page("poems.xml")
    witnesses = doc.xpath("//ul[contains(@class, 'tk-witnesses')]/li")
    assert [" ".join(li.text_content().split()) for li in witnesses][0] == "R Rome, Vat. Ottob. lat. 1829"
    assert doc.xpath("//ul[contains(@class, 'tk-witnesses')]/li/ul/li/strong/text()") == ["M"]


def test_apparatus_in_the_reading_text():
    text = render_text(fixture("poems.xml"))
    assert "meas esse aliquid putare nugas," in text
    assert "Apparatus criticus" in text and "1 l. 4 nugas O ] om. G′; nugulas Scaliger 1577" in text
    assert "Apparatus criticus" not in render_text(fixture("poems.xml"), notes=False)


# ---------------------------------------------------------------- 3. Leiden


def test_leiden_conventions_in_an_epidoc_edition():
    doc = page("inscription.xml")
    edition = doc.xpath("//section[contains(@class, 'tei-div-edition')]")[0].text_content()
    assert "D(is)" in edition and "[M]anibus" in edition and "[···]" in edition
    assert "ạḅ" in edition and "⟦xy⟧" in edition and "{e}" in edition and "[- - -]" in edition
    labels = doc.xpath("//h2[contains(@class, 'tk-div-label')]/text()")
    assert labels == ["Edition", "Apparatus", "Translation"]
    assert "ab: ad Mommsen" in doc.xpath("//section[contains(@class, 'tei-div-apparatus')]")[0].text_content()


def test_leiden_can_be_switched_off_and_on():
    off = page("inscription.xml", leiden="no").xpath("//section[contains(@class, 'tei-div-edition')]")[0]
    assert "D(is)" not in off.text_content()
    on = page("poems.xml", leiden="yes")
    assert on is not None
    assert "D(is)" in render_text(fixture("inscription.xml"))
    with pytest.raises(ValueError):
        render_html(fixture("inscription.xml"), leiden="maybe")


# ---------------------------------------------------------------- 4. manuscripts


def test_ms_description_is_labelled():
    doc = page("inscription.xml")
    section = doc.xpath("//section[contains(@class, 'tk-msdesc')]")[0]
    assert section.xpath("string(h2)") == "Palermo, Museo Salinas, 3501"
    terms = [dt.text_content().strip() for dt in section.xpath(".//dt")]
    for label in (
        "Contents",
        "Item 1: face A",
        "Physical description",
        "Support",
        "Extent",
        "Dimensions",
        "Hands",
        "Binding",
        "History",
        "Origin",
    ):
        assert label in terms, terms
    assert "17.5 × 29.3 cm" in section.text_content()


# ---------------------------------------------------------------- 5. letters


def test_letter_head_and_register_in_back():
    doc = page("letter.xml")
    head = doc.xpath("//section[contains(@class, 'tk-letter-head')]")[0]
    assert [dt.text for dt in head.xpath(".//dt")] == ["From", "To"]
    assert "Arthur Schnitzler, Wien, 21. 7. 1920" in head.text_content()
    assert head.xpath(".//a/@href") == ["#as", "#hb"]
    assert doc.xpath("//section[@id='tk-register']//*[@id='as']")
    assert "15. 5. 1862" not in doc.xpath("//div[contains(@class, 'tk-text')]")[0].text_content()


# ---------------------------------------------------------------- 6. direction, rendition, facsimile


def test_direction_comes_from_the_language():
    assert language_direction("ar") == "rtl" and language_direction("he") == "rtl"
    assert language_direction("syr") == "rtl" and language_direction("fa") == "rtl"
    assert language_direction("ar-Latn") == "ltr" and language_direction("en") == "ltr"
    doc = page("poems.xml")
    assert doc.xpath("//p[@lang='ar']/@dir") == ["rtl"]
    assert doc.xpath("//*[@lang='en']/@dir") == ["ltr"]
    assert doc.xpath("//h1/@dir") == ["auto"]


def test_empty_xml_lang_gives_no_empty_html_lang():
    tree = parse_xml_bytes(
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang=""><teiHeader><fileDesc>'
        b"<titleStmt><title>T</title></titleStmt></fileDesc></teiHeader>"
        b"<text><body><p>x</p></body></text></TEI>"
    )
    assert '<html lang="und"' in render_html(tree)


def test_rendition_and_style_are_applied_and_sanitised():
    result = render_html(fixture("poems.xml"))
    assert ".tk-r-red { color: #a00000; }" in result
    assert "evil.example" not in result and "url(" not in result.split("</style>")[1]
    doc = lxml_html.document_fromstring(result.encode("utf-8"))
    hi = doc.xpath("//span[contains(@class, 'tk-r-red')]")[0]
    assert hi.get("style") == "font-variant: small-caps"
    assert sanitise_declarations("color: red; behavior: expression(alert(1)); x: y") == "color: red"


def test_page_breaks_link_their_image():
    doc = page("poems.xml")
    assert doc.xpath("//a[@class='tk-facs']/@href") == ["https://example.org/page4.jpg"]


# ---------------------------------------------------------------- 7. sloppy sources


def test_empty_ref_has_a_name_and_a_date_ref_is_no_link():
    doc = page("poems.xml")
    assert not [a for a in doc.xpath("//a") if not a.text_content().strip() and not a.get("aria-label")]
    assert not doc.xpath("//a[@href='1920-07-21']")
    local = parse_xml_bytes(
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><p>'
        b'<ref target="file:/Volumes/Disk/x.xml">the master file</ref></p></body></text></TEI>'
    )
    assert 'href="file:' not in render_html(local)  # a path on the encoder's disk is no link


def test_bad_ids_are_warnings_for_reading(tmp_path):
    source = tmp_path / "ids.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body>'
        '<p xml:id="1a">x</p><p xml:id="b">y</p><p xml:id="b">z</p></body></text></TEI>'
    )
    with pytest.raises(XMLInputError):
        parse_xml(source)
    tree, warnings = parse_tei_tolerant(source)
    assert len(warnings) == 2 and "NCName" in warnings[0].message and "more than once" in warnings[1].message
    page_ = lxml_html.document_fromstring(render_html(tree).encode("utf-8"))
    ids = page_.xpath("//@id")
    assert "y" in page_.text_content() and len(ids) == len(set(ids))  # HTML ids stay unique
    assert export_many(tree, ["json"], "ids")


@pytest.mark.parametrize(
    "xml, words",
    [
        (b"<TEI.2><teiHeader/><text><body><p>x</p></body></text></TEI.2>", "TEI P4 `TEI.2`: not supported"),
        (b'<article xmlns="http://docbook.org/ns/docbook"><para>x</para></article>', "not a TEI P5 document"),
    ],
)
def test_non_p5_roots_are_refused_in_one_line_by_render_and_export(xml, words):
    tree = parse_xml_bytes(xml)
    with pytest.raises(XMLInputError, match=words):
        check_tei_root(tree, unnamespaced=True)
    with pytest.raises(XMLInputError, match=words):
        export_many(tree, ["json"], "x")


# ---------------------------------------------------------------- 8. exports


def test_gexf_co_presence_network_of_a_play():
    data = export_many(fixture("play.xml"), ["gexf"], "play")["play.gexf"]
    graph = nx.read_gexf(io.BytesIO(data))
    assert sorted(graph.nodes) == ["a", "b", "c"]
    assert graph["a"]["b"]["weight"] == 2 and graph["b"]["c"]["weight"] == 1 and graph["a"]["c"]["weight"] == 1


def test_gexf_correspondence_network():
    data = export_many(fixture("letter.xml"), ["gexf"], "letter")["letter.gexf"]
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.is_directed() and list(graph.edges) == [("as", "hb")]


def test_csv_and_json_carry_the_cast_and_the_manuscript():
    files = export_many(fixture("play.xml"), ["csv", "json"], "play")
    register = files["play.register.csv"].decode()
    assert "Anna" in register and register.splitlines()[0].endswith(",speeches")
    data = json.loads(files["play.json"])
    assert data["cast"] == [
        {"id": "a", "name": "Anna", "speeches": 2},
        {"id": "b", "name": "Bert", "speeches": 2},
        {"id": "c", "name": "Clara", "speeches": 1},
    ]
    ms = json.loads(export_many(fixture("inscription.xml"), ["json"], "i")["i.json"])["manuscript"]
    assert ms["idno"] == "3501" and ms["dimensions"] == "17.5 × 29.3 cm" and ms["items"] == "1"
    assert ms["support"] == "marble plaque" and ms["orig_date"] == "second or third century"
    document = export_many(fixture("inscription.xml"), ["csv"], "i")["i.document.csv"].decode()
    assert "Palermo" in document


def test_json_export_matches_its_schema():
    jsonschema = pytest.importorskip("jsonschema")
    from teikit.export.json_format import schema

    for name in ("play.xml", "inscription.xml", "letter.xml", "poems.xml"):
        jsonschema.validate(json.loads(export_many(fixture(name), ["json"], "x")["x.json"]), schema())


def test_timeline_events_from_the_header_say_where_their_date_came_from():
    events = json.loads(export_many(fixture("inscription.xml"), ["timeline"], "i")["i.timeline.json"])["events"]
    assert [(e["group"], e["start_date"], e["end_date"]) for e in events] == [
        ("date of the object", {"year": 101}, {"year": 300})
    ]
    assert events[0]["text"]["headline"] == "second or third century (date of the object)"
    assert "origDate</i> in the header" in events[0]["text"]["text"]
    letter = json.loads(export_many(fixture("letter.xml"), ["timeline"], "l")["l.timeline.json"])["events"]
    assert [e["group"] for e in letter] == ["letter sent"]
    play = json.loads(export_many(fixture("play.xml"), ["timeline"], "p")["p.timeline.json"])["events"]
    assert [e["group"] for e in play] == ["date of creation"]


# ---------------------------------------------------------------- public corpora


def test_dracor_hamlet_has_dracor_s_38_characters():
    hamlet = DATA / "shakedracor" / "tei" / "hamlet.xml"
    if not hamlet.exists():
        pytest.skip("ShakeDraCor not present")
    graph = nx.read_gexf(io.BytesIO(export_many(parse_xml(hamlet), ["gexf"], "h")["h.gexf"]))
    assert graph.number_of_nodes() == 38


def test_catullus_poems_are_labelled():
    catullus = DATA / "canonical-latinlit" / "data" / "phi0472" / "phi001" / "phi0472.phi001.perseus-lat2.xml"
    if not catullus.exists():
        pytest.skip("Perseus Latin not present")
    doc = lxml_html.document_fromstring(render_html(parse_xml(catullus)).encode("utf-8"))
    labels = doc.xpath("//*[contains(@class, 'tk-div-label')]/text()")
    assert "Poem 1" in labels and "Poem 116" in labels
    assert doc.xpath("//*[contains(@class, 'tk-lineno')][normalize-space() = '5']")


# ---------------------------------------------------------------- the command line


def test_cli_render_warns_about_bad_ids_and_refuses_p4(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    ids = tmp_path / "ids.xml"
    ids.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body>'
        '<p xml:id="b">y</p><p xml:id="b">z</p></body></text></TEI>'
    )
    p4 = tmp_path / "p4.xml"
    p4.write_text("<TEI.2><teiHeader/><text><body><p>x</p></body></text></TEI.2>")
    runner = CliRunner()
    result = runner.invoke(cli, ["render", str(ids), str(p4), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1
    assert f"{ids}:1:" in result.stderr and ": warning: xml:id 'b' is used more than once" in result.stderr
    assert f"{p4}:1: error: TEI P4 `TEI.2`: not supported, convert it to P5 first" in result.stderr
    assert (tmp_path / "out" / "ids.html").exists() and not (tmp_path / "out" / "p4.html").exists()
    exported = runner.invoke(cli, ["export", str(p4), "-f", "json", "-o", str(tmp_path / "x")])
    assert exported.exit_code != 0 and "TEI P4 `TEI.2`: not supported" in exported.stderr
    text = runner.invoke(cli, ["text", str(p4)])
    assert text.exit_code != 0 and "TEI P4 `TEI.2`: not supported" in text.stderr


def test_cli_leiden_switch():
    from click.testing import CliRunner

    from teikit.cli import cli

    source = str(FIXTURES / "inscription.xml")
    on = CliRunner().invoke(cli, ["text", source])
    off = CliRunner().invoke(cli, ["text", source, "--leiden", "no"])
    assert "D(is) [M]anibus" in on.stdout and "Dis Manibus" in off.stdout


def test_arabic_periodical_renders_with_warnings_for_its_ids():
    issues = sorted((DATA / "arabic-haqaiq" / "tei").glob("*-i_*.TEIP5.xml"))
    if not issues:
        pytest.skip("OpenArabicPE's al-Haqāʾiq not present (fetch github:OpenArabicPE/journal_al-haqaiq)")
    tree, warnings = parse_tei_tolerant(issues[0])
    assert warnings
    doc = lxml_html.document_fromstring(render_html(tree).encode("utf-8"))
    assert doc.xpath("//*[@lang='ar'][@dir='rtl']")
    assert all(li.get("dir") == "auto" for li in doc.xpath("//ol[@class='tk-toc-text']//li"))


@pytest.mark.parametrize(
    "source",
    [
        FIXTURES / "poems.xml",
        FIXTURES / "inscription.xml",
        Path(__file__).parent / "fixtures" / "render" / "features.xml",
        DATA / "ldlt-modruski" / "data" / "nicolausmodrusiensis.oratioriario.croala-ldlt.xml",
        DATA / "stylesheets" / "Test" / "testapp.xml",
    ],
    ids=lambda p: p.stem,
)
def test_numbering_the_apparatus_in_python_changes_no_page(source):
    """The speed-up (teikit.render.prepare numbers the apps) against the stylesheet's own xsl:number."""
    if not source.exists():
        pytest.skip(f"{source} not present")
    tree = parse_xml(source)
    assert render_html(tree) == render_html(tree, number_apparatus=False)
    assert render_text(tree) == render_text(tree, number_apparatus=False)


def test_location_referenced_variants_do_not_repeat_the_lemma_in_the_text():
    doc = page("located.xml")
    text = doc.xpath("//div[contains(@class, 'tk-text')]")[0].text_content()
    assert "Whan that Aprille with his shoures soote" in text and "AprilleAprille" not in " ".join(text.split())
    assert text.count("Aprille") == 1
    entries = [" ".join(li.text_content().split()) for li in doc.xpath("//section[@id='tk-apparatus']//li")]
    assert entries[0].startswith("1 1 Aprille ] Aprill Hg")
    assert entries[1].startswith("2 2 droghte El ] drought Hg")
    reading = render_text(fixture("located.xml"))
    assert reading.count("Aprille") == 2  # the line, and the apparatus entry


def test_double_end_point_variants_are_located_by_their_anchor():
    tree = parse_xml_bytes(
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>D</title></titleStmt>'
        b'</fileDesc><encodingDesc><variantEncoding method="double-end-point" location="internal"/></encodingDesc>'
        b'</teiHeader><text><body><lg><l n="7">the <anchor xml:id="a1"/>grene<anchor xml:id="a2"/> leves</l>'
        b'<app from="#a1" to="#a2"><lem>grene</lem><rdg wit="#X">grey</rdg></app></lg></body></text></TEI>'
    )
    doc = lxml_html.document_fromstring(render_html(tree).encode("utf-8"))
    assert doc.xpath("//div[contains(@class, 'tk-text')]")[0].text_content().count("grene") == 1
    entry = " ".join(doc.xpath("//section[@id='tk-apparatus']//li")[0].text_content().split())
    assert entry.startswith("1 l. 7 grene ] grey X")
