"""Where a problem is: the line and column of an element's start tag, and the file it came from.

libxml2's validators give lines only (and an XPath to the node); lxml's tree keeps each element's
``sourceline`` (right past line 65,535) and ``base`` (the included file, after XInclude), so a problem is
located on the node itself and its column found by reading that line of the source.
"""

from __future__ import annotations

import functools
import re
from array import array

from lxml import etree

# libxml2 keeps an element's line in 16 bits; past 65,535 lxml asks the element's text or neighbours for
# theirs (which are kept whole), so only an element with none of those reads 65535: then it is counted.
CAPPED_LINE = 65535
# Everything in XML markup that starts with "<" but is not a start tag, then a start tag itself.
_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>|<(?=[^/!?])", re.S)


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

    def __init__(self, tree: etree._ElementTree, path: str, origins: list | tuple = ()) -> None:
        self.tree = tree
        self.path = path
        # (element, file) for the elements an xi:include brought in; the list keeps them (and so their
        # identities) alive while the tree is checked.
        self._origins = list(origins)
        self._origin_of = {id(element): source for element, source in self._origins}
        self._lines: dict[str, list[str]] = {}
        self._start_tag_lines: array | None = None

    def source_of(self, node: etree._Element | None) -> str:
        """The file a node was read from: the document, or the file an ``xi:include`` brought it from."""
        if node is None or not self._origin_of:
            return self.path
        for element in (node, *node.iterancestors()):
            source = self._origin_of.get(id(element))
            if source is not None:
                return source
        return self.path

    def _source_lines(self, source: str) -> list[str]:
        if source not in self._lines:
            try:
                with open(source, encoding="utf-8", errors="replace") as handle:
                    self._lines[source] = handle.read().split("\n")
            except OSError:  # a tree built in memory, or a name that is not a file
                self._lines[source] = []
        return self._lines[source]

    def line_of(self, node: etree._Element) -> int:
        """The element's start-tag line, right past line 65,535."""
        line = node.sourceline
        if line == CAPPED_LINE and self.source_of(node) == self.path:
            return _line_by_count(self, node)
        return line

    def position(self, node: etree._Element | None, line: int | None = None) -> tuple[int | None, int | None]:
        """(line, column) of ``node``'s start tag, 1-based; no column when the source is not at hand."""
        if node is None or not node.sourceline:
            return line, None
        line = self.line_of(node)
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


def _line_by_count(locator: Locator, node: etree._Element) -> int:
    """The line of an element whose recorded line is capped: the line of the document's n-th start tag."""
    if locator._start_tag_lines is None:
        lines = array("L")
        try:
            with open(locator.path, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        line, position = 1, 0
        for match in _MARKUP.finditer(data):
            if match.end() - match.start() == 1:  # a start tag
                line += data.count(b"\n", position, match.start())
                position = match.start()
                lines.append(line)
        locator._start_tag_lines = lines
    index = int(node.xpath("count(preceding::*) + count(ancestor::*)"))  # its place in document order
    found = locator._start_tag_lines
    return found[index] if index < len(found) else CAPPED_LINE


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
