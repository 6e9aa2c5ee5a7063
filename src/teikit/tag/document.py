"""Tag a Document: persons, organisations, places (from the register) and dates, as spans.

The text is never changed: tagging only adds spans. A name or date is kept
only where it fits the markup already there: it may sit inside a quotation,
and may enclose a declared correction, but never crosses a quotation, a note
reference or another name. The editor's decisions in the edition file come
first; the automatic matches fill in around them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from ..edition import DATE_KINDS, Edition, EditorialNote, Omission, TagDecision
from ..errors import InputError
from ..model import (
    TEXT_BLOCKS,
    BlockLike,
    Closer,
    Division,
    Document,
    Inline,
    ListBlock,
    Span,
    TextBlock,
    Title,
)
from .dates import DateMatch, find_dates
from .names import NameMatcher

_TextBlockT = TypeVar("_TextBlockT", bound=TextBlock)

ELEMENT_FOR_TYPE = {"person": "persName", "org": "orgName", "place": "placeName", "title": "title", "event": "event"}
ENTITY_ELEMENTS = set(ELEMENT_FOR_TYPE.values())
# Existing markup a new name or date may sit inside, and markup it may enclose.
MAY_SIT_INSIDE = {"q", "bibl"}
MAY_ENCLOSE = {"sic", "supplied", "surplus"}
# A citation the editor declares (bibl) holds whatever it covers: its quoted title, names, note references.
ENCLOSES_ANYTHING = {"bibl"}


@dataclass(frozen=True)
class TagResult:
    """The tagged document, the register ids it uses, and the editor's decisions that were applied."""

    document: Document
    used_ids: tuple[str, ...]
    decisions: tuple[str, ...]


def fits(candidate: Span, spans: Iterable[Span]) -> bool:
    """Whether a new span nests properly with the existing ones, under the rules above."""
    for other in spans:
        disjoint = other.end <= candidate.start or other.start >= candidate.end
        if disjoint or other.start == other.end:  # a supplied point never crosses anything
            continue
        inside = other.start <= candidate.start and candidate.end <= other.end
        encloses = candidate.start <= other.start and other.end <= candidate.end
        if (inside and other.tag in MAY_SIT_INSIDE) or (encloses and other.tag in MAY_ENCLOSE):
            continue
        if encloses and candidate.tag in ENCLOSES_ANYTHING:
            continue
        return False
    return True


class _SpanIndex:
    """The spans of one text in runs sorted by start, so that a candidate is checked only against its neighbours.

    Checking every candidate against every span is quadratic on a long paragraph (a 5 MB line has
    thousands of each); a span can only overlap a candidate if it starts less than the longest span's
    length before the candidate's end. Inserting into one sorted list was quadratic too (each insertion
    moves the list's tail): candidates come in sorted runs (names in text order, then dates in text
    order), so a span that starts at or after the last one of the current run is appended to it, any
    other starts a new run, and a look-up bisects each run.
    """

    def __init__(self, spans: Iterable[Span]) -> None:
        first = sorted(spans, key=lambda s: s.start)
        self.runs: list[tuple[list[int], list[tuple[int, Span]]]] = [([s.start for s in first], list(enumerate(first)))]
        self.added = len(first)
        self.longest = max((s.end - s.start for s in first), default=0)

    @property
    def spans(self) -> list[Span]:
        """Every span by start; equal starts in the order they were added (as insertion after equals gave)."""
        every = [entry for _, entries in self.runs for entry in entries]
        return [span for _, span in sorted(every, key=lambda entry: (entry[1].start, entry[0]))]

    def near(self, candidate: Span) -> list[Span]:
        found: list[Span] = []
        for starts, entries in self.runs:
            low = bisect_left(starts, candidate.start - self.longest)
            high = bisect_right(starts, candidate.end)
            found.extend(span for _, span in entries[low:high])
        return found

    def add(self, span: Span) -> None:
        starts, entries = self.runs[-1]
        if starts and span.start < starts[-1]:
            starts, entries = [], []
            self.runs.append((starts, entries))
        starts.append(span.start)
        entries.append((self.added, span))
        self.added += 1
        self.longest = max(self.longest, span.end - span.start)

    def fits(self, candidate: Span) -> bool:
        return fits(candidate, self.near(candidate))


