"""The plain-text reader: literate cases (tests/fixtures/reader-cases.txt) and its error handling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teikit.edition import _edition_from_data, _Reader, default_edition
from teikit.errors import InputError
from teikit.model import Heading, Inline, Note, Paragraph, dump, walk
from teikit.read import check_notes, decode, read_document

from conftest import FIXTURES

CASES_FILE = FIXTURES / "reader-cases.txt"


def parse_cases(text: str) -> list[dict]:
    """Split the literate case file into {name, text, edition, expect} dicts."""
    cases = []
    for chunk in re.split(r"^### ", text, flags=re.M)[1:]:
        name, _, rest = chunk.partition("\n")
        sections = dict(re.findall(r"^--- (\w+)\n(.*?)(?=^--- |\Z)", rest, flags=re.M | re.S))
        cases.append({"name": name.strip(), **sections})
    return cases


def edition_from(toml_text: str | None):
    if not toml_text:
        return default_edition(Path("case.txt"))
    import tomllib

    return _edition_from_data(Path("case.toml"), toml_text, tomllib.loads(toml_text))


def run_case(case: dict) -> str:
    document = read_document(decode(case["text"].encode("utf-8")), edition_from(case.get("edition")), "case.txt")
    return dump(document)


CASES = parse_cases(CASES_FILE.read_text(encoding="utf-8"))


def test_update_golden_reader_cases(update_golden):
    """With --update-golden, rewrite the expectations of the case file (then read the diff)."""
    if not update_golden:
        pytest.skip("pass --update-golden to rewrite tests/fixtures/reader-cases.txt")
    text = CASES_FILE.read_text(encoding="utf-8")
    head = re.split(r"^### ", text, maxsplit=1, flags=re.M)[0]  # a case starts a line; the header may quote "### "
    out = [head]
    for case in CASES:
        out.append(f"### {case['name']}\n")
        if "edition" in case:
            out.append(f"--- edition\n{case['edition']}")
        out.append(f"--- text\n{case['text']}--- expect\n{run_case(case)}\n")
    CASES_FILE.write_text("".join(out).rstrip("\n") + "\n", encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reader_case(case):
    assert case.get("expect", "").strip(), f"case {case['name']!r} has no expectation: run with --update-golden"
    assert run_case(case).strip() == case["expect"].strip()


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_give_the_same_document(newline):
    text = "Title\n\nA paragraph.\n\n  • item one\n  • item two\n"
    plain = read_document(decode(text.encode()), default_edition(Path("a.txt")))
    other = read_document(decode(text.replace("\n", newline).encode()), default_edition(Path("a.txt")))
    assert dump(plain) == dump(other)
    if newline != "\n":
        assert any("normalised to LF" in note for note in other.normalisations)


def test_bom_is_removed_and_declared():
    source = decode("\ufeffTitle\n\nText.\n".encode())
    assert source.text.startswith("Title")
    assert any("byte-order mark" in note for note in source.normalisations)


def test_bom_in_the_middle_is_kept_as_a_character():
    source = decode("Title\n\nTe\ufeffxt.\n".encode())
    assert "\ufeff" in source.text


def test_invalid_utf8_names_the_byte_offset_and_line():
    data = "Title\n\nna\u00efve\n".encode("utf-8").replace("\u00ef".encode(), b"\xef")
    with pytest.raises(InputError) as error:
        decode(data, "bad.txt")
    assert "byte offset 9" in error.value.message
    assert error.value.line == 3
    assert error.value.one_line().startswith("bad.txt:3: error: not valid UTF-8")


def test_xml_illegal_control_character_names_line_and_column():
    with pytest.raises(InputError) as error:
        decode(b"Title\n\nab\x07c\n", "ctl.txt")
    assert (error.value.line, error.value.column) == (3, 3)
    assert "U+0007" in error.value.message


def test_empty_file_is_an_error():
    with pytest.raises(InputError, match="empty"):
        read_document(decode(b""), default_edition(Path("e.txt")), "e.txt")
    with pytest.raises(InputError, match="empty"):
        read_document(decode(b"\n\n\n"), default_edition(Path("e.txt")), "e.txt")


# --------------------------------------------------------------------------- notes


def read(text: str):
    return read_document(decode(text.encode()), default_edition(Path("n.txt")), "n.txt")


def test_a_bracketed_number_without_its_note_stays_text_and_is_reported():
    document = read("Title\n\nA claim.[1]\n\nIn [1923] the party, [12] said.\n\n[1]. Note one.\n")
    check_notes(document)
    assert document.left_as_text == ((5, "[1923]"), (5, "[12]"))
    assert [s.tag for b in document.body for s in getattr(b, "content", Inline("")).spans] == ["noteref"]


def test_notes_on_consecutive_lines_are_two_notes():
    text = "Title\n\nOne.[1] Two.[2]\n\n[1]. Note one,\ngoing on [1924].\n[2]. Note two.\n"
    document = read(text)
    check_notes(document)
    notes = [b for b in walk(document.back) if isinstance(b, Note)]
    assert [(n.n, n.line, n.joined, n.content.text) for n in notes] == [
        ("1", 5, False, " Note one,\ngoing on [1924]."),
        ("2", 7, True, " Note two."),
    ]
    assert document.left_as_text == ((6, "[1924]"),)


def test_note_without_reference_is_an_error_naming_the_note_line():
    document = read("Title\n\nA claim.[1]\n\n[1]. Note one.\n\n[2]. Note two.\n")
    with pytest.raises(InputError) as error:
        check_notes(document)
    assert error.value.line == 7
    assert "never referenced" in error.value.message


def test_note_referenced_twice_is_an_error():
    document = read("Title\n\nA claim.[1] Again.[1]\n\n[1]. Note one.\n")
    with pytest.raises(InputError, match="more than once"):
        check_notes(document)


def test_duplicated_note_bodies_are_an_error():
    document = read("Title\n\nA claim.[1]\n\n[1]. Note one.\n\n[1]. Note one again.\n")
    with pytest.raises(InputError, match="appears twice"):
        check_notes(document)


# --------------------------------------------------------------------------- edition declarations


def test_furniture_that_does_not_occur_is_an_error():
    toml = 'source = "x.txt"\n[[furniture]]\nline = "Not there"\nreason = "r"\n'
    with pytest.raises(InputError, match="furniture line not found"):
        read_document(decode(b"Title\n\nText.\n"), edition_from(toml))


def test_division_on_a_line_without_a_block_is_an_error():
    toml = 'source = "x.txt"\n[[division]]\nline = 2\ntype = "intro"\n'
    with pytest.raises(InputError) as error:
        read_document(decode(b"Title\n\nText.\n"), edition_from(toml))
    assert "nearest block starts on line 3" in error.value.one_line()


def test_correction_must_match_exactly_once():
    toml = 'source = "x.txt"\n[[correction]]\nline = 3\nsic = "na"\ncorr = "no"\nreason = "r"\n'
    with pytest.raises(InputError, match="occurs 2 times"):
        read_document(decode(b"Title\n\na banana.\n"), edition_from(toml))


def test_unknown_edition_key_names_the_key_and_line():
    toml = 'source = "x.txt"\n\n[[division]]\nline = 3\ntype = "intro"\nlevle = 2\n'
    with pytest.raises(InputError) as error:
        edition_from(toml)
    assert "unknown key 'levle'" in error.value.message
    assert error.value.line == 6


def test_heading_and_paragraph_rules_are_distinguished():
    document = read("Title\n\nA heading\n\nA sentence that ends with a period.\n")
    division = document.body[0]
    assert isinstance(division.heading, Heading)
    assert isinstance(division.children[0], Paragraph)


def test_reader_never_changes_the_text():
    text = "Title\n\nSpaces\u00a0 kept;  double  spaces too — and “quotes”.\n"
    document = read(text)
    paragraph = document.body[0]
    assert paragraph.content.text == "Spaces\u00a0 kept;  double  spaces too — and “quotes”."


assert _Reader  # imported for edition_from's private use; keeps linters honest


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('source = "x.txt"\n[genre]\nsalutation = "yes"\n', "'salutation' must be true or false"),
        ('source = "x.txt"\n[genre]\nslogan = true\n', "unknown key 'slogan'"),
    ],
)
def test_genre_declarations_are_checked(toml, message):
    import tomllib

    with pytest.raises(InputError, match=message):
        _edition_from_data(Path("x.toml"), toml, tomllib.loads(toml))


def test_genre_rules_each_have_their_own_switch():
    text = "Title\n\nA heading\n\nTo all comrades!\n\nThe body.\n\nForward!\n\nLong live it!\n"
    only_salute = dump(
        read_document(
            decode(text.encode()), edition_from('source = "case.txt"\n[genre]\nsalutation = true\n'), "case.txt"
        )
    )
    assert "salute @5" in only_salute and "closer" not in only_salute
    only_slogans = dump(
        read_document(decode(text.encode()), edition_from('source = "case.txt"\n[genre]\nslogans = true\n'), "case.txt")
    )
    assert "salute" not in only_slogans and "closer @9" in only_slogans
