"""Find dates in English running text and normalise them to TEI attributes (ISO 8601 values).

The conventions are those of the encoding guide's section on dates (schemas/encoding-guide.md):
``@when`` for a point, ``@from``/``@to`` for a range written with two endpoints,
``@notBefore``/``@notAfter`` for a vague span (seasons, early/mid/late, decades,
centuries). A match is a range over the original string; the text is never changed.

Each date form is one entry of :data:`DATE_RULES`: a regular expression and a
function that turns its match into attributes. :func:`find_dates` scans the text
once with all rules combined; where it stops, every rule is tried at that place
and the longest match wins. Every candidate's attributes then pass through
:func:`check_date_attrs`; one that fails (30 February, 1927 to 1923) is not a
date and nothing inside it is tagged.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..errors import UsageError

Attrs = tuple[tuple[str, str], ...]

# Four-digit numbers outside this range are never years ("2500 roubles", "0923"); _Y below says the same.
MIN_YEAR = 1000
MAX_YEAR = 2100

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Written with or without the full stop ("Sept. 1923", "Oct 1923"); "May" has no abbreviation.
MONTH_ABBREVIATIONS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7,
    "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, start=1)} | MONTH_ABBREVIATIONS

# Meteorological seasons, northern hemisphere: (first month, last month). Winter ends in the next year.
SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}

# Early/mid/late and beginning/middle/end of: the first, second or last third of a span.
THIRDS = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}
YEAR_THIRDS = ((1, 4), (5, 8), (9, 12))  # months
MONTH_THIRDS = ((1, 10), (11, 20), (21, 31))  # days; the last third ends on the month's last day
DECADE_THIRDS = ((0, 3), (4, 6), (7, 9))  # years of the decade
CENTURY_THIRDS = ((0, 33), (34, 66), (67, 99))  # years of the century

DECADE_WORDS = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
    "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
}  # fmt: skip
CENTURY_WORDS = {
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21,
}  # fmt: skip

# A four-digit number followed by one of these (in lower case) counts something: "1200 workers",
# "1500 km". Words that are also verbs ("1923 marks a turning point") or proper names are left out.
COUNTING_NOUNS = (
    "people", "persons", "men", "women", "children", "workers", "members", "delegates",
    "comrades", "militants", "strikers", "soldiers", "troops", "sailors", "peasants",
    "prisoners", "votes", "voters", "signatures", "copies", "pages", "words", "deaths",
    "dead", "victims", "families", "factories", "enterprises", "villages",
    "years", "months", "weeks", "days", "hours", "minutes", "times",
    "km", "kilometres", "kilometers", "miles", "metres", "meters", "kg", "tons", "tonnes",
    "roubles", "rubles", "kopecks", "dollars", "francs", "lire", "pesetas",
    "percent", "per cent", "%",
)  # fmt: skip

# Years before Christ are left untagged: teikit writes only four-digit years of the common era.
BEFORE_CHRIST = ("BC", "B.C.", "BCE", "B.C.E.")

ATTRIBUTE_FAMILIES = {
    "when": ("when",),
    "from/to": ("from", "to"),
    "notBefore/notAfter": ("notBefore", "notAfter"),
}
DATE_ATTRIBUTES = tuple(name for names in ATTRIBUTE_FAMILIES.values() for name in names)


# --- pattern pieces --------------------------------------------------------------------------


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so none shadows a longer one."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _initials(*words: str) -> str:
    """The first letters of the words in both cases, for a regex character class."""
    return "".join(sorted({case(word[0]) for word in words for case in (str.lower, str.upper)}))


def _words(*words: str) -> str:
    """Words in any letter case ("Summer of 1923" at a sentence start, "SUMMER" in a heading)."""
    # The lookahead on the first letters lets the scan leave most words after one character test.
    return f"(?=[{_initials(*words)}])(?i:{_alternatives(words)})"


_YEAR_STARTS = "12"
_DAY_STARTS = "0-9"
_MONTH_STARTS = "".join(sorted({name[0] for name in MONTHS}))
_THIRD_STARTS = _initials(*THIRDS)


# Spaces between words, holding at most one line break: a date may wrap, never cross a paragraph.
# Atomic, so that a long run of spaces is not split every possible way when what follows fails.
_WS = r"(?>[^\S\n]+(?:\n[^\S\n]*)?|\n[^\S\n]*)"
# Hyphen, Unicode hyphen, non-breaking hyphen, en dash; written without spaces around it.
_DASH = "[-\u2010\u2011\u2013]"
# Where a date may begin: not inside a word or number ("A1923", "1,1923", "2-1923"),
# not after a currency sign.
_LB = r"(?<![\w$£€¥])(?<!\d[.,/\u2010\u2011\u2013-])"
_Y = r"(?:1[0-9]{3}|20[0-9]{2}|2100)"  # MIN_YEAR to MAX_YEAR
# Where a date ending in a year may end: not inside a number ("19234", "1923.5", "1923-05"),
# not before a counting noun ("1923 members") or an era before Christ ("1200 BC").
_RB = (
    r"(?![\w%])(?![.,/\u2010\u2011\u2013-][0-9])"
    rf"(?!{_WS}(?:{_alternatives(COUNTING_NOUNS + BEFORE_CHRIST)})(?!\w))"
)
# Month names are case-sensitive: "may" is a verb, "May" a month.
_MONTH = rf"(?=[{_MONTH_STARTS}])(?:{_alternatives(MONTHS)}|(?:{_alternatives(MONTH_ABBREVIATIONS)})\.?)"
_DAY = r"(?=[0-9])(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_OF = rf"(?:{_WS}{_words('of')})?"
_SEASON = _words(*SEASONS)
_THIRD_PREFIX = rf"(?:{_words('early', 'late')}{_WS}|{_words('mid')}(?:{_DASH}|{_WS}))"
_THIRD_OF = rf"(?:{_words('beginning', 'start', 'middle', 'end')}{_WS}{_words('of')}{_WS})"
_THE = rf"{_words('the')}{_WS}"
# A two-digit decade or a decade word is a date only after "the" ("the 20s"; "in his 20s" is an age).
_AFTER_THE = r"(?<=\b[Tt][Hh][Ee]\s)"
_DECADE_SHORT = rf"(?:['’]?[1-9]0['’]?[sS]|{_words(*DECADE_WORDS)})"
_CENTURY_ORDINAL = rf"(?:(?:1[1-9]|2[01])(?:st|nd|rd|th)|{_words(*CENTURY_WORDS)})"

# The forms a point can take, most complete first. A range's endpoints are points; a shortened
# first endpoint ("3-5 May", "April-May") borrows what it leaves out from the second.
_POINTS = {
    "day-month-year": rf"(?P<day>{_DAY}){_WS}(?:{_words('of')}{_WS})?(?P<month>{_MONTH}),?{_WS}"
    rf"(?P<year>{_Y})",
    "month-day-year": rf"(?P<month>{_MONTH}){_WS}(?P<day>{_DAY}),?{_WS}(?P<year>{_Y})",
    "month-year": rf"(?P<month>{_MONTH}){_OF}{_WS}(?P<year>{_Y})",
    "year": rf"(?P<year>{_Y})",
    "day-month": rf"(?P<day>{_DAY}){_WS}(?:{_words('of')}{_WS})?(?P<month>{_MONTH})",
    "month-day": rf"(?P<month>{_MONTH}){_WS}(?P<day>{_DAY})",
    "month": rf"(?P<month>{_MONTH})",
    "day": rf"(?P<day>{_DAY})",
}
_POINT_READERS = tuple(re.compile(pattern) for pattern in _POINTS.values())


def _unnamed(pattern: str) -> str:
    """The pattern with its named groups made plain, so that it can appear twice in one regex."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _any_point(*forms: str) -> str:
    return "(?:" + "|".join(_unnamed(_POINTS[form]) for form in forms) + ")"


