"""The seed's TEI: valid, deterministic, linked, and lossless."""

from __future__ import annotations

import pytest
from lxml import etree

from teikit.convert import convert
from teikit.render.lossless import render_lossless
from teikit.xmlio import NS, TEI_NS, XML_NS, parse_xml_bytes, serialize

from conftest import SEED_TEXT

XML_ID = f"{{{XML_NS}}}id"


@pytest.fixture(scope="module")
def seed():
    return convert(SEED_TEXT)


def source_minus_furniture(conversion) -> str:
    """The source text without the lines the edition file declares as furniture."""
    furniture = {f.line_text.strip() for f in conversion.edition.furniture}
    text = SEED_TEXT.read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in furniture)


def test_lossless_round_trip_equals_the_source_minus_furniture(seed):
    assert render_lossless(seed.tree) == source_minus_furniture(seed)


def test_round_trip_survives_serialisation_and_parsing(seed):
    reparsed = parse_xml_bytes(serialize(seed.tree))
    assert render_lossless(reparsed) == source_minus_furniture(seed)


def test_conversion_is_deterministic():
    assert serialize(convert(SEED_TEXT).tree) == serialize(convert(SEED_TEXT).tree)


def test_seed_is_valid_tei_all(seed, tei_all_schema):
    valid = tei_all_schema.validate(seed.tree)
    assert valid, tei_all_schema.error_log


def test_ids_are_unique(seed):
    ids = [e.get(XML_ID) for e in seed.tree.iter() if e.get(XML_ID)]
    assert len(ids) == len(set(ids))


def test_every_footnote_reference_resolves_to_exactly_one_note_and_back(seed):
    root = seed.tree.getroot()
    refs = root.xpath("//tei:ref[@type='noteAnchor']", namespaces=NS)
    notes = root.xpath("//tei:note[@type='footnote']", namespaces=NS)
    assert len(refs) == len(notes) == 7
    by_id = {n.get(XML_ID): n for n in notes}
    for ref in refs:
        note = by_id[ref.get("target")[1:]]
        assert note.get("target") == f"#{ref.get(XML_ID)}"
        assert ref.text == f"[{note.get('n')}]"


def test_end_note_is_linked_from_the_introduction(seed):
    root = seed.tree.getroot()
    (xref,) = root.xpath("//tei:ref[@type='crossref']", namespaces=NS)
    assert xref.text == "note 1 at end of article"
    (endnote,) = root.xpath("//tei:note[@type='endnote']", namespaces=NS)
    assert xref.get("target") == f"#{endnote.get(XML_ID)}"
    assert endnote.xpath("string(tei:label)", namespaces=NS) == "1."


def test_structure_matches_the_outline(seed):
    root = seed.tree.getroot()
    assert root.xpath("string(//tei:front/tei:docTitle)", namespaces=NS).startswith("The Communist Left in Russia")
    assert root.xpath("//tei:front/tei:div/@type", namespaces=NS) == ["introduction"]
    manifesto = root.find(".//tei:body/tei:div", NS)
    assert manifesto.get("type") == "manifesto"
    assert [d.get("type") for d in manifesto.findall("tei:div", NS)] == ["preface", "address", "chapter", "chapter"]
    assert root.xpath("//tei:back/tei:div/@type", namespaces=NS) == ["afterword", "endnotes", "footnotes"]
    address = manifesto.find("tei:div[@type='address']", NS)
    salute = address.xpath("string(tei:opener/tei:salute)", namespaces=NS)
    assert salute == "To the communist comrades of every country!"
    slogans = address.xpath("tei:closer/tei:seg/text()", namespaces=NS)
    assert slogans == [
        "To work comrades!",
        "Long live the conquests of the October revolution of the Russian proletariat!",
        "Long live the world revolution!",
    ]
    assert len(root.findall(".//tei:milestone", NS)) == 3
    assert len(root.xpath("//tei:list[@rend='bulleted']", namespaces=NS)) == 2


def test_corrections_are_encoded_and_declared(seed):
    root = seed.tree.getroot()
    choices = root.xpath("//tei:text//tei:choice", namespaces=NS)
    pairs = [(c.xpath("string(tei:sic)", namespaces=NS), c.xpath("string(tei:corr)", namespaces=NS)) for c in choices]
    assert ("though", "through") in pairs
    assert len(root.xpath("//tei:text//tei:supplied", namespaces=NS)) == 3
    declared = root.xpath("//tei:editorialDecl/tei:correction//tei:item", namespaces=NS)
    assert len(declared) == len(seed.edition.corrections) == 6


def test_furniture_is_declared_and_taxonomy_kept_as_keywords(seed):
    root = seed.tree.getroot()
    terms = root.xpath("//tei:keywords/tei:term/text()", namespaces=NS)
    assert terms == ["Heritage of the Communist Left", "Development of proletarian consciousness and organisation"]
    omitted = etree.tostring(root.find(".//tei:editorialDecl", NS), encoding="unicode")
    assert "Printer-friendly version" in omitted
    body_text = "".join(root.find("tei:text", NS).itertext())
    assert "Printer-friendly version" not in body_text


def test_no_break_spaces_survive(seed):
    text = "".join(seed.tree.getroot().find("tei:text", NS).itertext())
    assert text.count("\u00a0") == SEED_TEXT.read_text(encoding="utf-8").count("\u00a0") - 1  # one is on furniture


@pytest.fixture(scope="module")
def teikit_schema():
    from teikit.xmlio import PACKAGE_DIR, parse_xml

    return etree.RelaxNG(parse_xml(PACKAGE_DIR / "schemas" / "teikit.rng"))


def test_seed_is_valid_against_the_project_grammar(seed, teikit_schema):
    assert teikit_schema.validate(seed.tree), teikit_schema.error_log


