"""Plain text → Document: decode, drop declared furniture, find blocks, give them structure.

The reader works in small ordered steps, each a function over plain data:
``decode`` (bytes → text), ``source_lines`` (furniture out, line numbers
kept), ``raw_blocks`` (blank-line separated groups), ``classify`` (the block
rules, in order), ``inline`` (note references, quotations), ``structure``
(the edition's outline, salutations and closing slogans). It never changes a
character of the text it keeps.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .edition import Correction, Edition, Genre, NoteSyntax, default_edition
from .errors import InputError
from .files import read_input
from .model import (
    TEXT_BLOCKS,
    Block,
    BlockLike,
    Break,
    Closer,
    Division,
    Document,
    EditorialNote,
    Heading,
    Inline,
    Item,
    ListBlock,
    Note,
    Paragraph,
    Salute,
    Span,
    Title,
    inlines,
    walk,
)

# --------------------------------------------------------------------------- decoding

BOM = "\ufeff"
# XML 1.0 forbids these characters outright (tab, LF and CR are allowed); they cannot reach the TEI.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SourceText:
    """The decoded text with LF line ends, and what decoding had to normalise."""

    text: str
    normalisations: tuple[str, ...] = ()


def decode(data: bytes, path: str | Path = "<input>") -> SourceText:
    """Decode UTF-8 (with or without BOM; LF, CRLF or CR) or raise InputError with the byte offset."""
    normalisations: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}",
            path,
            line,
            hint="convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        ) from None
    if text.startswith(BOM):
        text = text[1:]
        normalisations.append("The byte-order mark at the start of the file was removed.")
    crlf, lone_cr = text.count("\r\n"), 0
    if "\r" in text:
        lone_cr = text.count("\r") - crlf
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        kinds = [name for name, count in (("CRLF", crlf), ("CR", lone_cr)) if count]
        normalisations.append(f"Line ends ({' and '.join(kinds)}) were normalised to LF.")
    illegal = XML_ILLEGAL.search(text)
    if illegal:
        line = text.count("\n", 0, illegal.start()) + 1
        column = illegal.start() - (text.rfind("\n", 0, illegal.start()) + 1) + 1
        raise InputError(
            f"character U+{ord(illegal.group()):04X} is not allowed in XML",
            path,
            line,
            column,
            hint="remove the control character from the source text",
        )
    return SourceText(text, tuple(normalisations))


# --------------------------------------------------------------------------- lines and raw blocks


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class RawBlock:
    """Consecutive non-blank lines, and how many blank lines preceded them."""

    lines: tuple[Line, ...]
    blank_before: int
    joined: bool = False  # a note cut from the block above: it starts on the next line, no blank line between

    @property
    def line(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def source_lines(text: str, edition: Edition) -> tuple[list[Line], bool]:
    """The numbered lines of the text without the furniture lines; and whether the text ends with a newline."""
    final_newline = text.endswith("\n")
    raw = text[:-1].split("\n") if final_newline else text.split("\n")
    wanted = {f.line_text.strip(): f for f in edition.furniture}
    seen: set[str] = set()
    lines = []
    for number, content in enumerate(raw, start=1):
        key = content.strip()
        if key and key in wanted:
            seen.add(key)
            continue
        lines.append(Line(number, content))
    # The kept text ends with a line end unless its last line is the file's unterminated last line.
    final_newline = final_newline or (bool(lines) and lines[-1].number < len(raw))
    missing = [f for f in edition.furniture if f.line_text.strip() not in seen]
    if missing:
        raise InputError(
            f"furniture line not found in the source: {missing[0].line_text!r}",
            edition.path,
            hint="copy the line exactly from the source text or remove the [[furniture]] entry",
        )
    return lines, final_newline


def raw_blocks(lines: list[Line]) -> tuple[list[RawBlock], int]:
    """Group lines into blank-line separated blocks; also return the blank lines after the last block."""
    blocks: list[RawBlock] = []
    current: list[Line] = []
    blanks = 0
    for line in lines:
        # Only an empty line separates blocks: a line of spaces is content we must not lose.
        if line.text == "":
            if current:
                blocks.append(RawBlock(tuple(current), blanks))
                current, blanks = [], 0
            blanks += 1
        else:
            current.append(line)
    if current:
        blocks.append(RawBlock(tuple(current), blanks))
        blanks = 0
    return blocks, blanks


def split_note_runs(raws: list[RawBlock], notes: NoteSyntax) -> list[RawBlock]:
    """Cut a block of footnotes written on consecutive lines (``[1]. …`` then ``[2]. …``) into one per note.

    Only inside a block that opens with a note marker, and only where a line opens the next number: a
    continuation line that happens to start with a bracketed year stays in its note.
    """
    result: list[RawBlock] = []
    for raw in raws:
        first = notes.marker_pattern.match(raw.lines[0].text)
        if not first or len(raw.lines) == 1:
            result.append(raw)
            continue
        expected, current, blank_before, joined = int(first.group(1)) + 1, [raw.lines[0]], raw.blank_before, False
        for line in raw.lines[1:]:
            marker = notes.marker_pattern.match(line.text)
            if marker and int(marker.group(1)) == expected:
                result.append(RawBlock(tuple(current), blank_before, joined))
                current, blank_before, joined = [line], 0, True
                expected += 1
            else:
                current.append(line)
        result.append(RawBlock(tuple(current), blank_before, joined))
    return result


# --------------------------------------------------------------------------- block rules

# Only spaces and tabs may stand between the marks: the mark becomes milestone/@rend, a list of tokens that
# XML splits at those (a no-break space or U+2028 among the asterisks would make one forbidden token).
BREAK = re.compile(r"^[ \t]*(?:\*[ \t]*){3,}$|^[ \t]*(?:[•·◦][ \t]*){3,}$|^[ \t]*#[ \t]*$")
BULLET = re.compile(r"^( *)([•◦▪‣●])( +)(?=\S)")
EDITORIAL = re.compile(r"^(?:Editor'?s|Editors'|Editorial|Translator'?s|Publisher'?s) [Nn]ote:(?=\s)")
ENDNOTE = re.compile(r"^(\d+)\.(?=\s)")
SENTENCE_END = re.compile(r"[.,;:!?…]\s*$")
HEADING_MAX = 120
EXCLAMATION_MAX = 100


@functools.lru_cache(maxsize=16)
def _trailing_references(reference: str) -> re.Pattern[str]:
    return re.compile(f"(?:{reference})+\\s*$")


def _is_heading_like(raw: RawBlock, notes: NoteSyntax) -> bool:
    if len(raw.lines) != 1 or len(raw.text) > 2 * HEADING_MAX:
        return False
    # A footnote marker at the end ("Our introduction[1]") says nothing about the sentence: look before it.
    text = _trailing_references(notes.reference_pattern.pattern).sub("", raw.text).strip()
    return (
        0 < len(text) <= HEADING_MAX
        and not SENTENCE_END.search(text)
        and not text[0].islower()
        and not text.startswith(('"', "“", "'", "‘", "(", "["))
    )


def _block_break(raw: RawBlock, notes: NoteSyntax) -> BlockLike | None:
    if len(raw.lines) == 1 and BREAK.match(raw.text):
        return Break(raw.line, mark=raw.text)
    return None


def _block_footnote(raw: RawBlock, notes: NoteSyntax) -> BlockLike | None:
    match = notes.marker_pattern.match(raw.text)
    if not match:
        return None
    label = match.group(0)
    return Note(
        raw.line,
        n=match.group(1),
        kind="footnote",
        content=_label_and_rest(raw, label, notes),
        label=label,
        joined=raw.joined,
    )


def _block_list(raw: RawBlock, notes: NoteSyntax) -> BlockLike | None:
    found = [BULLET.match(line.text) for line in raw.lines]
    matches = [match for match in found if match is not None]
    if len(matches) < len(found):
        return None
    items = tuple(
        Item(
            content=_inline_line(line, match.end(), notes),
            line=line.number,
            marker=match.group(2),
            indent=len(match.group(1)),
            gap=len(match.group(3)),
        )
        for line, match in zip(raw.lines, matches, strict=True)
    )
    return ListBlock(raw.line, items=items)


def _block_editorial(raw: RawBlock, notes: NoteSyntax) -> BlockLike | None:
    match = EDITORIAL.match(raw.text)
    if not match:
        return None
    return EditorialNote(raw.line, label=match.group(0), content=_label_and_rest(raw, match.group(0), notes))


def _block_heading(raw: RawBlock, notes: NoteSyntax) -> BlockLike | None:
    if _is_heading_like(raw, notes):
        return Heading(raw.line, content=_inline_block(raw, notes))
    return None


def _block_paragraph(raw: RawBlock, notes: NoteSyntax) -> BlockLike:
    text = raw.text
    exclamatory = len(raw.lines) == 1 and len(text.strip()) <= EXCLAMATION_MAX and text.rstrip().endswith("!")
    return Paragraph(raw.line, content=_inline_block(raw, notes), exclamatory=exclamatory)


# Ordered: the first rule that accepts a raw block decides what it is.
BLOCK_RULES: tuple[tuple[str, Callable[[RawBlock, NoteSyntax], BlockLike | None]], ...] = (
    ("break", _block_break),
    ("footnote", _block_footnote),
    ("list", _block_list),
    ("editorial-note", _block_editorial),
    ("heading", _block_heading),
    ("paragraph", _block_paragraph),
)


def classify(raw: RawBlock, notes: NoteSyntax = NoteSyntax()) -> BlockLike:  # noqa: B008 (frozen, shared)
    """Apply the block rules in order to one raw block."""
    for _name, rule in BLOCK_RULES:
        block = rule(raw, notes)
        if block is not None:
            return replace(block, space_before=max(raw.blank_before - 1, 0))
    raise AssertionError("the paragraph rule accepts every block")


# --------------------------------------------------------------------------- inline rules

NOTE_XREF = re.compile(r"\bnote (\d+) at (?:the )?end of (?:the )?(?:article|document|text)\b")
QUOTE_PAIRS = {'"': '"', "“": "”"}
QUOTE_MARKS = {opening: re.compile(f"[{re.escape(opening + closing)}]") for opening, closing in QUOTE_PAIRS.items()}
# What may stand right before an opening quotation mark: nothing, a space, an opening bracket or a dash.
OPENING_CONTEXT = set(" \t\n\u00a0([—–-/")


def find_noterefs(text: str, spans: list[Span], notes: NoteSyntax) -> list[Span]:
    """``[n]`` in running text: a footnote reference, kept if a note ``n`` exists (keep_references_with_notes)."""
    return [Span(m.start(), m.end(), "noteref", (("n", m.group(1)),)) for m in notes.reference_pattern.finditer(text)]


def find_note_xrefs(text: str, spans: list[Span], notes: NoteSyntax) -> list[Span]:
    """ "note 1 at end of article": a cross-reference to an end note."""
    if "note " not in text:
        return []
    return [Span(m.start(), m.end(), "xref", (("n", m.group(1)),)) for m in NOTE_XREF.finditer(text)]


def find_quotations(text: str, spans: list[Span], notes: NoteSyntax) -> list[Span]:
    """Quoted passages, only where the quotation marks pair up unambiguously in the block.

    The marks stay outside the ``q`` span (they are characters of the source);
    a block with an odd number of straight quotes, or a mark in an implausible
    place, gets no quotations at all rather than wrong ones.
    """
    taken = _disjoint([(s.start, s.end) for s in spans])
    found: list[Span] = []
    for opening, closing in QUOTE_PAIRS.items():
        marks = QUOTE_MARKS[opening].finditer(text)
        positions = [m.start() for m in marks if not _inside(m.start(), taken)]
        if opening == closing:
            if len(positions) % 2:
                continue
            pairs = list(zip(positions[::2], positions[1::2], strict=True))
        else:
            balanced = _balanced(text, positions, opening)
            if balanced is None:
                continue
            pairs = balanced
        if all(_plausible_quote(text, start, end) for start, end in pairs):
            found.extend(Span(start + 1, end, "q") for start, end in pairs)
    return _outermost(found)


def _outermost(quotations: list[Span]) -> list[Span]:
    """The quotations that no other one contains or overlaps: a straight pair inside a curly one (or the
    reverse) would be a q inside a q, which the edition's grammar does not take; the outer one is kept."""
    kept: list[Span] = []
    for span in sorted(quotations, key=lambda s: (s.start, -s.end)):
        if kept and span.start <= kept[-1].end:
            continue  # inside (or across the end of) the quotation before it
        kept.append(span)
    return kept


