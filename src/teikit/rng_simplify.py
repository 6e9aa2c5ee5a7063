"""A RELAX NG grammar with every inherited context written out: the form a restriction may rewrite.

A RELAX NG pattern means something only in its context: the ``ns`` and
``datatypeLibrary`` of its ancestors, prefixes declared above it, the grammar it
belongs to (``ref`` and ``parentRef``), the files it includes and the
definitions those includes override. Moving or copying a pattern (what the
restriction in :mod:`teikit.relaxng` does) silently changes its meaning unless
that context is first made explicit. :func:`explicit_grammar` does that,
following the simplification steps of the RELAX NG specification (section 4):

* 4.1 annotations and comments dropped;
* 4.3/4.4 every ``data`` and ``value`` carries its ``datatypeLibrary`` (and a
  ``value`` without ``type`` becomes ``type="token"`` of the built-in library);
* 4.5-4.7 ``externalRef`` and ``include`` replaced by what they reference, with
  the ``start`` and ``define`` components an ``include`` overrides removed from
  the included grammar (also inside its ``div``s, never inside nested grammars);
* 4.8-4.10 every ``element``, ``attribute``, ``name``, ``nsName`` and ``value``
  carries its ``ns``, and prefixed names are resolved, so no prefix is needed;
* 4.11 ``div`` unwrapped;
* 4.18 nested ``grammar``s flattened into the top one: their definitions
  renamed apart, ``parentRef`` turned into ``ref``, the nested grammar replaced
  by a reference to its ``start``.

The result has one ``grammar`` whose components are ``start`` and ``define``
only, and it matches exactly the documents the original matches. What this
module does not handle raises :class:`NotSimplifiable` with the reason; the
caller then compiles the original grammar whole.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from .errors import XMLInputError
from .xmlio import XML_NS, parse_xml

RNG_NS = "http://relaxng.org/ns/structure/1.0"
_RNG = f"{{{RNG_NS}}}"
# Datatypes whose values are read with the namespace declarations around them: once a value is
# copied elsewhere its prefixes may mean something else, so grammars using them are not rewritten.
_CONTEXT_DATATYPES = {"QName", "NOTATION"}
MAX_FILE_DEPTH = 20
# Nodes whose prefixed name is resolved: node, namespace, local name (applied with the others, at the end).
_Resolved = list[tuple[etree._Element, str, str]]
_NAMED = (_RNG + "element", _RNG + "attribute", _RNG + "name", _RNG + "nsName", _RNG + "value")


class NotSimplifiable(Exception):
    """The grammar uses something that :func:`explicit_grammar` cannot make explicit (the reason is the message)."""


# Every element of RELAX NG's XML syntax, by its full tag (relaxng.py looks kinds up here too: a dict look-up
# is the hottest operation of a restriction).
RNG_KINDS = {
    _RNG + kind: kind
    for kind in (
        "grammar",
        "start",
        "define",
        "div",
        "include",
        "externalRef",
        "parentRef",
        "ref",
        "element",
        "attribute",
        "group",
        "interleave",
        "choice",
        "optional",
        "zeroOrMore",
        "oneOrMore",
        "list",
        "mixed",
        "empty",
        "text",
        "value",
        "data",
        "param",
        "except",
        "notAllowed",
        "name",
        "anyName",
        "nsName",
    )
}


def _kind(node: etree._Element) -> str | None:
    """The RELAX NG name of a node; None for foreign elements, comments and processing instructions."""
    return RNG_KINDS.get(node.tag)  # (a comment's tag is a function: never a key)


def _remove_keeping_tail(node: etree._Element) -> None:
    """Remove ``node`` but not the text that follows it (it belongs to the parent, e.g. a ``value``)."""
    parent = node.getparent()
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _strip_annotations(root: etree._Element) -> None:
    """Step 4.1: foreign elements, comments and processing instructions mean nothing to RELAX NG."""
    for node in [node for node in root.iter() if _kind(node) is None and node is not root]:
        if node.getparent() is not None:
            _remove_keeping_tail(node)


def _explicit_datatypes(root: etree._Element) -> None:
    """Steps 4.3 and 4.4, within one document (a datatypeLibrary is never inherited from another file)."""
    for node in root.iter(_RNG + "data", _RNG + "value"):
        if _kind(node) == "value" and node.get("type") is None:
            node.set("type", "token")
            node.set("datatypeLibrary", "")
            continue
        if node.get("datatypeLibrary") is None:
            node.set("datatypeLibrary", _inherited(node, "datatypeLibrary") or "")
        if node.get("type", "").strip() in _CONTEXT_DATATYPES:
            raise NotSimplifiable(f"the {node.get('type').strip()} datatype depends on namespace declarations")


def _inherited(node: etree._Element, attribute: str) -> str | None:
    for ancestor in (node, *node.iterancestors()):
        if ancestor.get(attribute) is not None:
            return ancestor.get(attribute)
    return None


def _load(href: str | None, base: Path, depth: int, prefixed: _Resolved) -> etree._Element:
    """The document element of a referenced file, simplified up to step 4.7 (local files only)."""
    if href is None or not href.strip():
        raise NotSimplifiable("an include or externalRef without href")
    href = href.strip()
    if "://" in href or href.startswith("file:"):
        raise NotSimplifiable(f"the schema refers to {href}, which is not a local file path")
    path = base.parent / href
    if depth > MAX_FILE_DEPTH:
        raise NotSimplifiable(f"includes and external references nest deeper than {MAX_FILE_DEPTH} files")
    try:
        root = parse_xml(path).getroot()
    except XMLInputError as exc:
        raise NotSimplifiable(f"cannot read {href}: {exc.message}") from None
    return _document(root, path, depth, prefixed)


def _document(root: etree._Element, path: Path, depth: int, prefixed: _Resolved) -> etree._Element:
    """One file's grammar with its own annotations, datatypes, includes and external references resolved."""
    root = copy.deepcopy(root)
    _strip_annotations(root)
    _explicit_datatypes(root)
    # Prefixes are declared in this file: resolve them before any node moves to another document.
    _resolve_prefixed_names(root, prefixed)
    # Deepest first, so that a replaced node is never visited again.
    for node in reversed([n for n in root.iter(_RNG + "externalRef", _RNG + "include")]):
        if _kind(node) == "externalRef":
            _expand_external_ref(node, path, depth, prefixed)
        else:
            _expand_include(node, path, depth, prefixed)
    return root


