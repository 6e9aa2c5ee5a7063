"""TEI → the reading text: clean plain text for people and for text-analysis tools.

``xslt/text.xsl`` says what the blocks are (paragraph, heading, list item, verse line,
speaker, note …) through a small protocol of Unicode noncharacters; :func:`layout`
turns that into text: the source's layout whitespace collapsed, blocks separated by a
blank line (a single newline inside lists, stanzas and speeches), list items and notes
with hanging indents, optionally wrapped to a width. XSLT 1.0 is clumsy at exactly this
(whitespace and wrapping), Python is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..errors import UsageError
from ..xmlio import check_tei_root
from . import stylesheets
from .leiden import leiden_parameters
from .prepare import prepared
from .stylesheets import GENERATOR, Stylesheet

OPEN, CLOSE, SEP, LINE_BREAK, JOIN = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3", "\ufdd4"
TOKEN = re.compile(f"({OPEN}[^{SEP}]*{SEP}[^{SEP}]*{SEP}|{CLOSE})")
# Layout whitespace of the XML source; a no-break space is a character of the text and stays
# (so no str.split(), which would take it for a space). Plain str.replace and a literal-space
# pattern are an order of magnitude faster than a character class on texts with non-ASCII.
SPACES = re.compile("  +")
AROUND_JOIN = re.compile(f" ?{JOIN} ?")


@dataclass(frozen=True)
class Kind:
    """How blocks of one kind are laid out."""

    tight: bool = False  # blocks directly inside are separated by one newline, not a blank line
    indent: int = 0  # extra indentation of everything inside


# The kinds text.xsl emits. A new kind of block is one entry here and one template there.
KINDS: dict[str, Kind] = {
    "div": Kind(),
    "p": Kind(),
    "h": Kind(),
    "quote": Kind(indent=4),
    "list": Kind(tight=True),
    "i": Kind(tight=True, indent=2),
    "lg": Kind(tight=True),
    "l": Kind(),
    "sp": Kind(tight=True),
    "s": Kind(),
    "table": Kind(tight=True),
    "row": Kind(),
    "n": Kind(),
    "notes": Kind(),
}
UNKNOWN_KIND = Kind()


@dataclass(frozen=True)
class Frame:
    """An open block or group: its kind, its printed marker, and a serial that tells frames apart."""

    kind: str
    prefix: str
    serial: int
    indent: int = 0  # the indentation of everything inside: this frame's kind's and its ancestors'


@dataclass(frozen=True)
class Block:
    """Words to print, with the frames they stand in (outermost first) and the marker to print before them."""

    path: tuple[Frame, ...]
    text: str
    prefix: str
    owner: int  # index in path of the frame whose indentation the first line takes


def parse_blocks(protocol: str) -> list[Block]:
    """The blocks of text.xsl's output, in order, each knowing where it stands."""
    blocks: list[Block] = []
    stack: list[Frame] = [Frame("div", "", 0, KINDS["div"].indent)]
    prefixed: set[int] = set()  # frames whose marker has been printed
    buffer: list[str] = []
    serial = 0

    def flush() -> None:
        text = "".join(buffer)
        buffer.clear()
        if not text.replace(LINE_BREAK, "").strip(" \t\r\n"):
            return
        # A marker not yet printed (a list item whose first words are in a paragraph inside it)
        # goes before these words, at the indentation of the frame it belongs to.
        waiting = [index for index, frame in enumerate(stack) if frame.prefix and frame.serial not in prefixed]
        prefixed.update(stack[index].serial for index in waiting)
        owner = waiting[0] if waiting else len(stack) - 1
        prefix = "".join(stack[index].prefix for index in waiting)
        blocks.append(Block(tuple(stack), text, prefix, owner))

    for token in TOKEN.split(protocol):
        if token.startswith(OPEN):
            flush()
            kind, prefix, _ = token[1:].split(SEP)
            serial += 1
            stack.append(Frame(kind, prefix, serial, stack[-1].indent + KINDS.get(kind, UNKNOWN_KIND).indent))
        elif token == CLOSE:
            flush()
            if len(stack) > 1:
                stack.pop()
        else:
            buffer.append(token)
    flush()
    return blocks


