"""The name matcher: each matching rule of schemas/register-format.md, and agreement with a slow, obvious matcher."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teikit.register import CASE_RULES, Entity, NameForm, load_register, normalise_form
from teikit.tag import names
from teikit.tag.names import NameMatch, NameMatcher

SMALL = Path(__file__).resolve().parent / "fixtures" / "register-small.toml"


def entity(entity_id: str, *forms: NameForm | str, entity_type: str = "org") -> Entity:
    built = tuple(NameForm(f) if isinstance(f, str) else f for f in forms)
    return Entity(entity_id, entity_type, built[0].text, built, "For a test.")


def matcher(*entities: Entity) -> NameMatcher:
    return NameMatcher([(form, e) for e in entities for form in e.forms])


def spans(found: list[NameMatch], text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.entity_id) for m in found]


# --- the rules, one by one ---------------------------------------------------------------------------------


def test_longest_match_wins_over_its_parts():
    m = matcher(
        entity("workers-group", "Workers' Group of the Russian Communist Party", "Workers' Group"),
        entity("rcp", "Russian Communist Party"),
    )
    text = "the Manifesto of the Workers' Group of the Russian Communist Party (Bolshevik)"
    assert spans(m.find(text), text) == [("Workers' Group of the Russian Communist Party", "workers-group")]
    text = "the Workers' Group and the Russian Communist Party"
    assert spans(m.find(text), text) == [
        ("Workers' Group", "workers-group"),
        ("Russian Communist Party", "rcp"),
    ]


def test_longest_wins_even_when_it_starts_later():
    m = matcher(entity("ab", "Alpha Beta"), entity("bcd", "Beta Gamma Delta"), entity("a", "Alpha"))
    text = "Alpha Beta Gamma Delta"
    # "Beta Gamma Delta" is longer than "Alpha Beta", so it wins; "Alpha" still fits before it.
    assert spans(m.find(text), text) == [("Alpha", "a"), ("Beta Gamma Delta", "bcd")]


def test_equal_lengths_leftmost_wins():
    m = matcher(entity("ab", "Alpha Beta"), entity("bc", "Beta Alpha"))
    text = "Alpha Beta Alpha"
    assert spans(m.find(text), text) == [("Alpha Beta", "ab")]


def test_possessive_tags_the_name_only():
    text = "Lenin's withdrawal from political life"
    found = matcher(entity("lenin", "Lenin", entity_type="person")).find(text)
    assert found == [NameMatch(0, 5, "lenin", "person", "Lenin")]


@pytest.mark.parametrize("text", ["Leninism", "Leninist", "ALenin", "Lenin2", "2Lenin", "Léninism", "Leninа"])
def test_no_match_inside_a_word(text):
    assert matcher(entity("lenin", "Lenin")).find(text) == []


@pytest.mark.parametrize("text", ["_Lenin_", "(Lenin)", "«Lenin»", "Lenin-ism", "Lenin’s"])
def test_anything_but_a_letter_or_digit_is_a_boundary(text):
    assert spans(matcher(entity("lenin", "Lenin")).find(text), text) == [("Lenin", "lenin")]


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("Workers' Group", "the Workers’ Group met"),  # typographic apostrophe in the text
        ("Workers’ Group", "the Workers' Group met"),  # ... and in the form
        ("Rosa\u00a0Luxemburg", "with Rosa Luxemburg"),  # no-break space in the form
        ("Rosa Luxemburg", "with Rosa\u00a0Luxemburg"),  # ... and in the text
        ("Rosa Luxemburg", "with Rosa\n   Luxemburg"),  # any run of white space
        ("Rosa  Luxemburg", "with Rosa Luxemburg"),  # a run in the form is one space too
        ("Social-Democrats", "the Social\u2011Democrats"),  # non-breaking hyphen
        ("Social\u2010Democrats", "the Social-Democrats"),  # hyphen
    ],
)
def test_equivalent_characters(form, text):
    found = matcher(entity("x", form)).find(text)
    assert len(found) == 1
    assert text[found[0].start : found[0].end].split()[0].startswith(form.split()[0][:4])
    assert found[0].form == form


@pytest.mark.parametrize("text", ["RosaLuxemburg", "Rosa-Luxemburg", "Rosa_Luxemburg"])
def test_space_in_a_form_needs_space_in_the_text(text):
    assert matcher(entity("x", "Rosa Luxemburg")).find(text) == []


@pytest.mark.parametrize("run", [1, 2, 15, 16, 17, 20, 25, 28, 29, 30, 31, 32, 40, 200])
def test_whitespace_run_of_any_length_even_past_the_window(run):
    m = matcher(entity("x", "Rosa Luxemburg"), entity("y", "Rosa Luxemburg Street"))
    text = "Rosa" + " " * run + "Luxemburg"
    assert spans(m.find(text), text) == [(text, "x")]
    text = "Rosa Luxemburg" + "\n" * run + "Street"
    assert spans(m.find(text), text) == [(text, "y")]


def test_letters_that_fold_to_two_end_the_window_but_not_the_search():
    m = matcher(entity("x", "Rosa Luxemburg"), entity("y", "Rosa"))
    assert spans(m.find("Rosa Luxemburgß Rosa"), "Rosa Luxemburgß Rosa") == [("Rosa", "y"), ("Rosa", "y")]
    assert spans(m.find("Rosa ßLuxemburg"), "Rosa ßLuxemburg") == [("Rosa", "y")]


@pytest.mark.parametrize(
    ("case", "matches", "misses"),
    [
        (
            "initial",
            ["Bolshevik Party", "Bolshevik party", "BOLSHEVIK PARTY"],
            ["bolshevik Party", "bOLSHEVIK PARTY"],
        ),
        ("exact", ["Bolshevik Party"], ["Bolshevik party", "BOLSHEVIK PARTY", "bolshevik Party"]),
        ("any", ["Bolshevik Party", "bolshevik party", "BOLSHEVIK PARTY", "bOLSHEVIK pARTY"], []),
    ],
)
def test_case_rules(case, matches, misses):
    m = matcher(entity("rcp", NameForm("Bolshevik Party", case=case)))
    for text in matches:
        assert spans(m.find(f"the {text}."), f"the {text}.") == [(text, "rcp")], text
    for text in misses:
        assert m.find(f"the {text}.") == [], text


def test_initial_case_keeps_the_first_letter_not_the_first_character():
    m = matcher(entity("x", "3rd International"))
    assert len(m.find("the 3rd INTERNATIONAL")) == 1
    assert m.find("the 3RD International") == []


def test_case_folding_is_full_unicode():
    m = matcher(entity("x", NameForm("straße", case="any")), entity("y", "Σοφία"))
    assert spans(m.find("STRAẞE"), "STRAẞE") == [("STRAẞE", "x")]
    assert m.find("STRASSE") == []  # one character is never two
    assert spans(m.find("ΣΟΦΊΑ"), "ΣΟΦΊΑ") == [("ΣΟΦΊΑ", "y")]


def test_text_whose_folding_changes_length_still_matches():
    m = matcher(entity("lenin", "Lenin"), entity("x", "Straße"))
    text = "Lenin in der Straße, Lenin"
    assert spans(m.find(text), text) == [("Lenin", "lenin"), ("Straße", "x"), ("Lenin", "lenin")]


def test_initial_case_holds_when_another_form_proposes_the_place():
    # The filter proposes "lenin" here for the any-case form; the initial-case form must still refuse it.
    m = matcher(
        entity("a", NameForm("Lenin", followed_by=" said")),
        entity("b", NameForm("lenin", case="any", followed_by="!")),
    )
    assert m.find("the lenin said") == []
    assert [f.entity_id for f in m.find("the Lenin said")] == ["a"]


def test_characters_that_fold_to_two_do_not_shift_a_long_form():
    # Beyond the filter's depth only the exact walk decides: 'ß' (folding to "ss") is not "ss".
    long_form = "Abcdefghijklmnopq ss"
    assert len(long_form) > names.FILTER_DEPTH
    m = matcher(entity("x", NameForm(long_form, case="any")))
    assert m.find("Abcdefghijklmnopq ß.") == []
    assert len(m.find("Abcdefghijklmnopq SS.")) == 1


def test_followed_by():
    m = matcher(entity("ural", NameForm("Ural", followed_by=r"\s+Mountains")))
    assert len(m.find("the Ural Mountains")) == 1
    assert m.find("the Ural river") == []


def test_not_followed_by():
    m = matcher(entity("intl", NameForm("International", not_followed_by=r"\s+Review\b")))
    assert len(m.find("the International was dead")) == 1
    assert m.find("the International Review") == []


def test_preceded_by():
    m = matcher(entity("comintern", NameForm("International", preceded_by="(Third|3rd) $")))
    assert len(m.find("parties of the Third International")) == 1
    assert m.find("parties of the Second International") == []
    assert m.find("International") == []  # nothing before it at all


def test_not_preceded_by():
    m = matcher(entity("ci", NameForm("International", not_preceded_by=r"(Second|Two-and-a-half)\s+$")))
    assert len(m.find("the Third International")) == 1
    assert m.find("the Second International") == []


def test_preceded_by_sees_the_start_of_the_text():
    # The real register writes "46" as { text = "46", preceded_by = '(?:\b[Tt]he\s+"?|^)' }.
    m = matcher(entity("the-46", NameForm("46", preceded_by=r'(?:\b[Tt]he\s+"?|^)')))
    assert spans(m.find("46 signed it"), "46 signed it") == [("46", "the-46")]
    assert len(m.find('the "46 signed')) == 1
    assert m.find("in 46 cases") == []


def test_followed_by_is_matched_on_the_rest_of_the_text():
    # re.match on text[end:]: '^' and \b see the rest as a string of its own.
    m = matcher(entity("x", NameForm("Lenin", followed_by=r"^\b")), entity("y", NameForm("Trotsky", followed_by="^,")))
    assert m.find("Lenin said") == []  # \b at the start of " said" is not a boundary
    assert len(m.find("Trotsky, too")) == 1


def test_a_satisfied_context_rule_beats_a_bare_form_on_the_same_span():
    m = matcher(
        entity("generic", "International"),
        entity("comintern", NameForm("International", preceded_by="Third $")),
    )
    assert [f.entity_id for f in m.find("the Third International")] == ["comintern"]
    assert [f.entity_id for f in m.find("the Second International")] == ["generic"]


def test_register_order_breaks_the_last_ties():
    m = matcher(entity("first", "Party"), entity("second", "Party"))
    assert [f.entity_id for f in m.find("the Party")] == ["first"]


def test_forms_at_the_start_and_end_of_the_text():
    m = matcher(entity("lenin", "Lenin"), entity("trotsky", "Trotsky"))
    assert spans(m.find("Lenin"), "Lenin") == [("Lenin", "lenin")]
    assert spans(m.find("Lenin and Trotsky"), "Lenin and Trotsky") == [
        ("Lenin", "lenin"),
        ("Trotsky", "trotsky"),
    ]


def test_overlapping_candidates_never_both_survive():
    m = matcher(entity("ab", "Alpha Beta"), entity("bg", "Beta Gamma"), entity("g", "Gamma"))
    text = "Alpha Beta Gamma"
    assert spans(m.find(text), text) == [("Alpha Beta", "ab"), ("Gamma", "g")]


def test_long_forms_beyond_the_filter_depth():
    long_form = "Communist Workers' International of the Left Opposition"
    assert len(normalise_form(long_form)) > names.FILTER_DEPTH
    m = matcher(entity("long", long_form), entity("short", "Communist Workers' International"))
    text = f"the {long_form}, the Communist Workers' International of the Right"
    assert spans(m.find(text), text) == [(long_form, "long"), ("Communist Workers' International", "short")]


def test_empty_register_and_empty_text():
    assert NameMatcher([]).find("Lenin") == []
    assert matcher(entity("lenin", "Lenin")).find("") == []
    assert NameMatcher([]).form_count == 0


def test_built_from_a_register_like_from_pairs():
    register = load_register(SMALL)
    pairs = [(form, e) for e in register for form in e.forms]
    text = (
        "In the Urals, Miasnikov and the Workers’ Group of the Russian Communist Party broke with the Third "
        "International; Vladimir Ilyich, Kamenev and the Bolshevik Party did not. The Ural Mountains, Russia."
    )
    from_register = NameMatcher(register).find(text)
    assert from_register == NameMatcher(pairs).find(text)
    assert spans(from_register, text) == [
        ("Urals", "urals"),
        ("Miasnikov", "miasnikov"),
        ("Workers’ Group of the Russian Communist Party", "workers-group"),
        ("International", "comintern"),
        ("Ilyich", "lenin"),
        ("Kamenev", "kamenev"),
        ("Bolshevik Party", "rcp"),
        ("Russia", "russia"),
    ]
    assert NameMatcher(register).form_count == sum(len(e.match_forms) for e in register)


def test_a_matcher_survives_pickling_for_worker_processes():
    import pickle

    built = NameMatcher(load_register(SMALL))
    text = "the Third International, Lenin and Vladimir Ilyich in the Urals"
    assert pickle.loads(pickle.dumps(built)).find(text) == built.find(text)
    assert len(built.find(text)) == 4


# --- the character tables the fast paths rely on, checked over all of Unicode -------------------------------

ALL_CHARACTERS = "".join(map(chr, range(sys.maxunicode + 1)))


def test_word_character_class_is_exactly_isalnum():
    in_class = set(re.findall(names._WORD_CHARACTER, ALL_CHARACTERS))
    assert in_class == {c for c in ALL_CHARACTERS if c.isalnum()}


def test_characters_by_key_covers_all_planes():
    groups: dict[str, set[str]] = {}
    for char in ALL_CHARACTERS:
        key = names.character_key(char)
        if key != char:
            groups.setdefault(key, set()).add(char)
    assert set(names._characters_by_key()) == set(groups)
    for key, chars in groups.items():
        assert chars <= names.characters_for(key)


def test_case_insensitive_re_accepts_every_pair_with_equal_keys():
    # The filter's tail is (?i:…) with one character per key: it must accept all characters of that key.
    for key, chars in names._characters_by_key().items():
        pattern = re.compile(f"(?i:{names._key_pattern(key)})")
        for char in chars:
            assert pattern.fullmatch(char) or (key == " " and char.isspace()), (key, char)


def test_casefold_lines_up_with_character_keys():
    # The radix walk reads a case-folded window: each character must fold to its key, never to nothing,
    # and no character may fold into a separator (space, apostrophe, hyphen) it is not. A character that
    # folds to several is a letter (so no name ends before it) and the window stops there.
    separators = names._SEPARATOR_KEYS
    several = {c for c in ALL_CHARACTERS if len(c.casefold()) > 1}
    assert several == set(names._multiple_folds().findall(ALL_CHARACTERS))
    assert all(c.isalnum() for c in several)
    assert {c for c in ALL_CHARACTERS if c.isspace()} <= set(separators)
    for char in ALL_CHARACTERS:
        folded = char.casefold()
        assert folded, char
        if char not in separators:
            assert not set(folded) & set(separators), char
            assert folded == names.character_key(char)


# --- agreement with a slow, obviously correct matcher -----------------------------------------------------

APOSTROPHES = "'\u2019"
HYPHENS = "-\u2010\u2011"


def unify(char: str) -> str:
    if char in APOSTROPHES:
        return "'"
    if char in HYPHENS:
        return "-"
    return char


def reference_find(text: str, pairs: list[tuple[NameForm, Entity]]) -> list[tuple[int, int, str, str]]:
    """Try every form at every position, straight from the spec; then longest, leftmost, no overlap."""
    candidates = []
    for order, (form, owner) in enumerate(pairs):
        wanted = " ".join(form.text.split())
        for start in range(len(text)):
            end = reference_match(text, start, wanted, form.case)
            if end is None:
                continue
            if start > 0 and text[start - 1].isalnum():
                continue
            if end < len(text) and text[end].isalnum():
                continue
            if not reference_rules(form, text, start, end):
                continue
            candidates.append((-(end - start), start, -len(form.rules), order, end, owner.id, form.text))
    chosen: list[tuple[int, int, str, str]] = []
    for _, start, _, _, end, owner_id, form_text in sorted(candidates):
        if all(end <= s or start >= e for s, e, _, _ in chosen):
            chosen.append((start, end, owner_id, form_text))
    return sorted(chosen)


def reference_match(text: str, start: int, wanted: str, case: str) -> int | None:
    """Where ``wanted`` ends if it matches at ``start``, else None."""
    index = start
    first_letter_seen = False
    for char in wanted:
        if char == " ":
            if index >= len(text) or not text[index].isspace():
                return None
            while index < len(text) and text[index].isspace():
                index += 1
            continue
        if index >= len(text) or text[index].isspace():
            return None
        found, expected = unify(text[index]), unify(char)
        exact = case == "exact" or (case == "initial" and expected.isalpha() and not first_letter_seen)
        if exact and found != expected:
            return None
        if found.casefold() != expected.casefold():
            return None
        first_letter_seen = first_letter_seen or expected.isalpha()
        index += 1
    return index


def reference_rules(form: NameForm, text: str, start: int, end: int) -> bool:
    for rule, pattern in form.rules:
        if rule.endswith("followed_by"):
            found = re.match(pattern, text[end:]) is not None
        else:
            found = re.search(f"(?:{pattern})\\Z", text[:start]) is not None
        if found == rule.startswith("not_"):
            return False
    return True


def as_tuples(found: list[NameMatch]) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.entity_id, m.form) for m in found]


# Small alphabets, so that forms collide and every odd case turns up: characters that fold to two
# (ß, İ), that fold onto another (ſ, K, ς), typographic apostrophes and hyphens, every kind of space.
FORM_CHARACTERS = "abAB1ßſKkσςΣİi'-’‑ "
TEXT_CHARACTERS = FORM_CHARACTERS + "SsẞI\u00a0\n\t.,_é"
RULES = {
    "followed_by": ["'s", r"\s", "[.,]", r"\b", "^a", "$", r"(?<=b)\s"],
    "not_followed_by": ["a", r"\S", r"\b"],
    "preceded_by": ["a ", r"\s", r"\bb ", "^", "(?<=a)b ", r"a+\s*", ".*a", "$"],
    "not_preceded_by": ["b", r"\S", "^"],
}


@st.composite
def name_forms(draw) -> NameForm:
    text = draw(st.text(FORM_CHARACTERS, min_size=1, max_size=7).filter(lambda t: any(c.isalnum() for c in t)))
    rules = {}
    for rule, patterns in RULES.items():
        if draw(st.integers(0, 5)) == 0:
            rules[rule] = draw(st.sampled_from(patterns))
    return NameForm(text.strip(), case=draw(st.sampled_from(CASE_RULES)), **rules)


@st.composite
def registers(draw) -> list[tuple[NameForm, Entity]]:
    forms = draw(st.lists(name_forms(), min_size=1, max_size=6))
    owners = [entity(f"e{i}", "x", entity_type=t) for i, t in enumerate(("person", "org", "place"))]
    return [(form, draw(st.sampled_from(owners))) for form in forms]


def variant(text: str, draw) -> str:
    """A form as a text might write it: other apostrophes, spaces, case."""
    choice = draw(st.integers(0, 5))
    if choice == 1:
        return text.replace("'", "\u2019").replace(" ", "\u00a0")
    if choice == 2:
        return text.replace(" ", " " * draw(st.integers(2, 40)))  # up to longer than the matcher's window
    if choice == 3:
        return text.upper()
    if choice == 4:
        return text.lower()
    return text


@st.composite
def texts_for(draw, pairs: list[tuple[NameForm, Entity]]) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                st.text(TEXT_CHARACTERS, max_size=4),
                st.sampled_from([form.text for form, _ in pairs]),
            ),
            max_size=8,
        )
    )
    return "".join(variant(piece, draw) for piece in pieces)


@st.composite
def registers_and_texts(draw):
    pairs = draw(registers())
    return pairs, draw(texts_for(pairs))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers_and_texts())
def test_same_result_as_the_reference_matcher(case):
    pairs, text = case
    assert as_tuples(NameMatcher(pairs).find(text)) == reference_find(text, pairs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers_and_texts())
def test_same_result_as_the_reference_with_a_shallow_filter(case):
    # With the filter cut after two characters, the exact walk decides nearly everything.
    pairs, text = case
    depth = names.FILTER_DEPTH
    names.FILTER_DEPTH = 2
    try:
        shallow = NameMatcher(pairs)
    finally:
        names.FILTER_DEPTH = depth
    assert as_tuples(shallow.find(text)) == reference_find(text, pairs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers_and_texts())
def test_matches_are_ordered_apart_and_made_of_their_form(case):
    pairs, text = case
    original = str(text)
    found = NameMatcher(pairs).find(text)
    assert text == original
    for before, after in zip(found, found[1:], strict=False):
        assert before.end <= after.start
    by_entity: dict[str, list[NameForm]] = {}
    for form, owner in pairs:
        by_entity.setdefault(owner.id, []).append(form)
    for match in found:
        assert 0 <= match.start < match.end <= len(text)
        piece = text[match.start : match.end]
        assert piece == piece.strip()
        # the matched text, normalised, is one of its entity's forms under that form's case rule
        assert any(
            form.text == match.form and reference_match(piece, 0, normalise_form(form.text), form.case) == len(piece)
            for form in by_entity[match.entity_id]
        )
