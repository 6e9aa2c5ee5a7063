"""The tagger on the seed against the hand-checked gold annotation (tests/golden/entities-gold.tsv),
and the tagging rules on small texts."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teikit.convert import convert
from teikit.edition import default_edition
from teikit.model import Inline, Span, walk
from teikit.read import decode, read_document
from teikit.register import parse_register
from teikit.tag.document import fits, tag_document
from teikit.tag.names import NameMatcher
from teikit.xmlio import NS, XML_NS

from conftest import REPO, SEED_TEXT

GOLD = REPO / "tests" / "golden" / "entities-gold.tsv"
ELEMENTS = ("persName", "orgName", "placeName", "date", "title", "event")


def gold_rows() -> set[tuple]:
    with GOLD.open(encoding="utf-8", newline="") as handle:
        return {
            (int(r["line"]), int(r["nth"]), r["surface"], r["element"], r["value"])
            for r in csv.DictReader(handle, delimiter="\t")
        }


def _value(span: Span) -> str:
    if span.tag == "date":
        return " ".join(f"{k}={v}" for k, v in span.attrs)
    if span.tag == "title" and not span.attr("ref"):
        return f"level={span.attr('level')}"  # a title the edition file declares, not in the register
    return span.attr("ref")[1:]


def _nth(line_text: str, surface: str, column: int) -> int:
    count, position = 0, line_text.find(surface)
    while 0 <= position <= column:
        count += 1
        position = line_text.find(surface, position + 1)
    return count


def tagged_rows(document, source_lines: list[str]) -> set[tuple]:
    rows = set()
    for _part, blocks in document.parts():
        for block in walk(((document.title,) if document.title and _part == "front" else ()) + blocks):
            contents = [(block.line, block.content)] if getattr(block, "content", None) else []
            contents += [(item.line, item.content) for item in getattr(block, "items", ())]
            for first_line, content in contents:
                rows |= _rows_of(content, first_line, source_lines)
    return rows


def _rows_of(content: Inline, first_line: int, source_lines: list[str]) -> set[tuple]:
    rows = set()
    text_lines = content.text.split("\n")
    for span in content.spans:
        if span.tag not in ELEMENTS:
            continue
        line_index = content.text.count("\n", 0, span.start)
        line_start = sum(len(t) + 1 for t in text_lines[:line_index])
        source_line = source_lines[first_line + line_index - 1]
        # The block's text is the tail of its source line (labels and bullets are cut off at the start).
        offset = len(source_line) - len(text_lines[line_index]) if line_index == 0 else 0
        column = offset + span.start - line_start
        surface = content.text[span.start : span.end]
        rows.add((first_line + line_index, _nth(source_line, surface, column), surface, span.tag, _value(span)))
    return rows


@pytest.fixture(scope="module")
def seed_conversion():
    return convert(SEED_TEXT)


def test_tagger_matches_the_gold_annotation_exactly(seed_conversion):
    source_lines = SEED_TEXT.read_text(encoding="utf-8").split("\n")
    found, gold = tagged_rows(seed_conversion.document, source_lines), gold_rows()
    report = []
    for element in ELEMENTS:
        tp = len({r for r in found & gold if r[3] == element})
        fp = sorted(r for r in found - gold if r[3] == element)
        fn = sorted(r for r in gold - found if r[3] == element)
        precision = tp / (tp + len(fp)) if tp + len(fp) else 1.0
        recall = tp / (tp + len(fn)) if tp + len(fn) else 1.0
        report.append((element, precision, recall, fp[:5], fn[:5]))
    assert all(p == r == 1.0 for _e, p, r, _fp, _fn in report), report
    assert Counter(r[3] for r in gold) == Counter(r[3] for r in found)


def test_every_ref_resolves_and_every_used_entry_is_in_the_tei(seed_conversion):
    root = seed_conversion.tree.getroot()
    ids = {e.get(f"{{{XML_NS}}}id") for e in root.iter()}
    refs = root.xpath("//tei:text//*[@ref]/@ref", namespaces=NS)
    unregistered = sum(1 for r in gold_rows() if r[3] == "date" or r[4].startswith("level="))
    assert len(refs) == len(gold_rows()) - unregistered
    assert all(ref.startswith("#") and ref[1:] in ids for ref in refs)
    listed = set(root.xpath("//tei:standOff//*[@xml:id]/@xml:id", namespaces=NS))
    # The places of the events are listed too, for event/@where to resolve, even where no placeName names them.
    places = {where[1:] for where in root.xpath("//tei:listEvent/tei:event/@where", namespaces=NS)}
    assert {"genoa", "versailles", "vyborg"} <= places
    assert listed == {ref[1:] for ref in refs} | places
    assert {ref[1:] for ref in refs} == set(seed_conversion.used_ids)


def test_editor_decision_overrides_the_recogniser(seed_conversion):
    root = seed_conversion.tree.getroot()
    (date,) = root.xpath("//tei:date[@notBefore='1930']", namespaces=NS)
    assert date.get("notAfter") == "1933"
    assert date.xpath("string(tei:choice/tei:corr)", namespaces=NS) == "the 1930s"


# --------------------------------------------------------------------------- rules on small texts

REGISTER = parse_register(
    """format = 1
