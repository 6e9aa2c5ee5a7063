"""RELAX NG grammars made fast and their errors made readable.

Two jobs, both about a grammar as a tree of patterns:

* :func:`restrict` derives, from a big grammar such as ``tei_all.rng``, the
  grammar that keeps only the element patterns whose names occur in the
  documents to be validated. The grammar is first made explicit (every
  inherited ``ns`` and ``datatypeLibrary`` written out, includes, external
  references, nested grammars and ``div`` resolved: :mod:`teikit.rng_simplify`),
  so that moving a pattern never changes its meaning. Every other element
  pattern is then replaced by ``notAllowed`` and the consequences are propagated
  (a choice loses the branch, a group becomes ``notAllowed``,
  ``zeroOrMore``/``optional`` become ``empty``), and unreachable definitions are
  dropped. A document that uses only those names can never match a removed
  pattern, so both grammars accept exactly the same such documents; libxml2
  compiles the small one in a fraction of the time. Attribute classes are then
  inlined only while the grammar stays no bigger and no deeper than the full
  one. The result is cached on disk, each entry checked before it is used.
* :class:`ContentModels` replays an element's children, by name only, against
  the grammar's content model for that element (Brzozowski derivatives, as in
  James Clark's algorithm for RELAX NG) to say which child is not allowed, or
  what an incomplete element still needs, and which elements were expected.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import XMLInputError
from .files import write_atomic
from .rng_datatypes import align_datatypes
from .rng_simplify import RNG_KINDS, NotSimplifiable, explicit_grammar
from .xmlio import parse_xml, parse_xml_bytes

RNG_NS = "http://relaxng.org/ns/structure/1.0"
_RNG = f"{{{RNG_NS}}}"
# Bump when the derivation changes so that old cache entries are never reused.
RESTRICTION_VERSION = "3"

# ---------------------------------------------------------------------------
# Which element and attribute names a document uses
# ---------------------------------------------------------------------------
#
# A set of names in use holds local element names ("p") and local attribute names
# prefixed with "@" ("@id" for xml:id), so that one frozenset says everything and
# "covers" is a subset test.

# A start tag: "<", a name ("<!" and "<?" are comments, CDATA, DOCTYPE and processing
# instructions), then attributes up to ">", where quoted values may hold ">" but never
# "<" (XML forbids it). So a match never runs past the next "<": every start tag of a
# well-formed document is matched, and matches inside comments or CDATA only add names.
# Extra names are harmless (the restricted grammar must keep a superset, never fewer).
_START_TAG = re.compile(rb"""<([^\s/>!?<]+)([^>"'<]*(?:(?:"[^"<]*"|'[^'<]*')[^>"'<]*)*)>""")
_QUOTED = re.compile(rb""""[^"]*"|'[^']*'""")
_TOKEN = re.compile(rb"[^\s=/]+")
_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ASCII_SUPERSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def byte_scannable(head: bytes) -> bool:
    """Whether a document whose first bytes are ``head`` is UTF-8 or ASCII, so that its bytes can be scanned."""
    head = head[:200]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return False  # UTF-16 or UTF-32: a byte scan would miss names
    declared = _ENCODING_DECL.match(head)
    return not (declared and declared.group(1).decode("ascii").lower() not in _ASCII_SUPERSETS)


def names_in_part(data: bytes) -> frozenset[str]:
    """Element names and "@"-attribute names of the start tags in a run of UTF-8 bytes (any part of a document).

    A tag cut off at either end of the part is not counted; a part cut just
    before a "<" loses none (a start tag never contains "<").
    """
    tags = set(_START_TAG.findall(data))
    names = {_local(name.decode("utf-8", "replace")) for name, _ in tags}
    # With the quoted values taken out, what is left of the attribute lists is their names.
    attribute_lists = _QUOTED.sub(b" ", b" ".join({attributes for _, attributes in tags}))
    names.update("@" + _local(a.decode("utf-8", "replace")) for a in set(_TOKEN.findall(attribute_lists)))
    return frozenset(names)


def element_names_in_bytes(data: bytes) -> frozenset[str] | None:
    """Element names and "@"-attribute names in an XML document held as UTF-8/ASCII bytes.

    None for other encodings (the caller parses those instead).
    """
    return names_in_part(data) if byte_scannable(data) else None


# Files are scanned in blocks of this size, so that a file of any size is scanned in bounded memory.
SCAN_BLOCK = 16 * 1024 * 1024


def element_names_in_file(path: str | Path) -> frozenset[str]:
    """Element names and "@"-attribute names in one XML file (empty when it cannot be read or parsed)."""
    try:
        with open(path, "rb") as handle:
            block = handle.read(SCAN_BLOCK)
            if byte_scannable(block):
                return _names_in_blocks(handle, block)
    except OSError:
        return frozenset()
    try:
        tree = parse_xml(path)
    except Exception:  # malformed files are reported by validation itself
        return frozenset()
    return names_in_tree(tree)


def _names_in_blocks(handle, block: bytes) -> frozenset[str]:
    names: set[str] = set()
    pending = b""
    while True:
        data = pending + block if pending else block
        if not block:
            return frozenset(names | names_in_part(data))
        # Scan up to the last "<" and carry the rest: no start tag is ever cut in two.
        cut = data.rfind(b"<")
        if cut > 0:
            names |= names_in_part(data[:cut])
            pending = data[cut:]
        else:
            pending = data
        block = handle.read(SCAN_BLOCK)


def names_in_tree(tree: etree._ElementTree) -> frozenset[str]:
    """Element names and "@"-attribute names in a parsed tree."""
    names: set[str] = set()
    for element in tree.iter():
        if isinstance(element.tag, str):
            names.add(etree.QName(element).localname)
            names.update("@" + etree.QName(key).localname for key in element.attrib)
    return frozenset(names)


# ---------------------------------------------------------------------------
# Restriction
# ---------------------------------------------------------------------------

