"""The one way teikit reads XML and loads XSLT: hostile input is refused, never trusted.

Every XML file teikit reads (TEI from anywhere, schemas, stylesheets) goes
through :func:`parse_xml`. The parser resolves no entities, loads no DTD,
touches no network and keeps libxml2's depth and size limits, so an XXE or
billion-laughs file fails at once with a one-line message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from .errors import UsageError, XMLInputError

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


def _refuse_oversized(size: int, source: str) -> None:
    limit = max_xml_bytes()
    if size > limit:
        raise XMLInputError(
            f"the file is {size / 1048576:.0f} MB, more than teikit's limit of {limit / 1048576:.0f} MB",
            source, hint="split the file, or raise the limit with TEIKIT_MAX_XML_MB if the machine has the memory",
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
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    for entity in dtd.entities():
        raise XMLInputError(
            f"the document declares the entity '{entity.name}'; teikit never expands DTD entities",
            source,
            hint="replace entity references with the characters themselves",
        )


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
    try:
        _refuse_oversized(path.stat().st_size, source)
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
    _refuse_entity_declarations(tree, source)
    return tree


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
    repeats = []
    for entry in parser.error_log.filter_from_errors():
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
    _refuse_entity_declarations(tree, source)
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
        warnings.append(XMLInputError(text, source, entry.line, entry.column,
                                      "give every element its own xml:id, a name that starts with a letter"))
    _refuse_entity_declarations(tree, source)
    return tree, warnings


def require_tei_p5(tree: etree._ElementTree | etree._Element, source: str | None = None) -> None:
    """Refuse, in one clear line, a document that is not TEI P5 (TEI P4's ``TEI.2``, DocBook, an Ant file…).

    Render and export both call this, so both say the same. A TEI or teiCorpus root
    written without the TEI namespace is accepted (the renderers give it the namespace).
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    where = source or root.getroottree().docinfo.URL
    name = etree.QName(root)
    if name.localname == "TEI.2" or name.localname == "TEI.2".lower():
        raise XMLInputError("TEI P4 `TEI.2`: not supported, convert it to P5 first", where, root.sourceline,
                            hint="the TEI Consortium's p4top5.xsl converts P4 to P5")
    if name.localname in ("TEI", "teiCorpus") and name.namespace in (TEI_NS, None):
        return
    raise XMLInputError(f"not a TEI P5 document: the root element is <{name.localname}>"
                        + (f" in the namespace {name.namespace}" if name.namespace else ""), where, root.sourceline,
                        hint="teikit reads TEI P5 (root TEI or teiCorpus in the namespace http://www.tei-c.org/ns/1.0)")


def parse_xml_bytes(data: bytes, source: str = "<bytes>") -> etree._ElementTree:
    """Parse XML held in memory with the same safe parser."""
    _refuse_oversized(len(data), source)
    try:
        root = etree.fromstring(data, safe_parser(), base_url=source)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    tree = root.getroottree()
    _refuse_entity_declarations(tree, source)
    return tree


class _TeikitResolver(etree.Resolver):
    """Resolves ``teikit:NAME.xsl`` to the packaged stylesheet, so user XSLT can import ours from anywhere."""

    def resolve(self, url, pubid, context):
        if url and url.startswith("teikit:"):
            name = url[len("teikit:"):].lstrip("/")
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