def _balanced(text: str, positions: list[int], opening: str) -> list[tuple[int, int]] | None:
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for i in positions:
        if text[i] == opening:
            if stack:
                return None  # nested curly quotes: leave the block alone
            stack.append(i)
        elif not stack:
            return None
        else:
            pairs.append((stack.pop(), i))
    return None if stack else pairs


def _plausible_quote(text: str, start: int, end: int) -> bool:
    inner = text[start + 1 : end]
    return (
        bool(inner.strip())
        and (start == 0 or text[start - 1] in OPENING_CONTEXT or text[start - 1].isspace())
        and not inner[0].isspace()
        and not inner[-1].isspace()
    )


def _inside(index: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether ``index`` falls in one of ``ranges``, which must be disjoint and sorted (see :func:`_disjoint`)."""
    # Bisection, not a scan: a long block has many spans and many marks, and a scan per mark was quadratic.
    at = bisect.bisect_right(ranges, (index, math.inf)) - 1
    return at >= 0 and ranges[at][0] <= index < ranges[at][1]


def _disjoint(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``ranges`` as sorted, disjoint ranges (so that :func:`_inside` can bisect)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# Ordered: later rules see (and stay clear of) the spans of earlier ones.
INLINE_RULES: tuple[tuple[str, Callable[[str, list[Span], NoteSyntax], list[Span]]], ...] = (
    ("noteref", find_noterefs),
    ("note-xref", find_note_xrefs),
    ("quotation", find_quotations),
)


def inline(text: str, notes: NoteSyntax = NoteSyntax()) -> Inline:  # noqa: B008 (frozen, shared)
    """Run the inline rules over one block's text."""
    spans: list[Span] = []
    for _name, rule in INLINE_RULES:
        spans.extend(rule(text, spans, notes))
    return Inline(text).with_spans(spans)


def _inline_block(raw: RawBlock, notes: NoteSyntax) -> Inline:
    return inline(raw.text, notes)


def _inline_line(line: Line, start: int, notes: NoteSyntax) -> Inline:
    return inline(line.text[start:], notes)


def _label_and_rest(raw: RawBlock, label: str, notes: NoteSyntax) -> Inline:
    """A note body without its label: the label becomes TEI ``label``, the rest is the note's text."""
    return inline(raw.text[len(label) :], notes)


# --------------------------------------------------------------------------- note references that have notes


def keep_references_with_notes(
    parts: dict[str, tuple[BlockLike, ...]],
) -> tuple[dict[str, tuple[BlockLike, ...]], tuple[tuple[int, str], ...]]:
    """Keep a note reference only where a footnote of its number exists; the others go back to being text.

    ``[1923]`` or ``[12]`` in running text is a year or a citation, not a reference, unless the text has a
    note 1923 or 12. Returns the parts and the (line, text) of every bracketed number left as text.
    """
    numbers = {
        block.n
        for blocks in parts.values()
        for block in walk(blocks)
        if isinstance(block, Note) and block.kind == "footnote"
    }
    left: list[tuple[int, str]] = []

    def keep(content: Inline, line: int) -> Inline:
        dropped = [s for s in content.spans if s.tag == "noteref" and s.attr("n") not in numbers]
        if not dropped:
            return content
        for span in dropped:
            left.append((line + content.text.count("\n", 0, span.start), content.text[span.start : span.end]))
        return content.with_spans([s for s in content.spans if s not in dropped])

    kept = {part: tuple(_map_contents(block, keep) for block in blocks) for part, blocks in parts.items()}
    return kept, tuple(left)  # in document order


def _map_contents(block: BlockLike, change: Callable[[Inline, int], Inline]) -> BlockLike:
    """The block with ``change`` applied to every text it holds, nested blocks included."""
    if isinstance(block, Division):
        heading = block.heading and replace(block.heading, content=change(block.heading.content, block.heading.line))
        return replace(block, heading=heading, children=tuple(_map_contents(c, change) for c in block.children))
    if isinstance(block, Closer):
        return replace(block, slogans=tuple(replace(s, content=change(s.content, s.line)) for s in block.slogans))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(replace(i, content=change(i.content, i.line)) for i in block.items))
    if isinstance(block, TEXT_BLOCKS):
        return replace(block, content=change(block.content, block.line))
    return block  # a section break holds no text