_FULL_POINT = _any_point("day-month-year", "month-day-year", "month-year", "year")
_ANY_POINT = _any_point(*_POINTS)
# Ranges written with a dash name a month: "1921-22" is a rule of its own, "3-1923" is nothing.
_MONTHLY_FULL_POINT = _any_point("day-month-year", "month-day-year", "month-year")
_MONTHLY_POINT = _any_point(*(form for form in _POINTS if form != "year"))


# --- values ----------------------------------------------------------------------------------


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    """An ISO 8601 value at the precision given: YYYY, YYYY-MM or YYYY-MM-DD."""
    value = f"{year:04d}"
    if month is not None:
        value += f"-{month:02d}"
        if day is not None:
            value += f"-{day:02d}"
    return value


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_number(word: str) -> int:
    return MONTH_NUMBERS[word.rstrip(".")]


def _day_number(word: str) -> int:
    return int(word.rstrip("stndrh"))


def _third(words: str) -> int:
    """Which third "early", "mid-", "the end of" … name: 0, 1 or 2."""
    word = re.match(r"[a-z]+", words.lower())
    assert word is not None, "the rules give a third only in words"
    return THIRDS[word[0]]


def _read_point(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of one endpoint of a range; None for what the text leaves out."""
    for reader in _POINT_READERS:
        match = reader.fullmatch(text)
        if match:
            parts = match.groupdict()
            year = int(parts["year"]) if parts.get("year") else None
            month = _month_number(parts["month"]) if parts.get("month") else None
            day = _day_number(parts["day"]) if parts.get("day") else None
            return year, month, day
    raise AssertionError(f"range endpoint the patterns accepted but cannot read: {text!r}")


# --- attribute builders, one per form ---------------------------------------------------------

Build = Callable[[re.Match[str], int], Attrs | None]


def _year(m: re.Match[str], century: int) -> Attrs:
    return (("when", m["year"]),)


def _month_year(m: re.Match[str], century: int) -> Attrs:
    return (("when", _iso(int(m["year"]), _month_number(m["month"]))),)


def _day_month_year(m: re.Match[str], century: int) -> Attrs:
    return (("when", _iso(int(m["year"]), _month_number(m["month"]), _day_number(m["day"]))),)


def _year_range(m: re.Match[str], century: int) -> Attrs:
    first = int(m["first"])
    # "1921-22": the second year keeps the first one's century.
    last = int(m["last"]) if len(m["last"]) == 4 else first // 100 * 100 + int(m["last"])
    return (("from", _iso(first)), ("to", _iso(last)))


def _point_range(m: re.Match[str], century: int) -> Attrs | None:
    """Two endpoints; the first borrows from the second what it leaves out ("3-5 May 1923")."""
    year_a, month_a, day_a = _read_point(m["a"])
    year_b, month_b, day_b = _read_point(m["b"])
    if year_a is None:
        # A shortened first endpoint must be as precise as the second: "3-5 May", "April-May".
        if (day_a is None) != (day_b is None) or month_b is None:
            return None
        year_a, month_a = year_b, month_a or month_b
    assert year_a is not None and year_b is not None, "the range patterns give the second endpoint its year"
    return (("from", _iso(year_a, month_a, day_a)), ("to", _iso(year_b, month_b, day_b)))


def _month_day_range(m: re.Match[str], century: int) -> Attrs:
    year, month = int(m["year"]), _month_number(m["month"])
    return (
        ("from", _iso(year, month, _day_number(m["first"]))),
        ("to", _iso(year, month, _day_number(m["last"]))),
    )


def _season_span(season: str, year: int) -> tuple[str, str]:
    first_month, last_month = SEASONS[season.lower()]
    last_year = year + 1 if last_month < first_month else year
    return _iso(year, first_month, 1), _iso(last_year, last_month, _last_day(last_year, last_month))


def _season(m: re.Match[str], century: int) -> Attrs:
    not_before, not_after = _season_span(m["season"], int(m["year"]))
    return (("notBefore", not_before), ("notAfter", not_after))


def _season_range(m: re.Match[str], century: int) -> Attrs:
    """Two seasons and a year ("summer-autumn 1923"): the first season is the one before the last."""
    year = int(m["year"])
    last_start, not_after = _season_span(m["last"], year)
    first_start, _ = _season_span(m["first"], year)
    if first_start >= last_start:  # "winter-spring 1923" begins in December 1922
        first_start, _ = _season_span(m["first"], year - 1)
    return (("notBefore", first_start), ("notAfter", not_after))


def _winter_years(m: re.Match[str], century: int) -> Attrs | None:
    first = int(m["first"])
    last = int(m["last"]) if len(m["last"]) == 4 else first // 100 * 100 + int(m["last"])
    if last != first + 1:
        return None
    not_before, not_after = _season_span("winter", first)
    return (("notBefore", not_before), ("notAfter", not_after))


def _third_of_year(m: re.Match[str], century: int) -> Attrs:
    year = int(m["year"])
    first_month, last_month = YEAR_THIRDS[_third(m["third"])]
    return (
        ("notBefore", _iso(year, first_month, 1)),
        ("notAfter", _iso(year, last_month, _last_day(year, last_month))),
    )


def _third_of_month(m: re.Match[str], century: int) -> Attrs:
    year, month = int(m["year"]), _month_number(m["month"])
    first_day, last_day = MONTH_THIRDS[_third(m["third"])]
    return (
        ("notBefore", _iso(year, month, first_day)),
        ("notAfter", _iso(year, month, min(last_day, _last_day(year, month)))),
    )


def _years_span(start: int, span: tuple[int, int]) -> Attrs:
    return (("notBefore", _iso(start + span[0])), ("notAfter", _iso(start + span[1])))


def _decade(m: re.Match[str], century: int) -> Attrs:
    thirds = DECADE_THIRDS[_third(m["third"])] if m["third"] else (0, 9)
    return _years_span(int(m["decade"]), thirds)


def _decade_short(m: re.Match[str], century: int) -> Attrs:
    written = m["decade"].lower()
    start = century + (DECADE_WORDS[written] if written in DECADE_WORDS else int(written.strip("'’s")))
    thirds = DECADE_THIRDS[_third(m["third"])] if m["third"] else (0, 9)
    return _years_span(start, thirds)


def _century(m: re.Match[str], century: int) -> Attrs:
    ordinal = m["ordinal"].lower()
    number = CENTURY_WORDS[ordinal] if ordinal in CENTURY_WORDS else int(ordinal[:-2])
    # As historians use it: the 19th century is 1800-1899.
    thirds = CENTURY_THIRDS[_third(m["third"])] if m["third"] else (0, 99)
    return _years_span((number - 1) * 100, thirds)


# --- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRule:
    """One date form: where it is in running text and how its match becomes attributes.

    ``starts`` lists (as a regex character class) every character the form can begin
    with; it lets the scan pass over other words after one test, and a test checks it.
    """

    name: str
    starts: str
    regex: re.Pattern[str]
    build: Build


def _rule(name: str, starts: str, body: str, build: Build) -> DateRule:
    return DateRule(name, starts, re.compile(f"{_LB}(?=[{starts}]){body}"), build)


# The order only breaks ties between matches of equal length; a new form is one new entry.
DATE_RULES: tuple[DateRule, ...] = (
    _rule("year", _YEAR_STARTS, rf"(?P<year>{_Y}){_RB}", _year),
    _rule("year-range", _YEAR_STARTS, rf"(?P<first>{_Y}){_DASH}(?P<last>{_Y}|[0-9]{{2}}){_RB}", _year_range),
    _rule("month-year", _MONTH_STARTS, _POINTS["month-year"] + _RB, _month_year),
    _rule("day-month-year", _DAY_STARTS, _POINTS["day-month-year"] + _RB, _day_month_year),
    _rule("month-day-year", _MONTH_STARTS, _POINTS["month-day-year"] + _RB, _day_month_year),
    _rule(
        "dash-range",
        _DAY_STARTS + _MONTH_STARTS,
        rf"(?P<a>{_MONTHLY_POINT}){_DASH}(?P<b>{_MONTHLY_FULL_POINT}){_RB}",
        _point_range,
    ),
    _rule(
        "month-day-range",
        _MONTH_STARTS,
        rf"(?P<month>{_MONTH}){_WS}(?P<first>{_DAY}){_DASH}(?P<last>{_DAY}),?{_WS}(?P<year>{_Y}){_RB}",
        _month_day_range,
    ),
    _rule(
        "from-to",
        _initials("from"),
        rf"{_words('from')}{_WS}(?P<a>{_ANY_POINT}){_WS}{_words('to', 'until', 'till')}{_WS}"
        rf"(?P<b>{_FULL_POINT}){_RB}",
        _point_range,
    ),
    _rule(
        "between-and",
        _initials("between"),
        rf"{_words('between')}{_WS}(?P<a>{_ANY_POINT}){_WS}{_words('and')}{_WS}(?P<b>{_FULL_POINT}){_RB}",
        _point_range,
    ),
    _rule("season", _initials(*SEASONS), rf"(?P<season>{_SEASON}){_OF}{_WS}(?P<year>{_Y}){_RB}", _season),
    _rule(
        "season-range",
        _initials(*SEASONS),
        rf"(?P<first>{_SEASON}){_DASH}(?P<last>{_SEASON}){_OF}{_WS}(?P<year>{_Y}){_RB}",
        _season_range,
    ),
    _rule(
        "winter-years",
        _initials("winter"),
        rf"{_words('winter')}{_OF}{_WS}(?P<first>{_Y}){_DASH}(?P<last>{_Y}|[0-9]{{2}}){_RB}",
        _winter_years,
    ),
    _rule(
        "third-of-year",
        _THIRD_STARTS,
        # No "the" before a year ("the beginning of the 1930" is a typo of one text: its edition file
        # declares the correction and the date).
        rf"(?P<third>{_THIRD_PREFIX}|{_THIRD_OF})(?P<year>{_Y}){_RB}",
        _third_of_year,
    ),
    _rule(
        "third-of-month",
        _THIRD_STARTS,
        rf"(?P<third>{_THIRD_PREFIX}|{_THIRD_OF})(?P<month>{_MONTH}){_OF}{_WS}(?P<year>{_Y}){_RB}",
        _third_of_month,
    ),
    _rule(
        "decade",
        _YEAR_STARTS + _THIRD_STARTS,
        # "the 1900s" is left alone: a century or its first decade, the text does not say which.
        rf"(?P<third>{_THIRD_PREFIX}|{_THIRD_OF}(?:{_THE})?)?(?P<decade>(?:1[0-9]|20)[1-9]0)['’]?[sS](?!\w)",
        _decade,
    ),
    _rule(
        "decade-short",
        _DAY_STARTS + "'’" + _THIRD_STARTS + _initials(*DECADE_WORDS),
        rf"{_AFTER_THE}(?P<third>{_THIRD_PREFIX}|{_THIRD_OF}{_THE})?(?P<decade>{_DECADE_SHORT})(?!\w)",
        _decade_short,
    ),
    _rule(
        "century",
        _YEAR_STARTS + _THIRD_STARTS + _initials(*CENTURY_WORDS),
        rf"(?P<third>{_THIRD_PREFIX}|{_THIRD_OF}(?:{_THE})?)?(?P<ordinal>{_CENTURY_ORDINAL})"
        rf"(?:{_WS}|{_DASH}){_words('century')}(?!\w)",
        _century,
    ),
)


def _search_pattern(rules: tuple[DateRule, ...]) -> re.Pattern[str]:
    """All rules as one alternation, used only to find where the next date may start."""
    # The boundary test and a test of the first character are common to every rule, so they
    # are made once; group names would clash across rules, and the search needs none of them.
    starts = "".join(rule.starts for rule in rules)
    bodies = "|".join(f"(?:{_unnamed(rule.regex.pattern.removeprefix(_LB))})" for rule in rules)
    return re.compile(f"{_LB}(?=[{starts}])(?:{bodies})")


_SEARCH = _search_pattern(DATE_RULES)


# --- public API -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: text[start:end] is its content, attrs its TEI attributes."""

    start: int
    end: int
    attrs: Attrs
    rule: str


def find_dates(text: str, *, default_century: int = 1900) -> list[DateMatch]:
    """Every date in the text: non-overlapping, in order, the longest form wherever forms compete."""
    _check_century(default_century)
    found: list[DateMatch] = []
    position = 0
    while hit := _SEARCH.search(text, position):
        rule, match = _longest_at(text, hit.start())
        position = match.end()
        attrs = rule.build(match, default_century)
        if attrs is not None and not check_date_attrs(dict(attrs)):
            found.append(DateMatch(match.start(), match.end(), attrs, rule.name))
    return found


_LEADING_THE = re.compile(r"^(?i:the)\s+")


def normalise_date(phrase: str, *, default_century: int = 1900) -> Attrs | None:
    """The attributes of a phrase that is wholly one date (a leading "the" allowed), else None."""
    core = _LEADING_THE.sub("", phrase.strip())
    # The phrase is read as a date's content after "the", the context "late 20s" needs in running text.
    context = "the "
    found = find_dates(context + core, default_century=default_century)
    if len(found) == 1 and found[0].start == len(context) and found[0].end == len(context) + len(core):
        return found[0].attrs
    return None


def check_date_attrs(attrs: Mapping[str, str]) -> list[str]:
    """Problems with a date's TEI attributes (other attributes are ignored); empty when all is well."""
    present = [name for name in DATE_ATTRIBUTES if name in attrs]
    if not present:
        return ["no date value: give @when, @from and @to, or @notBefore and @notAfter"]
    problems = []
    families = [family for family, names in ATTRIBUTE_FAMILIES.items() if any(n in attrs for n in names)]
    if len(families) > 1:
        problems.append(f"mixed attribute families ({', '.join(families)}): use exactly one of them")
    spans: dict[str, tuple[Day, Day]] = {}
    for name in present:
        span, problem = _calendar_span(attrs[name])
        if span is None:
            problems.append(f'@{name}="{attrs[name]}" {problem}')
        else:
            spans[name] = span
    for first, last in (("from", "to"), ("notBefore", "notAfter")):
        if (first in attrs) != (last in attrs):
            given, missing = (first, last) if first in attrs else (last, first)
            problems.append(f"@{given} without @{missing}")
        elif first in spans and last in spans and spans[first][0] > spans[last][1]:
            problems.append(f'@{first}="{attrs[first]}" is after @{last}="{attrs[last]}"')
    return problems


# --- helpers of the public functions ----------------------------------------------------------


def _longest_at(text: str, start: int) -> tuple[DateRule, re.Match[str]]:
    """The rule with the longest match starting at ``start``; the earlier rule on a tie."""
    best: tuple[DateRule, re.Match[str]] | None = None
    for rule in _rules_starting_with(text[start]):
        match = rule.regex.match(text, start)
        if match and (best is None or match.end() > best[1].end()):
            best = (rule, match)
    assert best is not None, "the search pattern found a start no rule matches"
    return best


@functools.cache
def _rules_starting_with(character: str) -> tuple[DateRule, ...]:
    return tuple(rule for rule in DATE_RULES if re.fullmatch(f"[{rule.starts}]", character))


def _check_century(century: int) -> None:
    if not (isinstance(century, int) and century % 100 == 0 and MIN_YEAR <= century <= MAX_YEAR - 100):
        raise UsageError(
            f"default century {century!r} is not the first year of a century between {MIN_YEAR} and {MAX_YEAR - 100}",
            hint="give a year such as 1900; two-digit decades like 'the 20s' are read in it",
        )


_ISO_VALUE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


Day = tuple[int, int, int]


def _calendar_span(value: str) -> tuple[tuple[Day, Day] | None, str | None]:
    """The first and last day an ISO value covers, as (year, month, day), or what is wrong with it."""
    match = _ISO_VALUE.fullmatch(value)
    if not match:
        return None, "is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"
    year = int(match[1])
    month, day = (int(part) if part else None for part in match.groups()[1:])
    if year == 0:
        return None, "is not a real calendar date (there is no year 0000)"
    if month is None:
        return ((year, 1, 1), (year, 12, 31)), None
    if not 1 <= month <= 12:
        return None, "is not a real calendar date (no month " + match[2] + ")"
    last = _last_day(year, month)
    if day is None:
        return ((year, month, 1), (year, month, last)), None
    if not 1 <= day <= last:
        return None, f"is not a real calendar date ({MONTHS[month - 1]} {year} has {last} days)"
    return ((year, month, day), (year, month, day)), None
