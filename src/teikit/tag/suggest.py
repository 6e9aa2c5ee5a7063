"""Suggest names the register lacks: capitalised, name-like phrases no register form covers.

A phrase is a run of capitalised words (acronyms included) joined by spaces, by an apostrophe
("Workers' Group", "O'Brien") or by lower-case connectors inside it ("Group of the Russian
Communist Party", "Rosa von Luxemburg"), optionally ending in a bracketed run ("RCP (B)").
Hyphenated words are one word ("Social-Democrats"); a possessive 's stays outside ("Lenin's").
Phrases never cross a line or other punctuation.

An ordinary word capitalised only because it starts a sentence is not a name: a phrase loses its
first word when that word starts a sentence and also occurs in lower case elsewhere in the text.
A phrase never begins with a function word from :data:`FUNCTION_WORDS` ("The Hague" suggests
"Hague": the article stays outside names, as the edition's guide requires).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..register import Register, normalise_form
from .names import NameMatcher, given_name_test

# Capitalised function words and sentence adverbs that never begin a name (a sentence start, a title,
# the pronoun I).
_FUNCTION_WORDS = """
A Also Although An And Another As At Because Both But By Each Either Even Every Finally First For From
He Hence Her Here His How However I If In Indeed Instead Into It Its Just Let Meanwhile Moreover Neither
Nevertheless No None Nonetheless Nor Not Now Of On Once One Only Or Our Out Over Perhaps Rather Shortly
Similarly Since So Some Still Such That The Their Then There Therefore These They This Those Though Thus
To Too Two Under Up Was We Were What When Where Whether Which While Who Why With Yes Yet You
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# Month and day names: dates are the date tagger's business, so a phrase of these alone is no suggestion.
_CALENDAR_WORDS = """
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
"""
CALENDAR_WORDS = frozenset(_CALENDAR_WORDS.split())
# Lower-case words that may join capitalised words inside one name ("the" only after another one:
# "Group of the Party", but not "October the Miasnikov Group").
_CONNECTORS = "of for de du des la le les von van der den di da del dos y al el"
CONNECTORS = frozenset(_CONNECTORS.split())
INNER_CONNECTORS = CONNECTORS | {"the"}
CONTEXT_WIDTH = 30  # characters of context on each side of an occurrence
MAX_CONTEXTS = 3  # contexts kept per suggestion (its lines are all kept)