# --------------------------------------------------------------------------- corrections


def apply_corrections(
    blocks: list[BlockLike], corrections: tuple[Correction, ...], edition: Edition
) -> list[BlockLike]:
    """Attach each declared correction to the block holding its line, as a span; the text itself is untouched."""
    remaining = list(corrections)
    result = []
    for block in blocks:
        mine = [c for c in remaining if _block_covers(block, c.line)]
        for correction in mine:
            remaining.remove(correction)
            block = _correct(block, correction, edition)
        result.append(block)
    if remaining:
        raise InputError(
            f"[[correction]] on line {remaining[0].line}: no text block starts or continues on that line",
            edition.path,
            hint="give the line number of the source text where the correction applies",
        )
    return result


def _block_covers(block: BlockLike, line: int) -> bool:
    if isinstance(block, ListBlock):
        return any(item.line == line for item in block.items)
    content = getattr(block, "content", None)
    return content is not None and block.line <= line <= block.line + content.text.count("\n")


def _correct(block: BlockLike, correction: Correction, edition: Edition) -> BlockLike:
    if isinstance(block, ListBlock):
        items = tuple(
            replace(item, content=_correct_inline(item.content, 0, correction, edition))
            if item.line == correction.line
            else item
            for item in block.items
        )
        return replace(block, items=items)
    assert isinstance(block, TEXT_BLOCKS), "_block_covers lets through only blocks holding text"
    content = block.content
    lines = content.text.split("\n")
    offset = sum(len(text) + 1 for text in lines[: correction.line - block.line])
    return replace(block, content=_correct_inline(content, offset, correction, edition))


