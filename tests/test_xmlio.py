"""The one safe parser: no entities, no DTD, no network; clear one-line errors."""

from __future__ import annotations

import pytest

from teikit import xmlio
from teikit.errors import XMLInputError
from teikit.xmlio import parse_xml, parse_xml_bytes


def test_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = tmp_path / "xxe.xml"
    doc.write_text(f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "file://{secret}">]><TEI>&x;</TEI>')
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "TOP-SECRET" not in error.value.one_line()
    assert "declares the entity 'x'" in error.value.message


def test_billion_laughs_is_refused(tmp_path):
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{"&a" + str(i - 1) + ";" * 1}{("&a" + str(i - 1) + ";") * 9}">' for i in range(1, 10)
    )
    doc = tmp_path / "lol.xml"
    doc.write_text(f"<!DOCTYPE lolz [{entities}]><lolz>&a9;</lolz>")
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "entity" in error.value.message


def test_remote_dtd_is_not_loaded():
    tree = parse_xml_bytes(b'<!DOCTYPE TEI SYSTEM "http://example.invalid/tei.dtd"><TEI>ok</TEI>')
    assert tree.getroot().text == "ok"


def test_malformed_xml_names_line_and_column(tmp_path):
    doc = tmp_path / "bad.xml"
    doc.write_text("<TEI>\n  <p>open\n</TEI>\n")
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert error.value.line == 3
    assert error.value.one_line().startswith(f"{doc}:3:")
    assert "malformed XML" in error.value.message


def test_undefined_entity_says_no_dtd_is_loaded():
    with pytest.raises(XMLInputError) as error:
        parse_xml_bytes(b"<TEI>&nbsp;</TEI>", "nbsp.xml")
    assert "no DTD" in error.value.hint


# ---------------------------------------------------------------- internal entities

PERSEUS_PROLOG = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE TEI.2 PUBLIC "-//TEI P4//DTD Main DTD Driver File//EN" "http://127.0.0.1:9/tei2.dtd" [\n'
    '<!ENTITY % TEI.XML "INCLUDE">\n'
    '<!ENTITY % PersProse PUBLIC "-//Perseus P4//DTD Perseus Prose//EN" "file://{secret}" >\n'
    "%PersProse;\n"
    "]>\n"
)


def test_a_perseus_style_file_is_read_and_its_external_parameter_entity_never_loaded(tmp_path):
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET-CONTENT">')
    doc = tmp_path / "perseus.xml"
    body = "<TEI.2><text><body><p>Arma virumque</p></body></text></TEI.2>\n"
    doc.write_text(PERSEUS_PROLOG.format(secret=secret) + body)
    tree = parse_xml(doc)
    assert tree.getroot().tag == "TEI.2"
    assert tree.find(".//p").text == "Arma virumque"
    assert tree.find(".//p").sourceline == 7


def test_an_entity_of_a_never_loaded_file_stays_undefined(tmp_path):
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET-CONTENT">')
    doc = tmp_path / "perseus.xml"
    doc.write_text(PERSEUS_PROLOG.format(secret=secret) + "<TEI.2><p>&leak;</p></TEI.2>\n")
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "TOP-SECRET" not in error.value.one_line()
    assert "leak" in error.value.message


GENERAL_ENTITIES = (
    "<!DOCTYPE TEI [\n"
    '  <!ENTITY mdash "&#8212;">\n'
    '  <!ENTITY ed "the editor&mdash;<hi>not</hi> the author">\n'
    '  <!ENTITY pct "50&#37; &#38;#169;">\n'
    "]>\n"
)


@pytest.mark.parametrize("how", ["file", "bytes"])
def test_general_entities_with_literal_values_are_expanded_and_lines_kept(tmp_path, how):
    text = GENERAL_ENTITIES + '<TEI n="a&mdash;b">\n<p>ha&mdash;me, &ed;, &pct;</p>\n</TEI>\n'
    doc = tmp_path / "entities.xml"
    doc.write_text(text, encoding="utf-8")
    tree = parse_xml(doc) if how == "file" else parse_xml_bytes(text.encode("utf-8"), str(doc))
    p = tree.find("p")
    assert "".join(p.itertext()) == "ha\u2014me, the editor\u2014not the author, 50% \u00a9"
    assert p.find("hi").text == "not"
    assert tree.getroot().get("n") == "a\u2014b"
    assert p.sourceline == 7


def test_entities_in_a_latin_1_document_keep_their_characters(tmp_path):
    doc = tmp_path / "latin1.xml"
    doc.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE TEI [<!ENTITY e "é&#8212;€">]>'
        "<TEI>caf&e;</TEI>\n".encode("latin-1", "xmlcharrefreplace")
    )
    assert parse_xml(doc).getroot().text == "caf\u00e9\u2014\u20ac"