_GROUP_LIKE = {"group", "interleave", "oneOrMore", "list", "mixed", "element", "attribute", "define", "start"}
_EMPTY_WHEN_NOTHING = {"zeroOrMore", "optional"}
_LEAVES = {"text", "empty", "value", "data"}
_NAME_CLASSES = {"name", "anyName", "nsName"}


# A look-up in rng_simplify's dict of RELAX NG's elements is the hottest operation of a restriction (a quarter
# of a million per tei_all): a third of the time of testing the tag's namespace by string operations.
_RNG_KINDS = RNG_KINDS


def _rng(node: etree._Element) -> str | None:
    """The RELAX NG local name of a node, or None for annotations, comments and foreign elements."""
    return _RNG_KINDS.get(node.tag)


def _content(node: etree._Element) -> list[etree._Element]:
    """The pattern children of a node, skipping the name class of element and attribute."""
    children = [child for child in node if _rng(child)]
    if _rng(node) in ("element", "attribute") and node.get("name") is None and children:
        children = children[1:]
    return children


def _name_class_keeps(element: etree._Element, names: frozenset[str]) -> bool:
    """Whether an element (or attribute) pattern could match one of ``names`` (local names)."""
    if element.get("name") is not None:
        return _local(element.get("name").strip()) in names
    name_class = next((child for child in element if _rng(child)), None)
    if name_class is None:
        return True
    for node in name_class.iter():
        kind = _rng(node)
        if kind in ("anyName", "nsName"):
            return True
        if kind == "name" and _local((node.text or "").strip()) in names:
            return True
    return False


def _is_nothing(node: etree._Element, nothing: set[str]) -> bool:
    """Whether a pattern can match nothing at all, given the definitions already known to match nothing."""
    kind = _rng(node)
    if kind == "notAllowed":
        return True
    if kind == "ref":
        return node.get("name") in nothing
    if kind in _LEAVES or kind in _EMPTY_WHEN_NOTHING:
        return False
    children = _content(node)
    if kind == "choice":
        return bool(children) and all(_is_nothing(child, nothing) for child in children)
    if kind in _GROUP_LIKE:
        return any(_is_nothing(child, nothing) for child in children)
    return False


def _rewrite(node: etree._Element, nothing: set[str]) -> bool:
    """Remove what can match nothing below ``node``; return whether ``node`` itself matches nothing."""
    kind = _rng(node)
    if kind == "notAllowed":
        return True
    if kind == "ref":
        return node.get("name") in nothing
    if kind in _LEAVES:
        return False
    children = _content(node)
    results = [(child, _rewrite(child, nothing)) for child in children]
    if kind == "choice":
        alive = [child for child, dead in results if not dead]
        for child, dead in results:
            if dead:
                node.remove(child)
        return not alive
    if kind in _EMPTY_WHEN_NOTHING:
        if any(dead for _, dead in results):
            _replace(node, "empty")
        return False
    return any(dead for _, dead in results)


def _replace(node: etree._Element, kind: str) -> None:
    new = etree.Element(_RNG + kind)
    new.tail = node.tail
    node.getparent().replace(node, new)


def inline_includes(grammar: etree._ElementTree, base: str | Path, depth: int = 0) -> etree._ElementTree:
    """The grammar with every ``include`` replaced by the included grammar's content (overrides applied).

    An ``include`` becomes a ``div`` carrying the included grammar's ``ns`` and
    ``datatypeLibrary``, so that names and datatypes keep their meaning.
    """
    root = etree.fromstring(etree.tostring(grammar))
    for include in [node for node in root.iter(_RNG + "include")]:
        href = Path(base).parent / include.get("href", "")
        if depth > 20:
            raise XMLInputError("includes nest deeper than 20 levels", str(href))
        included = inline_includes(parse_xml(href), href, depth + 1).getroot()
        _make_inheritance_explicit(included)
        overridden = {d.get("name") for d in include.iter(_RNG + "define")}
        overrides_start = any(True for _ in include.iter(_RNG + "start"))
        div = etree.Element(_RNG + "div")
        for attribute in ("ns", "datatypeLibrary"):
            inherited = included.get(attribute)
            if inherited is not None:
                div.set(attribute, inherited)
        for child in included:
            if _rng(child) == "define" and child.get("name") in overridden:
                continue
            if _rng(child) == "start" and overrides_start:
                continue
            div.append(child)
        for child in include:
            div.append(child)
        div.tail = include.tail
        include.getparent().replace(include, div)
    return root.getroottree()


def _make_inheritance_explicit(root: etree._Element) -> None:
    """Write the inherited ``datatypeLibrary`` and ``ns`` onto the nodes that use them.

    libxml2 does not look for ``datatypeLibrary`` on ``div`` ancestors, so an
    inlined grammar must carry it where it is used.
    """
    for node in root.iter(_RNG + "data", _RNG + "value"):
        if node.get("datatypeLibrary") is None:
            inherited = next(
                (a.get("datatypeLibrary") for a in node.iterancestors() if a.get("datatypeLibrary") is not None),
                None,
            )
            if inherited is not None:
                node.set("datatypeLibrary", inherited)
    for node in root.iter(_RNG + "element", _RNG + "name", _RNG + "nsName"):
        if node.get("ns") is None and not (_rng(node) == "element" and node.get("name") and ":" in node.get("name")):
            node.set("ns", _inherited_ns(node))


@dataclass(frozen=True)
class Restriction:
    """The outcome of restricting a grammar: the restricted grammar, or why the full grammar must be used.

    ``nodes`` and ``depth`` measure the restricted grammar (pattern elements, and
    their deepest nesting); ``full_nodes`` and ``full_depth`` the grammar it
    restricts, in its explicit form (:mod:`teikit.rng_simplify`, the same
    language). A restriction is never bigger nor deeper than that.
    """

    grammar: etree._ElementTree | None
    reason: str | None  # None when restricted; otherwise why the full grammar is compiled instead
    nodes: int = 0
    depth: int = 0
    full_nodes: int = 0
    full_depth: int = 0


