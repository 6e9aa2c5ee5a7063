"""``--xinclude``: expand local ``xi:include`` elements before validating, as jing (with XInclude) does.

Only files inside the folders being validated are included (resolved through symbolic links, so no
``../`` or link escapes them); a remote ``href`` is never fetched. Each included file is parsed by teikit's
one safe parser, so it obeys the same rules as any document (no entities, no DTD, size limit). The
included elements keep their own ``sourceline``, and the run keeps which file each included element came
from, so a problem inside them is reported at the included file's line. No ``xml:base`` is added (XInclude's
base-URI fixup): a grammar that does not allow ``xml:base`` would reject every included element.

Supported: ``parse="xml"`` (the default) and ``parse="text"``; ``xpointer`` as a bare ``xml:id`` or as
``xmlns(p=uri)…xpointer(XPath)``; ``xi:fallback`` when the target is missing.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from lxml import etree

from ..errors import TeikitError, XMLInputError
from ..xmlio import parse_xml

XI_NS = "http://www.w3.org/2001/XInclude"
INCLUDE = f"{{{XI_NS}}}include"
FALLBACK = f"{{{XI_NS}}}fallback"
MAX_DEPTH = 20
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_XMLNS = re.compile(r"xmlns\(\s*([\w.-]+)\s*=\s*([^)]*)\)")
_XPOINTER = re.compile(r"xpointer\((.*)\)\s*$")


class XIncludeError(TeikitError):
    """An ``xi:include`` that cannot be followed: where it is and why."""


Origins = list[tuple[etree._Element, str]]


def expand_includes(
    tree: etree._ElementTree, source: Path, roots: tuple[Path, ...]
) -> tuple[list[XIncludeError], Origins]:
    """Replace every ``xi:include`` in ``tree`` by what it names.

    Returns the includes that could not be followed, and (element, file) for each element brought in: the
    elements themselves, kept alive, so that a problem's node can be traced back to its file.
    """
    problems: list[XIncludeError] = []
    origins: Origins = []
    source = source.resolve()
    root = tree.getroot()
    queue: list[tuple[etree._Element, Path, tuple[Path, ...]]] = [
        (include, source, (source,)) for include in root.iter(INCLUDE)
    ]
    while queue:
        include, base, stack = queue.pop(0)
        inner_stack: tuple[Path, ...]
        try:
            nodes, target = _included(include, base, roots, stack)
            inner_base, inner_stack = target, (*stack, target)
        except XIncludeError as exc:
            fallback = include.find(FALLBACK)
            nodes = list(fallback) if fallback is not None else []
            inner_base, inner_stack = base, stack
            if fallback is None:
                problems.append(exc)
        if include is tree.getroot():
            raise_root = XIncludeError("the root element is an xi:include: nothing to validate", source, None)
            problems.append(raise_root)
            continue
        _replace(include, nodes)
        for node in nodes:
            if isinstance(node, etree._Element):
                if inner_base != base:
                    origins.append((node, str(inner_base)))
                queue.extend((inner, inner_base, inner_stack) for inner in node.iter(INCLUDE))
    return problems, origins


def _included(
    include: etree._Element, source: Path, roots: tuple[Path, ...], stack: tuple[Path, ...]
) -> tuple[list, Path]:
    """Copies of what an include names (elements and strings), and the file they come from."""
    href = include.get("href", "")
    line = include.sourceline
    if not href:
        raise XIncludeError("xi:include without href (includes within the same file are not supported)", source, line)
    if _REMOTE.match(href) and not href.startswith("file:"):
        raise XIncludeError(
            f"xi:include of {href} is remote and teikit never fetches it", source, line, hint="include local files only"
        )
    if href.startswith("file://"):
        href = href[len("file://") :]
    target = (source.parent / href).resolve()
    if not any(target == root or root in target.parents for root in roots):
        raise XIncludeError(
            f"xi:include of {href} points outside the folders being validated",
            source,
            line,
            hint="validate a folder that holds both files",
        )
    if not target.is_file():
        raise XIncludeError(f"xi:include of {href}: no such file", source, line)
    if target in stack or len(stack) > MAX_DEPTH:
        raise XIncludeError(f"xi:include of {href} includes itself (a loop)", source, line)
    if include.get("parse", "xml") == "text":
        return [target.read_text(encoding=include.get("encoding") or "utf-8", errors="replace")], target
    try:
        included = parse_xml(target)
    except XMLInputError as exc:
        raise XIncludeError(f"xi:include of {href}: {exc.message}", exc.path, exc.line, exc.column) from None
    nodes = []
    for node in _select(included, include.get("xpointer"), href, source, line):
        twin = copy.deepcopy(node)  # keeps each element's sourceline
        twin.tail = None
        nodes.append(twin)
    return nodes, target


def _select(document: etree._ElementTree, pointer: str | None, href: str, source: Path, line: int | None) -> list:
    if not pointer:
        return [document.getroot()]
    expression = _XPOINTER.search(pointer)
    try:
        if expression:
            namespaces = {prefix: uri.strip() for prefix, uri in _XMLNS.findall(pointer)}
            found = document.xpath(expression.group(1), namespaces=namespaces)
        else:
            found = document.xpath("//*[@xml:id=$id]", id=pointer.strip())
    except etree.XPathError:
        raise XIncludeError(f"xi:include of {href}: cannot read the xpointer {pointer}", source, line) from None
    if not isinstance(found, list) or not found:
        raise XIncludeError(f"xi:include of {href}: the xpointer {pointer} selects nothing", source, line)
    return [node for node in found if isinstance(node, etree._Element)]


def _replace(include: etree._Element, nodes: list) -> None:
    """Put ``nodes`` (elements and strings) where ``include`` is, keeping the text that followed it."""
    parent = include.getparent()
    tail = include.tail or ""
    position = parent.index(include)
    parent.remove(include)
    previous = parent[position - 1] if position > 0 else None
    for node in nodes:
        if isinstance(node, str):
            if previous is None:
                parent.text = (parent.text or "") + node
            else:
                previous.tail = (previous.tail or "") + node
        else:
            node.tail = None
            parent.insert(position, node)
            position += 1
            previous = node
    if previous is None:
        parent.text = (parent.text or "") + tail
    else:
        previous.tail = (previous.tail or "") + tail
