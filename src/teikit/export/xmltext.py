"""Small helpers for reading TEI with lxml: names, normalised text, slugs, and locators for elements.

An element without ``@xml:id`` is located by an XPath 1.0 path from its
nearest ancestor that has one (``id('p9')/date[2]``), or from the root
(``/TEI/text/body/div[2]/p[3]``) when none has; steps are TEI local names,
positions count same-named siblings and are left out for an only child of its
name. Such a locator survives edits elsewhere in the document."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, OrderedDict

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WHITE_SPACE = re.compile(r"\s+")


def local(element: etree._Element) -> str:
    """The local name of a TEI element."""
    return etree.QName(element).localname


def is_tei(element) -> bool:
    """Whether a node is an element in the TEI namespace."""
    return isinstance(element.tag, str) and element.tag.startswith("{" + TEI_NS + "}")


def normalise_space(text: str) -> str:
    """Runs of white space as one space, none at either end."""
    return WHITE_SPACE.sub(" ", text).strip()


def text_of(element: etree._Element, skip: frozenset[str] = frozenset({"note", "idno"})) -> str:
    """The normalised text of a header or register element (notes and identifiers left out)."""
    parts: list[str] = []

    def visit(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and local(child) not in skip:
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return normalise_space("".join(parts))


def slug(text: str) -> str:
    """A surface form folded for grouping: case and accents ignored, runs of non-letters as one hyphen."""
    folded = unicodedata.normalize("NFKD", text.replace("’", "'")).casefold()
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", "-", folded).strip("-") or "unnamed"


class Locators:
    """xml:id where there is one, else an XPath-like path (sibling positions computed once per parent).

    Both memos are bounded (least recently used out): elements are located in document order, so the
    parents and ancestors in use stay, and a 50 MB corpus does not keep a table for every element alive.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._positions: OrderedDict[etree._Element, dict[etree._Element, tuple[int, int]]] = OrderedDict()
        self._paths: OrderedDict[etree._Element, str] = OrderedDict()

    def __call__(self, element: etree._Element) -> str:
        return element.get(XML_ID) or self.path(element)

    def path(self, element: etree._Element) -> str:
        """The element's path from its nearest identified ancestor, or from the root (memoised per element)."""
        known = self._paths.get(element)
        if known is not None:
            self._paths.move_to_end(element)
            return known
        parent = element.getparent()
        name = etree.QName(element).localname if is_tei(element) else etree.QName(element).text
        if parent is None:
            path = f"/{name}"
        else:
            position, count = self._position(parent, element)
            step = name if count == 1 else f"{name}[{position}]"
            start = f"id('{parent.get(XML_ID)}')" if parent.get(XML_ID) else self.path(parent)
            path = f"{start}/{step}"
        self._paths[element] = path
        if len(self._paths) > self._capacity:
            self._paths.popitem(last=False)
        return path

    def _position(self, parent: etree._Element, node: etree._Element) -> tuple[int, int]:
        table = self._positions.get(parent)
        if table is None:
            counts: Counter = Counter()
            order: list[tuple[etree._Element, int]] = []
            for child in parent:
                if isinstance(child.tag, str):
                    counts[child.tag] += 1
                    order.append((child, counts[child.tag]))
            table = {child: (position, counts[child.tag]) for child, position in order}
            self._positions[parent] = table
            if len(self._positions) > self._capacity // 64:
                self._positions.popitem(last=False)
        else:
            self._positions.move_to_end(parent)
        return table[node]
