"""``conll``: CoNLL-2003 style NER data, one token and its IOB2 tag per line, a blank line after each sentence.

Tags are ``PER``, ``ORG``, ``LOC``, ``DATE`` (and ``MISC`` for ``name``/``rs``
of no known kind) from the tagged TEI; outside any entity a token is ``O``.
Where occurrences nest (a place inside an organisation's name) the outermost
wins. Every block of reading text is split into sentences (see
:mod:`teikit.export.sentences`) and each sentence into tokens: runs of letters
and digits (with inner apostrophes and hyphens: ``don't``, ``job-cuts``) or
single other characters, never crossing an entity's edge (where an edge cuts
a word, an English clitic stays one token: ``Trotsky`` ``'s``). The tokens of a block
joined back together are its text without white space. The file opens with
``-DOCSTART- O`` and a blank line, as CoNLL-2003 files do.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from . import Exporter
from .records import Extract, Occurrence

TAGS = {"person": "PER", "org": "ORG", "place": "LOC", "date": "DATE", "name": "MISC", "work": "MISC", "event": "MISC"}
# A word (with inner apostrophes and hyphens), an English clitic cut off by an entity's edge ("Lenin" + "'s"),
# or any other single character.
TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|['’](?:s|d|ll|re|ve|m)\b|[^\w\s]")


def outermost(occurrences: list[Occurrence]) -> list[Occurrence]:
    """The occurrences not inside another (and not overlapping an earlier one), in text order."""
    kept: list[Occurrence] = []
    for occurrence in sorted(occurrences, key=lambda o: (o.start, -o.end)):
        if occurrence.end > occurrence.start and (not kept or occurrence.start >= kept[-1].end):
            kept.append(occurrence)
    return kept


def tag_sentence(text: str, start: int, end: int, entities: list[Occurrence]) -> list[tuple[str, str]]:
    """(token, tag) pairs for text[start:end]; tokens are cut at every entity edge."""
    edges = sorted(
        {
            start,
            end,
            *(o.start for o in entities if start <= o.start < end),
            *(o.end for o in entities if start < o.end <= end),
        }
    )
    pairs: list[tuple[str, str]] = []
    for low, high in zip(edges, edges[1:], strict=False):
        entity = next((o for o in entities if o.start <= low and high <= o.end), None)
        for number, match in enumerate(TOKEN.finditer(text, low, high)):
            if entity is None:
                pairs.append((match.group(0), "O"))
                continue
            # A segment inside an entity is the whole entity (edges cut at entities only): its first token begins it.
            pairs.append((match.group(0), f"{'B' if number == 0 else 'I'}-{TAGS[entity.type]}"))
    return pairs


def iter_sentences(extracted: Extract) -> Iterator[list[tuple[str, str]]]:
    """Every sentence of the document as (token, tag) pairs, in document order, one at a time."""
    by_block: dict[int, list[Occurrence]] = {}
    for occurrence in extracted.occurrences:
        by_block.setdefault(occurrence.block, []).append(occurrence)
    for block in extracted.blocks:
        entities = outermost(by_block.get(block.index, []))
        for span in block.sentences:
            pairs = tag_sentence(block.text, span.start, span.end, entities)
            if pairs:
                yield pairs


def sentences(extracted: Extract) -> list[list[tuple[str, str]]]:
    """Every sentence of the document as (token, tag) pairs, in document order."""
    return list(iter_sentences(extracted))


def render(extracted: Extract) -> dict[str, bytes]:
    # One chunk per sentence, made as the sentences come: the token pairs of a whole corpus are never held.
    out = io.BytesIO()
    out.write(b"-DOCSTART- O\n\n")
    for sentence in iter_sentences(extracted):
        out.write(("".join(f"{token} {tag}\n" for token, tag in sentence) + "\n").encode("utf-8"))
    return {"conll": out.getvalue()}


EXPORTER = Exporter(
    name="conll",
    description="CoNLL-2003 style IOB2 token/tag columns (PER, ORG, LOC, DATE) for NER training",
    suffixes=("conll",),
    needs="entities",
    render=render,
)