def restrict_grammar(
    grammar: etree._ElementTree, names: Iterable[str], base: str | Path | None = None
) -> etree._ElementTree | None:
    """The grammar restricted to the element and attribute patterns named in ``names``; None if it cannot be.

    ``names`` holds local element names and "@"-prefixed local attribute names.
    See :func:`restrict` (which also says why, when it cannot).
    """
    return restrict(grammar, names, base).grammar


def restrict(grammar: etree._ElementTree, names: Iterable[str], base: str | Path | None = None) -> Restriction:
    """Restrict ``grammar`` (read from ``base``, for its includes) to documents that use only ``names``.

    Attribute patterns are restricted only when some attribute name is listed (a
    set of element names alone keeps every attribute pattern). The grammar is
    first made explicit (:func:`teikit.rng_simplify.explicit_grammar`), so that no
    rewriting below changes what a pattern means; when that cannot be done, the
    reason comes back instead of a grammar, and the caller compiles the full one.
    """
    names = frozenset(names)
    if base is None:
        base = grammar.docinfo.URL or "."
    try:
        root = explicit_grammar(grammar, base).getroot()
    except NotSimplifiable as exc:
        return Restriction(None, f"the grammar is compiled whole: {exc}")
    full_nodes, full_depth = _size(root)
    _prune(root, names)
    _drop_unreachable(root, _definitions_by_name(root))
    pruned = copy.deepcopy(root)
    # Pruning only removes and replaces patterns, so ``pruned`` is within the bounds by construction;
    # inlining copies and is kept only while it stays within them (checked again after the fact).
    _inline_element_free_definitions(root, full_nodes, full_depth)
    nodes, depth = _size(root)
    if nodes > full_nodes or depth > full_depth:
        root = pruned
        nodes, depth = _size(root)
    if nodes > full_nodes or depth > full_depth:  # cannot happen (pruning never grows); never trusted blindly
        return Restriction(
            None, "the restricted grammar would be bigger than the full one", nodes, depth, full_nodes, full_depth
        )
    return Restriction(root.getroottree(), None, nodes, depth, full_nodes, full_depth)


def _size(root: etree._Element) -> tuple[int, int]:
    """The number of pattern elements in a grammar and their deepest nesting (the grammar element is 1)."""
    nodes, deepest = 0, 0
    pending = [(root, 1)]
    while pending:
        node, depth = pending.pop()
        nodes += 1
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in node if isinstance(child.tag, str))
    return nodes, deepest


def _prune(root: etree._Element, names: frozenset[str]) -> None:
    """Replace the element and attribute patterns no name can match by ``notAllowed``, and propagate."""
    element_names = frozenset(name for name in names if not name.startswith("@"))
    attribute_names = frozenset(name[1:] for name in names if name.startswith("@"))
    for element in list(root.iter(_RNG + "element")):
        if not _name_class_keeps(element, element_names):
            _replace(element, "notAllowed")
    if attribute_names:
        # The same argument as for elements: an attribute pattern whose name occurs in
        # no document can match nothing in them. TEI elements carry dozens of optional
        # attributes each; dropping the unused ones makes libxml2 validate several times faster.
        for attribute in list(root.iter(_RNG + "attribute")):
            if attribute.getparent() is not None and not _name_class_keeps(attribute, attribute_names):
                _replace(attribute, "notAllowed")

    defines = _definitions_by_name(root)
    nothing = _definitions_matching_nothing(defines)
    for define_list in defines.values():
        for define in define_list:
            if _rewrite(define, nothing):
                _make_not_allowed(define)
    for start in root.iter(_RNG + "start"):
        if _rewrite(start, nothing):
            # No document using only these names can be valid; say so in a form libxml2 compiles.
            _make_not_allowed(start)
    for node in _content(root):
        _tidy(node)
    _inline_empty_definitions(root)


def _make_not_allowed(component: etree._Element) -> None:
    for child in _content(component):
        component.remove(child)
    component.append(etree.Element(_RNG + "notAllowed"))


def _definitions_by_name(root: etree._Element) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for define in root.iter(_RNG + "define"):
        found.setdefault(define.get("name"), []).append(define)
    return found


# Where the content of an inlined definition can take the place of the reference as it is
# (these elements group their pattern children); elsewhere it is wrapped in a group.
_SPLICES = {"group", "element", "define", "oneOrMore", "zeroOrMore", "optional", "list", "mixed"}


def _inline_element_free_definitions(root: etree._Element, max_nodes: int, max_depth: int) -> None:
    """Replace references to definitions without element patterns (attribute classes) by their content.

    libxml2 validates attributes reached through chains of references
    (att.global → att.global.linking → …) markedly slower than attributes
    written in the element. But every copy grows the grammar: copied into each of
    hundreds of elements, attribute classes once made a grammar five times the size
    of tei_all, which overflowed libxml2's stack. So a definition is inlined only
    while the grammar stays within ``max_nodes`` pattern elements and ``max_depth``
    levels of nesting (those of the full grammar); leaves of the reference graph
    first, so that a definition is measured with what it will carry. Definitions
    on a reference cycle (which RELAX NG forbids outside elements) are never inlined.
    """
    bodies = _definitions_by_name(root)
    # Only a name defined once: the parts of a combined definition (combine="choice" or
    # "interleave") mean something together, never one of them alone.
    inlinable = {
        name
        for name, found in bodies.items()
        if len(found) == 1 and not any(True for _ in found[0].iter(_RNG + "element"))
    }
    refs: dict[str, list[etree._Element]] = {}
    for ref in root.iter(_RNG + "ref"):
        refs.setdefault(ref.get("name"), []).append(ref)
    total, _ = _size(root)
    for name in _leaves_first(inlinable, bodies):
        define = bodies[name][0]
        sites = [ref for ref in refs.get(name, []) if _attached(ref, root)]
        body = _content(define)
        body_nodes = sum(_size(child)[0] for child in body)
        height = max((_size(child)[1] for child in body), default=0)
        wrapped = [len(body) != 1 and _rng(site.getparent()) not in _SPLICES for site in sites]
        growth = sum(body_nodes - 1 + w for w in wrapped) - body_nodes - 1
        deepest = max((_depth(site) - 1 + height + w for site, w in zip(sites, wrapped, strict=True)), default=0)
        if total + growth > max_nodes or deepest > max_depth:
            continue
        for site, wrap in zip(sites, wrapped, strict=True):
            copies = [copy.deepcopy(child) for child in body]
            for piece in copies:
                for ref in piece.iter(_RNG + "ref"):
                    refs.setdefault(ref.get("name"), []).append(ref)
            _substitute(site, copies, wrap)
        define.getparent().remove(define)
        total += growth
    for node in _content(root):
        _tidy(node)


