"""``--xinclude``: expand local ``xi:include`` elements before validating, as jing (with XInclude) does.

Only files inside the folders being validated are included (resolved through symbolic links, so no
``../`` or link escapes them); a remote ``href`` is never fetched. Each included file is parsed by teikit's
one safe parser, so it obeys the same rules as any document (no entities, no DTD, size limit). The
included elements keep their own ``sourceline``, and carry an ``xml:base`` naming their file (the base-URI
fixup XInclude 1.0 asks for), so a problem inside them is reported at the included file's line.

Supported: ``parse="xml"`` (the default) and ``parse="text"``; ``xpointer`` as a bare ``xml:id`` or as
``xmlns(p=uri)…xpointer(XPath)``; ``xi:fallback`` when the target is missing.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from lxml import etree

from ..errors import TeikitError, XMLInputError
from ..xmlio import XML_NS, parse_xml

XI_NS = "http://www.w3.org/2001/XInclude"
INCLUDE = f"{{{XI_NS}}}include"
FALLBACK = f"{{{XI_NS}}}fallback"
MAX_DEPTH = 20
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_XMLNS = re.compile(r"xmlns\(\s*([\w.-]+)\s*=\s*([^)]*)\)")
_XPOINTER = re.compile(r"xpointer\((.*)\)\s*$")


class XIncludeError(TeikitError):
    """An ``xi:include`` that cannot be followed: where it is and why."""


def expand_includes(tree: etree._ElementTree, source: Path, roots: tuple[Path, ...]) -> list[XIncludeError]:
    """Replace every ``xi:include`` in ``tree`` by what it names; the includes that could not be followed."""
    problems: list[XIncludeError] = []
    _expand(tree.getroot(), source.resolve(), roots, (source.resolve(),), problems)
    return problems


def _expand(root: etree._Element, source: Path, roots: tuple[Path, ...], stack: tuple[Path, ...],
            problems: list[XIncludeError]) -> None:
    for include in list(root.iter(INCLUDE)):
        try:
            replacement = _included(include, source, roots, stack, problems)
        except XIncludeError as exc:
            fallback = include.find(FALLBACK)
            replacement = list(fallback) if fallback is not None else []
            if fallback is None:
                problems.append(exc)
        _replace(include, replacement, fallback_text=None)


def _included(include: etree._Element, source: Path, roots: tuple[Path, ...], stack: tuple[Path, ...],
              problems: list[XIncludeError]) -> list:
    href = include.get("href", "")
    line = include.sourceline
    if not href:
        raise XIncludeError("xi:include without href (includes within the same file are not supported)",
                            source, line)
    if _REMOTE.match(href) and not href.startswith("file:"):
        raise XIncludeError(f"xi:include of {href} is remote and teikit never fetches it", source, line,
                            hint="include local files only")
    if href.startswith("file://"):
        href = href[len("file://") :]
    target = (source.parent / href).resolve()
    if not any(target == root or root in target.parents for root in roots):
        raise XIncludeError(f"xi:include of {href} points outside the folders being validated", source, line,
                            hint="validate a folder that holds both files")
    if not target.is_file():
        raise XIncludeError(f"xi:include of {href}: no such file", source, line)
    if target in stack or len(stack) > MAX_DEPTH:
        raise XIncludeError(f"xi:include of {href} includes itself (a loop)", source, line)
    if include.get("parse", "xml") == "text":
        return [target.read_text(encoding=include.get("encoding") or "utf-8", errors="replace")]
    try:
        included = parse_xml(target)
    except XMLInputError as exc:
        raise XIncludeError(f"xi:include of {href}: {exc.message}", exc.path, exc.line, exc.column) from None
    _expand(included.getroot(), target, roots, (*stack, target), problems)
    selected = _select(included, include.get("xpointer"), href, source, line)
    nodes = []
    for node in selected:
        twin = copy.deepcopy(node)  # keeps each element's sourceline
        twin.tail = None
        if isinstance(twin.tag, str):
            twin.set(f"{{{XML_NS}}}base", str(target))
        nodes.append(twin)
    return nodes


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


def _replace(include: etree._Element, nodes: list, fallback_text: str | None) -> None:
    """Put ``nodes`` (elements and strings) where ``include`` is, keeping the text that followed it."""
    parent = include.getparent()
    tail = include.tail or ""
    if parent is None:  # the root itself is an include: only one element can take its place
        elements = [node for node in nodes if isinstance(node, etree._Element)]
        if elements:
            root_tree = include.getroottree()
            root_tree._setroot(elements[0])
        return
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