def collapse_layout_space(protocol: str) -> str:
    """The source's tabs, newlines and runs of spaces as one space; words joined across lb break="no"."""
    text = SPACES.sub(" ", protocol.replace("\n", " ").replace("\t", " ").replace("\r", " "))
    return AROUND_JOIN.sub("", text) if JOIN in text else text


def _lines(text: str) -> list[str]:
    """A block's hard lines, without leading or trailing spaces."""
    lines = [line.strip(" ") for line in text.split(LINE_BREAK)]
    return [line for line in lines if line] or [""]


def _separator(before: Block, after: Block) -> str:
    shared = 0
    for a, b in zip(before.path, after.path, strict=False):
        if a.serial != b.serial:
            break
        shared += 1
    nearest = before.path[shared - 1] if shared else None
    tight = nearest is not None and KINDS.get(nearest.kind, UNKNOWN_KIND).tight
    return "\n" if tight else "\n\n"


def _format(block: Block, width: int | None) -> str:
    # Each frame carries the sum of its ancestors' indentation and its own: no sum per block.
    indent = " " * (block.path[block.owner - 1].indent if block.owner else 0)
    inner = " " * (block.path[-2].indent if len(block.path) > 1 else 0)
    hanging = inner if not block.prefix else indent + " " * len(block.prefix)
    out = []
    for number, line in enumerate(_lines(block.text)):
        first = indent + block.prefix if number == 0 else hanging
        out.append(first + line if width is None else wrap(line, width, first, hanging))
    return "\n".join(out)


def wrap(line: str, width: int, first: str, rest: str) -> str:
    """Greedy wrapping at spaces (never at a no-break space, never inside a word), like textwrap but faster."""
    rows: list[str] = []
    row = first
    filled = False  # whether the row holds a word yet
    for word in line.split(" "):
        if filled and len(row) + 1 + len(word) > width:
            rows.append(row)
            row, filled = rest + word, True
        elif filled:
            row += " " + word
        else:
            row, filled = row + word, True
    rows.append(row)
    return "\n".join(rows)


def layout(protocol: str, width: int | None = None) -> str:
    """Plain text from text.xsl's block protocol, optionally wrapped to ``width`` columns."""
    blocks = parse_blocks(collapse_layout_space(protocol))
    if not blocks:
        return ""
    parts = [_format(blocks[0], width)]
    for before, after in zip(blocks, blocks[1:], strict=False):
        parts.append(_separator(before, after))
        parts.append(_format(after, width))
    return "".join(parts) + "\n"


def render_text(
    tree: etree._ElementTree | etree._Element,
    *,
    notes: bool = True,
    width: int | None = None,
    stylesheet: Stylesheet = None,
    leiden: str = "auto",
    number_apparatus: bool = True,
) -> str:
    """The reading text of a TEI document: notes as numbered endnotes (or none), wrapped to ``width`` if given.

    ``leiden`` (``auto``, ``yes``, ``no``): the Leiden signs of EpiDoc editions, as in render_html.
    """
    if width is not None and width < 10:
        raise UsageError(f"a width of {width} columns is too narrow", hint="give 10 columns or more, or no width")
    check_tei_root(tree, unnamespaced=True)  # DocBook or TEI P4 would give loose words: refuse them
    xslt = stylesheets.load(stylesheet, "text.xsl")
    if leiden not in ("auto", "yes", "no"):
        raise ValueError(f"leiden must be auto, yes or no, not {leiden!r}")
    tei = prepared(stylesheets.as_tei(tree), number_apparatus=number_apparatus)  # see teikit.render.prepare
    result = stylesheets.run(
        xslt, tei, notes="yes" if notes else "no", generator=GENERATOR, leiden=leiden, **leiden_parameters()
    )
    return layout(str(result), width)