def _leaves_first(inlinable: set[str], bodies: dict[str, list[etree._Element]]) -> list[str]:
    """The inlinable definitions, each after those it refers to (Kahn's order); those on a cycle left out."""
    uses = {name: {ref.get("name") for ref in bodies[name][0].iter(_RNG + "ref")} & inlinable for name in inlinable}
    users: dict[str, set[str]] = {name: set() for name in inlinable}
    for name, used in uses.items():
        for other in used:
            users[other].add(name)
    waiting = {name: len(used) for name, used in uses.items()}
    ready = sorted(name for name, count in waiting.items() if count == 0)
    order: list[str] = []
    while ready:
        name = ready.pop()
        order.append(name)
        for user in sorted(users[name]):
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return order


def _attached(node: etree._Element, root: etree._Element) -> bool:
    """Whether ``node`` is still in the grammar (not in a definition already inlined and removed)."""
    ancestors = list(node.iterancestors())
    return bool(ancestors) and ancestors[-1] is root


def _depth(node: etree._Element) -> int:
    return 1 + sum(1 for _ in node.iterancestors())


def _substitute(ref: etree._Element, pieces: list[etree._Element], wrap: bool) -> None:
    """Put ``pieces`` where ``ref`` is: as they are, or in a group when the parent does not group them."""
    parent = ref.getparent()
    if wrap:
        group = etree.Element(_RNG + "group")
        group.extend(pieces)
        pieces = [group]
    index = parent.index(ref)
    for offset, piece in enumerate(pieces):
        parent.insert(index + offset, piece)
    if pieces:
        pieces[-1].tail = ref.tail
    parent.remove(ref)


def _inline_empty_definitions(root: etree._Element) -> None:
    """Replace references to definitions that are just ``empty`` (all their attributes unused) by ``empty``.

    Not only tidiness: libxml2 validates several times slower through such
    references than without them.
    """
    while True:
        empty = {
            name
            for name, found in _definitions_by_name(root).items()
            if len(found) == 1 and [_rng(child) for child in _content(found[0])] == ["empty"]
        }
        refs = [ref for ref in root.iter(_RNG + "ref") if ref.get("name") in empty]
        if not refs:
            return
        for ref in refs:
            _replace(ref, "empty")
        for node in _content(root):
            _tidy(node)


_TRANSPARENT = {"group", "choice", "interleave"}
_DROPS_EMPTY = {
    "group",
    "interleave",
    "element",
    "define",
    "start",
    "oneOrMore",
    "zeroOrMore",
    "optional",
    "list",
    "mixed",
}


def _tidy(node: etree._Element) -> None:
    """Unwrap one-child groups and choices and drop redundant ``empty`` siblings, bottom up.

    Not only cosmetic: libxml2 (2.14) can loop for ever compiling content models
    that nest one-child choices over groups padded with ``empty``, which is what
    pruning leaves behind.
    """
    if _rng(node) in _LEAVES or _rng(node) in ("ref", "notAllowed"):
        return
    for child in _content(node):
        _tidy(child)
    kind = _rng(node)
    children = _content(node)
    if kind in _DROPS_EMPTY and len(children) > 1:
        for child in children:
            if _rng(child) == "empty" and len(_content(node)) > 1:
                node.remove(child)
        children = _content(node)
    if kind in ("zeroOrMore", "optional", "oneOrMore") and [_rng(c) for c in children] == ["empty"]:
        _replace(node, "empty")  # (libxml2 misjudges a oneOrMore of empty beside a value in a choice)
    elif kind == "mixed" and [_rng(c) for c in children] == ["empty"]:
        _replace(node, "text")
    elif kind in _TRANSPARENT and len(children) == 1 and node.getparent() is not None:
        children[0].tail = node.tail
        node.getparent().replace(node, children[0])


def _definitions_matching_nothing(defines: dict[str, list[etree._Element]]) -> set[str]:
    """The least fixpoint of "this definition matches nothing", by a worklist over who refers to whom."""
    referrers: dict[str, set[str]] = {name: set() for name in defines}
    for name, define_list in defines.items():
        for define in define_list:
            for ref in define.iter(_RNG + "ref"):
                referrers.setdefault(ref.get("name"), set()).add(name)
    nothing: set[str] = set()
    pending = set(defines)
    while pending:
        name = pending.pop()
        if name in nothing:
            continue
        define_list = defines[name]
        combine = next((d.get("combine") for d in define_list if d.get("combine")), None)
        verdicts = [_is_nothing(define, nothing) for define in define_list]
        dead = any(verdicts) if combine == "interleave" or len(define_list) == 1 else all(verdicts)
        if dead:
            nothing.add(name)
            pending |= referrers.get(name, set()) - nothing
    return nothing


def _drop_unreachable(root: etree._Element, defines: dict[str, list[etree._Element]]) -> None:
    reachable: set[str] = set()
    frontier = [ref.get("name") for start in root.iter(_RNG + "start") for ref in start.iter(_RNG + "ref")]
    while frontier:
        name = frontier.pop()
        if name in reachable or name not in defines:
            continue
        reachable.add(name)
        for define in defines[name]:
            frontier.extend(ref.get("name") for ref in define.iter(_RNG + "ref"))
    for name, define_list in defines.items():
        if name not in reachable:
            for define in define_list:
                define.getparent().remove(define)


