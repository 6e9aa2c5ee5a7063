"""Suggestions: name-like phrases the register does not cover."""

from __future__ import annotations

from pathlib import Path

import pytest

from teikit.register import load_register
from teikit.tag.suggest import MAX_CONTEXTS, Suggestion, suggest

SMALL = Path(__file__).resolve().parent / "fixtures" / "register-small.toml"

TEXT = """\
The Manifesto of the Workers' Group of the Russian Communist Party was read in Moscow.
Miasnikov and the KAPD wrote to the RCP (B) and to Kamenev. Trotsky hesitated; Trotsky's letter came later.
Because the revolution was isolated, the Hague conference failed. Revolution in Germany was near.
In Germany, the Social-Democrats sided with Noske; I think Rosa von Luxemburg saw it.
Trotsky wrote. In October the Miasnikov Group met in Moscow, under the Tenth Congress of the Party.
"""


def phrases(found: list[Suggestion]) -> list[str]:
    return [s.phrase for s in found]


@pytest.fixture(scope="module")
def register():
    return load_register(SMALL)


@pytest.fixture(scope="module")
def found(register):
    return suggest(TEXT, register)


def test_names_missing_from_the_register_are_suggested(found):
    assert {"Moscow", "KAPD", "Trotsky", "Germany", "Social-Democrats", "Noske"} <= set(phrases(found))


def test_what_the_register_covers_is_not_suggested(found):
    listed = set(phrases(found))
    # Kamenev is a form; "Workers' Group of the Russian Communist Party" and "Miasnikov Group" overlap forms.
    assert not listed & {
        "Kamenev",
        "Miasnikov",
        "Miasnikov Group",
        "Workers' Group of the Russian Communist Party",
    }
    assert not any("Workers" in phrase for phrase in listed)


def test_without_a_register_everything_name_like_is_suggested():
    listed = phrases(suggest(TEXT, None))
    assert "Kamenev" in listed and "Miasnikov Group" in listed and "Miasnikov" in listed
    assert "Workers' Group of the Russian Communist Party" not in listed  # one phrase with "Manifesto":
    assert "Manifesto of the Workers' Group of the Russian Communist Party" in listed  # connectors join
    assert "RCP (B)" in listed  # with the register, its form "RCP" covers this


def test_connectors_join_only_inside_a_phrase():
    found = phrases(suggest("We met Rosa von Luxemburg of the left, and Lenin of the party.", None))
    assert found == ["Lenin", "Rosa von Luxemburg"]
    found = phrases(suggest("in October the Miasnikov Group met the Party of the Left", None))
    assert found == ["Miasnikov Group", "Party of the Left"]  # a bare "the" joins nothing


def test_possessive_stays_outside_and_acronyms_count(found):
    trotsky = next(s for s in found if s.phrase == "Trotsky")
    assert trotsky.count == 3  # "Trotsky", "Trotsky's", "Trotsky wrote" at a line start
    assert "KAPD" in phrases(found)


def test_sentence_initial_ordinary_words_are_dropped(found):
    listed = set(phrases(found))
    # "Because" and "Revolution" start sentences and occur in lower case elsewhere; "The", "In" and
    # "I" are function words. "Trotsky" starts a sentence too, but never occurs in lower case.
    assert not listed & {"Because", "Revolution", "The", "The Manifesto", "In", "In Germany", "I"}
    assert "Hague" in listed  # "the Hague": the article is lower case and stays outside
    assert phrases(suggest("The Hague was chosen.", None)) == ["Hague"]


def test_sentence_start_is_seen_across_quotes_and_note_references():
    text = 'It failed.[3] "Because it was late", said Zinoviev, because.'
    assert phrases(suggest(text, None)) == ["Zinoviev"]


def test_months_alone_are_left_to_the_date_tagger(found):
    assert "October" not in phrases(found)
    assert phrases(suggest("the October Revolution, in March", None)) == ["October Revolution"]


def test_phrases_stay_on_one_line():
    assert phrases(suggest("with Lenin\nTrotsky came", None)) == ["Lenin", "Trotsky"]


def test_counts_lines_and_order(found):
    counts = [s.count for s in found]
    assert counts == sorted(counts, reverse=True)
    for a, b in zip(found, found[1:], strict=False):
        assert a.count > b.count or a.phrase < b.phrase
    moscow = next(s for s in found if s.phrase == "Moscow")
    assert moscow.count == 2 and moscow.lines == (1, 5)


def test_contexts_are_short_single_lines(found):
    for suggestion in found:
        assert 1 <= len(suggestion.contexts) <= MAX_CONTEXTS
        for context in suggestion.contexts:
            assert "\n" not in context
            assert suggestion.phrase in context
            assert len(context) <= len(suggestion.phrase) + 2 * 30 + 2
    kapd = next(s for s in found if s.phrase == "KAPD")
    at = TEXT.index("KAPD")
    assert kapd.contexts == ("…" + " ".join(TEXT[at - 30 : at + 4 + 30].split()) + "…",)
    assert kapd.contexts[0].startswith("…in Moscow. Miasnikov")


def test_min_count(register):
    frequent = suggest(TEXT, register, min_count=2)
    assert frequent and all(s.count >= 2 for s in frequent)
    assert {s.phrase for s in frequent} < {s.phrase for s in suggest(TEXT, register)}


def test_typographic_variants_count_as_one_phrase():
    found = suggest("the Workers’ Truth and the Workers' Truth", None)
    assert [(s.phrase, s.count) for s in found] == [("Workers’ Truth", 2)]


def test_empty_text():
    assert suggest("", None) == []


def test_reviewed_not_names_are_skipped_and_must_be_strings():
    from teikit.errors import InputError
    from teikit.register import parse_register
    from teikit.tag.suggest import suggest

    base = 'format = 1\n[[person]]\nid = "lenin"\nname = "Lenin"\nforms = ["Lenin"]\ndescription = "d"\n'
    text = "Lenin met Kollontai in Petrograd. Kollontai spoke."
    plain = parse_register(base, "r.toml")
    reviewed = parse_register('not_names = ["Kollontai"]\n' + base, "r.toml")
    assert {s.phrase for s in suggest(text, plain)} == {"Kollontai", "Petrograd"}
    assert {s.phrase for s in suggest(text, reviewed)} == {"Petrograd"}
    with pytest.raises(InputError, match="not_names"):
        parse_register("not_names = [1]\n" + base, "r.toml")
