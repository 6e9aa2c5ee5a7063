"""The document model: what the plain-text reader produces and the TEI builder consumes.

Text is held exactly as the source has it; markup is stand-off: a :class:`Span`
marks a range of a block's text (or, when empty, a point where the edition
supplies something). Stages add spans and never change a character, which is
what makes the lossless round trip provable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Union, overload

Attrs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Span:
    """A range [start, end) of a block's text carrying one inline element.

    ``tag`` names the element kind: ``noteref``, ``q``, ``ref``, ``sic`` (a declared
    correction, ``corr`` in attrs), ``supplied`` (empty range, text in attrs),
    ``persName``, ``orgName``, ``placeName``, ``date``.
    """

    start: int
    end: int
    tag: str
    attrs: Attrs = ()

    @overload
    def attr(self, name: str) -> str | None: ...
    @overload
    def attr(self, name: str, default: str) -> str: ...
    def attr(self, name: str, default: str | None = None) -> str | None:
        return dict(self.attrs).get(name, default)


# When two spans cover the same range, the lower rank encloses the higher: a quotation holds a name,
# a name holds a correction.
SPAN_NESTING = {
    "noteref": 0,
    "xref": 0,
    "q": 0,
    "bibl": 0,
    "sic": 2,
    "supplied": 3,
    "surplus": 2,
    "gap": 3,
    "ednote": 3,
    "biblScope": 2,
}


@dataclass(frozen=True)
class Inline:
    """The text of one block (or one line of it) and the spans over it."""

    text: str
    spans: tuple[Span, ...] = ()

    def with_spans(self, spans: list[Span] | tuple[Span, ...]) -> Inline:
        ordered = tuple(sorted(spans, key=lambda s: (s.start, -s.end, SPAN_NESTING.get(s.tag, 1), s.tag)))
        return replace(self, spans=ordered)


@dataclass(frozen=True)
class Block:
    """Fields every block has: its first source line and the extra blank lines before it."""

    line: int
    space_before: int = field(default=0, kw_only=True)


@dataclass(frozen=True)
class Title(Block):
    content: Inline


@dataclass(frozen=True)
class Heading(Block):
    content: Inline


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph; ``lines`` > 1 when the source breaks it over several lines."""

    content: Inline
    exclamatory: bool = False


@dataclass(frozen=True)
class Item:
    content: Inline
    line: int
    marker: str = "•"
    indent: int = 2
    gap: int = 1


@dataclass(frozen=True)
class ListBlock(Block):
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Break(Block):
    """A section break such as ``* * *``; ``mark`` is the line as the source has it."""

    mark: str = "* * *"


@dataclass(frozen=True)
class EditorialNote(Block):
    """An editor's note inside the running text; ``label`` is e.g. ``Editor's note:``."""

    label: str
    content: Inline


@dataclass(frozen=True)
class Salute(Block):
    """The salutation opening a division ("To the communist comrades of every country!")."""

    content: Inline


@dataclass(frozen=True)
class Closer(Block):
    """The closing slogans of a division, one per source paragraph."""

    slogans: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Note(Block):
    """A footnote (``[n]. …``) or an end note (``n. …``) body."""

    n: str
    kind: str  # "footnote" | "endnote"
    content: Inline
    label: str | None = None  # the marker as the source has it ("[1]." or "[1]"); None: the usual one
    joined: bool = False  # on the line right after the previous note, with no blank line between them


BlockLike = Union[Title, Heading, Paragraph, ListBlock, Break, EditorialNote, Salute, Closer, Note, "Division"]
# The blocks holding one text, ``content`` (the others hold items, slogans, children or no text at all).
TextBlock = Title | Heading | Paragraph | EditorialNote | Salute | Note
TEXT_BLOCKS = (Title, Heading, Paragraph, EditorialNote, Salute, Note)


@dataclass(frozen=True)
class Division:
    """A division of the text: a type from the edition's outline, an optional heading, its content."""

    type: str
    id: str
    line: int
    level: int = 1
    heading: Heading | None = None
    children: tuple[BlockLike, ...] = ()
    space_before: int = field(default=0, kw_only=True)