def _correct_inline(content: Inline, offset: int, correction: Correction, edition: Edition) -> Inline:
    line_text = content.text[offset:].split("\n", 1)[0]
    needle = next(n for n in (correction.sic, correction.surplus, correction.after) if n is not None)
    count = line_text.count(needle)
    if count != 1:
        problem = "does not occur" if count == 0 else f"occurs {count} times"
        raise InputError(
            f"[[correction]] on line {correction.line}: {needle!r} {problem} on that line",
            edition.path,
            hint="quote a string that occurs exactly once on the line",
        )
    start = offset + line_text.index(needle)
    # Who made the correction and how sure they are (@resp, @cert), and alternative readings, ride on the span.
    declared = tuple((k, v) for k, v in (("resp", correction.resp), ("cert", correction.cert)) if v)
    readings = tuple(("reading", f"{r.cert}:{r.text}") for r in correction.readings)
    if correction.sic is not None:
        span = Span(
            start,
            start + len(needle),
            "sic",
            (("corr", correction.corr or ""), ("reason", correction.reason), *declared, *readings),
        )
    elif correction.surplus is not None:
        span = Span(start, start + len(needle), "surplus", (("reason", correction.reason), *declared))
    else:
        point = start + len(needle)
        span = Span(
            point, point, "supplied", (("text", correction.supplied or ""), ("reason", correction.reason), *declared)
        )
    _refuse_crossing(content, span, correction, edition)
    return content.with_spans([*content.spans, span])


