"""Tests for teikit.tag.dates: the forms and non-dates of the encoding guide, the seed's own sentences,
the attribute checker, and properties of find_dates over generated text."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teikit.errors import UsageError
from teikit.tag.dates import (
    DATE_RULES,
    DateMatch,
    check_date_attrs,
    find_dates,
    normalise_date,
)

SEED = Path(__file__).resolve().parents[1] / "seeds" / "workers-group-manifesto-1.txt"


def only_date(text: str, **options) -> tuple[str, dict[str, str]]:
    """The one date find_dates finds in ``text``: its content and its attributes."""
    found = find_dates(text, **options)
    assert len(found) == 1, [text[d.start : d.end] for d in found]
    return text[found[0].start : found[0].end], dict(found[0].attrs)


def tagged(text: str) -> list[tuple[str, dict[str, str]]]:
    return [(text[d.start : d.end], dict(d.attrs)) for d in find_dates(text)]


WHEN = "when"
SEASON_1923 = {"notBefore": "1923-06-01", "notAfter": "1923-08-31"}

# The encoding guide's table of dates: text, what the element covers, attributes.
SPEC_FORMS = [
    ("1918", "1918", {WHEN: "1918"}),
    ("October 1923", "October 1923", {WHEN: "1923-10"}),
    ("Oct. 1923", "Oct. 1923", {WHEN: "1923-10"}),
    ("16 November 1945", "16 November 1945", {WHEN: "1945-11-16"}),
    ("16th November 1945", "16th November 1945", {WHEN: "1945-11-16"}),
    ("November 16, 1945", "November 16, 1945", {WHEN: "1945-11-16"}),
    ("April-May 1923", "April-May 1923", {"from": "1923-04", "to": "1923-05"}),
    ("August–September 1923", "August–September 1923", {"from": "1923-08", "to": "1923-09"}),
    ("3-5 May 1923", "3-5 May 1923", {"from": "1923-05-03", "to": "1923-05-05"}),
    ("1921-22", "1921-22", {"from": "1921", "to": "1922"}),
    ("1918-1919", "1918-1919", {"from": "1918", "to": "1919"}),
    ("1921–22", "1921–22", {"from": "1921", "to": "1922"}),
    ("from 1923 to 1927", "from 1923 to 1927", {"from": "1923", "to": "1927"}),
    ("between 1923 and 1927", "between 1923 and 1927", {"from": "1923", "to": "1927"}),
    ("from March to May 1923", "from March to May 1923", {"from": "1923-03", "to": "1923-05"}),
    ("summer of 1923", "summer of 1923", SEASON_1923),
    ("summer 1923", "summer 1923", SEASON_1923),
    ("spring 1923", "spring 1923", {"notBefore": "1923-03-01", "notAfter": "1923-05-31"}),
    ("autumn 1923", "autumn 1923", {"notBefore": "1923-09-01", "notAfter": "1923-11-30"}),
    ("fall 1923", "fall 1923", {"notBefore": "1923-09-01", "notAfter": "1923-11-30"}),
    ("winter 1923", "winter 1923", {"notBefore": "1923-12-01", "notAfter": "1924-02-29"}),
    ("winter 1924", "winter 1924", {"notBefore": "1924-12-01", "notAfter": "1925-02-28"}),
    ("summer-autumn 1923", "summer-autumn 1923", {"notBefore": "1923-06-01", "notAfter": "1923-11-30"}),
    ("early 1922", "early 1922", {"notBefore": "1922-01-01", "notAfter": "1922-04-30"}),
    ("the beginning of 1922", "beginning of 1922", {"notBefore": "1922-01-01", "notAfter": "1922-04-30"}),
    ("mid-1922", "mid-1922", {"notBefore": "1922-05-01", "notAfter": "1922-08-31"}),
    ("the middle of 1922", "middle of 1922", {"notBefore": "1922-05-01", "notAfter": "1922-08-31"}),
    ("late 1922", "late 1922", {"notBefore": "1922-09-01", "notAfter": "1922-12-31"}),
    ("the end of 1922", "end of 1922", {"notBefore": "1922-09-01", "notAfter": "1922-12-31"}),
    ("early October 1923", "early October 1923", {"notBefore": "1923-10-01", "notAfter": "1923-10-10"}),
    (
        "the beginning of October 1923",
        "beginning of October 1923",
        {"notBefore": "1923-10-01", "notAfter": "1923-10-10"},
    ),
    ("mid-October 1923", "mid-October 1923", {"notBefore": "1923-10-11", "notAfter": "1923-10-20"}),
    ("late October 1923", "late October 1923", {"notBefore": "1923-10-21", "notAfter": "1923-10-31"}),
    ("the 1920s", "1920s", {"notBefore": "1920", "notAfter": "1929"}),
    ("the 20s", "20s", {"notBefore": "1920", "notAfter": "1929"}),
    ("the '20s", "'20s", {"notBefore": "1920", "notAfter": "1929"}),
    ("the twenties", "twenties", {"notBefore": "1920", "notAfter": "1929"}),
    ("the early 1920s", "early 1920s", {"notBefore": "1920", "notAfter": "1923"}),
    ("the beginning of the 1920s", "beginning of the 1920s", {"notBefore": "1920", "notAfter": "1923"}),
    ("the mid-1920s", "mid-1920s", {"notBefore": "1924", "notAfter": "1926"}),
    ("the middle of the 1920s", "middle of the 1920s", {"notBefore": "1924", "notAfter": "1926"}),
    ("the late 20s", "late 20s", {"notBefore": "1927", "notAfter": "1929"}),
    ("the end of the 1920s", "end of the 1920s", {"notBefore": "1927", "notAfter": "1929"}),
    ("the 19th century", "19th century", {"notBefore": "1800", "notAfter": "1899"}),
    ("the nineteenth century", "nineteenth century", {"notBefore": "1800", "notAfter": "1899"}),
]

# Forms beyond the table, in its spirit (the encoding guide lists them).
MORE_FORMS = [
    ("Sept. 1923", "Sept. 1923", {WHEN: "1923-09"}),
    ("Sept 1923", "Sept 1923", {WHEN: "1923-09"}),
    ("October of 1923", "October of 1923", {WHEN: "1923-10"}),
    ("the 16th of November 1945", "16th of November 1945", {WHEN: "1945-11-16"}),
    ("November 16 1945", "November 16 1945", {WHEN: "1945-11-16"}),
    ("May 3-5, 1923", "May 3-5, 1923", {"from": "1923-05-03", "to": "1923-05-05"}),
    ("3 May-5 June 1923", "3 May-5 June 1923", {"from": "1923-05-03", "to": "1923-06-05"}),
    ("December 1922-January 1923", "December 1922-January 1923", {"from": "1922-12", "to": "1923-01"}),
    ("from 3 to 5 May 1923", "from 3 to 5 May 1923", {"from": "1923-05-03", "to": "1923-05-05"}),
    ("between 8 and 9 May 1923", "between 8 and 9 May 1923", {"from": "1923-05-08", "to": "1923-05-09"}),
    ("from 1923 until 1927", "from 1923 until 1927", {"from": "1923", "to": "1927"}),
    ("from October 1917 to 1921", "from October 1917 to 1921", {"from": "1917-10", "to": "1921"}),
    ("winter 1917-18", "winter 1917-18", {"notBefore": "1917-12-01", "notAfter": "1918-02-28"}),
    ("winter of 1919-1920", "winter of 1919-1920", {"notBefore": "1919-12-01", "notAfter": "1920-02-29"}),
    ("winter-spring 1923", "winter-spring 1923", {"notBefore": "1922-12-01", "notAfter": "1923-05-31"}),
    ("autumn-winter 1923", "autumn-winter 1923", {"notBefore": "1923-09-01", "notAfter": "1924-02-29"}),
    ("mid 1922", "mid 1922", {"notBefore": "1922-05-01", "notAfter": "1922-08-31"}),
    ("the start of 1922", "start of 1922", {"notBefore": "1922-01-01", "notAfter": "1922-04-30"}),
    (
        "the end of February 1924",
        "end of February 1924",
        {"notBefore": "1924-02-21", "notAfter": "1924-02-29"},
    ),
    ("the 1920's", "1920's", {"notBefore": "1920", "notAfter": "1929"}),
    ("THE 1920S", "1920S", {"notBefore": "1920", "notAfter": "1929"}),
    ("the Twenties", "Twenties", {"notBefore": "1920", "notAfter": "1929"}),
    ("the mid-twenties", "mid-twenties", {"notBefore": "1924", "notAfter": "1926"}),
    ("the end of the nineties", "end of the nineties", {"notBefore": "1997", "notAfter": "1999"}),
    ("the 19th-century", "19th-century", {"notBefore": "1800", "notAfter": "1899"}),
    ("the twentieth century", "twentieth century", {"notBefore": "1900", "notAfter": "1999"}),
    ("the twenty-first century", "twenty-first century", {"notBefore": "2000", "notAfter": "2099"}),
    ("the early 20th century", "early 20th century", {"notBefore": "1900", "notAfter": "1933"}),
    ("the mid-nineteenth century", "mid-nineteenth century", {"notBefore": "1834", "notAfter": "1866"}),
    ("the late 19th century", "late 19th century", {"notBefore": "1867", "notAfter": "1899"}),
]

# The encoding guide's non-dates, and more of the same kinds.
NON_DATES = [
    "999", "0999", "2101", "12345", "200 or so", "8 hour working day", "the 8-hour working day",
    "the 46", "the 13th Congress", "Part 1", "n°s. 8 and 9", "the last 15-20 years", "II½",
    "5th Congress", "Twelfth Conference", "two decades", "1200 workers", "1923 members", "1500 km",
    "2000 roubles", "1,200", "12,000", "after October", "in the summer", "the October revolution",
    "the victory of October of the Russian working class", "in his 20s", "19234", "A1923",
    "1923A", "x1923", "£1923", "$2000", "1923.5", "1,923", "the 1900s", "the 00s",
    "1500-2000 workers", "12/05/1923", "1923-05-16", "in May", "early summer",
    "may", "the tens", "1923 %", "1200 BC", "1200 B.C.", "the 9th century", "the tenth century",
]  # fmt: skip

# A candidate whose values fail the check is not a date, and nothing inside it is tagged.
FAILED_CANDIDATES = [
    "30 February 1923",  # no such day
    "29 February 1923",  # not a leap year
    "29 February 1900",  # divisible by 100, not by 400
    "31 April 1923",
    "February 30, 1923",
    "from 1927 to 1923",  # from after to
    "between 1927 and 1923",
    "1923-1921",
    "1998-02",  # "1902" is before 1998
    "5-3 May 1923",
    "winter 1917-19",  # a winter spans two consecutive years
    "from October to 1923",  # a shortened endpoint must be as precise as the other
]


@pytest.mark.parametrize(("text", "covered", "attrs"), SPEC_FORMS + MORE_FORMS)
def test_form_is_found_and_normalised(text, covered, attrs):
    assert only_date(text) == (covered, attrs)


@pytest.mark.parametrize(("text", "covered", "attrs"), SPEC_FORMS + MORE_FORMS)
def test_form_in_a_sentence_keeps_prepositions_and_articles_outside(text, covered, attrs):
    sentence = f"It happened, in {text}; nobody knew."
    assert only_date(sentence) == (covered, attrs)


@pytest.mark.parametrize(("text", "covered", "attrs"), SPEC_FORMS + MORE_FORMS)
def test_normalise_date_reads_the_whole_phrase(text, covered, attrs):
    assert normalise_date(text) == tuple(attrs.items())
    assert normalise_date(covered) == tuple(attrs.items())
    assert normalise_date(f"  {text}\n") == tuple(attrs.items())


@pytest.mark.parametrize("text", NON_DATES)
def test_non_date_stays_untagged(text):
    assert find_dates(text) == []
    assert find_dates(f"It was said: {text}.") == []
    assert normalise_date(text) is None


@pytest.mark.parametrize("text", FAILED_CANDIDATES)
def test_candidate_failing_validation_is_not_a_date(text):
    assert find_dates(text) == []
    assert normalise_date(text) is None


@pytest.mark.parametrize(
    ("text", "attrs"),
    [
        ("1000", {WHEN: "1000"}),
        ("2100", {WHEN: "2100"}),
        ("29 February 1924", {WHEN: "1924-02-29"}),
        ("29 February 2000", {WHEN: "2000-02-29"}),
        ("late February 1923", {"notBefore": "1923-02-21", "notAfter": "1923-02-28"}),
        ("late February 1924", {"notBefore": "1924-02-21", "notAfter": "1924-02-29"}),
        ("winter 1899", {"notBefore": "1899-12-01", "notAfter": "1900-02-28"}),
        ("winter 1999", {"notBefore": "1999-12-01", "notAfter": "2000-02-29"}),
    ],
)
def test_year_limits_and_leap_years(text, attrs):
    assert only_date(text) == (text, attrs)


# Sentences of the seed text and the dates an editor tags in them.
SEED_SENTENCES = [
    (
        "By August-September 1923 a rash of spontaneous strikes",
        [("August-September 1923", {"from": "1923-08", "to": "1923-09"})],
    ),
    (
        "the wildcat strikes of summer-autumn 1923",
        [("summer-autumn 1923", {"notBefore": "1923-06-01", "notAfter": "1923-11-30"})],
    ),
    (
        "the opposition groups in prison in the late 20s, that it",
        [("late 20s", {"notBefore": "1927", "notAfter": "1929"})],
    ),
    ("from 1923 to 1927 he spent", [("from 1923 to 1927", {"from": "1923", "to": "1927"})]),
    ("he was shot in a Moscow prison on 16 November 1945.", [("16 November 1945", {WHEN: "1945-11-16"})]),
    (
        "(Communist Workers' International, 1921-22), founded",
        [("1921-22", {"from": "1921", "to": "1922"})],
    ),
    ("If one remembers the events of the last 15-20 years, they", []),
    (
        "They were supporters of armed insurrection before 1908, of an 8 hour working day",
        [("1908", {WHEN: "1908"})],
    ),
    ("in the International Review n°s. 8 and 9, also included", []),
    (
        'because they are patriots, even "internationalists"; before October 1917, they advocated',
        [("October 1917", {WHEN: "1917-10"})],
    ),
    ("when it published the Manifesto in Germany (Berlin 1924), and", [("1924", {WHEN: "1924"})]),
    (
        "they carried on their underground work, if on a reduced scale, until the beginning of the 1930.",
        # The typo ("the 1930" for "the 1930s") is no rule of the recogniser: the seed's edition file declares
        # the correction and the date ([[correction]] and [[tag]] on line 172); the year alone is what is written.
        [("1930", {WHEN: "1930"})],
    ),
    ("In the summer of 1923, the first clear crisis", [("summer of 1923", SEASON_1923)]),
    (
        "distributing its Manifesto in April-May 1923, just after",
        [("April-May 1923", {"from": "1923-04", "to": "1923-05"})],
    ),
    ("just after to the 13th Congress of the Bolshevik party.", []),
    (
        "the Platform of the 46, submitted to the Politburo in October 1923.",
        [("October 1923", {WHEN: "1923-10"})],
    ),
    (
        "was expelled from the party in early 1922.",
        [("early 1922", {"notBefore": "1922-01-01", "notAfter": "1922-04-30"})],
    ),
    ("by the revolution of October, we advocate civil peace", []),
    ("And after October? Did they remain lovers of peace?", []),
    ("and, from 1908 to 1917, joined in a sort of", [("from 1908 to 1917", {"from": "1908", "to": "1917"})]),
    ("Estimates put its membership in Moscow at 200 or so, and", []),
    ("continued his revolutionary activity abroad for two decades.", []),
    ("from the landowners to the II and II½ Internationals, will lead", []),
    ("your delegates to the 5th Congress of the 3rd International raise", []),
    ("At the Twelfth Conference of the RCP (Bolshevik), comrade Zinoviev", []),
    ("for the 8-hour working day, for the partial concessions", []),
]


@pytest.mark.parametrize(("sentence", "expected"), SEED_SENTENCES)
def test_seed_sentence(sentence, expected):
    assert sentence in SEED.read_text(encoding="utf-8"), "the sentence is quoted from the seed"
    assert tagged(sentence) == expected


def test_every_date_in_the_seed():
    text = SEED.read_text(encoding="utf-8")
    assert [text[d.start : d.end] for d in find_dates(text)] == [
        "1918", "summer of 1923", "1921", "August-September 1923", "October 1923", "1921",
        "December 1923", "April-May 1923", "1921", "1924", "1923", "summer-autumn 1923", "late 20s",
        "1848", "1917", "1905", "1917", "1917", "1908", "from 1908 to 1917", "October 1917", "1917",
        "1921", "1921", "1921", "early 1922", "March 1923", "summer 1923", "1930",
        "from 1923 to 1927", "1927", "1930", "16 November 1945", "1921", "1921-22",
    ]  # fmt: skip


def test_longest_match_wins():
    assert tagged("the wildcat strikes of summer-autumn 1923")[0][0] == "summer-autumn 1923"
    assert tagged("before October 1917, they")[0][0] == "October 1917"
    assert tagged("from 1923 to 1927 he")[0][0] == "from 1923 to 1927"
    assert tagged("on 16 November 1945")[0][0] == "16 November 1945"
    assert tagged("in the mid-1920s")[0][0] == "mid-1920s"


def test_month_names_must_be_capitalised():
    assert tagged("as they may 1923 was") == [("1923", {WHEN: "1923"})]
    assert tagged("In May 1923 they") == [("May 1923", {WHEN: "1923-05"})]
    assert tagged("in october 1923") == [("1923", {WHEN: "1923"})]


def test_words_other_than_months_match_in_any_case():
    assert only_date("Summer of 1923 was hot.") == ("Summer of 1923", SEASON_1923)
    assert only_date("SUMMER OF 1923") == ("SUMMER OF 1923", SEASON_1923)
    assert only_date("From 1923 to 1927") == ("From 1923 to 1927", {"from": "1923", "to": "1927"})


def test_counting_nouns_are_lower_case_words_that_follow_directly():
    assert tagged("In 1923, members of the group") == [("1923", {WHEN: "1923"})]
    assert tagged("In 1923 Workers' Truth emerged") == [("1923", {WHEN: "1923"})]
    assert tagged("1923 marks a turning point") == [("1923", {WHEN: "1923"})]
    assert tagged("some 1923 members left") == []


def test_two_digit_decades_take_the_default_century():
    assert only_date("in the 20s", default_century=1800) == ("20s", {"notBefore": "1820", "notAfter": "1829"})
    assert only_date("the late twenties", default_century=2000) == (
        "late twenties",
        {"notBefore": "2027", "notAfter": "2029"},
    )
    # A two-digit year after a dash keeps the first year's century, whatever the default.
    assert only_date("1821-22", default_century=1900) == ("1821-22", {"from": "1821", "to": "1822"})


@pytest.mark.parametrize("century", [1950, 0, 900, 2100, 3000, 19])
def test_default_century_must_begin_a_century(century):
    with pytest.raises(UsageError, match="default century"):
        find_dates("the 20s", default_century=century)


def test_a_date_may_wrap_but_never_crosses_a_blank_line():
    assert only_date("on 16\nNovember 1945") == ("16\nNovember 1945", {WHEN: "1945-11-16"})
    assert tagged("on 16\n\nNovember 1945") == [("November 1945", {WHEN: "1945-11"})]


def test_normalise_date_rejects_what_is_not_wholly_a_date():
    assert normalise_date("in 1921") is None
    assert normalise_date("1921 and 1922") is None
    assert normalise_date("October") is None
    assert normalise_date("") is None
    assert normalise_date("the") is None


# --- check_date_attrs ------------------------------------------------------------------------

VALID_ATTRS = [
    {"when": "1923"},
    {"when": "1923-10"},
    {"when": "1923-10-31"},
    {"when": "1924-02-29"},
    {"when": "2000-02-29"},
    {"from": "1921", "to": "1922"},
    {"from": "1923-05-03", "to": "1923-05-03"},
    {"from": "1923", "to": "1923-05"},  # mixed precision: the range is not empty
    {"notBefore": "1923-06-01", "notAfter": "1923-08-31"},
    {"notBefore": "1920", "notAfter": "1929"},
    {"when": "1923", "cert": "high", "{http://www.w3.org/XML/1998/namespace}id": "d1"},
]


@pytest.mark.parametrize("attrs", VALID_ATTRS)
def test_valid_attributes(attrs):
    assert check_date_attrs(attrs) == []


@pytest.mark.parametrize(
    ("attrs", "problem"),
    [
        ({"when": "23"}, r'@when="23" is not an ISO 8601 date'),
        ({"when": "1923-1"}, "not an ISO 8601 date"),
        ({"when": "1923/10"}, "not an ISO 8601 date"),
        ({"when": "1923-10-5"}, "not an ISO 8601 date"),
        ({"when": " 1923"}, "not an ISO 8601 date"),
        ({"when": "1923-10-05T10:00"}, "not an ISO 8601 date"),
        ({"when": "-0044"}, "not an ISO 8601 date"),
        ({"when": "١٩٢٣"}, "not an ISO 8601 date"),
        ({"when": "1923-13"}, "not a real calendar date"),
        ({"when": "1923-00"}, "not a real calendar date"),
        ({"when": "1923-02-30"}, r"not a real calendar date \(February 1923 has 28 days\)"),
        ({"when": "1923-02-29"}, "not a real calendar date"),
        ({"when": "1900-02-29"}, "not a real calendar date"),
        ({"when": "1923-04-31"}, "not a real calendar date"),
        ({"when": "1923-10-00"}, "not a real calendar date"),
        ({"when": "0000"}, "not a real calendar date"),
        ({"from": "1927", "to": "1923"}, r'@from="1927" is after @to="1923"'),
        ({"from": "1923-06", "to": "1923-05-31"}, "is after"),
        ({"notBefore": "1923-09-01", "notAfter": "1923-08-31"}, r'@notBefore="1923-09-01" is after'),
        ({"when": "1923", "from": "1921", "to": "1923"}, r"mixed attribute families \(when, from/to\)"),
        ({"from": "1921", "to": "1923", "notAfter": "1925"}, "mixed attribute families"),
        ({"from": "1921"}, "@from without @to"),
        ({"notAfter": "1921"}, "@notAfter without @notBefore"),
        ({}, "no date value"),
        ({"cert": "high"}, "no date value"),
    ],
)
def test_invalid_attributes(attrs, problem):
    problems = check_date_attrs(attrs)
    assert problems
    assert any(re.search(problem, found) for found in problems), problems


def test_every_problem_is_reported():
    problems = check_date_attrs({"when": "1923-02-30", "from": "1927", "to": "19"})
    assert len(problems) == 3, problems


# --- the registry ---------------------------------------------------------------------------


def test_rule_names_are_unique():
    names = [rule.name for rule in DATE_RULES]
    assert len(names) == len(set(names))


def test_date_match_is_frozen():
    match = find_dates("in 1923")[0]
    assert match == DateMatch(3, 7, (("when", "1923"),), "year")
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.start = 0


# --- properties over generated text ---------------------------------------------------------

VOCABULARY = [
    "1923", "1921", "1927", "1917", "1900", "2000", "2100", "2101", "0999", "19234", "22", "19",
    "1", "3", "5", "16", "29", "30", "31", "16th", "1st", "3rd", "13th", "19th", "21st", "1,200",
    "January", "February", "May", "may", "October", "Oct.", "Sept", "Dec", "MAY",
    "the", "The", "of", "from", "From", "between", "to", "and", "until", "in", "by",
    "summer", "Winter", "autumn", "fall", "spring", "early", "mid", "late", "beginning", "end",
    "middle", "start", "1920s", "1900s", "20s", "'20s", "’30s", "20's", "twenties", "Nineties",
    "nineteenth", "twenty-first", "century", "workers", "members", "km", "Workers", "revolution",
    "A1923", "n°s.", "II½", "$", "£",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "  ", "-", "–", "‐", ", ", ",", ".", ". ", "\n", "\n\n", "'", "(", ")", "/", ""]
datelike_text = st.lists(
    st.tuples(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=3)), st.sampled_from(SEPARATORS)),
    max_size=25,
).map(lambda pieces: "".join(word + separator for word, separator in pieces))
any_text = st.one_of(datelike_text, st.text(max_size=200))
PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_find_dates(text: str) -> list[DateMatch]:
    """Leftmost-longest over every rule at every position, without the scan's shortcuts."""
    # The rules' first-character guards are dropped, so this also checks that they are right.
    unguarded = [(rule, re.compile(rule.regex.pattern.replace(f"(?=[{rule.starts}])", "", 1))) for rule in DATE_RULES]
    found, position = [], 0
    while position < len(text):
        best = None
        for rule, regex in unguarded:
            match = regex.match(text, position)
            if match and (best is None or match.end() > best[1].end()):
                best = (rule, match)
        if best is None:
            position += 1
            continue
        rule, match = best
        attrs = rule.build(match, 1900)
        if attrs is not None and not check_date_attrs(dict(attrs)):
            found.append(DateMatch(match.start(), match.end(), attrs, rule.name))
        position = match.end()
    return found