# A word, hyphenated words as one; a contraction ("Didn't", "They're") stays in the word, a possessive
# 's does not ("Lenin's" is the word "Lenin").
_WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*(?:['\u2019](?:t|ll|re|ve|d|m)(?![^\W_]))?")
# What may stand between two words of one phrase: white space on one line, or an apostrophe
# ("Workers' Group", "O'Brien").
_JOINER = re.compile(r"['\u2019]?[^\S\n]+|['\u2019]")
_SPACE = re.compile(r"[^\S\n]+")
_OPEN_BRACKET = re.compile(r"[^\S\n]*\([^\S\n]*")
_CLOSE_BRACKET = re.compile(r"[^\S\n]*\)")
# Skipped when looking back for a sentence start: space, opening quotes and brackets, note references.
_BEFORE_WORD = re.compile(r"(?:[^\S\n]|[\"'“‘«(\[]|\[\d+\])*\Z")
_SENTENCE_END = ".!?:…\n"


@dataclass(frozen=True)
class Suggestion:
    """A phrase that looks like a name and is not in the register, with where it occurs.

    ``kind`` is "new" for a phrase no register form touches, "longer" for one that *contains* a registered
    name but is longer than it ("the Executive Committee of the Communist International"); ``contains``
    then names the entries whose forms it holds.
    """

    phrase: str
    count: int
    contexts: tuple[str, ...]
    lines: tuple[int, ...]
    kind: str = "new"
    contains: tuple[str, ...] = ()
    places: tuple[tuple[int, int], ...] = ()


LONGER = "longer than a registered name"


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        """True for a word that may be part of a name: capitalised, no contraction."""
        return (self.text[0].isupper() or self.text[0].istitle()) and "'" not in self.text and "\u2019" not in self.text


def suggest(text: str, register: Register | None, *, min_count: int = 1, longer: bool = False) -> list[Suggestion]:
    """Name-like phrases of ``text`` that no register form covers, most frequent first.

    With ``longer``, also the phrases that contain a registered name but are longer than it (kind "longer").
    """
    words = [_Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    lower_case = {word.text for word in words if word.text[0].islower()}
    matches = _register_matches(text, register)
    covered = [(start, end) for start, end, _ in matches]
    reviewed = {normalise_form(phrase) for phrase in register.not_names} if register is not None else set()
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    first_written: dict[tuple[str, str], str] = {}
    holds: dict[tuple[str, str], list[str]] = {}
    for start, end in _phrases(text, words, lower_case):
        kind = "new"
        if _overlaps(covered, start, end):
            inside = [m for m in matches if start <= m[0] and m[1] <= end]
            # A phrase that is a registered name, or only partly overlaps one, says nothing new.
            if not longer or not inside or any(m[0] == start and m[1] == end for m in inside):
                continue
            if any(m[0] < end and start < m[1] and not (start <= m[0] and m[1] <= end) for m in matches):
                continue
            opening = _WORD.match(text, start)
            word = opening.group() if opening else ""
            ordinary = word.lower() in lower_case or word.endswith(SENTENCE_WORD_ENDINGS) or word in reviewed
            if _starts_sentence(text, start) and ordinary:
                continue  # "Despite Lenin", "Unfortunately for Poincaré": a sentence's first word, not a name's
            kind = "longer"
        key = (kind, normalise_form(text[start:end]))
        if key[1] in reviewed:
            continue
        found.setdefault(key, []).append((start, end))
        first_written.setdefault(key, text[start:end])
        if kind == "longer":
            ids = holds.setdefault(key, [])
            ids.extend(m[2] for m in matches if start <= m[0] and m[1] <= end and m[2] not in ids)
    suggestions = [
        Suggestion(
            phrase=first_written[key],
            count=len(places),
            contexts=tuple(_context(text, start, end) for start, end in places[:MAX_CONTEXTS]),
            lines=tuple(sorted({bisect_right(line_starts, start) for start, _ in places})),
            kind=key[0],
            contains=tuple(holds.get(key, ())),
            places=tuple(places),
        )
        for key, places in found.items()
        if len(places) >= min_count
    ]
    suggestions.sort(key=lambda s: (s.kind != "new", -s.count, s.phrase))
    return suggestions


def _phrases(text: str, words: list[_Word], lower_case: set[str]):
    """(start, end) of every name-like phrase, after dropping ordinary first words."""
    index = 0
    while index < len(words):
        if not words[index].capitalised:
            index += 1
            continue
        members, end, index = _extend(text, words, index)
        while members and _ordinary_first_word(text, members[0], lower_case):
            members = members[1:]
            while members and members[0].text in INNER_CONNECTORS:
                members = members[1:]
        if members and not all(_calendar_word(word.text) for word in members):
            yield members[0].start, end


def _extend(text: str, words: list[_Word], first: int) -> tuple[list[_Word], int, int]:
    """Grow a phrase from a capitalised word: its words, its end, and the index after it."""
    members = [words[first]]
    index = first
    while index + 1 < len(words):
        here, after = words[index], words[index + 1]
        gap = text[here.end : after.start]
        if _JOINER.fullmatch(gap) and after.capitalised:
            members.append(after)
            index += 1
            continue
        if _SPACE.fullmatch(gap) and after.text in CONNECTORS:
            landing = _after_connectors(text, words, index + 1)
            if landing is not None:
                members.extend(words[index + 1 : landing + 1])
                index = landing
                continue
        if _OPEN_BRACKET.fullmatch(gap) and after.capitalised:
            closing = _bracket_end(text, words, index + 1)
            if closing is not None:
                last, end = closing
                members.extend(words[index + 1 : last + 1])
                return members, end, last + 1
        break
    return members, members[-1].end, index + 1


def _after_connectors(text: str, words: list[_Word], index: int) -> int | None:
    """The index of the capitalised word after a run of connectors starting at ``index``, if any."""
    while index < len(words) and words[index].text in INNER_CONNECTORS:
        if index + 1 >= len(words) or not _SPACE.fullmatch(text[words[index].end : words[index + 1].start]):
            return None
        index += 1
    # "Group of 15", "Platform of the 46": a small number closes a name too (a year does not: "Congress of 1920").
    if index < len(words) and (words[index].capitalised or _small_number(words[index].text)):
        return index
    return None


def _small_number(word: str) -> bool:
    return word.isdigit() and len(word) < 4


def _bracket_end(text: str, words: list[_Word], index: int) -> tuple[int, int] | None:
    """For "( Capitalised … )": the index of the last word inside and the end after ')'."""
    while True:
        rest = words[index + 1].start if index + 1 < len(words) else len(text)
        gap = text[words[index].end : rest]
        closing = _CLOSE_BRACKET.match(gap)
        if closing:
            return index, words[index].end + closing.end()
        if index + 1 < len(words) and _JOINER.fullmatch(gap) and words[index + 1].capitalised:
            index += 1
            continue
        return None


def _calendar_word(word: str) -> bool:
    return all(part in CALENDAR_WORDS for part in re.split("[-\u2010\u2011]", word))


# A sentence's first word with an adverb's or a participle's ending ("Unfortunately", "Isolated since …",
# "Comparing …") is an ordinary word even if the text never writes it in lower case.
SENTENCE_WORD_ENDINGS = ("ly", "ed", "ing")


def _ordinary_first_word(text: str, word: _Word, lower_case: set[str]) -> bool:
    if word.text in FUNCTION_WORDS:
        return True
    ordinary = word.text.lower() in lower_case or (len(word.text) > 4 and word.text.endswith(SENTENCE_WORD_ENDINGS))
    return ordinary and _starts_sentence(text, word.start)


def _starts_sentence(text: str, start: int) -> bool:
    """True at the start of the text or of a line, or after sentence punctuation (quotes and notes aside)."""
    before = text[max(0, start - 40) : start]
    gap = _BEFORE_WORD.search(before)
    assert gap is not None  # the pattern matches the empty string at the end
    previous = before[: gap.start()]
    return not previous or previous[-1] in _SENTENCE_END


def _register_matches(text: str, register: Register | None) -> list[tuple[int, int, str]]:
    """The spans the register's forms match (with their ids), line by line (as blocks are tagged), in order."""
    if register is None or len(register) == 0:
        return []
    matcher = NameMatcher(register, given_name_test(register))
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        spans.extend((offset + m.start, offset + m.end, m.entity_id) for m in matcher.find(line))
        offset += len(line)
    return spans


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    index = bisect_left(spans, (start, start))
    if index > 0 and spans[index - 1][1] > start:
        return True
    return index < len(spans) and spans[index][0] < end


def _context(text: str, start: int, end: int) -> str:
    """The occurrence with up to CONTEXT_WIDTH characters either side, on one line."""
    left = max(0, start - CONTEXT_WIDTH)
    right = min(len(text), end + CONTEXT_WIDTH)
    snippet = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + snippet + ("…" if right < len(text) else "")