def _refuse_crossing(content: Inline, span: Span, correction: Correction, edition: Edition) -> None:
    for other in content.spans:
        crosses = other.start < span.start < other.end < span.end or span.start < other.start < span.end < other.end
        if crosses:
            raise InputError(
                f"[[correction]] on line {correction.line} overlaps a {other.tag} in the text",
                edition.path,
                hint="make the correction cover whole words inside or around it",
            )


# --------------------------------------------------------------------------- structure


ENDNOTE_DIVISIONS = {"endnotes", "notes"}


@dataclass
class _OpenDivision:
    start: Division
    children: list[BlockLike]

    def close(self) -> Division:
        return replace(self.start, children=tuple(self.children))


class _Structurer:
    """Builds front/body/back and nested divisions from classified blocks and the edition's outline."""

    def __init__(self, edition: Edition, blocks: list[BlockLike]) -> None:
        self.edition = edition
        self.blocks = blocks
        self.outline = {start.line: start for start in edition.outline}
        self.parts: dict[str, list[BlockLike]] = {"front": [], "body": [], "back": []}
        self.part = self._first_part()
        self.stack: list[_OpenDivision] = []
        self.type_counts = self._count_types()
        self.type_seen: dict[str, int] = {}

    def _first_part(self) -> str:
        for start in self.edition.outline:
            if start.part:
                return start.part
        return "body"

    def _count_types(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for kind in [s.type for s in self.edition.outline] + self._implicit_types():
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def _implicit_types(self) -> list[str]:
        kinds = []
        for block in self.blocks:
            if isinstance(block, Heading) and block.line not in self.outline:
                kinds.append("section")
        if any(isinstance(block, Note) and block.kind == "footnote" for block in self.blocks):
            kinds.append("footnotes")
        return kinds

    def _new_id(self, kind: str) -> str:
        self.type_seen[kind] = self.type_seen.get(kind, 0) + 1
        return kind if self.type_counts.get(kind, 0) <= 1 else f"{kind}-{self.type_seen[kind]}"

    def run(self) -> dict[str, tuple[BlockLike, ...]]:
        block_lines = {block.line for block in self.blocks}
        for line in self.outline:
            if line not in block_lines:
                nearest = min(block_lines, key=lambda n: abs(n - line)) if block_lines else 0
                raise InputError(
                    f"[[division]] line = {line}: no block starts on line {line} of the source",
                    self.edition.path,
                    hint=f"the nearest block starts on line {nearest}",
                )
        for index, block in enumerate(self.blocks):
            self._place(block, index)
        self._close_to(0)
        return {part: _fit_part(part, tuple(blocks)) for part, blocks in self.parts.items()}

    def _place(self, block: BlockLike, index: int) -> None:
        start = self.outline.get(block.line)
        if start is not None:
            self._open(start.type, start.level, start.part, block)
            return
        if isinstance(block, Heading):
            level = self.stack[-1].start.level if self.stack else 1
            self._open("section", level, None, block)
            return
        if isinstance(block, Note) and block.kind == "footnote" and not self._in("footnotes"):
            rest_are_notes = all(isinstance(b, Note) for b in self.blocks[index:])
            self._open("footnotes", 1, "back" if rest_are_notes else None, block)
            return
        if isinstance(block, Paragraph) and self._in_endnotes():
            match = ENDNOTE.match(block.content.text)
            if match:
                block = _paragraph_to_endnote(block, match)
        self._append(block)

    def _in(self, kind: str) -> bool:
        return bool(self.stack) and self.stack[-1].start.type == kind

    def _in_endnotes(self) -> bool:
        return any(open_.start.type in ENDNOTE_DIVISIONS for open_ in self.stack)

    def _open(self, kind: str, level: int, part: str | None, block: BlockLike) -> None:
        if part is not None and part != self.part:
            self._close_to(0)
            self.part = part
        self._close_to(level)
        heading = block if isinstance(block, Heading) else None
        division = Division(
            type=kind,
            id=self._new_id(kind),
            line=block.line,
            level=level,
            heading=heading,
            space_before=block.space_before if heading else 0,
        )
        if heading is not None:
            heading = replace(heading, space_before=0)
            division = replace(division, heading=heading)
        self.stack.append(_OpenDivision(division, []))
        if heading is None:
            self._append(block)

    def _close_to(self, level: int) -> None:
        """Close open divisions of ``level`` or deeper; section breaks and editorial notes that end one move up."""
        while self.stack and self.stack[-1].start.level >= level:
            closing = self.stack.pop()
            trailing = _trailing_globals(closing.children) if level > 0 else []
            if trailing:
                del closing.children[-len(trailing) :]
            division = _with_opener_and_closer(closing.close(), self.edition.genre)
            self._container().append(division)
            self._container().extend(trailing)

    def _container(self) -> list[BlockLike]:
        return self.stack[-1].children if self.stack else self.parts[self.part]

    def _append(self, block: BlockLike) -> None:
        self._container().append(block)


# What TEI lets a part hold outside its divisions (Guidelines 4.5-4.7: front, body and back content models).
LOOSE_BLOCKS = {
    "front": (Paragraph, Break, EditorialNote),
    "body": (Paragraph, ListBlock, Break, EditorialNote),
    "back": (Paragraph, ListBlock, Break, EditorialNote, Note),
}
CONTENT_BLOCKS = (Division, Paragraph, ListBlock)


def _fit_part(part: str, blocks: tuple[BlockLike, ...]) -> tuple[BlockLike, ...]:
    """Wrap a part's loose blocks in an untitled division where TEI would not accept them as they are.

    A body needs at least one division, paragraph or list; a front cannot hold a list. The wrapper is
    invisible in the text (and in the lossless round trip): it only makes the TEI valid.
    """
    loose = [b for b in blocks if not isinstance(b, Division)]
    misfit = any(not isinstance(b, LOOSE_BLOCKS[part]) for b in loose)
    needs_content = part == "body" and not any(isinstance(b, CONTENT_BLOCKS) for b in blocks)
    if not misfit and not needs_content:
        return blocks
    first_division = next((i for i, b in enumerate(blocks) if isinstance(b, Division)), len(blocks))
    wrapped = Division(
        type="section", id=f"{part}-section", line=blocks[0].line if blocks else 0, children=blocks[:first_division]
    )
    return (wrapped, *blocks[first_division:])


def _trailing_globals(children: list[BlockLike]) -> list[BlockLike]:
    """The run of section breaks and editorial notes that ends a division (they sit between divisions)."""
    run: list[BlockLike] = []
    for child in reversed(children):
        if not isinstance(child, (Break, EditorialNote)):
            break
        run.insert(0, child)
    return run if len(run) < len(children) else []


def _paragraph_to_endnote(block: Paragraph, match: re.Match) -> Note:
    cut = len(match.group(0))
    shifted = [replace(s, start=s.start - cut, end=s.end - cut) for s in block.content.spans if s.start >= cut]
    rest = Inline(block.content.text[cut:]).with_spans(shifted)
    return Note(block.line, n=match.group(1), kind="endnote", content=rest, space_before=block.space_before)


def _with_opener_and_closer(division: Division, genre: Genre) -> Division:
    """A first exclamatory line is the division's salutation; a final run of two or more is its closing slogans.

    Each rule runs only if the edition's ``[genre]`` turns it on (an address's habits, not every text's).
    """
    children = list(division.children)
    first = children[0] if children else None
    if genre.salutation and isinstance(first, Paragraph) and first.exclamatory and len(children) > 1:
        children[0] = Salute(first.line, content=first.content, space_before=first.space_before)
    run = 0
    for child in reversed(children if genre.slogans else ()):
        if isinstance(child, Paragraph) and child.exclamatory:
            run += 1
        else:
            break
    if run >= 2 and run < len(children):
        slogans = tuple(child for child in children[-run:] if isinstance(child, Paragraph))  # all of them
        del children[-run:]
        children.append(Closer(slogans[0].line, slogans=slogans, space_before=slogans[0].space_before))
    return replace(division, children=tuple(children))


# --------------------------------------------------------------------------- the whole reader


def read_document(text: SourceText, edition: Edition, source: str = "<input>") -> Document:
    """Turn decoded text into a Document, following the edition's declarations."""
    lines, final_newline = source_lines(text.text, edition)
    raws, trailing = raw_blocks(lines)
    if not raws:
        raise InputError("the text is empty", source, hint="a seed needs at least one paragraph of text")
    raws = split_note_runs(raws, edition.note_syntax)
    blocks = [classify(raw, edition.note_syntax) for raw in raws]
    # Before the first block every blank line counts; between blocks the first one is the separator.
    blocks[0] = replace(blocks[0], space_before=raws[0].blank_before)
    blocks = apply_corrections(blocks, edition.corrections, edition)
    title = None
    declared_lines = {start.line for start in edition.outline}
    first = blocks[0]
    # The first line is the title when it looks like a heading and the outline does not make it one.
    if isinstance(first, Heading) and len(blocks) > 1 and first.line not in declared_lines:
        blocks.pop(0)
        title = Title(first.line, content=first.content, space_before=first.space_before)
    structured = _Structurer(edition, blocks).run()
    parts, left_as_text = keep_references_with_notes({"title": (title,) if title else (), **structured})
    title = next((kept for kept in parts.pop("title") if isinstance(kept, Title)), None)
    normalisations = list(text.normalisations)
    if not final_newline:
        normalisations.append(
            "The last line of the source has no line end (text/@rend records it, so the "
            "regenerated text has none either)."
        )
    return Document(
        source=source,
        title=title,
        front=parts["front"],
        body=parts["body"],
        back=parts["back"],
        trailing_space=trailing,
        final_newline=final_newline,
        normalisations=tuple(normalisations),
        left_as_text=left_as_text,
    )


def read_file(path: str | Path, edition: Edition | None = None) -> Document:
    """Read a seed text file into a Document."""
    path = Path(path)
    data = read_input(path, "source text")
    edition = edition or default_edition(path)
    return read_document(decode(data, path), edition, source=str(path))


def check_notes(document: Document) -> None:
    """Every footnote reference has its note, and every note is referenced exactly once."""
    notes: dict[tuple[str, str], Note] = {}
    references: dict[str, list[int]] = {}
    blocks = [*document.front, *document.body, *document.back]
    for block in walk(tuple(blocks)):
        if isinstance(block, Note):
            key = (block.kind, block.n)
            if key in notes:
                raise InputError(
                    f"note {block.kind} [{block.n}] appears twice (lines {notes[key].line} and {block.line})",
                    document.source,
                    block.line,
                    hint="number each note once",
                )
            notes[key] = block
        for content in inlines(block):
            for span in content.spans:
                if span.tag == "noteref":  # the reader gives every noteref its n
                    references.setdefault(span.attr("n", ""), []).append(block.line)
    for n, lines in sorted(references.items()):
        if ("footnote", n) not in notes:
            raise InputError(
                f"footnote reference [{n}] has no note '[{n}]. …'",
                document.source,
                lines[0],
                hint="add the note at the end of the text, or remove the marker",
            )
        if len(lines) > 1:
            raise InputError(
                f"footnote [{n}] is referenced more than once (lines {', '.join(map(str, lines))})",
                document.source,
                lines[1],
                hint="each note is referenced exactly once",
            )
    for (kind, n), note in sorted(notes.items()):
        if kind == "footnote" and n not in references:
            raise InputError(
                f"footnote [{n}] is never referenced in the text",
                document.source,
                note.line,
                hint=f"add the marker [{n}] where the note belongs, or remove the note",
            )


__all__ = ["decode", "read_document", "read_file", "check_notes", "SourceText", "BLOCK_RULES", "INLINE_RULES", "Block"]
