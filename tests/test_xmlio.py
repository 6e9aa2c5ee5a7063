"""The one safe parser: no entities, no DTD, no network; clear one-line errors."""

from __future__ import annotations

import pytest

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