def _expand_external_ref(node: etree._Element, path: Path, depth: int, prefixed: _Resolved) -> None:
    """Step 4.6: the referenced pattern in place of the externalRef, taking its ns if it has none."""
    referenced = _load(node.get("href"), path, depth + 1, prefixed)
    if node.get("ns") is not None and referenced.get("ns") is None:
        referenced.set("ns", node.get("ns"))
    referenced.tail = node.tail
    node.getparent().replace(node, referenced)


def _components(container: etree._Element):
    """The start, define, include and div children of a grammar or div, through divs (never nested grammars)."""
    for child in container:
        kind = _kind(child)
        if kind == "div":
            yield child
            yield from _components(child)
        elif kind in ("start", "define", "include"):
            yield child


def _expand_include(node: etree._Element, path: Path, depth: int, prefixed: _Resolved) -> None:
    """Step 4.7: an include becomes a div holding the included grammar minus what the include overrides."""
    included = _load(node.get("href"), path, depth + 1, prefixed)
    if _kind(included) != "grammar":
        raise NotSimplifiable(f"{node.get('href')} is included but is not a grammar")
    overrides = list(_components(node))
    overridden = {c.get("name", "").strip() for c in overrides if _kind(c) == "define"}
    overrides_start = any(_kind(c) == "start" for c in overrides)
    for component in list(_components(included)):
        kind = _kind(component)
        if (kind == "start" and overrides_start) or (
            kind == "define" and component.get("name", "").strip() in overridden
        ):
            component.getparent().remove(component)
    outer = etree.Element(_RNG + "div")
    for name, value in node.attrib.items():
        if name != "href":
            outer.set(name, value)
    inner = etree.SubElement(outer, _RNG + "div")
    for name, value in included.attrib.items():
        inner.set(name, value)
    inner.text = None
    for child in list(included):
        inner.append(child)
    for child in list(node):
        outer.append(child)
    outer.tail = node.tail
    node.getparent().replace(node, outer)


def _resolve_qname(text: str, node: etree._Element, default_ns: str) -> tuple[str, str]:
    """Step 4.10: a possibly prefixed name as (namespace, local name)."""
    text = text.strip()
    if ":" not in text:
        return default_ns, text
    prefix, local = text.split(":", 1)
    if prefix == "xml":
        return XML_NS, local
    uri = node.nsmap.get(prefix)
    if uri is None:
        raise NotSimplifiable(f"the prefix {prefix!r} of the name {text!r} is not declared")
    return uri, local


def _resolve_prefixed_names(root: etree._Element, prefixed: _Resolved) -> None:
    """Step 4.10 for the names with a prefix, against this file's declarations."""
    for node in root.iter(_RNG + "element", _RNG + "attribute", _RNG + "name"):
        text = (node.text or "") if _kind(node) == "name" else node.get("name")
        if text is not None and ":" in text:
            prefixed.append((node, *_resolve_qname(text, node, "")))


def _explicit_names(root: etree._Element, prefixed: _Resolved) -> None:
    """Steps 4.8-4.10: every name and namespace written where it is used, computed before anything changes."""
    changes: list[tuple[etree._Element, str, str | None]] = list(prefixed)  # node, ns, local name (None: keep)
    done = {id(node) for node, _, _ in prefixed}
    for node in root.iter(*_NAMED):
        if id(node) in done:
            continue
        kind = _kind(node)
        inherited = _inherited(node, "ns") or ""
        if kind == "attribute" and node.get("name") is not None:
            # 4.8: an attribute's unprefixed name is in no namespace unless the attribute says otherwise.
            changes.append((node, node.get("ns") or "", node.get("name").strip()))
        elif kind == "element" and node.get("name") is not None:
            changes.append((node, inherited, node.get("name").strip()))
        elif kind == "name":
            changes.append((node, inherited, (node.text or "").strip()))
        else:
            changes.append((node, inherited, None))
    for node, ns, local in changes:
        node.set("ns", ns)
        if local is None:
            continue
        if _kind(node) == "name":
            node.text = local
        else:
            node.set("name", local)


