"""The one way teikit reads XML and loads XSLT: hostile input is refused, never trusted.

Every XML file teikit reads (TEI from anywhere, schemas, stylesheets) goes
through :func:`parse_xml`. The parser loads no DTD, touches no network and keeps
libxml2's depth and size limits. Entities declared with a literal value in the
document's internal subset (``<!ENTITY mdash "&#8212;">``, as TEI P4-era files
and TEI's own test files have) are expanded, under a hard bound on how many
references and how much text the expansion makes; an external entity that the
text refers to, or an expansion past the bound (billion laughs), fails at once
with a one-line message. External DTDs and external parameter entities are never
read: they have no effect.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from .errors import UsageError, XMLInputError
from .files import check_input

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS}

PACKAGE_DIR = Path(__file__).resolve().parent

# An XML tree takes about thirteen times its file's size in memory: refuse files that would not fit
# comfortably rather than exhaust the machine. TEIKIT_MAX_XML_MB raises (or lowers) the limit.
DEFAULT_MAX_XML_MB = 128


def max_xml_bytes() -> int:
    """The largest XML file teikit parses, in bytes."""
    value = os.environ.get("TEIKIT_MAX_XML_MB", "")
    try:
        megabytes = float(value) if value else DEFAULT_MAX_XML_MB
    except ValueError:
        raise UsageError(f"TEIKIT_MAX_XML_MB={value!r} is not a number", hint="set it to a size in MB") from None
    return int(megabytes * 1024 * 1024)


def human_size(size: int) -> str:
    """A size a person reads at a glance: "512 bytes", "20 KB", "1.5 MB", "300 MB" (never a rounded "0 MB")."""
    for unit, scale in (("MB", 1048576), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes" if size != 1 else "1 byte"


def _refuse_oversized(size: int, source: str) -> None:
    limit = max_xml_bytes()
    if size > limit:
        raise XMLInputError(
            f"the file is {human_size(size)}, more than teikit's limit of {human_size(limit)}",
            source,
            hint="split the file, or raise the limit with TEIKIT_MAX_XML_MB if the machine has the memory",
        )


XSLT_DIR = PACKAGE_DIR / "render" / "xslt"


def safe_parser(**overrides) -> etree.XMLParser:
    """A new parser with every network and entity feature off (parsers are not thread-safe, so make one each)."""
    options = dict(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        collect_ids=True,
    )
    options.update(overrides)
    return etree.XMLParser(**options)


def _refuse_entity_declarations(tree: etree._ElementTree, source: str) -> None:
    """Stylesheets and schemas have no need of entities: any declaration is refused."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    for entity in dtd.entities():
        raise XMLInputError(
            f"the document declares the entity '{entity.name}'; teikit never expands DTD entities",
            source,
            hint="replace entity references with the characters themselves",
        )


# ---------------------------------------------------------------- internal entities

# The most an expansion of internal entities may make: references expanded (nested ones counted) and
# characters added. A real document's entities (&mdash;, &ed;) stay far below; billion laughs is ~1e11.
MAX_ENTITY_REFERENCES = 1_000_000
MAX_ENTITY_CHARACTERS = 16_000_000
_MAX_ENTITY_NESTING = 40
_REFERENCE = re.compile(rb"&([A-Za-z_:\x80-\xff][\w.:\x80-\xff-]*);")
_TEXT_REFERENCE = re.compile(r"&([^\W\d][\w.:-]*);")
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _doctype_span(data: bytes) -> tuple[int, int] | None:
    """Where the document type declaration is in the raw bytes (its internal subset included), if any."""
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while (item := _PROLOG_ITEM.match(data, position)) is not None and item.end() > position:
        position = item.end()
    if not data.startswith(b"<!DOCTYPE", position):
        return None
    index, quote, in_subset = position + len(b"<!DOCTYPE"), 0, False
    while index < len(data):
        byte = data[index]
        if quote:
            quote = 0 if byte == quote else quote
        elif byte in b"\"'":
            quote = byte
        elif data.startswith(b"<!--", index):
            index = data.find(b"-->", index) + 2
            if index < 2:
                return None
        elif data.startswith(b"<?", index):
            index = data.find(b"?>", index) + 1
            if index < 1:
                return None
        elif byte == ord("["):
            in_subset = True
        elif byte == ord("]"):
            in_subset = False
        elif byte == ord(">") and not in_subset:
            return position, index + 1
        index += 1
    return None