# ---------------------------------------------------------------------------
# The on-disk cache of restricted grammars
# ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where derived grammars are cached: $TEIKIT_CACHE_DIR, $XDG_CACHE_HOME/teikit or ~/.cache/teikit."""
    if os.environ.get("TEIKIT_CACHE_DIR"):
        return Path(os.environ["TEIKIT_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "teikit"
    return Path.home() / ".cache" / "teikit"


def _code_version() -> str:
    """The version of the code that derives restrictions: any change to it makes new cache entries."""
    digest = hashlib.sha256(f"teikit-restricted-grammar-v{RESTRICTION_VERSION}\n".encode())
    for module in ("relaxng.py", "rng_simplify.py"):
        with contextlib.suppress(OSError):
            digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def restriction_key(schema_bytes: bytes, names: Iterable[str]) -> str:
    """The cache key of a restricted grammar: the deriving code's version, the schema's bytes, the sorted names."""
    digest = hashlib.sha256()
    digest.update(f"teikit-restricted-grammar-{CODE_VERSION}\n".encode())
    digest.update(hashlib.sha256(schema_bytes).digest())
    digest.update("\n".join(sorted(set(names))).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class CompiledGrammar:
    """A compiled RELAX NG grammar and the pattern tree it was compiled from."""

    relaxng: etree.RelaxNG
    tree: etree._ElementTree
    restricted: bool
    from_cache: bool
    # Why a restriction was asked for and the full grammar compiled instead (for --verbose); None otherwise.
    fallback_reason: str | None = None


def _compile(tree: etree._ElementTree) -> etree.RelaxNG:
    # Dates and times are read as jing reads them (hour 24 refused, a leap second accepted): rng_datatypes.
    return etree.RelaxNG(align_datatypes(tree))


def _source_bytes(path: Path, tree: etree._ElementTree, depth: int = 0) -> bytes | None:
    """What a restriction is derived from: the schema's bytes and those of every file it includes or references.

    None when a referenced file cannot be read (nothing is cached then).
    """
    try:
        parts = [path.read_bytes()]
    except OSError:
        return None
    for node in tree.iter(_RNG + "include", _RNG + "externalRef"):
        href = (node.get("href") or "").strip()
        referenced = path.parent / href
        try:
            nested = _source_bytes(referenced, parse_xml(referenced), depth + 1) if depth < 20 else None
        except XMLInputError:
            nested = None
        if nested is None:
            return None
        parts.append(b"\0" + href.encode("utf-8") + b"\0" + hashlib.sha256(nested).digest())
    return b"".join(parts)


@dataclass(frozen=True)
class _Entry:
    """A cache entry: where it is and what its header must say."""

    path: Path
    key: str

    def header(self, body: bytes) -> bytes:
        digest = hashlib.sha256(body).hexdigest()
        # An XML comment, so that an entry stays a well-formed grammar that XML tools can read.
        return f"<!--teikit-restriction code={CODE_VERSION} key={self.key} sha256={digest}-->\n".encode()

    def read(self) -> bytes | None:
        """The cached grammar's bytes if the entry is whole and was derived by this code from this source."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        header, newline, body = data.partition(b"\n")
        if not newline or header + newline != self.header(body):
            return None  # tampered, truncated, written by other code or for other input: rebuilt
        return body

    def write(self, grammar: etree._ElementTree) -> None:
        body = etree.tostring(grammar, encoding="UTF-8", xml_declaration=False)
        with contextlib.suppress(Exception):  # a cache that cannot be written only costs time
            write_atomic(self.path, self.header(body) + body)


def _restriction_entry(path: Path, tree: etree._ElementTree, names: frozenset[str]) -> _Entry | None:
    """Where the grammar restricted to ``names`` is cached (None: not cacheable, a referenced file is unreadable)."""
    source = _source_bytes(path, tree)
    if source is None:
        return None
    key = restriction_key(source, names)
    return _Entry(cache_dir() / "relaxng" / f"{key}.rng", key)


def _serialize(grammar: etree._ElementTree) -> bytes:
    return etree.tostring(grammar, xml_declaration=True, encoding="UTF-8")


def compile_grammar(path: str | Path, names: Iterable[str] | None = None, use_cache: bool = True) -> CompiledGrammar:
    """Compile a RELAX NG grammar, restricted to ``names`` when given (via the disk cache when allowed).

    When the grammar cannot be restricted exactly, the full grammar is compiled
    and ``fallback_reason`` says why. Raises ``etree.RelaxNGParseError`` or
    XMLInputError when the schema itself is broken; the caller turns them into a
    UsageError.
    """
    path = Path(path)
    tree = parse_xml(path)
    if names is None:
        return CompiledGrammar(_compile(tree), tree, restricted=False, from_cache=False)
    names = frozenset(names)
    entry = _restriction_entry(path, tree, names) if use_cache else None
    cached = entry.read() if entry is not None else None
    if entry is not None and cached is not None:
        try:
            grammar = parse_xml_bytes(cached, str(entry.path))
            return CompiledGrammar(_compile(grammar), grammar, restricted=True, from_cache=True)
        except Exception:  # a corrupt entry is rebuilt, never trusted
            pass
    restriction = restrict(tree, names, path)
    if restriction.grammar is None:
        return CompiledGrammar(
            _compile(tree), tree, restricted=False, from_cache=False, fallback_reason=restriction.reason
        )
    compiled = _compile(restriction.grammar)
    if entry:
        entry.write(restriction.grammar)
    return CompiledGrammar(compiled, restriction.grammar, restricted=True, from_cache=False)


def restriction_fallback_reason(path: str | Path, names: Iterable[str]) -> str | None:
    """Why the grammar at ``path`` is compiled whole for documents using ``names``; None when it is restricted."""
    path = Path(path)
    return restrict(parse_xml(path), names, path).reason


def restricted_grammar_bytes(
    path: str | Path,
    names: Iterable[str],
    use_cache: bool = True,
    tree: etree._ElementTree | None = None,
) -> bytes | None:
    """The grammar restricted to ``names`` as self-contained XML (includes inlined); None if it cannot be restricted.

    The same (verified) cache entries as :func:`compile_grammar`, without
    compiling anything; dates and times aligned with jing's reading as for
    compiling. ``tree`` is the grammar already parsed, if the caller has it.
    """
    path = Path(path)
    names = frozenset(names)
    tree = parse_xml(path) if tree is None else tree
    entry = _restriction_entry(path, tree, names) if use_cache else None
    cached = entry.read() if entry is not None else None
    if entry is not None and cached is not None:
        with contextlib.suppress(Exception):  # (a body that does not parse is rebuilt)
            return _serialize(align_datatypes(parse_xml_bytes(cached, str(entry.path))))
    restriction = restrict(tree, names, path)
    if restriction.grammar is None:
        return None
    if entry:
        entry.write(restriction.grammar)
    return _serialize(align_datatypes(restriction.grammar))


# ---------------------------------------------------------------------------
# Content models: which children an element may have, by name
# ---------------------------------------------------------------------------
#
# Patterns are interned tuples so that derivatives stay small:
#   ("empty",) ("notAllowed",) ("choice", a, b) ("group", a, b) ("interleave", a, b)
#   ("oneOrMore", p) ("element", name_class, index) ("ref", name)
# Name classes: ("name", ns, local) ("any", except) ("ns", ns, except) ("choice", (classes...)).
# Text, data, values and attributes count as empty: only element children are replayed.

EMPTY = ("empty",)
NOT_ALLOWED = ("notAllowed",)


def _choice(a, b):
    if a == NOT_ALLOWED:
        return b
    if b == NOT_ALLOWED or a == b:
        return a
    return ("choice", a, b)


def _both(kind: str, a, b):
    """A group or an interleave of two patterns: nothing if either is nothing, the other if one is empty."""
    if NOT_ALLOWED in (a, b):
        return NOT_ALLOWED
    if a == EMPTY:
        return b
    if b == EMPTY:
        return a
    return (kind, a, b)


def _group(a, b):
    return _both("group", a, b)


def _interleave(a, b):
    return _both("interleave", a, b)


def _one_or_more(p):
    return p if p in (EMPTY, NOT_ALLOWED) else ("oneOrMore", p)


def _fold(combine, patterns):
    result = None
    for pattern in patterns:
        result = pattern if result is None else combine(result, pattern)
    return EMPTY if result is None else result


def _inherited_ns(node: etree._Element) -> str:
    """The ``ns`` in force at a schema node (RELAX NG inherits it from the nearest ancestor)."""
    for ancestor in (node, *node.iterancestors()):
        if ancestor.get("ns") is not None:
            return ancestor.get("ns")
    return ""


def _qname(text: str, node: etree._Element) -> tuple[str, str]:
    text = text.strip()
    if ":" in text:
        prefix, local = text.split(":", 1)
        return node.nsmap.get(prefix, ""), local
    return _inherited_ns(node), text


def name_class(node: etree._Element) -> tuple:
    """The name class of an element or attribute pattern (attributes default to no namespace)."""
    if node.get("name") is not None:
        if _rng(node) == "attribute" and ":" not in node.get("name"):
            return ("name", node.get("ns", ""), node.get("name").strip())
        return ("name", *_qname(node.get("name"), node))
    first = next((child for child in node if _rng(child)), None)
    return _convert_name_class(first) if first is not None else ("choice", ())


def _convert_name_class(node: etree._Element) -> tuple:
    kind = _rng(node)
    except_ = next((child for child in node if _rng(child) == "except"), None)
    excluded = None
    if except_ is not None:
        excluded = ("choice", tuple(_convert_name_class(c) for c in except_ if _rng(c)))
    if kind == "name":
        return ("name", *_qname(node.text or "", node))
    if kind == "anyName":
        return ("any", excluded)
    if kind == "nsName":
        return ("ns", _inherited_ns(node), excluded)
    return ("choice", tuple(_convert_name_class(c) for c in node if _rng(c)))


def matches(name_class_: tuple, ns: str, local: str) -> bool:
    """Whether a name class matches the element name {ns}local."""
    kind = name_class_[0]
    if kind == "name":
        return name_class_[1] == ns and name_class_[2] == local
    if kind == "any":
        return name_class_[1] is None or not matches(name_class_[1], ns, local)
    if kind == "ns":
        return name_class_[1] == ns and (name_class_[2] is None or not matches(name_class_[2], ns, local))
    return any(matches(item, ns, local) for item in name_class_[1])


def _listed_names(name_class_: tuple) -> tuple[set[str], bool]:
    """Local names a name class lists, and whether it also admits names it does not list."""
    kind = name_class_[0]
    if kind == "name":
        return {name_class_[2]}, False
    if kind in ("any", "ns"):
        return set(), True
    names, wildcard = set(), False
    for item in name_class_[1]:
        more, more_wild = _listed_names(item)
        names |= more
        wildcard = wildcard or more_wild
    return names, wildcard


@dataclass(frozen=True)
class Expectation:
    """What a content model says about an element's children."""

    ok: bool
    index: int  # the child that is not allowed, or len(children) when the element is incomplete
    expected: tuple[str, ...]  # local names of the elements that would have been allowed there
    end_allowed: bool  # whether the element could have ended there


Name = tuple[str, str]  # (namespace, local name)


class ContentModels:
    """The content models of a grammar's elements, for explaining why children do not fit."""

    def __init__(self, grammar: etree._ElementTree) -> None:
        root = grammar.getroot()
        self._defines: dict[str, list[etree._Element]] = {}
        for define in root.iter(_RNG + "define"):
            self._defines.setdefault(define.get("name"), []).append(define)
        self._elements: list[etree._Element] = list(root.iter(_RNG + "element"))
        self._element_ids = {id(node): index for index, node in enumerate(self._elements)}
        self._name_classes = [name_class(node) for node in self._elements]
        self._ref_cache: dict[str, tuple] = {}
        self._content_cache: dict[int, tuple] = {}
        self._patterns_cache: dict[Name, list[int]] = {}
        self._verdicts: dict[tuple, Expectation | None] = {}
        self._attribute_cache: dict[int, list[etree._Element]] = {}
        self._nullable_refs: dict[str, bool] = {}
        self._closed_cache: dict[tuple[Name, Name], AllowedValues | None] = {}

    # --- conversion from RELAX NG XML, lazily per definition -------------------------

    def _convert(self, node: etree._Element) -> tuple:
        kind = _rng(node)
        if kind == "element":
            index = self._element_ids[id(node)]
            return ("element", self._name_classes[index], index)
        if kind == "ref":
            return ("ref", node.get("name"))
        if kind == "notAllowed":
            return NOT_ALLOWED
        if kind in _LEAVES or kind == "attribute" or kind is None:
            return EMPTY
        children = [self._convert(child) for child in _content(node)]
        if kind == "choice":
            return _fold(_choice, children) if children else NOT_ALLOWED
        if kind == "interleave":
            return _fold(_interleave, children)
        body = _fold(_group, children)
        if kind == "oneOrMore":
            return _one_or_more(body)
        if kind == "zeroOrMore":
            return _choice(_one_or_more(body), EMPTY)
        if kind == "optional":
            return _choice(body, EMPTY)
        return body  # group, mixed, list, define, start, div

    def _resolve(self, name: str) -> tuple:
        if name not in self._ref_cache:
            self._ref_cache[name] = NOT_ALLOWED  # guards against (invalid) unguarded recursion
            define_list = self._defines.get(name, [])
            combine = next((d.get("combine") for d in define_list if d.get("combine")), "choice")
            join = _interleave if combine == "interleave" else _choice
            bodies = [self._convert(define) for define in define_list]
            self._ref_cache[name] = _fold(join, bodies) if bodies else NOT_ALLOWED
        return self._ref_cache[name]

    def content(self, element_index: int) -> tuple:
        """The content model (children only) of one element pattern."""
        if element_index not in self._content_cache:
            element = self._elements[element_index]
            self._content_cache[element_index] = _fold(_group, [self._convert(c) for c in _content(element)])
        return self._content_cache[element_index]

    def patterns_for(self, name: Name) -> list[int]:
        """Indexes of the element patterns that can match an element called ``name`` = (ns, local)."""
        if name not in self._patterns_cache:
            self._patterns_cache[name] = [i for i, nc in enumerate(self._name_classes) if matches(nc, *name)]
        return self._patterns_cache[name]

    # --- derivatives --------------------------------------------------------------------

    def _nullable(self, p: tuple, seen: frozenset = frozenset()) -> bool:
        kind = p[0]
        if kind == "empty":
            return True
        if kind in ("notAllowed", "element"):
            return False
        if kind == "ref":
            # Once per definition: RELAX NG allows no cycle of references outside element patterns
            # (where this stops), so the answer does not depend on the way here. Without this, the
            # replays of a big invalid TEI file spent seconds re-deciding the same model classes.
            if p[1] not in self._nullable_refs:
                if p[1] in seen:
                    return False
                self._nullable_refs[p[1]] = self._nullable(self._resolve(p[1]), seen | {p[1]})
            return self._nullable_refs[p[1]]
        if kind == "choice":
            return self._nullable(p[1], seen) or self._nullable(p[2], seen)
        if kind in ("group", "interleave"):
            return self._nullable(p[1], seen) and self._nullable(p[2], seen)
        if kind == "oneOrMore":
            return self._nullable(p[1], seen)
        return False

    def _deriv(self, p: tuple, name: Name) -> tuple:
        kind = p[0]
        if kind in ("empty", "notAllowed"):
            return NOT_ALLOWED
        if kind == "element":
            return EMPTY if matches(p[1], *name) else NOT_ALLOWED
        if kind == "ref":
            return self._deriv(self._resolve(p[1]), name)
        if kind == "choice":
            return _choice(self._deriv(p[1], name), self._deriv(p[2], name))
        if kind == "group":
            first = _group(self._deriv(p[1], name), p[2])
            if self._nullable(p[1]):
                return _choice(first, self._deriv(p[2], name))
            return first
        if kind == "interleave":
            return _choice(_interleave(self._deriv(p[1], name), p[2]), _interleave(p[1], self._deriv(p[2], name)))
        if kind == "oneOrMore":
            return _group(self._deriv(p[1], name), _choice(p, EMPTY))
        return NOT_ALLOWED

    def _first(self, p: tuple, seen: set | None = None) -> tuple[set[str], bool]:
        """Local names of the elements that may come first in ``p``, and whether others may too."""
        seen = set() if seen is None else seen
        kind = p[0]
        if kind == "element":
            return _listed_names(p[1])
        if kind == "ref":
            if p[1] in seen:
                return set(), False
            seen.add(p[1])
            return self._first(self._resolve(p[1]), seen)
        if kind in ("choice", "interleave"):
            a_names, a_any = self._first(p[1], seen)
            b_names, b_any = self._first(p[2], seen)
            return a_names | b_names, a_any or b_any
        if kind == "group":
            names, any_name = self._first(p[1], seen)
            if self._nullable(p[1]):
                more, more_any = self._first(p[2], seen)
                return names | more, any_name or more_any
            return names, any_name
        if kind == "oneOrMore":
            return self._first(p[1], seen)
        return set(), False

    def check_children(self, name: Name, children: list[Name]) -> Expectation | None:
        """Replay ``children`` against the content of element ``name``; None if no pattern declares it."""
        key = (name, tuple(children))
        if key not in self._verdicts:
            # Documents repeat the same shapes (a <p> with two <hi>) many times: replay each once.
            if len(self._verdicts) > 100_000:
                self._verdicts.clear()
            self._verdicts[key] = self._replay(name, children)
        return self._verdicts[key]

    def _replay(self, name: Name, children: list[Name]) -> Expectation | None:
        patterns = self.patterns_for(name)
        if not patterns:
            return None
        current = _fold(_choice, [self.content(index) for index in patterns])
        for index, child in enumerate(children):
            following = self._deriv(current, child)
            if following == NOT_ALLOWED:
                expected, _ = self._first(current)
                return Expectation(False, index, tuple(sorted(expected)), self._nullable(current))
            current = following
        if self._nullable(current):
            return Expectation(True, len(children), (), True)
        expected, _ = self._first(current)
        return Expectation(False, len(children), tuple(sorted(expected)), False)

    def attribute_names(self, name: Name) -> tuple[set[str], bool]:
        """Local names of the attributes declared for element ``name``, and whether any other may occur."""
        names: set[str] = set()
        any_name = False
        for index in self.patterns_for(name):
            found, wildcard = self._attributes_below(self._elements[index], set())
            names |= found
            any_name = any_name or wildcard
        return names, any_name

    def _attributes_below(self, node: etree._Element, seen: set[str]) -> tuple[set[str], bool]:
        names: set[str] = set()
        any_name = False
        for child in _content(node):
            kind = _rng(child)
            found: set[str] = set()
            wildcard = False
            if kind == "attribute":
                found, wildcard = _listed_names(name_class(child))
            elif kind == "ref":
                ref = child.get("name")
                if ref not in seen:
                    seen.add(ref)
                    for define in self._defines.get(ref, []):
                        more, more_wild = self._attributes_below(define, seen)
                        found |= more
                        wildcard = wildcard or more_wild
            elif kind != "element" and kind not in _LEAVES:
                found, wildcard = self._attributes_below(child, seen)
            names |= found
            any_name = any_name or wildcard
        return names, any_name

    # --- closed lists of attribute values ------------------------------------------------

    def closed_values(self, element: Name, attribute: Name) -> AllowedValues | None:
        """The values attribute ``attribute`` may take on element ``element``, when every pattern lists them.

        None when some pattern declaring the attribute leaves it open (a datatype,
        text, a list, a wildcard), or when no pattern declares it.
        """
        key = (element, attribute)
        if key not in self._closed_cache:
            self._closed_cache[key] = self._closed_values(element, attribute)
        return self._closed_cache[key]

    def _closed_values(self, element: Name, attribute: Name) -> AllowedValues | None:
        allowed: AllowedValues | None = None
        for index in self.patterns_for(element):
            for pattern in self._attribute_patterns(index):
                if not matches(name_class(pattern), *attribute):
                    continue
                values = self._values_of(pattern, set())
                if values is None:
                    return None
                allowed = values if allowed is None else allowed.union(values)
        return allowed

    def _attribute_patterns(self, index: int) -> list[etree._Element]:
        """The attribute patterns of one element pattern (through references, not into child elements)."""
        if index not in self._attribute_cache:
            found: list[etree._Element] = []
            pending, seen = list(_content(self._elements[index])), set()
            while pending:
                node = pending.pop()
                kind = _rng(node)
                if kind == "attribute":
                    found.append(node)
                elif kind == "ref" and node.get("name") not in seen:
                    seen.add(node.get("name"))
                    for define in self._defines.get(node.get("name"), []):
                        pending.extend(_content(define))
                elif kind != "element" and kind not in _LEAVES:
                    pending.extend(_content(node))
            self._attribute_cache[index] = found
        return self._attribute_cache[index]

    def _values_of(self, node: etree._Element, seen: set[str]) -> AllowedValues | None:
        """The values a pattern (an attribute's content) matches, if it is a closed list of them."""
        kind = _rng(node)
        children = _content(node)
        if kind == "attribute":
            return self._values_of(children[0], seen) if len(children) == 1 else None  # no content: text
        if kind == "value":
            # RELAX NG 4.4: a value without a type is a token of the built-in library. Values of other
            # datatypes compare by value ("1" = "true" for a boolean): not a list teikit can check.
            kind_of_value = node.get("type", "token")
            library = _inherited(node, "datatypeLibrary") if node.get("type") else ""
            if library or kind_of_value not in ("token", "string"):
                return None
            text = node.text or ""
            return AllowedValues(
                frozenset([text]) if kind_of_value == "string" else frozenset(),
                frozenset([" ".join(text.split())] if kind_of_value == "token" else []),
            )
        if kind == "choice":
            allowed = AllowedValues(frozenset(), frozenset())
            for child in children:
                values = self._values_of(child, seen)
                if values is None:
                    return None
                allowed = allowed.union(values)
            return allowed
        if kind == "ref" and node.get("name") not in seen:
            defines = self._defines.get(node.get("name"), [])
            if len(defines) != 1:  # combined definitions: rare for values; not worth the cases
                return None
            seen.add(node.get("name"))
            body = _content(defines[0])
            return self._values_of(body[0], seen) if len(body) == 1 else None
        return None


@dataclass(frozen=True)
class AllowedValues:
    """A closed list of attribute values: compared exactly (``string``) or with spaces collapsed (``token``)."""

    strings: frozenset[str]
    tokens: frozenset[str]

    def union(self, other: AllowedValues) -> AllowedValues:
        return AllowedValues(self.strings | other.strings, self.tokens | other.tokens)

    def allows(self, value: str) -> bool:
        return value in self.strings or " ".join(value.split()) in self.tokens

    def listed(self) -> list[str]:
        return sorted(self.strings | self.tokens)


def _inherited(node: etree._Element, attribute: str) -> str:
    """An attribute in force at a schema node: its own, or the nearest ancestor's (RELAX NG inheritance)."""
    for ancestor in (node, *node.iterancestors()):
        if ancestor.get(attribute) is not None:
            return ancestor.get(attribute)
    return ""
