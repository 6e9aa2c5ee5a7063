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

from ..edition import Edition, TagDecision
from ..errors import InputError
from ..model import (
    BlockLike,
    Closer,
    Division,
    Document,
    Inline,
    ListBlock,
    Span,
    Title,
)
from .dates import find_dates
from .names import NameMatcher

ELEMENT_FOR_TYPE = {"person": "persName", "org": "orgName", "place": "placeName"}
ENTITY_ELEMENTS = set(ELEMENT_FOR_TYPE.values())
# Existing markup a new name or date may sit inside, and markup it may enclose.
MAY_SIT_INSIDE = {"q"}
MAY_ENCLOSE = {"sic", "supplied"}


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

    def __init__(self, edition: Edition, matcher: NameMatcher | None) -> None:
        self.edition = edition
        self.matcher = matcher
        self.decisions = {d: False for d in edition.tag_decisions}
        self.used: set[str] = set()

    def inline(self, content: Inline, first_line: int) -> Inline:
        spans = _SpanIndex(content.spans)
        suppressed: list[tuple[int, int]] = []
        for decision in self._decisions_for(content, first_line):
            span = self._decision_span(content, first_line, decision)
            if decision.element == "none":
                suppressed.append((span.start, span.end))
                continue
            if not spans.fits(span):
                raise InputError(f"[[tag]] on line {decision.line}: {decision.text!r} crosses other markup",
                                 self.edition.path, hint="choose a text that nests inside or around it")
            spans.add(span)
            self._note_use(span)
        for candidate in self._candidates(content.text):
            if any(start < candidate.end and candidate.start < end for start, end in suppressed):
                continue
            if spans.fits(candidate):
                spans.add(candidate)
                self._note_use(candidate)
        return content.with_spans(spans.spans)

    def _candidates(self, text: str) -> list[Span]:
        found: list[Span] = []
        if self.matcher is not None:
            for match in self.matcher.find(text):
                element = ELEMENT_FOR_TYPE[match.entity_type]
                found.append(Span(match.start, match.end, element, (("ref", f"#{match.entity_id}"),)))
        for match in find_dates(text, default_century=self.edition.default_century):
            found.append(Span(match.start, match.end, "date", match.attrs))
        return found

    def _note_use(self, span: Span) -> None:
        if span.tag in ENTITY_ELEMENTS:
            self.used.add(span.attr("ref", "#")[1:])

    def _decisions_for(self, content: Inline, first_line: int) -> list[TagDecision]:
        last_line = first_line + content.text.count("\n")
        return [d for d in self.decisions if first_line <= d.line <= last_line]

    def _decision_span(self, content: Inline, first_line: int, decision: TagDecision) -> Span:
        lines = content.text.split("\n")
        offset = sum(len(text) + 1 for text in lines[: decision.line - first_line])
        line_text = lines[decision.line - first_line]
        count = line_text.count(decision.text)
        if count != 1:
            problem = "does not occur" if count == 0 else f"occurs {count} times"
            raise InputError(f"[[tag]] on line {decision.line}: {decision.text!r} {problem} on that line",
                             self.edition.path, hint="quote a string that occurs exactly once on the line")
        self.decisions[decision] = True
        start = offset + line_text.index(decision.text)
        return Span(start, start + len(decision.text), decision.element, decision.attrs)

    def blocks(self, blocks: tuple[BlockLike, ...]) -> tuple[BlockLike, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: BlockLike) -> BlockLike:
        if isinstance(block, Division):
            heading = self.block(block.heading) if block.heading is not None else None
            return replace(block, heading=heading, children=self.blocks(block.children))
        if isinstance(block, Closer):
            return replace(block, slogans=tuple(self.block(s) for s in block.slogans))
        if isinstance(block, ListBlock):
            return replace(block, items=tuple(replace(i, content=self.inline(i.content, i.line)) for i in block.items))
        if getattr(block, "content", None) is None:
            return block  # a section break holds no text
        return replace(block, content=self.inline(block.content, block.line))  # type: ignore[union-attr]


def tag_document(document: Document, edition: Edition, matcher: NameMatcher | None) -> TagResult:
    """Add name and date spans to every text of a document; check that every editor's decision was used."""
    tagger = _Tagger(edition, matcher)
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
        raise InputError(f"[[tag]] on line {unused[0].line}: no text block holds that line",
                         edition.path, hint="give the source line where the text occurs")
    return TagResult(tagged, tuple(sorted(tagger.used)), tuple(_describe(d) for d in edition.tag_decisions))


def _describe(decision: TagDecision) -> str:
    attrs = " ".join(f"{k}={v}" for k, v in decision.attrs)
    what = "not tagged" if decision.element == "none" else f"tagged as {decision.element} {attrs}".strip()
    reason = f" — {decision.reason}" if decision.reason else ""
    return f"line {decision.line}: “{decision.text}” {what}{reason}."