class _Expansion:
    """What expanding the declared entities costs: references and characters, counted without expanding."""

    def __init__(self, literal: dict[str, str], external: set[str], source: str) -> None:
        self.literal, self.external, self.source = literal, external, source
        self._cost: dict[str, tuple[int, int]] = {}

    def cost(self, name: str, depth: int = 0) -> tuple[int, int]:
        """(references, characters) that one reference to ``name`` expands to."""
        if name in self.external:
            raise XMLInputError(
                f"the document declares the entity '{name}' as an external file; teikit never loads external entities",
                self.source,
                hint="write the entity's text into the document, or declare it with a literal value",
            )
        if name not in self.literal:
            return 1, 1  # predefined, or undefined (the parser then says so)
        if name not in self._cost:
            if depth > _MAX_ENTITY_NESTING:
                raise _expansion_error(self.source, "entities nest deeper than teikit's bound")
            references, characters = 1, 0
            text = self.literal[name]
            for match in _TEXT_REFERENCE.finditer(text):
                inner_references, inner_characters = self.cost(match.group(1), depth + 1)
                references += inner_references
                characters += inner_characters - len(match.group(0))
            self._cost[name] = (references, characters + len(text))
        return self._cost[name]


def _undeclared(name: str, source: str, line: int | None) -> XMLInputError:
    return XMLInputError(
        f"malformed XML: Entity '{name}' not defined",
        source,
        line,
        hint="teikit loads no DTD: write the character itself or a numeric reference",
    )


def _expansion_error(source: str, what: str) -> XMLInputError:
    return XMLInputError(
        f"entity expansion refused: {what}",
        source,
        hint="the document looks like an entity-expansion attack (billion laughs); teikit refuses it",
    )


def _literal_value(text: str, encoding: str) -> bytes:
    """An entity's replacement text as a literal that declares the same replacement text again."""
    escaped = text.replace("&#", "&#38;#").replace("%", "&#37;").replace('"', "&#34;")
    return escaped.encode(encoding, "xmlcharrefreplace")