[[person]]
id = "lenin"
name = "Vladimir Lenin"
forms = ["Lenin"]
description = "Bolshevik leader."
[[org]]
id = "rcp"
name = "Russian Communist Party"
forms = ["Russian Communist Party"]
description = "The party."
[[org]]
id = "workers-group"
name = "Workers' Group"
forms = ["Workers' Group", "Workers' Group of the Russian Communist Party"]
description = "A group."
""",
    "register.toml",
)


def tag(text: str, toml: str = 'source = "t.txt"\n'):
    import tomllib

    from teikit.edition import _edition_from_data

    edition = _edition_from_data(Path("t.toml"), toml, tomllib.loads(toml))
    document = read_document(decode(text.encode()), edition, "t.txt")
    return tag_document(document, edition, NameMatcher(REGISTER))


def spans_of(result) -> list[tuple[str, str]]:
    paragraph = result.document.body[0]
    return [(s.tag, paragraph.content.text[s.start : s.end]) for s in paragraph.content.spans]


def test_longest_name_wins_and_possessive_is_outside():
    result = tag("Title\n\nThe Workers' Group of the Russian Communist Party met; Lenin's idea.\n")
    assert spans_of(result) == [("orgName", "Workers' Group of the Russian Communist Party"), ("persName", "Lenin")]


def test_name_inside_a_quotation_is_tagged_but_never_across_it():
    result = tag('Title\n\nThe "Lenin" line and "the Workers\'" Group here.\n')
    assert ("persName", "Lenin") in spans_of(result)
    assert not any(tag_ == "orgName" for tag_, _ in spans_of(result))


def test_names_never_include_a_note_reference():
    result = tag("Title\n\nThe Workers'[1] Group.\n\n[1]. A note.\n")
    assert not any(tag_ == "orgName" for tag_, _ in spans_of(result))


def test_dates_and_names_do_not_overlap():
    result = tag("Title\n\nIn October 1923 Lenin wrote.\n")
    assert spans_of(result) == [("date", "October 1923"), ("persName", "Lenin")]


def test_editor_can_suppress_a_match():
    toml = 'source = "t.txt"\n[[tag]]\nline = 3\ntext = "Lenin"\nelement = "none"\nreason = "a ship"\n'
    result = tag("Title\n\nThe Lenin sailed in 1923.\n", toml)
    assert spans_of(result) == [("date", "1923")]
    assert "not tagged" in result.decisions[0]


def test_unused_editor_decision_is_an_error():
    from teikit.errors import InputError

    toml = 'source = "t.txt"\n[[tag]]\nline = 9\ntext = "Lenin"\nelement = "none"\n'
    with pytest.raises(InputError, match="no text block holds that line"):
        tag("Title\n\nThe Lenin sailed.\n", toml)


@pytest.mark.parametrize(
    ("candidate", "ok"),
    [
        (Span(0, 5, "persName"), True),  # disjoint from the quotation
        (Span(11, 15, "persName"), True),  # inside the quotation
        (Span(8, 15, "persName"), False),  # crosses into it
        (Span(20, 30, "date"), True),  # encloses the correction
        (Span(22, 30, "date"), False),  # crosses the correction
    ],
)
def test_fits(candidate, ok):
    existing = [Span(10, 16, "q"), Span(21, 25, "sic"), Span(28, 28, "supplied")]
    assert fits(candidate, existing) is ok


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Lenin",
                "Lenin's",
                "Workers' Group",
                "of the",
                "Russian Communist Party",
                "in 1923",
                '"',
                "[1]",
                "summer of 1921",
                "and",
                "Workers’ Group",
            ]
        ),
        max_size=30,
    )
)
def test_tagging_never_changes_the_text(words):
    text = " ".join(words).replace("[1]", "") + "."
    document = read_document(decode(f"Title\n\n{text}\n".encode()), default_edition(Path("t.txt")), "t.txt")
    result = tag_document(document, default_edition(Path("t.txt")), NameMatcher(REGISTER))
    before = [b.content.text for b in walk(document.body) if getattr(b, "content", None)]
    after = [b.content.text for b in walk(result.document.body) if getattr(b, "content", None)]
    assert before == after
    for block in walk(result.document.body):
        spans = getattr(getattr(block, "content", None), "spans", ())
        for span in spans:
            assert fits(span, [s for s in spans if s is not span]) or span.tag in {"q", "noteref"}


# --- the edition file's kinds of dates, titles, citations, omissions and notes ---------------------------


def _spans(result, tag: str) -> list:
    found = []
    for _part, blocks in result.document.parts():
        for block in walk(blocks):
            content = getattr(block, "content", None)
            if content is not None:
                found += [s for s in content.spans if s.tag == tag]
    return found


@pytest.mark.parametrize(
    ("phrase", "kind", "attrs"),
    [
        ("August-September 1923", "uncertain", (("notBefore", "1923-08"), ("notAfter", "1923-09"))),
        ("summer-autumn 1923", "period", (("from", "1923-06-01"), ("to", "1923-11-30"))),
        ("1918", "period", (("from", "1918"),)),  # "from 1918": a period whose end is not given
        ("1921-22", "uncertain", (("notBefore", "1921"), ("notAfter", "1922"))),
        ("1921-22", "period", (("from", "1921"), ("to", "1922"))),
        ("October 1923", "point", (("when", "1923-10"),)),
    ],
)
def test_the_kind_of_a_date_reshapes_what_the_recogniser_found(phrase, kind, attrs):
    toml = f'source = "t.txt"\n[[tag]]\nline = 3\ntext = "{phrase}"\nelement = "date"\nkind = "{kind}"\n'
    result = tag(f"Title\n\nBy {phrase} it was over.\n", toml)
    assert [s.attrs for s in _spans(result, "date")] == [attrs]
    assert f"({kind} in time)" in result.decisions[0]


def test_a_date_kind_on_words_that_are_no_date_is_an_error():
    from teikit.errors import InputError

    toml = 'source = "t.txt"\n[[tag]]\nline = 3\ntext = "soon"\nelement = "date"\nkind = "point"\n'
    with pytest.raises(InputError, match="not a date teikit recognises"):
        tag("Title\n\nIt was over soon.\n", toml)


def test_a_title_in_quotation_marks_replaces_the_quotation():
    toml = (
        'source = "t.txt"\n[[tag]]\nline = 3\ntext = "The New Course"\nelement = "title"\nlevel = "m"\n'
        '[[tag]]\nline = 3\ntext = "\\"The New Course\\" in Pravda, n° 3"\nelement = "bibl"\nscope = "n° 3"\n'
    )
    result = tag('Title\n\nRead "The New Course" in Pravda, n° 3 today.\n', toml)
    assert not _spans(result, "q")
    assert [s.attrs for s in _spans(result, "title")] == [(("level", "m"),)]
    bibl, scope = _spans(result, "bibl")[0], _spans(result, "biblScope")[0]
    assert bibl.start < scope.start < scope.end <= bibl.end


def test_omissions_and_editorial_notes_stand_after_their_passage():
    toml = (
        'source = "t.txt"\n[[editor]]\nid = "ed"\nname = "An Editor"\nresp = "notes"\n'
        '[[omission]]\nline = 3\nafter = "left out"\nreason = "editorial"\nresp = "#icc"\n'
        'description = "Two chapters."\n'
        '[[note]]\nline = 3\nat = "in 1924"\nresp = "ed"\ntext = "Rather 1923."\n'
    )
    text = "Title\n\nTwo chapters are left out here, written in 1924.\n"
    result = tag(text, toml)
    gap, note = _spans(result, "gap")[0], _spans(result, "ednote")[0]
    line = text.split("\n")[2]
    assert gap.start == gap.end == line.index("left out") + len("left out")
    assert gap.attr("resp") == "#icc" and gap.attr("desc") == "Two chapters."
    assert note.start == line.index("in 1924") + len("in 1924") and note.attr("resp") == "#ed"


def test_a_note_must_say_which_editor_wrote_it():
    from teikit.errors import InputError

    toml = 'source = "t.txt"\n[[note]]\nline = 3\nat = "here"\nresp = "nobody"\ntext = "A note."\n'
    with pytest.raises(InputError, match="not the id of an \\[\\[editor\\]\\]"):
        tag("Title\n\nA note here.\n", toml)


def test_alternative_readings_each_need_a_certainty():
    from teikit.errors import InputError

    toml = (
        'source = "t.txt"\n[[correction]]\nline = 3\nsic = "after to"\nreason = "r"\n'
        'readings = [{ corr = "after", cert = "medium" }, { corr = "prior to" }]\n'
    )
    with pytest.raises(InputError, match="each with its cert"):
        tag("Title\n\nJust after to the congress.\n", toml)
