"""Property-based tests: for texts in the supported style the converter never crashes, always emits
well-formed TEI, and the lossless round trip holds; for any text at all it fails only with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from teikit.convert import check_output
from teikit.edition import default_edition
from teikit.errors import InputError
from teikit.read import check_notes, decode, read_document
from teikit.render.lossless import render_lossless
from teikit.tei import build_tei
from teikit.xmlio import PACKAGE_DIR, parse_xml, parse_xml_bytes, serialize

EDITION = default_edition(Path("generated.txt"))
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüçßøПрив"
PUNCT = ",;:'’\"“”-—()…!?."

word = st.text(alphabet=LETTERS + PUNCT, min_size=1, max_size=12)
# White space that is not XML's: no-break space, the line and paragraph separators, the ideographic space.
OTHER_SPACES = ["\u00a0", "\u2028", "\u2029", "\u3000", "\u2009"]
spacing = st.sampled_from([" ", " ", " ", "\u00a0 ", "  ", *OTHER_SPACES])
# Section breaks as people type them, and near misses with other white space among the marks (which must
# not reach milestone/@rend, a list of tokens split at XML white space only).
break_mark = st.builds(
    lambda mark, gaps: mark + "".join(gap + mark for gap in gaps),
    st.sampled_from(["*", "•", "·"]),
    st.lists(st.sampled_from(["", " ", "  ", "\t", *OTHER_SPACES]), min_size=2, max_size=4),
)


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(word, min_size=1, max_size=25))
    gaps = [draw(spacing) for _ in words[1:]]
    text = words[0] + "".join(gap + w for gap, w in zip(gaps, words[1:], strict=True))
    return text.strip() + draw(st.sampled_from([".", "!", "?", ":", ""]))


@st.composite
def supported_text(draw) -> str:
    """A plain text in the style teikit reads: title, headings, paragraphs, lists, breaks, balanced footnotes,
    bracketed years, notes on consecutive lines, no final line end."""
    blocks = [draw(st.sampled_from(["A Title", "The Manifesto (Part 1)", "Über alles"]))]
    notes = 0
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["p", "p", "p", "head", "list", "break", "noteref", "year"]))
        if kind == "head":
            blocks.append(draw(st.sampled_from(["Our introduction", "Sauls and Pauls", "A section"])))
        elif kind == "list":
            items = draw(st.lists(sentence(), min_size=1, max_size=4))
            blocks.append("\n".join("  • " + item for item in items))
        elif kind == "break":
            blocks.append(draw(st.sampled_from(["* * *", "#"])) if draw(st.booleans()) else draw(break_mark))
        elif kind == "year":  # a bracketed number with no note of its number: text, not a reference
            blocks.append(draw(sentence()) + f" [{draw(st.integers(1000, 2100))}] " + draw(sentence()))
        elif kind == "noteref":
            notes += 1
            blocks.append(draw(sentence()) + f"[{notes}] " + draw(sentence()))
        else:
            lines = draw(st.lists(sentence(), min_size=1, max_size=3))
            blocks.append("\n".join(lines))
    text = blocks[0]
    for block in blocks[1:]:
        text += "\n" * draw(st.integers(2, 4)) + block
    # Notes one per line or with blank lines between; the text may end without a line end.
    for n in range(1, notes + 1):
        text += "\n" * draw(st.integers(1 if n > 1 else 2, 3)) + f"[{n}]. " + draw(sentence())
    return text + "\n" * draw(st.integers(0, 3))


def convert_text(text: str):
    document = read_document(decode(text.encode("utf-8"), "generated.txt"), EDITION, "generated.txt")
    check_notes(document)
    tree = build_tei(document, EDITION)
    check_output(tree, "generated.txt")  # the converter's own promise: valid against teikit.rng, or one line
    return tree


TEIKIT_RNG = etree.RelaxNG(parse_xml(PACKAGE_DIR / "schemas" / "teikit.rng"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(supported_text())
def test_supported_texts_round_trip_through_well_formed_valid_tei(text):
    tree = convert_text(text)
    reparsed = parse_xml_bytes(serialize(tree))  # well-formed, and parsed by the safe parser
    assert render_lossless(reparsed) == text
    assert TEIKIT_RNG.validate(reparsed), TEIKIT_RNG.error_log


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_converts_or_fails_with_a_clear_error(text):
    try:
        tree = convert_text(text)
    except InputError as error:
        assert error.one_line().startswith("generated.txt")
        assert "\n" not in error.one_line()
        return
    parse_xml_bytes(serialize(tree))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_convert_or_fail_with_a_clear_error(data):
    try:
        document = read_document(decode(data, "random.bin"), EDITION, "random.bin")
        check_notes(document)
        build_tei(document, EDITION)
    except InputError as error:
        assert error.path in {"random.bin", "generated.txt"}


@pytest.mark.parametrize("mark", ["*\u2028*\u2028*", "* *\u00a0*", "*\u00a0*\u00a0*", "•\u3000•\u3000•"])
def test_a_break_with_other_white_space_is_no_milestone(mark):
    """The fuzz finding: such a mark became milestone/@rend="*\u2028*…", which teikit.rng forbids."""
    text = f"Title\n\nBefore.\n\n{mark}\n\nAfter.\n"
    tree = convert_text(text)
    assert not tree.getroot().xpath("//*[local-name()='milestone']")
    assert render_lossless(parse_xml_bytes(serialize(tree))) == text


def test_a_break_with_spaces_and_tabs_is_a_milestone():
    tree = convert_text("Title\n\nBefore.\n\n*\t* *\n\nAfter.\n")
    assert [m.get("rend") for m in tree.getroot().xpath("//*[local-name()='milestone']")] == ["*\t* *"]
    assert TEIKIT_RNG.validate(tree)


# Note syntaxes an edition file may declare: (reference, marker, the marker as written in the text).
SYNTAXES = [("[n]", "[n].", "[{}]."), ("[n]", "[n].", "[{}]"), ("(n)", "n.", "{}."), ("^n", "[n]", "[{}]")]


@st.composite
def text_with_note_syntax(draw) -> tuple[str, tuple[str, str, str], int]:
    """A title, paragraphs with references in one declared syntax (and numbers without notes), then the notes."""
    syntax = draw(st.sampled_from(SYNTAXES))
    reference, _, written = syntax
    blocks, notes = ["A Title"], 0
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            notes += 1
            blocks.append(draw(sentence()) + reference.replace("n", str(notes)) + " " + draw(sentence()))
        else:  # a number in the reference's own brackets that no note has: it must stay text
            blocks.append(draw(sentence()) + " " + reference.replace("n", str(draw(st.integers(100, 999)))) + " x.")
    text = "\n\n".join(blocks)
    for n in range(1, notes + 1):
        text += "\n" * draw(st.integers(1 if n > 1 else 2, 3)) + written.format(n) + " " + draw(sentence())
    return text + "\n" * draw(st.integers(0, 2)), syntax, notes


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_with_note_syntax())
def test_a_declared_note_syntax_round_trips_through_valid_tei(case):
    from dataclasses import replace

    from teikit.edition import NoteSyntax

    text, (reference, marker, _), notes = case
    edition = replace(EDITION, note_syntax=NoteSyntax(reference=reference, marker=marker))
    document = read_document(decode(text.encode("utf-8"), "generated.txt"), edition, "generated.txt")
    check_notes(document)
    reparsed = parse_xml_bytes(serialize(build_tei(document, edition)))
    assert render_lossless(reparsed) == text
    assert TEIKIT_RNG.validate(reparsed), TEIKIT_RNG.error_log
    anchors = reparsed.getroot().iter("{http://www.tei-c.org/ns/1.0}ref")
    assert sum(1 for ref in anchors if ref.get("type") == "noteAnchor") == notes


def test_a_straight_quotation_inside_a_curly_one_is_no_q_inside_a_q():
    """Found by hypothesis: two pairs of marks of different kinds, one inside the other, gave a q in a q."""
    text = 'A Title\n\n: : : \u201c: ".\n:" :\u201d.'
    tree = convert_text(text)
    assert not tree.getroot().xpath("//*[local-name()='q']/descendant::*[local-name()='q']")
    assert TEIKIT_RNG.validate(tree), TEIKIT_RNG.error_log
    assert render_lossless(parse_xml_bytes(serialize(tree))) == text