class _Tagger:
    """Walks a document once, tagging every text it holds."""

    def __init__(
        self, edition: Edition, matcher: NameMatcher | None, title_levels: dict[str, str] | None = None
    ) -> None:
        self.edition = edition
        self.matcher = matcher
        self.title_levels = title_levels or {}
        self.decisions = {d: False for d in edition.tag_decisions}
        anchored: list[Omission | EditorialNote] = [*edition.omissions, *edition.notes]
        self.anchored = dict.fromkeys(anchored, False)
        self.used: set[str] = set()

    def inline(self, content: Inline, first_line: int) -> Inline:
        spans = _SpanIndex(content.spans)
        suppressed: list[tuple[int, int]] = []
        for span in self._anchored_spans(content, first_line):
            spans.add(span)
        for decision in self._decisions_for(content, first_line):
            span = self._decision_span(content, first_line, decision)
            if decision.element == "none":
                suppressed.append((span.start, span.end))
                continue
            made = [span, *self._scope_span(content, span)]
            for piece in made:
                if not spans.fits(piece):
                    raise InputError(
                        f"[[tag]] on line {decision.line}: {decision.text!r} crosses other markup",
                        self.edition.path,
                        hint="choose a text that nests inside or around it",
                    )
                spans.add(piece)
                self._note_use(piece)
        for candidate in self._candidates(content.text):
            if any(start < candidate.end and candidate.start < end for start, end in suppressed):
                continue
            if spans.fits(candidate):
                spans.add(candidate)
                self._note_use(candidate)
        return content.with_spans(_titles_for_quotations(spans.spans))

    def _anchored_spans(self, content: Inline, first_line: int) -> list[Span]:
        """Omissions (gap) and editorial notes, as points just after the string the edition file quotes."""
        last_line = first_line + content.text.count("\n")
        found = []
        for item in self.anchored:
            if not first_line <= item.line <= last_line:
                continue
            needle = item.after if isinstance(item, Omission) else item.at
            start, end = self._locate(content, first_line, item.line, needle, _anchor_table(item))
            self.anchored[item] = True
            if isinstance(item, Omission):
                attrs = (
                    ("reason", item.reason),
                    ("desc", item.description),
                    *((("resp", item.resp),) if item.resp else ()),
                )
                found.append(Span(end, end, "gap", attrs))
            else:
                found.append(Span(end, end, "ednote", (("text", item.text), ("resp", item.resp))))
        return found

    def _scope_span(self, content: Inline, span: Span) -> list[Span]:
        """A citation's issue or page (biblScope) inside the bibl span the editor declared."""
        scope = span.attr("scope") if span.tag == "bibl" else None
        if not scope:
            return []
        index = content.text.find(scope, span.start, span.end)
        if index < 0:
            raise InputError(
                f"[[tag]]: scope {scope!r} is not inside the citation",
                self.edition.path,
                hint="quote the issue or pages exactly as the citation has them",
            )
        return [Span(index, index + len(scope), "biblScope")]

    def _candidates(self, text: str) -> list[Span]:
        found: list[Span] = []
        if self.matcher is not None:
            for match in self.matcher.find(text):
                element = ELEMENT_FOR_TYPE[match.entity_type]
                attrs: tuple[tuple[str, str], ...] = (("ref", f"#{match.entity_id}"),)
                if element == "title":
                    attrs = (("level", self.title_levels.get(match.entity_id, "m")), *attrs)
                found.append(Span(match.start, match.end, element, attrs))
        for date in find_dates(text, default_century=self.edition.default_century):
            found.append(Span(date.start, date.end, "date", date.attrs))
        return found

    def _note_use(self, span: Span) -> None:
        if span.tag in ENTITY_ELEMENTS and span.attr("ref"):
            self.used.add(span.attr("ref", "#")[1:])

    def _decisions_for(self, content: Inline, first_line: int) -> list[TagDecision]:
        last_line = first_line + content.text.count("\n")
        return [d for d in self.decisions if first_line <= d.line <= last_line]

    def _locate(self, content: Inline, first_line: int, line: int, needle: str, table: str) -> tuple[int, int]:
        """Where ``needle`` stands on source ``line`` of a block: it must occur there exactly once."""
        lines = content.text.split("\n")
        offset = sum(len(text) + 1 for text in lines[: line - first_line])
        line_text = lines[line - first_line]
        count = line_text.count(needle)
        if count != 1:
            problem = "does not occur" if count == 0 else f"occurs {count} times"
            raise InputError(
                f"[[{table}]] on line {line}: {needle!r} {problem} on that line",
                self.edition.path,
                hint="quote a string that occurs exactly once on the line",
            )
        start = offset + line_text.index(needle)
        return start, start + len(needle)

    def _decision_span(self, content: Inline, first_line: int, decision: TagDecision) -> Span:
        start, end = self._locate(content, first_line, decision.line, decision.text, "tag")
        self.decisions[decision] = True
        attrs = decision.attrs
        if decision.element == "date" and decision.kind is not None:
            attrs = self._date_of_kind(content.text, start, end, decision)
        return Span(start, end, decision.element, attrs)

    def _date_of_kind(self, text: str, start: int, end: int, decision: TagDecision) -> tuple[tuple[str, str], ...]:
        """The recogniser's values for the phrase, re-shaped to the kind of date the editor says it is."""
        given = dict(decision.attrs)
        values = {k: v for k, v in given.items() if k in ("when", "from", "to", "notBefore", "notAfter")}
        if not values:
            match = _date_at(find_dates(text, default_century=self.edition.default_century), start, end)
            if match is None:
                raise InputError(
                    f"[[tag]] on line {decision.line}: {decision.text!r} is not a date teikit recognises",
                    self.edition.path,
                    hint="give when, from/to or notBefore/notAfter",
                )
            values = dict(match.attrs)
        others = tuple((k, v) for k, v in given.items() if k not in values and k not in DATE_VALUE_KEYS)
        return (*reshape_date(values, decision.kind or "point"), *others)

    def blocks(self, blocks: tuple[BlockLike, ...]) -> tuple[BlockLike, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: BlockLike) -> BlockLike:
        if isinstance(block, Division):
            heading = self.text_block(block.heading) if block.heading is not None else None
            return replace(block, heading=heading, children=self.blocks(block.children))
        if isinstance(block, Closer):
            return replace(block, slogans=tuple(self.text_block(s) for s in block.slogans))
        if isinstance(block, ListBlock):
            return replace(block, items=tuple(replace(i, content=self.inline(i.content, i.line)) for i in block.items))
        if isinstance(block, TEXT_BLOCKS):
            return self.text_block(block)
        return block  # a section break holds no text

    def text_block(self, block: _TextBlockT) -> _TextBlockT:
        return replace(block, content=self.inline(block.content, block.line))


