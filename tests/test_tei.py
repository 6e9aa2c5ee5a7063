"""The seed's TEI: valid, deterministic, linked, and lossless."""

from __future__ import annotations

import pytest
from lxml import etree

from teikit.convert import convert
from teikit.render.lossless import render_lossless
from teikit.xmlio import NS, XML_NS, parse_xml_bytes, serialize

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
    assert slogans == ["To work comrades!", "Long live the conquests of the October revolution of the Russian "
                       "proletariat!", "Long live the world revolution!"]
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


@pytest.mark.parametrize(("xpath", "attribute", "value"), [
    ("//tei:div[@type='chapter']", "type", "appendix"),              # a division type the guide does not list
    ("//tei:note[@type='footnote']", "place", "margin"),             # footnotes are place="foot"
    ("//tei:date[@when]", "when", "1923-13"),                        # not an ISO month
    ("//tei:list", "rend", "numbered"),                              # lists are bulleted
])
def test_project_grammar_rejects_values_outside_its_closed_lists(seed, teikit_schema, xpath, attribute, value):
    tree = parse_xml_bytes(serialize(seed.tree))
    tree.getroot().xpath(xpath, namespaces=NS)[0].set(attribute, value)
    assert not teikit_schema.validate(tree)