def _with_internal_entities(
    tree: etree._ElementTree, read: Callable[[], bytes], source: str, **parser_options
) -> tuple[etree._ElementTree, etree.XMLParser | None]:
    """The document with its internal entities expanded, and the parser that expanded them.

    A document whose text refers to no declared entity comes back unchanged (parser None).
    """
    dtd = tree.docinfo.internalDTD
    declared = list(dtd.entities()) if dtd is not None else []
    if not declared:
        if dtd is not None or tree.docinfo.system_url:
            # With a DTD named but not read, libxml2 keeps an undeclared reference as a node, silently.
            for reference in tree.getroot().iter(etree.Entity):
                raise _undeclared(reference.name, source, reference.sourceline)
        return tree, None
    literal = {e.name: e.content for e in declared if e.system_url is None and e.content is not None}
    external = {e.name for e in declared if e.name not in literal}
    data = read()
    span = _doctype_span(data)
    if span is None:
        raise XMLInputError(
            "cannot find the end of the document type declaration",
            source,
            hint="write the DOCTYPE declaration on its own before the root element",
        )
    body = data[span[1] :]
    expansion = _Expansion(literal, external, source)
    references = characters = 0
    used: set[str] = set()
    for match in _REFERENCE.finditer(body):
        name = match.group(1).decode("utf-8", "replace")
        if name in _PREDEFINED or not (name in literal or name in external):
            continue  # (an undeclared reference is the parser's to report; this may be in a comment)
        used.add(name)
        inner_references, inner_characters = expansion.cost(name)
        references += inner_references
        characters += inner_characters
        if references > MAX_ENTITY_REFERENCES or characters > MAX_ENTITY_CHARACTERS:
            raise _expansion_error(
                source,
                f"it would expand more than {MAX_ENTITY_REFERENCES:,} references or add more than "
                f"{MAX_ENTITY_CHARACTERS // 1_000_000} million characters",
            )
    if not used:  # declarations only (a P4 file's %TEI.XML;): nothing to expand
        for reference in tree.getroot().iter(etree.Entity):
            raise _undeclared(reference.name, source, reference.sourceline)
        return tree, None
    encoding = tree.docinfo.encoding or "UTF-8"
    if encoding.upper().replace("-", "").startswith(("UTF16", "UTF32", "UCS")):
        raise XMLInputError(
            f"cannot expand entities in a document encoded in {encoding}", source, hint="save the document as UTF-8"
        )
    # Only the literal entities are declared again: nothing external is left to load, so the parser may
    # substitute. The declaration keeps its line count, so every line number stays what it was.
    root_name = tree.docinfo.root_name or "TEI"
    declarations = b"".join(
        b"<!ENTITY " + name.encode(encoding, "xmlcharrefreplace") + b' "' + _literal_value(text, encoding) + b'">'
        for name, text in literal.items()
    )
    original = data[span[0] : span[1]]
    doctype = b"<!DOCTYPE " + root_name.encode(encoding) + b" [" + declarations + b"]>"
    doctype += b"\n" * original.count(b"\n")
    expanded = data[: span[0]] + doctype + body
    parser = safe_parser(resolve_entities=True, **parser_options)
    try:
        root = etree.fromstring(expanded, parser, base_url=source)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    return root.getroottree(), parser


# libxml2 treats a repeated xml:id as an error of the parse (not of well-formedness).
_DUPLICATE_ID = re.compile(r"ID (\S+) already defined")


def _syntax_error(exc: etree.XMLSyntaxError, source: str) -> XMLInputError:
    line, column = exc.position if exc.position else (None, None)
    return _parse_error(exc.msg or str(exc), source, line, column)


def _parse_error(message: str, source: str, line: int | None, column: int | None) -> XMLInputError:
    # libxml2 appends its own ", line N, column M" to some messages; we already locate the error.
    message = message.split(", line ")[0].strip()
    # libxml2's advice names its own C options, which teikit users cannot set: drop it.
    message = re.sub(r",? ?(use XML_PARSE_HUGE option|see xmlCtxtSetMaxAmplification\.?)", "", message).strip()
    lowered = message.lower()
    duplicate = _DUPLICATE_ID.match(message)
    if duplicate:
        return XMLInputError(
            f"xml:id '{duplicate.group(1)}' is used more than once",
            source,
            line,
            column,
            "give every element its own xml:id",
        )
    if "amplification" in lowered:
        message = "entity expansion grows the document beyond libxml2's safety limit"
        hint = "the document looks like an entity-expansion attack (billion laughs); teikit refuses it"
    elif "entity" in lowered and ("loop" in lowered or "depth" in lowered):
        hint = "the document looks like an entity-expansion attack; teikit refuses it"
    elif "excessive depth" in lowered:
        hint = "elements are nested deeper than libxml2's safe limit of 256 levels"
    elif "not defined" in lowered and "entity" in lowered:
        hint = "teikit loads no DTD: write the character itself or a numeric reference"
    else:
        hint = "fix the XML so that it is well-formed"
    return XMLInputError(f"malformed XML: {message}", source, line, column, hint)


