"""Where a problem is: the line and column of an element's start tag, and the file it came from.

libxml2's validators give lines only (and an XPath to the node); lxml's tree keeps each element's
``sourceline`` (right past line 65,535) and ``base`` (the included file, after XInclude), so a problem is
located on the node itself and its column found by reading that line of the source.
"""

from __future__ import annotations

import functools
import re

from lxml import etree


@functools.lru_cache(maxsize=4096)
def split_tag(tag: str) -> tuple[str, str]:
    """(namespace, local name) of a tag in Clark notation; cached, as an invalid file's replay asks for
    the names of every element (a million in 50 MB of TEI) and a document uses few distinct tags."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def local_name(node: etree._Element) -> str:
    return split_tag(node.tag)[1]


class Locator:
    """Finds the line and column of an element's start tag in the file it was parsed from."""

    def __init__(self, tree: etree._ElementTree, path: str) -> None:
        self.tree = tree
        self.path = path
        self._lines: dict[str, list[str]] = {}
        root = tree.getroot()
        self._root_base = root.base if root is not None else None

    def source_of(self, node: etree._Element | None) -> str:
        """The file a node was read from: the document, or the file an ``xi:include`` brought it from."""
        if node is None:
            return self.path
        base = node.base
        if base and base != self._root_base and not base.startswith(("http:", "https:")):
            return base[len("file://") :] if base.startswith("file://") else base
        return self.path

    def _source_lines(self, source: str) -> list[str]:
        if source not in self._lines:
            try:
                with open(source, encoding="utf-8", errors="replace") as handle:
                    self._lines[source] = handle.read().split("\n")
            except OSError:  # a tree built in memory, or a name that is not a file
                self._lines[source] = []
        return self._lines[source]

    def position(self, node: etree._Element | None, line: int | None = None) -> tuple[int | None, int | None]:
        """(line, column) of ``node``'s start tag, 1-based; no column when the source is not at hand."""
        if node is None or not node.sourceline:
            return line, None
        line = node.sourceline
        lines = self._source_lines(self.source_of(node))
        if line > len(lines):
            return line, None
        # Which of the tags of that name on the line is this one: count those before it. Walking back
        # from the node stops at the line's start, where indexing the tree would visit all of it.
        # (By local name, as the start tags are found by local name: <x:c> and <c> are both "c".)
        name, nth = local_name(node), 0
        for element in _preceding(node):
            if (element.sourceline or 0) < line:
                break
            if local_name(element) == name:
                nth += 1
        local = re.escape(name)
        pattern = re.compile(rf"<(?:[\w.-]+:)?{local}(?=[\s/>]|$)")
        found = list(pattern.finditer(lines[line - 1]))
        if nth < len(found):
            return line, found[nth].start() + 1
        return line, None


def _preceding(node: etree._Element):
    """The elements before ``node`` in document order, nearest first (its ancestors included)."""
    current = node
    while True:
        previous = current.getprevious()
        if previous is None:
            current = current.getparent()
            if current is None:
                return
        else:
            while len(previous):  # the last element inside the previous sibling comes just before
                previous = previous[-1]
            current = previous
        if isinstance(current.tag, str):
            yield current

