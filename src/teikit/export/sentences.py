"""A small, documented sentence splitter for the reading text of one block.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (possibly repeated, possibly
followed by closing quotation marks or brackets) when white space follows and
the next word starts with a capital letter or a digit (after any opening
quotation mark or bracket). A full stop does not end a sentence after a known
abbreviation ("Cf.", "n°s.", "Mr.", "e.g."), after a single capital letter
(an initial: "V. Smirnov") or inside a protected span (an entity: a tagged
name is never cut in two). "etc." ends a sentence only when a capital follows,
like any other word. That is all: no model, no guessing at lower-case starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A range of characters ``[start, end)`` in a block's reading text."""

    start: int
    end: int


# Lower-cased, without the final full stop. Words that never end a sentence when abbreviated.
ABBREVIATIONS = frozenset(
    {
        "cf",
        "n°",
        "n°s",
        "no",
        "nos",
        "nr",
        "p",
        "pp",
        "vol",
        "vols",
        "ch",
        "chap",
        "art",
        "fig",
        "ed",
        "eds",
        "e.g",
        "i.e",
        "viz",
        "vs",
        "ibid",
        "op",
        "cit",
        "sq",
        "sqq",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "prof",
        "rev",
        "gen",
        "col",
        "capt",
        "lt",
        "jr",
        "sr",
        "comp",
        "trans",
    }
)

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_OPENERS = "\"'“‘«([—–-"


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation or an initial."""
    if text[stop] != ".":
        return False
    start = stop
    while start > 0 and not text[start - 1].isspace():  # back to the start of the word (no regex rescans)
        start -= 1
    word = text[start:stop].lstrip("\"'“‘«([")
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True
    return word.lower() in ABBREVIATIONS


def _starts_sentence(text: str, position: int) -> bool:
    while position < len(text) and text[position] in _OPENERS:
        position += 1
    return position < len(text) and (text[position].isupper() or text[position].isdigit())


def split_sentences(text: str, protected: Iterable[Span] = ()) -> tuple[Span, ...]:
    """The sentences of ``text`` as spans, in order; white space between sentences belongs to none."""
    protected = tuple(protected)
    spans: list[Span] = []
    start = 0
    for match in _END.finditer(text):
        stop = match.start()
        after = match.end()
        end = len(match.group(0).rstrip()) + stop
        if _is_abbreviation(text, stop) or not _starts_sentence(text, after):
            continue
        if any(span.start < after and stop < span.end for span in protected):
            continue
        spans.append(Span(start, end))
        start = after
    if start < len(text) and text[start:].strip():
        spans.append(Span(start, len(text.rstrip())))
    return tuple(spans)
