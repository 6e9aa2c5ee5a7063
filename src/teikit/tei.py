"""Document + edition → TEI P5 tree: the header from the editor's declarations, the text from the blocks.

Encoding decisions (the encoding guide, schemas/encoding-guide.md, gives the reasons):
the ICC's introduction is ``front``, the manifesto ``body``, the closing remark and the
notes ``back`` (Guidelines 4.5–4.7); notes are collected where the source has them and
linked both ways (3.9); extra blank lines of the source are ``space`` elements so the
source can be regenerated exactly; corrections are ``choice/sic/corr`` or ``supplied``
(3.5); names and dates point into the register held in ``standOff`` (13.3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lxml import etree

from . import __version__
from .edition import Edition
from .errors import InputError
from .model import (
    SPAN_NESTING,
    BlockLike,
    Break,
    Closer,
    Division,
    Document,
    EditorialNote,
    Heading,
    Inline,
    ListBlock,
    Note,
    Paragraph,
    Salute,
    Span,
    Title,
    walk,
)
from .xmlio import TEI_NS, XML_NS

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
NOTE_PREFIX = {"footnote": "fn", "endnote": "en"}
NOTE_PLACE = {"footnote": "foot", "endnote": "end"}


def tei(tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> etree._Element:
    """A new element in the TEI namespace."""
    element = etree.Element(T + tag, nsmap={None: TEI_NS})
    for key, value in (attrs or {}).items():
        element.set(XML_ID if key == "xml:id" else key, value)
    if text is not None:
        element.text = text
    return element


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None):
    element = tei(tag, attrs, text)
    parent.append(element)
    return element


# --------------------------------------------------------------------------- inline content


@dataclass
class _Ids:
    """Positional ids for paragraphs and items, and the notes that exist (to resolve references)."""

    notes: set[tuple[str, str]]
    counters: dict[str, int] = field(default_factory=dict)
    note_anchors: dict[str, list[str]] = field(default_factory=dict)

    def next(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]}"


def _element_for_span(span: Span, ids: _Ids) -> tuple[etree._Element, etree._Element] | None:
    """The element a span becomes: (what goes into the parent, what receives the span's content)."""
    maker = SPAN_ELEMENTS.get(span.tag)
    if maker is None:
        raise ValueError(f"no TEI element for span kind {span.tag!r}")
    return maker(span, ids)


def _noteref(span: Span, ids: _Ids):
    n = span.attr("n")
    if ("footnote", n) not in ids.notes:
        return None
    anchor = f"fnref{n}"
    ids.note_anchors.setdefault(f"fn{n}", []).append(anchor)
    element = tei("ref", {"type": "noteAnchor", "xml:id": anchor, "target": f"#fn{n}"})
    return element, element


def _xref(span: Span, ids: _Ids):
    n = span.attr("n")
    if ("endnote", n) not in ids.notes:
        return None
    anchor = ids.next(f"enref{n}-") if f"en{n}" in ids.note_anchors else f"enref{n}"
    ids.note_anchors.setdefault(f"en{n}", []).append(anchor)
    element = tei("ref", {"type": "crossref", "xml:id": anchor, "target": f"#en{n}"})
    return element, element


def _sic(span: Span, ids: _Ids):
    choice = tei("choice")
    sic = sub(choice, "sic")
    # corr is in place from the start; _add_plain skips it so that text still flows into sic, not after corr.
    sub(choice, "corr", text=span.attr("corr") or None)
    return choice, sic


def _supplied(span: Span, ids: _Ids):
    element = tei("supplied", {"reason": "omitted-in-source"}, span.attr("text"))
    return element, element


def _simple(tag: str) -> Callable[[Span, _Ids], tuple[etree._Element, etree._Element]]:
    def make(span: Span, ids: _Ids):
        element = tei(tag, {k: v for k, v in span.attrs if k not in {"rule", "form"}})
        return element, element

    return make


SPAN_ELEMENTS: dict[str, Callable[[Span, _Ids], tuple[etree._Element, etree._Element] | None]] = {
    "noteref": _noteref,
    "xref": _xref,
    "q": _simple("q"),
    "sic": _sic,
    "supplied": _supplied,
    "persName": _simple("persName"),
    "orgName": _simple("orgName"),
    "placeName": _simple("placeName"),
    "date": _simple("date"),
}


def _append_text(element: etree._Element, text: str) -> None:
    """Add text at the end of an element's content; source line breaks inside a block become ``lb``."""
    if not text:
        return
    first, *rest = text.split("\n")
    _add_plain(element, first)
    for chunk in rest:
        lb = sub(element, "lb")
        lb.tail = chunk or None


def _add_plain(element: etree._Element, text: str) -> None:
    if not text:
        return
    last = element[-1] if len(element) else None
    if last is None:
        element.text = (element.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def fill(element: etree._Element, content: Inline, ids: _Ids) -> etree._Element:
    """Put a block's text and its spans into ``element`` as mixed content, nesting spans as elements."""
    text = content.text
    # Empty spans first at a position (they mark a point), then outer before inner.
    spans = sorted(content.spans, key=lambda s: (s.start, s.end > s.start, -s.end, SPAN_NESTING.get(s.tag, 1)))
    stack: list[tuple[etree._Element, int]] = [(element, len(text))]
    position = 0
    for span in spans:
        while len(stack) > 1 and stack[-1][1] <= span.start:
            inner, end = stack.pop()
            _append_text(inner, text[position:end])
            position = end
        _append_text(stack[-1][0], text[position:span.start])
        position = span.start
        if span.end > stack[-1][1]:
            raise ValueError(f"span {span.tag} [{span.start},{span.end}) crosses an enclosing element")
        made = _element_for_span(span, ids)
        if made is None:
            continue
        outer, inner = made
        stack[-1][0].append(outer)
        if span.end > span.start:
            stack.append((inner, span.end))
    while stack:
        inner, end = stack.pop()
        _append_text(inner, text[position:end])
        position = end
    return element


# --------------------------------------------------------------------------- blocks


def _space(parent: etree._Element, lines: int) -> None:
    if lines > 0:
        sub(parent, "space", {"dim": "vertical", "unit": "lines", "quantity": str(lines)})


def _title(block: Title, parent: etree._Element, ids: _Ids) -> None:
    doc_title = sub(parent, "docTitle")
    fill(sub(doc_title, "titlePart", {"type": "main"}), block.content, ids)


def _heading(block: Heading, parent: etree._Element, ids: _Ids) -> None:
    fill(sub(parent, "head"), block.content, ids)


def _paragraph(block: Paragraph, parent: etree._Element, ids: _Ids) -> None:
    fill(sub(parent, "p", {"xml:id": ids.next("p")}), block.content, ids)


def _list(block: ListBlock, parent: etree._Element, ids: _Ids) -> None:
    element = sub(parent, "list", {"rend": "bulleted"})
    for item in block.items:
        attrs = {"xml:id": ids.next("item"), "n": item.marker}
        layout = [f"indent({item.indent})"] if item.indent != 2 else []
        layout += [f"gap({item.gap})"] if item.gap != 1 else []
        if layout:
            attrs["rend"] = " ".join(layout)
        fill(sub(element, "item", attrs), item.content, ids)


def _break(block: Break, parent: etree._Element, ids: _Ids) -> None:
    sub(parent, "milestone", {"unit": "section", "rend": block.mark})


def _editorial(block: EditorialNote, parent: etree._Element, ids: _Ids) -> None:
    note = sub(parent, "note", {"type": "editorial", "place": "inline", "xml:id": ids.next("ednote")})
    sub(note, "label", text=block.label)
    fill(note, block.content, ids)


def _salute(block: Salute, parent: etree._Element, ids: _Ids) -> None:
    fill(sub(sub(parent, "opener"), "salute"), block.content, ids)


def _closer(block: Closer, parent: etree._Element, ids: _Ids) -> None:
    closer = sub(parent, "closer")
    for slogan in block.slogans:
        _space(closer, slogan.space_before if slogan is not block.slogans[0] else 0)
        fill(sub(closer, "seg", {"type": "slogan", "xml:id": ids.next("slogan")}), slogan.content, ids)


def _note(block: Note, parent: etree._Element, ids: _Ids) -> None:
    note_id = f"{NOTE_PREFIX[block.kind]}{block.n}"
    note = sub(parent, "note", {"xml:id": note_id, "n": block.n, "type": block.kind, "place": NOTE_PLACE[block.kind]})
    label, _, _ = _note_label(block)
    sub(note, "label", text=label)
    fill(note, block.content, ids)


def _note_label(block: Note) -> tuple[str, str, str]:
    label = f"[{block.n}]." if block.kind == "footnote" else f"{block.n}."
    return label, block.kind, block.n


def _division(block: Division, parent: etree._Element, ids: _Ids) -> None:
    element = sub(parent, "div", {"type": block.type, "xml:id": block.id})
    if block.heading is not None:
        _space(element, block.heading.space_before)
        _heading(block.heading, element, ids)
    _blocks(block.children, element, ids)


BLOCK_ELEMENTS: dict[type, Callable[[BlockLike, etree._Element, _Ids], None]] = {
    Title: _title,
    Heading: _heading,
    Paragraph: _paragraph,
    ListBlock: _list,
    Break: _break,
    EditorialNote: _editorial,
    Salute: _salute,
    Closer: _closer,
    Note: _note,
    Division: _division,
}


def _blocks(blocks: Iterable[BlockLike], parent: etree._Element, ids: _Ids) -> None:
    for block in blocks:
        _space(parent, block.space_before)
        BLOCK_ELEMENTS[type(block)](block, parent, ids)


def _link_notes_to_anchors(root: etree._Element, ids: _Ids) -> None:
    """Point each note back at the reference(s) to it (Guidelines 3.9.2: @target of a displaced note)."""
    for note in root.iter(T + "note"):
        anchors = ids.note_anchors.get(note.get(XML_ID, ""), [])
        if anchors:
            note.set("target", " ".join(f"#{anchor}" for anchor in anchors))


def _collect_notes(document: Document) -> set[tuple[str, str]]:
    found = set()
    for _part, blocks in document.parts():
        for block in walk(blocks):
            if isinstance(block, Note):
                found.add((block.kind, block.n))
    return found


def build_text(document: Document) -> etree._Element:
    """The TEI ``text`` element for a document."""
    ids = _Ids(notes=_collect_notes(document))
    text = tei("text")
    front_blocks = ((document.title,) if document.title else ()) + document.front
    for part, blocks in (("front", front_blocks), ("body", document.body), ("back", document.back)):
        if not blocks and part != "body":
            continue
        _blocks(blocks, sub(text, part), ids)
    last_part = text[-1]
    _space(_deepest_last_container(last_part), document.trailing_space)
    _link_notes_to_anchors(text, ids)
    return text


def _deepest_last_container(element: etree._Element) -> etree._Element:
    # Trailing blank lines belong after the last block: inside the innermost last division.
    while len(element) and element[-1].tag == T + "div":
        element = element[-1]
    return element


# --------------------------------------------------------------------------- header


def build_header(edition: Edition, document: Document, decisions: Iterable[str] = ()) -> etree._Element:
    """The teiHeader from the edition's declarations and what the reader had to normalise."""
    header = tei("teiHeader")
    _file_desc(sub(header, "fileDesc"), edition, document)
    _encoding_desc(sub(header, "encodingDesc"), edition, document, list(decisions))
    _profile_desc(sub(header, "profileDesc"), edition)
    _revision_desc(header, edition)
    return header


def _title_text(edition: Edition, document: Document) -> str:
    if edition.title:
        return edition.title
    if document.title is not None:
        return document.title.content.text.strip()
    return edition.id


def _file_desc(file_desc: etree._Element, edition: Edition, document: Document) -> None:
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", {"type": "main"}, _title_text(edition, document))
    if edition.subtitle:
        sub(title_stmt, "title", {"type": "sub"}, edition.subtitle)
    for author in edition.authors:
        attrs = {"ref": author.ref} if author.ref else {}
        if author.role:
            attrs["role"] = author.role
        element = sub(title_stmt, "author", attrs)
        sub(element, "orgName" if author.is_org else "persName", text=author.name)
    for resp, name in edition.responsibility:
        stmt = sub(title_stmt, "respStmt")
        sub(stmt, "resp", text=resp)
        sub(stmt, "name", text=name)
    publication = sub(file_desc, "publicationStmt")
    sub(publication, "publisher", text=edition.publisher)
    sub(publication, "idno", {"type": "teikit"}, edition.id)
    if edition.availability:
        sub(sub(publication, "availability"), "p", text=edition.availability)
    if edition.pub_date:
        sub(publication, "date", {"when": edition.pub_date}, edition.pub_date)
    source_desc = sub(file_desc, "sourceDesc")
    bibl = sub(source_desc, "bibl")
    fields = dict(edition.source_bibl)
    # A citation as it is read: its parts separated by full stops (mixed content, so layout stays out of it).
    parts = [
        ("title", {"level": "a"}, fields.get("title")),
        ("author", {}, fields.get("author")),
        ("title", {"level": "j"}, fields.get("journal")),
        ("publisher", {}, fields.get("publisher")),
        ("date", {"when": fields.get("date", "")}, fields.get("date")),
        ("note", {}, edition.source_note),
    ]
    for tag, attrs, value in parts:
        if value:
            if len(bibl):
                bibl[-1].tail = ". " if not bibl[-1].text.endswith((".", "?", "!")) else " "
            sub(bibl, tag, attrs, value)
    if not len(bibl):
        bibl.text = f"Plain text file {edition.source}"


def _encoding_desc(encoding: etree._Element, edition: Edition, document: Document, decisions: list[str]) -> None:
    if edition.project:
        sub(sub(encoding, "projectDesc"), "p", text=edition.project)
    editorial = sub(encoding, "editorialDecl")
    _corrections_decl(editorial, edition)
    _normalisation_decl(editorial, edition, document)
    quotation = sub(editorial, "quotation", {"marks": "all"})
    sub(quotation, "p", text="Quotation marks are kept as characters of the text; q marks the quoted matter "
                             "between them, where the marks pair up unambiguously.")
    interpretation = sub(editorial, "interpretation")
    sub(interpretation, "p", text="Persons, organisations and places are tagged by teikit from the register of "
                                  "entities and point to its entries in standOff; dates are tagged and normalised "
                                  "to ISO 8601 by teikit's date recogniser.")
    if decisions:
        p = sub(interpretation, "p", text="Decisions of the editor that override the automatic tagging:")
        items = sub(p, "list")
        for decision in decisions:
            sub(items, "item", text=decision)
    omitted = edition.furniture
    if omitted:
        p = sub(editorial, "p", text="Lines of the source that are web-page furniture, not part of the text, "
                                     "are not transcribed:")
        items = sub(p, "list")
        for furniture in omitted:
            where = " (kept as a keyword in profileDesc/textClass)" if furniture.keyword else ""
            sub(items, "item", text=f"“{furniture.line_text}”: {furniture.reason}{where}.")
    app_info = sub(encoding, "appInfo")
    application = sub(app_info, "application", {"ident": "teikit", "version": __version__})
    sub(application, "label", text="teikit")


def _corrections_decl(editorial: etree._Element, edition: Edition) -> None:
    correction = sub(editorial, "correction", {"method": "markup"})
    if not edition.corrections:
        sub(correction, "p", text="The text is transcribed as the source has it; no corrections were made.")
        return
    p = sub(correction, "p", text="The source is transcribed as it stands. Evident errors are corrected with "
                                  "choice/sic/corr, omissions with supplied; each correction is declared by the "
                                  "editor:")
    items = sub(p, "list")
    for fix in edition.corrections:
        if fix.sic is not None:
            what = f"line {fix.line}: “{fix.sic}” corrected to “{fix.corr}”"
        else:
            what = f"line {fix.line}: “{fix.supplied.strip() or fix.supplied}” supplied after “{fix.after}”"
        sub(items, "item", text=f"{what} — {fix.reason}.")


def _normalisation_decl(editorial: etree._Element, edition: Edition, document: Document) -> None:
    normalization = sub(editorial, "normalization", {"method": "markup"})
    sub(normalization, "p", text="Every character of the source text is kept, including no-break spaces and "
                                 "typographic characters. Blocks are separated by one blank line in the source; "
                                 "further blank lines are recorded with space, and line breaks inside a block "
                                 "with lb, so that the source can be regenerated exactly.")
    for note in document.normalisations:
        sub(normalization, "p", text=note)


def _profile_desc(profile: etree._Element, edition: Edition) -> None:
    if edition.creation:
        creation = sub(profile, "creation")
        if edition.creation_date:
            date = sub(creation, "date", {"when": edition.creation_date}, edition.creation_date)
            date.tail = ": " + edition.creation
        else:
            creation.text = edition.creation
    usage = sub(profile, "langUsage")
    sub(usage, "language", {"ident": edition.language}, edition.language_name)
    if edition.keywords:
        keywords = sub(sub(profile, "textClass"), "keywords")
        for term in edition.keywords:
            sub(keywords, "term", text=term)


def _revision_desc(header: etree._Element, edition: Edition) -> None:
    if not edition.changes:
        return
    revision = sub(header, "revisionDesc")
    for change in edition.changes:
        sub(revision, "change", {"when": change.when}, f"{change.who}: {change.what}")


# --------------------------------------------------------------------------- the whole document


def build_tei(
    document: Document,
    edition: Edition,
    standoff: Iterable[etree._Element] = (),
    decisions: Iterable[str] = (),
) -> etree._ElementTree:
    """The complete TEI document: header, optional standOff (the register lists), text."""
    root = tei("TEI", {"xml:id": edition.id})
    root.set(f"{{{XML_NS}}}lang", edition.language)
    root.append(build_header(edition, document, decisions))
    lists = list(standoff)
    if lists:
        stand_off = sub(root, "standOff")
        for element in lists:
            stand_off.append(element)
    root.append(build_text(document))
    _check_unique_ids(root, edition)
    tree = etree.ElementTree(root)
    _declare_schemas(root)
    return tree


# The schemas that judge a teikit edition, as oXygen, jEdit and `teikit validate` read them from the document
# (W3C "Associating Schemas with XML documents"); `teikit:` names the schemas teikit ships.
SCHEMA_DECLARATIONS = (
    ("teikit:teikit.rng", "http://relaxng.org/ns/structure/1.0"),
    ("teikit:teikit.sch", "http://purl.oclc.org/dsdl/schematron"),
)


def _declare_schemas(root: etree._Element) -> None:
    for href, namespace in SCHEMA_DECLARATIONS:
        text = f'href="{href}" type="application/xml" schematypens="{namespace}"'
        root.addprevious(etree.ProcessingInstruction("xml-model", text))


def _check_unique_ids(root: etree._Element, edition: Edition) -> None:
    seen: set[str] = set()
    for element in root.iter():
        value = element.get(XML_ID)
        if value is None:
            continue
        if value in seen:
            raise InputError(f"the id '{value}' would be used twice in the TEI", edition.path,
                             hint="give the divisions types that do not clash with register ids")
        seen.add(value)