def tag_document(
    document: Document, edition: Edition, matcher: NameMatcher | None, title_levels: dict[str, str] | None = None
) -> TagResult:
    """Add name and date spans to every text of a document; check that every editor's decision was used.

    ``title_levels`` gives the @level (m, a, j…) of the register's titles, by id.
    """
    tagger = _Tagger(edition, matcher, title_levels)
    title = tagger.block(document.title) if document.title is not None else None
    tagged = replace(
        document,
        title=title if isinstance(title, Title) or title is None else document.title,
        front=tagger.blocks(document.front),
        body=tagger.blocks(document.body),
        back=tagger.blocks(document.back),
    )
    unused = [d for d, used in tagger.decisions.items() if not used]
    if unused:
        raise InputError(
            f"[[tag]] on line {unused[0].line}: no text block holds that line",
            edition.path,
            hint="give the source line where the text occurs",
        )
    unplaced = [item for item, used in tagger.anchored.items() if not used]
    if unplaced:
        raise InputError(
            f"[[{_anchor_table(unplaced[0])}]] on line {unplaced[0].line}: no text block holds that line",
            edition.path,
            hint="give the source line where the text occurs",
        )
    return TagResult(tagged, tuple(sorted(tagger.used)), tuple(_describe(d) for d in edition.tag_decisions))


def _describe(decision: TagDecision) -> str:
    # No source line number: it appears neither in the TEI nor in the HTML.
    attrs = " ".join(f"{k}={v}" for k, v in decision.attrs)
    kind = f" ({decision.kind} in time)" if decision.kind else ""
    what = "not tagged" if decision.element == "none" else f"tagged as {decision.element}{kind} {attrs}".strip()
    reason = f" — {decision.reason}" if decision.reason else ""
    return f"“{decision.text}” {what}{reason}."


def _anchor_table(item: Omission | EditorialNote) -> str:
    return "omission" if isinstance(item, Omission) else "note"


def _date_at(matches: list[DateMatch], start: int, end: int) -> DateMatch | None:
    return next((m for m in matches if m.start == start and m.end == end), None)


DATE_VALUE_KEYS = ("when", "from", "to", "notBefore", "notAfter")


def reshape_date(values: dict[str, str], kind: str) -> tuple[tuple[str, str], ...]:
    """The same limits as a point (@when), a period (@from/@to) or an uncertain point (@notBefore/@notAfter).

    The wording of a date does not say which it is ("By August-September 1923" is one moment known within
    two months; "summer-autumn 1923" is a stretch of time): the editor does (encoding guide, Dates).
    """
    assert kind in DATE_KINDS
    low = values.get("when") or values.get("from") or values.get("notBefore")
    high = values.get("when") or values.get("to") or values.get("notAfter")
    open_end = "when" not in values and not (values.get("to") or values.get("notAfter"))
    if kind == "point":
        if low != high:
            return (("notBefore", low or ""), ("notAfter", high or ""))
        return (("when", low or ""),)
    if kind == "period":
        if "when" in values and len(values) == 1 or open_end:
            return (("from", low or ""),)  # "from 1918": a period whose end the text does not give
        return (("from", low or ""), ("to", high or ""))
    return (("notBefore", low or ""), ("notAfter", high or ""))


def _titles_for_quotations(spans: list[Span]) -> list[Span]:
    """A title the register or the editor knows, standing exactly inside quotation marks, replaces the q:
    the marks are the title's typography, not a quotation (Guidelines 3.12.2.2)."""
    titles = {(s.start, s.end) for s in spans if s.tag == "title"}
    return [s for s in spans if not (s.tag == "q" and (s.start, s.end) in titles)]