@dataclass(frozen=True)
class Document:
    """A whole text: title, the three parts of a TEI ``text``, and facts about the source file."""

    source: str
    title: Title | None
    front: tuple[BlockLike, ...]
    body: tuple[BlockLike, ...]
    back: tuple[BlockLike, ...]
    trailing_space: int = 0
    final_newline: bool = True
    normalisations: tuple[str, ...] = ()
    # Bracketed numbers that look like note references but have no note: (line, text), left as text.
    left_as_text: tuple[tuple[int, str], ...] = ()

    def parts(self) -> tuple[tuple[str, tuple[BlockLike, ...]], ...]:
        return (("front", self.front), ("body", self.body), ("back", self.back))


def walk(blocks: tuple[BlockLike, ...]):
    """Every block in document order, descending into divisions (divisions themselves included)."""
    for block in blocks:
        yield block
        if isinstance(block, Division):
            if block.heading is not None:
                yield block.heading
            yield from walk(block.children)
        elif isinstance(block, Closer):
            yield from block.slogans


def inlines(block: BlockLike) -> tuple[Inline, ...]:
    """The tagged texts a block holds directly (not those of nested blocks)."""
    if isinstance(block, ListBlock):
        return tuple(item.content for item in block.items)
    content = getattr(block, "content", None)
    return (content,) if content is not None else ()


# --------------------------------------------------------------------------- a readable dump, for tests and reviewers


def dump_inline(content: Inline) -> str:
    """The text with its spans as pseudo-markup: ``<q>…</q>``, ``<noteref n=1>[1]</noteref>``."""
    text = content.text
    events: list[tuple[int, int, str]] = []
    for order, span in enumerate(content.spans):
        attrs = "".join(f" {k}={v}" for k, v in span.attrs if k != "reason")
        if span.start == span.end:
            events.append((span.start, 0, f"<{span.tag}{attrs}/>"))
        else:
            events.append((span.start, 1 + order, f"<{span.tag}{attrs}>"))
            events.append((span.end, -1 - order, f"</{span.tag}>"))
    out, position = [], 0
    for index, _rank, mark in sorted(events, key=lambda e: (e[0], e[1] > 0, -abs(e[1]) if e[1] < 0 else e[1])):
        out.append(text[position:index])
        out.append(mark)
        position = index
    out.append(text[position:])
    return "".join(out).replace("\n", "⏎").replace("\u00a0", "⍽")


def dump(document: Document) -> str:
    """An indented outline of a document: one line per block, spans as pseudo-markup."""
    lines = []
    if document.title is not None:
        space = f" +{document.title.space_before}" if document.title.space_before else ""
        lines.append(f"title @{document.title.line}{space}: {dump_inline(document.title.content)}")
    for part, blocks in document.parts():
        if blocks:
            lines.append(part)
            lines.extend(_dump_blocks(blocks, 1))
    if document.trailing_space:
        lines.append(f"trailing blank lines: {document.trailing_space}")
    for line, text in document.left_as_text:
        lines.append(f"left as text @{line}: {text}")
    return "\n".join(lines) + "\n"


def _dump_blocks(blocks: tuple[BlockLike, ...], depth: int) -> list[str]:
    pad = "  " * depth
    lines = []
    for block in blocks:
        space = f" +{block.space_before}" if block.space_before else ""
        if isinstance(block, Division):
            lines.append(f"{pad}div {block.type} #{block.id} level {block.level} @{block.line}{space}")
            if block.heading is not None:
                lines.append(f"{pad}  head: {dump_inline(block.heading.content)}")
            lines.extend(_dump_blocks(block.children, depth + 1))
        elif isinstance(block, ListBlock):
            lines.append(f"{pad}list @{block.line}{space}")
            lines.extend(f"{pad}  item {item.marker}: {dump_inline(item.content)}" for item in block.items)
        elif isinstance(block, Closer):
            lines.append(f"{pad}closer @{block.line}{space}")
            lines.extend(f"{pad}  slogan: {dump_inline(s.content)}" for s in block.slogans)
        elif isinstance(block, Break):
            lines.append(f"{pad}break {block.mark!r} @{block.line}{space}")
        elif isinstance(block, Note):
            joined = " (next line)" if block.joined else ""
            lines.append(f"{pad}{block.kind} {block.n} @{block.line}{space}{joined}: {dump_inline(block.content)}")
        elif isinstance(block, EditorialNote):
            lines.append(f"{pad}editorial note {block.label!r} @{block.line}{space}: {dump_inline(block.content)}")
        else:
            name = {Paragraph: "p", Heading: "head", Salute: "salute", Title: "title"}[type(block)]
            lines.append(f"{pad}{name} @{block.line}{space}: {dump_inline(block.content)}")
    return lines