def _unwrap_divs(root: etree._Element) -> None:
    """Step 4.11: a div only groups components; its children take its place."""
    for div in reversed(list(root.iter(_RNG + "div"))):
        parent = div.getparent()
        index = parent.index(div)
        for offset, child in enumerate(list(div)):
            parent.insert(index + offset, child)
        parent.remove(div)


class _Names:
    """Fresh definition names, never equal to one in use."""

    def __init__(self, root: etree._Element) -> None:
        self.used = {d.get("name", "").strip() for d in root.iter(_RNG + "define")}
        self.count = 0

    def fresh(self, base: str) -> str:
        while True:
            self.count += 1
            name = f"teikit.g{self.count}.{base}"
            if name not in self.used:
                self.used.add(name)
                return name


def _check_components(grammar: etree._Element) -> None:
    for component in grammar:
        if _kind(component) not in ("start", "define"):
            raise NotSimplifiable(f"a {_kind(component)} element where a grammar component was expected")


def _flatten(
    grammar: etree._Element,
    renames: dict[str, str],
    parent: dict[str, str] | None,
    names: _Names,
    collected: list[etree._Element],
) -> None:
    """Step 4.18 for one grammar whose own definitions are renamed by ``renames``."""
    for component in list(grammar):
        kind = _kind(component)
        if kind not in ("start", "define"):
            raise NotSimplifiable(f"a {kind} element where a grammar component was expected")
        _rename_in(component, renames, parent, names, collected)


def _rename_in(
    node: etree._Element,
    renames: dict[str, str],
    parent: dict[str, str] | None,
    names: _Names,
    collected: list[etree._Element],
) -> None:
    for child in list(node):
        kind = _kind(child)
        if kind == "grammar":
            child.getparent().replace(child, _flattened_nested(child, renames, names, collected))
            continue
        if kind in ("ref", "parentRef"):
            scope = renames if kind == "ref" else parent
            name = child.get("name", "").strip()
            if scope is None or name not in scope:
                where = "the enclosing grammar" if kind == "parentRef" else "its grammar"
                raise NotSimplifiable(f"{kind} to {name!r}, which {where} does not define")
            child.tag = _RNG + "ref"
            child.set("name", scope[name])
            continue
        _rename_in(child, renames, parent, names, collected)


def _flattened_nested(
    grammar: etree._Element, outer: dict[str, str], names: _Names, collected: list[etree._Element]
) -> etree._Element:
    """A nested grammar's components moved into ``collected`` under fresh names; the ref that replaces it."""
    own = {d.get("name", "").strip() for d in grammar if _kind(d) == "define"}
    renames = {name: names.fresh(name) for name in own}
    start = names.fresh("start")
    starts = [c for c in grammar if _kind(c) == "start"]
    if not starts:
        raise NotSimplifiable("a nested grammar without start")
    _flatten(grammar, renames, outer, names, collected)
    for component in list(grammar):
        if _kind(component) == "start":
            component.tag = _RNG + "define"
            component.set("name", start)
        else:
            component.set("name", renames[component.get("name", "").strip()])
        collected.append(component)
    ref = etree.Element(_RNG + "ref", name=start)
    ref.tail = grammar.tail
    return ref


def explicit_grammar(grammar: etree._ElementTree, base: str | Path) -> etree._ElementTree:
    """The grammar (read from ``base``) with every inherited context explicit: see the module's docstring.

    Raises NotSimplifiable when that cannot be done exactly.
    """
    root = grammar.getroot()
    if _kind(root) != "grammar":
        raise NotSimplifiable("the schema's document element is a pattern, not a grammar")
    prefixed: _Resolved = []
    root = _document(root, Path(base), 0, prefixed)
    _explicit_names(root, prefixed)
    _unwrap_divs(root)
    for component in root:
        if _kind(component) == "define":
            component.set("name", component.get("name", "").strip())
    names = _Names(root)
    top = {d.get("name") for d in root if _kind(d) == "define"}
    if not any(True for _ in root.iter(_RNG + "parentRef")) and all(g is root for g in root.iter(_RNG + "grammar")):
        # One grammar (tei_all): nothing to rename; only check that every reference is defined.
        for ref in root.iter(_RNG + "ref"):
            if ref.get("name", "").strip() not in top:
                raise NotSimplifiable(f"ref to {ref.get('name')!r}, which its grammar does not define")
            ref.set("name", ref.get("name").strip())
        _check_components(root)
        return root.getroottree()
    collected: list[etree._Element] = []
    _flatten(root, {name: name for name in top}, None, names, collected)
    for component in collected:
        component.tail = None
        root.append(component)
    return root.getroottree()
