"""Exports hold what they need, not more: bounded locator memos, shared spans, pieces made on demand.

Peak memory is measured by tests/benchmarks/bench_export_memory.py; these tests pin that the
memory-saving representations give exactly what the plain ones gave.
"""

from __future__ import annotations

import pytest
from lxml import etree

from teikit.export.occurrences import extract
from teikit.export.xmltext import Locators
from teikit.xmlio import parse_xml

from conftest import FIXTURES, SAMPLES

FILES = [FIXTURES / "export" / name for name in ("foreign-letter.xml", "foreign-plain.xml", "tagged-manifesto.xml")]
FILES += [FIXTURES / "render" / "features.xml", SAMPLES / "hamlet.xml"]


@pytest.mark.parametrize("path", [p for p in FILES if p.is_file()], ids=lambda p: p.name)
def test_a_bounded_locator_memo_gives_the_same_locators_as_an_unbounded_one(path):
    root = parse_xml(path).getroot()
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    unbounded, tiny = Locators(capacity=10**9), Locators(capacity=2)
    expected = [unbounded(e) for e in elements]
    assert [tiny(e) for e in elements] == expected
    assert [tiny(e) for e in reversed(elements)] == expected[::-1]  # also when visited out of order


@pytest.mark.parametrize("path", [p for p in FILES if p.is_file()], ids=lambda p: p.name)
def test_pieces_are_the_text_cut_at_the_note_references(path):
    extracted = extract(parse_xml(path), path.stem)
    assert any(block.note_refs for block in extracted.blocks) or path.name != "features.xml"
    for block in extracted.blocks:
        pieces = block.pieces
        assert "".join(p.text for p in pieces) == block.text
        assert [p.note for p in pieces if p.note] == [target for _, target in block.note_refs]
        offsets, position = [], 0
        for piece in pieces:
            if piece.note:
                offsets.append(position)
            position += len(piece.text)
        assert offsets == [min(offset, len(block.text)) for offset, _ in block.note_refs]


def test_an_extract_holds_no_element_of_the_tree(tmp_path):
    import gc

    path = tmp_path / "copy.xml"  # a file of its own, so elements other tests hold are not counted
    path.write_bytes(FILES[0].read_bytes())
    extracted = extract(parse_xml(path), "x")
    gc.collect()
    assert extracted.blocks
    alive = [o for o in gc.get_objects() if isinstance(o, etree._Element) and str(path) == o.getroottree().docinfo.URL]
    assert not alive