def parse_xml(path: str | Path) -> etree._ElementTree:
    """Parse an XML file safely; raise XMLInputError naming the file, line and column."""
    path = Path(path)
    source = str(path)
    # Stat first: a FIFO or a device would block the open, a folder is not XML.
    _refuse_oversized(check_input(path, "file").st_size, source)
    try:
        with open(path, "rb") as handle:
            tree = etree.parse(handle, safe_parser(), base_url=source)
    except FileNotFoundError:
        raise UsageError("no such file", source, hint="check the path") from None
    except IsADirectoryError:
        raise UsageError("is a folder, not a file", source) from None
    except PermissionError:
        raise UsageError("permission denied", source) from None
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    except OSError as exc:
        if exc.errno is not None:
            raise UsageError(f"cannot read: {exc.strerror}", source) from None
        # libxml2 reports some faults (bytes invalid in the declared encoding) as an OSError without a
        # position; parsing the bytes in memory gives the same fault as a syntax error with line and column.
        return parse_xml_bytes(path.read_bytes(), source)
    return _with_internal_entities(tree, path.read_bytes, source)[0]


def is_duplicate_id_error(error: XMLInputError) -> bool:
    """Whether an error from :func:`parse_xml` is only a repeated xml:id (the rest of the file may be fine)."""
    return error.message.startswith("xml:id '") and error.message.endswith("is used more than once")


def parse_xml_with_duplicate_ids(path: str | Path) -> tuple[etree._ElementTree, list[XMLInputError]]:
    """Parse a file that :func:`parse_xml` refused only for repeated xml:ids; return the tree and one error per repeat.

    A validator wants every problem in the file, not just the first repeat, and
    the grammar can still be checked. Any other error is raised as by parse_xml.
    """
    source = str(path)
    _refuse_oversized(Path(path).stat().st_size, source)
    parser = safe_parser(recover=True)
    try:
        with open(path, "rb") as handle:
            tree = etree.parse(handle, parser, base_url=source)
    except OSError:
        return parse_xml(path), []
    tree, expanding = _with_internal_entities(tree, Path(path).read_bytes, source, recover=True)
    repeats = []
    for entry in (expanding or parser).error_log.filter_from_errors():
        match = _DUPLICATE_ID.match(entry.message or "")
        if not match:
            raise _parse_error(entry.message or "unreadable XML", source, entry.line, entry.column)
        repeats.append(
            XMLInputError(
                f"xml:id '{match.group(1)}' is used more than once",
                source,
                entry.line,
                entry.column,
                "give every element its own xml:id",
            )
        )
    return tree, repeats


_BAD_ID = re.compile(r"xml:id : attribute value (\S+) is not an NCName")


def is_id_error(error: XMLInputError) -> bool:
    """Whether an error from :func:`parse_xml` is about xml:ids only (repeated, or not an NCName)."""
    return is_duplicate_id_error(error) or error.message.startswith("malformed XML: xml:id : attribute value")


def parse_tei_tolerant(path: str | Path) -> tuple[etree._ElementTree, list[XMLInputError]]:
    """Parse a file for reading (render, export): bad xml:ids (repeated, not NCNames) are warnings, not refusals.

    Returns the tree and one warning per bad id. Validation still reports them as
    errors (it parses with :func:`parse_xml_with_duplicate_ids`); any other fault is
    raised as by :func:`parse_xml`.
    """
    try:
        return parse_xml(path), []
    except XMLInputError as exc:
        if not is_id_error(exc):
            raise
    source = str(path)
    parser = safe_parser(recover=True)
    with open(path, "rb") as handle:
        tree = etree.parse(handle, parser, base_url=source)
    warnings = []
    for entry in parser.error_log.filter_from_errors():
        message = entry.message or ""
        duplicate, bad = _DUPLICATE_ID.match(message), _BAD_ID.match(message)
        if duplicate:
            text = f"xml:id '{duplicate.group(1)}' is used more than once; links to it go to its first use"
        elif bad:
            text = f"xml:id '{bad.group(1)}' is not an XML name (NCName); it is kept as written"
        else:
            raise _parse_error(message or "unreadable XML", source, entry.line, entry.column)
        warnings.append(
            XMLInputError(
                text,
                source,
                entry.line,
                entry.column,
                "give every element its own xml:id, a name that starts with a letter",
            )
        )
    _refuse_entity_declarations(tree, source)
    return tree, warnings


