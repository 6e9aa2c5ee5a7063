"""TEI → the exact source text: the edition's proof that encoding lost nothing.

This reverses teikit's own encoding conventions (schemas/encoding-guide.md):
blocks separated by one blank line, ``space`` for further blank lines, ``lb``
for line breaks inside a block, list items as ``  • text``, corrections shown
as the source has them (``sic``, never ``corr`` or ``supplied``). For the seed,
the result equals the source minus its declared furniture lines, character for
character. It reads only TEI, so it also works on a hand-corrected edition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..xmlio import TEI_NS, check_tei_root

T = f"{{{TEI_NS}}}"
# Editorial additions that are not characters of the source.
NOT_IN_SOURCE = {T + "corr", T + "supplied", T + "reg", T + "expan", T + "ex", T + "gap"}
CONTAINERS = {T + "front", T + "body", T + "back", T + "div", T + "opener"}
LAYOUT = re.compile(r"(indent|gap)\((\d+)\)")
NOTE_JOINED = "no-blank-line-before"  # teikit.tei's mark of a note on the line right after the previous one


@dataclass
class _Blocks:
    """Block strings in order, each with the extra blank lines before it."""

    items: list[tuple[int, str]] = field(default_factory=list)
    pending: int = 0

    def add(self, text: str, joined: bool = False) -> None:
        """One more block; ``joined`` when it starts on the line right after the previous one."""
        self.items.append((-1 if joined and self.items else self.pending, text))
        self.pending = 0

    def join(self, final_newline: bool = True) -> str:
        if not self.items:
            return ""
        out = [self.items[0][1]] if self.items[0][0] <= 0 else ["\n" * self.items[0][0] + self.items[0][1]]
        for extra, text in self.items[1:]:
            out.append("\n" + text if extra < 0 else "\n\n" + "\n" * extra + text)
        return "".join(out) + ("\n" if final_newline else "") + "\n" * self.pending


def source_text(element: etree._Element) -> str:
    """The characters of the source inside an element: sic not corr, lb as a line break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == T + "lb":
            parts.append("\n")
        elif child.tag not in NOT_IN_SOURCE and isinstance(child.tag, str) and not _editors_note(child):
            parts.append(source_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _editors_note(element: etree._Element) -> bool:
    """An editorial note with @resp inside running text: the edition's editors wrote it, not the source."""
    return element.tag == T + "note" and element.get("type") == "editorial" and element.get("resp") is not None


def _item_line(item: etree._Element) -> str:
    layout = dict(LAYOUT.findall(item.get("rend", "")))
    indent, gap = int(layout.get("indent", 2)), int(layout.get("gap", 1))
    return " " * indent + item.get("n", "•") + " " * gap + source_text(item)


def _walk(element: etree._Element, blocks: _Blocks) -> None:
    for child in element:
        tag = child.tag
        if tag == T + "space":
            blocks.pending += int(child.get("quantity", "1"))
        elif tag in CONTAINERS:
            _walk(child, blocks)
        elif tag == T + "docTitle":
            blocks.add("\n".join(source_text(part) for part in child.iter(T + "titlePart")))
        elif tag == T + "list":
            blocks.add("\n".join(_item_line(item) for item in child.iter(T + "item")))
        elif tag == T + "milestone":
            blocks.add(child.get("rend", "* * *"))
        elif tag == T + "closer":
            _walk_closer(child, blocks)
        elif tag in {T + "head", T + "p", T + "salute"}:
            blocks.add(source_text(child))
        elif tag == T + "note":
            blocks.add(source_text(child), joined=NOTE_JOINED in child.get("rend", "").split())


def _walk_closer(closer: etree._Element, blocks: _Blocks) -> None:
    for child in closer:
        if child.tag == T + "space":
            blocks.pending += int(child.get("quantity", "1"))
        elif isinstance(child.tag, str):
            blocks.add(source_text(child))


def render_lossless(tree: etree._ElementTree | etree._Element) -> str:
    """The source text regenerated from a teikit TEI document."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    check_tei_root(root)
    text = root.find(T + "text")
    if text is None:
        return ""
    blocks = _Blocks()
    _walk(text, blocks)
    return blocks.join(final_newline="no-final-newline" not in text.get("rend", "").split())