@PROPERTIES
@given(any_text)
def test_matches_are_sorted_disjoint_within_the_text_and_valid(text):
    found = find_dates(text)
    rule_names = {rule.name for rule in DATE_RULES}
    previous_end = 0
    for match in found:
        assert previous_end <= match.start < match.end <= len(text)
        previous_end = match.end
        assert check_date_attrs(dict(match.attrs)) == []
        assert match.rule in rule_names
        assert [name for name, _ in match.attrs] in (["when"], ["from", "to"], ["notBefore", "notAfter"])


@PROPERTIES
@given(any_text)
def test_a_found_date_normalises_alone_to_the_same_attributes(text):
    for match in find_dates(text):
        assert normalise_date(text[match.start : match.end]) == match.attrs


@PROPERTIES
@given(datelike_text)
def test_the_scan_finds_what_trying_every_rule_at_every_position_finds(text):
    assert find_dates(text) == reference_find_dates(text)


@PROPERTIES
@given(datelike_text, datelike_text)
def test_paragraphs_are_read_independently(first, second):
    joined = first + "\n\n" + second
    offset = len(first) + 2
    expected = find_dates(first) + [
        dataclasses.replace(match, start=match.start + offset, end=match.end + offset) for match in find_dates(second)
    ]
    assert find_dates(joined) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_dates_and_normalise_date_never_raise(text):
    find_dates(text)
    normalise_date(text)


def test_long_runs_of_spaces_are_read_once():
    # Without an atomic separator each run of n spaces after "May" was split n² ways before
    # failing: this test then takes minutes instead of milliseconds (no timing assertion here).
    assert find_dates("May" + " " * 20_000 + "x") == []
    assert find_dates("16" + " " * 20_000 + "x 1923") == [DateMatch(20_004, 20_008, (("when", "1923"),), "year")]