@pytest.mark.parametrize(
    ("xpath", "attribute", "value"),
    [
        ("//tei:div[@type='chapter']", "type", "appendix"),  # a division type the guide does not list
        ("//tei:note[@type='footnote']", "place", "margin"),  # footnotes are place="foot"
        ("//tei:date[@when]", "when", "1923-13"),  # not an ISO month
        ("//tei:list", "rend", "numbered"),  # lists are bulleted
    ],
)
def test_project_grammar_rejects_values_outside_its_closed_lists(seed, teikit_schema, xpath, attribute, value):
    tree = parse_xml_bytes(serialize(seed.tree))
    tree.getroot().xpath(xpath, namespaces=NS)[0].set(attribute, value)
    assert not teikit_schema.validate(tree)


def _paragraphs(tmp_path, name: str, text: str) -> dict[str, tuple[str, str]]:
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    root = convert(source).tree.getroot()
    return {
        "".join(p.itertext()): (p.get(f"{{{XML_NS}}}id"), p.get("n"))
        for p in root.find(f"{{{TEI_NS}}}text").iter(f"{{{TEI_NS}}}p")
    }


def test_paragraph_ids_come_from_content_and_survive_an_inserted_block(tmp_path):
    before = _paragraphs(tmp_path, "a", "A title\n\nThe first paragraph.\n\nThe second paragraph.\n")
    after = _paragraphs(
        tmp_path, "b", "A title\n\nA paragraph put in front.\n\nThe first paragraph.\n\nThe second paragraph.\n"
    )
    for text in ("The first paragraph.", "The second paragraph."):
        assert after[text][0] == before[text][0]  # the stable id a citation uses
        assert int(after[text][1]) == int(before[text][1]) + 1  # the visible number moves on
    assert len({ident for ident, _ in after.values()}) == len(after)


def test_the_same_paragraph_twice_gets_two_ids(tmp_path):
    source = tmp_path / "twice.txt"
    source.write_text("A title\n\nTo work!\n\nSomething else.\n\nTo work!\n", encoding="utf-8")
    text = convert(source).tree.getroot().find(f"{{{TEI_NS}}}text")
    ids = [p.get(f"{{{XML_NS}}}id") for p in text.iter(f"{{{TEI_NS}}}p")]
    assert len(set(ids)) == len(ids)
    assert any(ident.endswith("-2") for ident in ids)


def test_no_edition_file_no_publisher(tmp_path):
    """teikit never names itself publisher: without an edition file the text is declared unpublished."""
    source = tmp_path / "plain.txt"
    source.write_text("A title\n\nSome text.\n", encoding="utf-8")
    root = convert(source).tree.getroot()
    statement = root.find(f".//{{{TEI_NS}}}publicationStmt")
    assert statement.find(f"{{{TEI_NS}}}publisher") is None
    assert "".join(statement.itertext()).strip().startswith("Unpublished; encoded with teikit")


def test_declared_interventions_in_the_tei(tmp_path, teikit_schema):
    """Alternative corrections with @cert, a superfluous word, @resp pointing at the declared editor,
    a header with series, provenance, licence, calendar and date conventions: valid against teikit.rng."""
    (tmp_path / "t.txt").write_text("A title\n\nJust after to the congress, the the end.\n", encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        """source = "t.txt"
[[editor]]
id = "ed"
name = "An Editor"
resp = "corrections"
orcid = "0000-0002-1825-0097"
[publication]
publisher = "A Press"
licence = "CC BY 4.0"
licence_url = "https://creativecommons.org/licenses/by/4.0/"
address = "https://example.org/t"
[series]
title = "A series"
part = 1
parts = 2
[[related]]
type = "original"
title = "The original"
language = "ru"
date = "1923"
[[calendar]]
id = "julian"
description = "Old Style."
[[correction]]
line = 3
sic = "after to"
readings = [{ corr = "after", cert = "medium" }, { corr = "prior to", cert = "low" }]
resp = "ed"
reason = "either reading"
[[correction]]
line = 3
surplus = "the the"
resp = "ed"
cert = "high"
reason = "a repeated word"
""",
        encoding="utf-8",
    )
    root = convert(tmp_path / "t.txt").tree.getroot()
    assert teikit_schema.validate(root), teikit_schema.error_log
    corrs = root.xpath("//tei:choice/tei:corr", namespaces=NS)
    assert [(c.text, c.get("cert"), c.get("resp")) for c in corrs] == [
        ("after", "medium", "#ed"),
        ("prior to", "low", "#ed"),
    ]
    surplus = root.xpath("//tei:surplus", namespaces=NS)[0]
    assert (surplus.text, surplus.get("resp"), surplus.get("cert")) == ("the the", "#ed", "high")
    editor = root.xpath("//tei:titleStmt/tei:editor", namespaces=NS)[0]
    assert editor.get(f"{{{XML_NS}}}id") == "ed" and editor.get("ref") == "https://orcid.org/0000-0002-1825-0097"
    assert root.xpath("string(//tei:publicationStmt/tei:publisher)", namespaces=NS) == "A Press"
    assert root.xpath("//tei:availability/tei:licence/@target", namespaces=NS) == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    assert root.xpath("string(//tei:seriesStmt/tei:biblScope)", namespaces=NS) == "Part 1 of 2"
    assert root.xpath("//tei:relatedItem/@type", namespaces=NS) == ["original"]
    assert root.xpath("//tei:calendarDesc/tei:calendar/@xml:id", namespaces=NS) == ["julian"]
    assert root.xpath("//tei:editorialDecl/tei:stdVals/tei:p", namespaces=NS)
    header = "".join(root.find(f"{{{TEI_NS}}}teiHeader").itertext())
    assert "line 3" not in header  # no source line numbers the reader cannot follow