def parse_xml_bytes(data: bytes, source: str = "<bytes>") -> etree._ElementTree:
    """Parse XML held in memory with the same safe parser."""
    _refuse_oversized(len(data), source)
    try:
        root = etree.fromstring(data, safe_parser(), base_url=source)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    return _with_internal_entities(root.getroottree(), lambda: data, source)[0]


class _TeikitResolver(etree.Resolver):
    """Resolves ``teikit:NAME.xsl`` to the packaged stylesheet, so user XSLT can import ours from anywhere."""

    def resolve(self, url, pubid, context):
        if url and url.startswith("teikit:"):
            name = url[len("teikit:") :].lstrip("/")
            target = (XSLT_DIR / name).resolve()
            if target.parent != XSLT_DIR.resolve() or not target.is_file():
                raise XMLInputError(f"no packaged stylesheet called '{name}'", url)
            return self.resolve_filename(str(target), context)
        return None


# User stylesheets may read files (xsl:import, document()) but never write or use the network.
XSLT_ACCESS = etree.XSLTAccessControl(
    read_file=True, write_file=False, create_dir=False, read_network=False, write_network=False
)


def load_xslt(path: str | Path) -> etree.XSLT:
    """Compile a stylesheet, resolving ``teikit:`` imports; raise XMLInputError on any fault."""
    source = str(path)
    check_input(path, "stylesheet")
    parser = safe_parser()
    parser.resolvers.add(_TeikitResolver())
    try:
        with open(path, "rb") as handle:
            doc = etree.parse(handle, parser, base_url=source)
    except FileNotFoundError:
        raise UsageError("no such stylesheet", source, hint="check the path") from None
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    _refuse_entity_declarations(doc, source)
    try:
        return etree.XSLT(doc, access_control=XSLT_ACCESS)
    except etree.XSLTParseError as exc:
        entry = exc.error_log.last_error if exc.error_log else None
        line = entry.line if entry is not None else None
        message = entry.message if entry is not None else str(exc)
        raise XMLInputError(f"cannot compile the stylesheet: {message}", source, line, hint="fix the XSLT") from None


def packaged_xslt(name: str) -> Path:
    """The path of one of teikit's own stylesheets."""
    return XSLT_DIR / name


def serialize(tree: etree._ElementTree | etree._Element) -> bytes:
    """Bytes of an XML tree in teikit's one canonical form: UTF-8, declaration, final newline."""
    data = etree.tostring(tree, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return data if data.endswith(b"\n") else data + b"\n"


TEI_ROOTS = ("TEI", "teiCorpus")


def check_tei_root(
    tree: etree._ElementTree | etree._Element, source: str = "<input>", *, unnamespaced: bool = False
) -> None:
    """Refuse a document that is not TEI P5, naming its root: DocBook, an Ant file, TEI P4 (``TEI.2``).

    ``unnamespaced`` also accepts a ``TEI`` or ``teiCorpus`` root written without the TEI namespace (the
    renderers add it). Renderers and exporters share this check, so they refuse the same documents alike.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    where = root.getroottree().docinfo.URL or source
    qname = etree.QName(root)
    if qname.localname in TEI_ROOTS and (qname.namespace == TEI_NS or (unnamespaced and qname.namespace is None)):
        return
    if qname.localname == "TEI.2":
        raise XMLInputError(
            "TEI P4 `TEI.2`: not supported, convert it to P5 first",
            where,
            root.sourceline,
            hint="the TEI Consortium's p4top5.xsl converts P4 to P5",
        )
    namespace = f" in the namespace {qname.namespace}" if qname.namespace else " in no namespace"
    raise XMLInputError(
        f"not a TEI P5 document: the root element is <{qname.localname}>{namespace}",
        where,
        root.sourceline,
        hint=f"teikit reads TEI P5 (root TEI or teiCorpus in the namespace {TEI_NS})",
    )