def test_declarations_the_text_never_uses_leave_the_document_as_it_is(tmp_path):
    doc = tmp_path / "declared.xml"
    doc.write_text('<!DOCTYPE TEI [<!ENTITY % TEI.core "INCLUDE"><!ENTITY unused "x">]><TEI>plain</TEI>')
    assert parse_xml(doc).getroot().text == "plain"


def test_an_expansion_past_the_bound_is_refused_with_one_line(tmp_path):
    # 1,000 characters referenced 20,000 times: 20 million characters, not exponential, still refused.
    doc = tmp_path / "big-expansion.xml"
    doc.write_text(f'<!DOCTYPE TEI [<!ENTITY k "{"x" * 1000}">]><TEI>{"&k;" * 20_000}</TEI>')
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    line = error.value.one_line()
    assert "\n" not in line and line.startswith(str(doc))
    assert "entity expansion" in error.value.message  # libxml2's amplification limit, or teikit's bound
    assert "billion laughs" in error.value.hint


def test_teikit_bounds_the_expansion_even_within_libxml2s_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(xmlio, "MAX_ENTITY_CHARACTERS", 1_000)
    doc = tmp_path / "bounded.xml"
    doc.write_text(f'<!DOCTYPE TEI [<!ENTITY k "{"x" * 100}">]><TEI>{"<p>&k;</p>" * 11}</TEI>')
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert error.value.message.startswith("entity expansion refused")
    monkeypatch.setattr(xmlio, "MAX_ENTITY_CHARACTERS", 1_100)
    assert len("".join(parse_xml(doc).getroot().itertext())) == 1_100


def test_too_many_references_are_refused(tmp_path):
    doc = tmp_path / "many.xml"
    nested = '<!ENTITY a0 "">' + "".join(f'<!ENTITY a{i} "&a{i - 1};&a{i - 1};">' for i in range(1, 12))
    doc.write_text(f"<!DOCTYPE TEI [{nested}]><TEI>{'&a11;' * 600}</TEI>")
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "entity expansion" in error.value.message


def test_an_internal_entity_that_refers_to_an_external_one_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = tmp_path / "indirect.xml"
    doc.write_text(f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "file://{secret}"><!ENTITY y "a &x; b">]><TEI>&y;</TEI>')
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "TOP-SECRET" not in error.value.one_line()
    assert "external" in error.value.message


def test_a_parameter_entity_that_declares_an_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = tmp_path / "pe.xml"
    doc.write_text(f"<!DOCTYPE TEI [<!ENTITY % p \"<!ENTITY x SYSTEM 'file://{secret}'>\"> %p;]><TEI>&x;</TEI>")
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "TOP-SECRET" not in error.value.one_line()


def test_a_reference_to_an_entity_nobody_declares_is_refused_even_with_a_dtd_named(tmp_path):
    doc = tmp_path / "undeclared.xml"
    doc.write_text('<!DOCTYPE TEI SYSTEM "tei.dtd"><TEI>a&nbsp;b</TEI>')
    with pytest.raises(XMLInputError) as error:
        parse_xml(doc)
    assert "nbsp" in error.value.message
    assert "no DTD" in error.value.hint


def test_validate_render_and_export_read_a_file_with_internal_entities(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    doc = tmp_path / "entities.xml"
    doc.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE TEI [\n<!ENTITY % TEI.XML "INCLUDE">\n'
        '<!ENTITY mdash "&#8212;">\n]>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
        "<titleStmt><title>T</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
        "</sourceDesc></fileDesc></teiHeader><text><body>\n<p>ha&mdash;me</p>\n<p>bad <foo/></p></body></text></TEI>\n"
    )
    validated = CliRunner().invoke(cli, ["validate", "--schema", "teikit:teikit.rng", str(doc)])
    assert validated.exit_code == 1, validated.output
    assert f"{doc}:8:" in validated.output  # the line of <foo/>, as in the file: the entities moved nothing
    assert "declares the entity" not in validated.output
    text = CliRunner().invoke(cli, ["text", str(doc)])
    assert text.exit_code == 0 and "ha\u2014me" in text.output
    exported = CliRunner().invoke(cli, ["export", "--format", "markdown", "-o", str(tmp_path / "out"), str(doc)])
    assert exported.exit_code == 0, exported.output
    assert "ha\u2014me" in (tmp_path / "out" / "entities.md").read_text(encoding="utf-8")
