"""``markdown``: the reading text in CommonMark, with footnotes in the common ``[^label]`` extension syntax.

The title is a level-1 heading (the text's ``titlePart``, else the header's
title); each division heading gets one ``#`` more than its depth; list items
become ``-`` or ``1.`` items, verse lines of one group one paragraph with hard
line breaks, speakers bold, stage directions italic, section milestones a
thematic break. Notes that something points to (or that stand inside a
paragraph) become footnotes, defined at the end in the order they are first
referred to; their labels are the notes' xml:ids where these are safe, else
``n1``, ``n2``… Every character of the text that Markdown would read as markup
is escaped, so the rendering shows the text exactly.
"""

from __future__ import annotations

import re
from itertools import groupby

from . import Exporter
from .records import Block, Extract

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=|~]|\d+(?=[.)]))")
_SAFE_LABEL = re.compile(r"^[A-Za-z0-9_-]+$")


def escape_inline(text: str) -> str:
    """Text with every character that CommonMark reads as inline markup backslash-escaped."""
    return _ENTITY_LIKE.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def defuse_line_start(line: str) -> str:
    """A line that cannot open a heading, quote, list, fence or table: its first mark escaped."""
    match = _LINE_START.match(line)
    if match is None:
        return line
    if match.group(2).isdigit():  # "1923. The" would open an ordered list: escape the dot or bracket after it
        return line[: match.end()] + "\\" + line[match.end() :]
    return line[: match.start(2)] + "\\" + line[match.start(2) :]


def escape(text: str) -> str:
    """A line of text that CommonMark renders as itself."""
    return defuse_line_start(escape_inline(text))


class _Footnotes:
    """Footnote labels, given in order of first reference."""

    def __init__(self, defined: set[str]) -> None:
        self.defined = defined
        self.labels: dict[str, str] = {}

    def reference(self, note: str) -> str:
        if note not in self.defined:
            return ""
        if note not in self.labels:
            label = note if _SAFE_LABEL.match(note) else f"note-{len(self.labels) + 1}"
            while label in self.labels.values() or (label != note and label in self.defined):
                label += "-"
            self.labels[note] = label
        return f"[^{self.labels[note]}]"


def inline(block: Block, footnotes: _Footnotes) -> str:
    """One block's content on one line: escaped text and footnote references."""
    text = "".join(footnotes.reference(p.note) if p.note else escape_inline(p.text) for p in block.pieces)
    return defuse_line_start(text.strip())


def _emphasis(text: str, mark: str) -> str:
    return f"{mark}{text}{mark}" if text else ""


def render_group(blocks: list[Block], footnotes: _Footnotes) -> str:
    """Markdown for consecutive blocks of one kind and one group (a list, a stanza) or a single block."""
    first = blocks[0]
    if first.kind == "break":
        return "* * *"
    if first.kind == "item":
        lines = []
        for number, block in enumerate(blocks, start=1):
            marker = f"{number}." if block.ordered else "-"
            lines.append(" " * (block.level * (len(marker) + 1)) + f"{marker} {inline(block, footnotes)}")
        return "\n".join(lines)
    if first.kind == "line":
        return "\\\n".join(inline(block, footnotes) for block in blocks)
    parts = []
    for block in blocks:
        text = inline(block, footnotes)
        if not text:
            continue
        if block.kind == "title":
            parts.append(f"# {_close_heading(text)}")
        elif block.kind == "heading":
            parts.append(f"{'#' * min(6, block.level + 1)} {_close_heading(text)}")
        elif block.kind == "speaker":
            parts.append(_emphasis(text, "**"))
        elif block.kind == "stage":
            parts.append(_emphasis(text, "*"))
        elif block.kind == "note" and block.note is None and not block.labelled:
            # A note standing between blocks (between verse lines of a speech): marked, not read as the text.
            parts.append(f"*Note:* {text}")
        else:
            parts.append(text)
    return "\n\n".join(parts)


def _close_heading(text: str) -> str:
    # A heading that ends in '#' would lose it as a closing sequence.
    return text[:-1] + "\\#" if text.endswith("#") else text


def _grouping(block: Block) -> tuple:
    # Items and lines of one parent render together; every other block is its own group.
    return (block.kind, block.group) if block.kind in ("item", "line") else (block.index,)


def _render_blocks(blocks: list[Block], footnotes: _Footnotes) -> list[str]:
    chunks = []
    for _, members in groupby(blocks, key=_grouping):
        chunk = render_group(list(members), footnotes)
        if chunk:
            chunks.append(chunk)
    return chunks


def render(extracted: Extract) -> dict[str, bytes]:
    main = [b for b in extracted.blocks if b.note is None]
    notes: dict[str, list[Block]] = {}
    for block in extracted.blocks:
        if block.note is not None:
            notes.setdefault(block.note, []).append(block)
    footnotes = _Footnotes({note for note, blocks in notes.items() if any(b.text for b in blocks)})
    chunks = []
    if not any(b.kind == "title" for b in main):
        chunks.append(f"# {_close_heading(escape_inline(extracted.document.title))}")
    chunks.extend(_render_blocks(main, footnotes))
    # Footnote bodies can refer to further notes: define them until none is left undefined.
    written: set[str] = set()
    while len(written) < len(footnotes.labels):
        for note, label in list(footnotes.labels.items()):
            if note in written:
                continue
            written.add(note)
            lines = "\n\n".join(_render_blocks(notes[note], footnotes)).split("\n")
            # Later lines of a footnote are indented four spaces so that they stay inside it.
            chunks.append(f"[^{label}]: " + "\n".join([lines[0]] + [f"    {x}" if x else "" for x in lines[1:]]))
    return {"md": ("\n\n".join(chunks) + "\n").encode("utf-8")}


EXPORTER = Exporter(
    name="markdown",
    description="the reading text in CommonMark with headings, lists and footnotes",
    suffixes=("md",),
    needs=None,
    render=render,
)
