"""Document + edition → TEI P5 tree: the header from the editor's declarations, the text from the blocks.

Encoding decisions (the encoding guide, schemas/encoding-guide.md, gives the reasons):
the ICC's introduction is ``front``, the manifesto ``body``, the closing remark and the
notes ``back`` (Guidelines 4.5–4.7); notes are collected where the source has them and
linked both ways (3.9); extra blank lines of the source are ``space`` elements so the
source can be regenerated exactly; corrections are ``choice/sic/corr`` or ``supplied``
(3.5); names and dates point into the register held in ``standOff`` (13.3).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import __version__
from .edition import Correction, Edition, Related, Series
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
# Both kinds stand after the text they annotate (Guidelines 3.9.1: "end", not a page foot).
NOTE_PLACE = {"footnote": "end", "endnote": "end"}


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
    taken: set[str] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)
    notes_by: str | None = None  # who wrote the source's own editor's notes (@resp)

    def next(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]}"

    def stable(self, prefix: str, text: str) -> str:
        """An id from the content itself, so that it survives blocks inserted before it (the same text twice
        gets -2, -3 in document order)."""
        key = " ".join(unicodedata.normalize("NFC", text).split())
        base = f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
        candidate, count = base, 1
        while candidate in self.taken:
            count += 1
            candidate = f"{base}-{count}"
        self.taken.add(candidate)
        return candidate


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


def _intervention_attrs(span: Span) -> dict[str, str]:
    """@resp (a pointer to the editor) and @cert of an editorial intervention, where declared."""
    return {key: value for key in ("resp", "cert") if (value := span.attr(key))}


def _sic(span: Span, ids: _Ids):
    choice = tei("choice")
    sic = sub(choice, "sic")
    # corr is in place from the start; _add_plain skips it so that text still flows into sic, not after corr.
    readings = [value.split(":", 1) for key, value in span.attrs if key == "reading"]
    if readings:
        # Alternative corrections, each with its own certainty (Guidelines 3.5.1, 11.3.1.1: choice of corr).
        resp = {k: v for k in ("resp",) if (v := span.attr(k))}
        for cert, text in readings:
            sub(choice, "corr", {**resp, "cert": cert}, text or None)
    else:
        sub(choice, "corr", _intervention_attrs(span), span.attr("corr") or None)
    return choice, sic


def _supplied(span: Span, ids: _Ids):
    element = tei("supplied", {"reason": "omitted-in-source", **_intervention_attrs(span)}, span.attr("text"))
    return element, element


def _surplus(span: Span, ids: _Ids):
    element = tei("surplus", {"reason": "redundant", **_intervention_attrs(span)})
    return element, element


def _gap(span: Span, ids: _Ids):
    # An omission of the source, not of this edition: the gap says who left what out and why (3.5.3).
    attrs = {key: value for key in ("reason", "resp") if (value := span.attr(key))}
    element = tei("gap", attrs)
    sub(element, "desc", text=span.attr("desc"))
    return element, element


def _editorial_note(span: Span, ids: _Ids):
    note_id = ids.next("ed-note")
    # Lettered (a, b, …, z, aa…), so that the editors' notes never look like the source's numbered notes.
    number = int(note_id[len("ed-note") :])
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    note = tei(
        "note",
        {"type": "editorial", "resp": span.attr("resp") or "", "xml:id": note_id, "n": letters},
        span.attr("text"),
    )
    return note, note


def _title_span(span: Span, ids: _Ids):
    attrs = {key: value for key in ("level", "ref") if (value := span.attr(key))}
    element = tei("title", attrs)
    return element, element


def _event(span: Span, ids: _Ids):
    # TEI has no event-name element before P5 4.7 (eventName); rs is the general referring string (13.2.1).
    element = tei("rs", {"type": "event", "ref": span.attr("ref") or ""})
    return element, element


def _bibl_scope(span: Span, ids: _Ids):
    element = tei("biblScope", {"unit": "issue"})
    return element, element


def _simple(tag: str) -> Callable[[Span, _Ids], tuple[etree._Element, etree._Element]]:
    def make(span: Span, ids: _Ids):
        element = tei(tag, {k: v for k, v in span.attrs if k not in {"rule", "form", "scope"}})
        return element, element

    return make


SPAN_ELEMENTS: dict[str, Callable[[Span, _Ids], tuple[etree._Element, etree._Element] | None]] = {
    "noteref": _noteref,
    "xref": _xref,
    "q": _simple("q"),
    "sic": _sic,
    "supplied": _supplied,
    "surplus": _surplus,
    "gap": _gap,
    "ednote": _editorial_note,
    "title": _title_span,
    "event": _event,
    "bibl": _simple("bibl"),
    "biblScope": _bibl_scope,
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
    # Not len(element): lxml counts children by walking them all, which made a long block quadratic.
    # reversed() starts at the last child, so finding it costs the same however many children there are.
    last = next(reversed(element), None)
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
        _append_text(stack[-1][0], text[position : span.start])
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
    # @n numbers the paragraphs for readers; the id is the content's, so citations survive inserted blocks.
    n = ids.next("p")[1:]
    fill(sub(parent, "p", {"xml:id": ids.stable("p", block.content.text), "n": n}), block.content, ids)


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
    attrs = {"type": "editorial", "place": "inline", "xml:id": ids.next("ednote")}
    if ids.notes_by:
        attrs["resp"] = ids.notes_by
    note = sub(parent, "note", attrs)
    sub(note, "label", text=block.label)
    fill(note, block.content, ids)


def _salute(block: Salute, parent: etree._Element, ids: _Ids) -> None:
    fill(sub(sub(parent, "opener"), "salute"), block.content, ids)


def _closer(block: Closer, parent: etree._Element, ids: _Ids) -> None:
    closer = sub(parent, "closer")
    for slogan in block.slogans:
        _space(closer, slogan.space_before if slogan is not block.slogans[0] else 0)
        fill(sub(closer, "seg", {"type": "slogan", "xml:id": ids.next("slogan")}), slogan.content, ids)


# A note written on the line right after the previous one (no blank line between): the lossless text keeps it so.
NOTE_JOINED = "no-blank-line-before"


def _note(block: Note, parent: etree._Element, ids: _Ids) -> None:
    note_id = f"{NOTE_PREFIX[block.kind]}{block.n}"
    attrs = {"xml:id": note_id, "n": block.n, "type": block.kind, "place": NOTE_PLACE[block.kind]}
    if block.joined:
        attrs["rend"] = NOTE_JOINED
    note = sub(parent, "note", attrs)
    label, _, _ = _note_label(block)
    sub(note, "label", text=label)
    fill(note, block.content, ids)


def _note_label(block: Note) -> tuple[str, str, str]:
    """The label as the source has it (the usual "[n]." or "n." when the reader did not keep one)."""
    label = block.label or (f"[{block.n}]." if block.kind == "footnote" else f"{block.n}.")
    return label, block.kind, block.n


def _division(block: Division, parent: etree._Element, ids: _Ids) -> None:
    element = sub(parent, "div", {"type": block.type, "xml:id": block.id})
    if block.heading is None and block.line in ids.labels:
        element.set("n", ids.labels[block.line])  # a label for a division without a head (contents, citations)
    if block.heading is not None:
        _space(element, block.heading.space_before)
        _heading(block.heading, element, ids)
    _blocks(block.children, element, ids)


# Each writer takes a block of its key's type; a dict's type cannot pair key and argument, hence Any.
BLOCK_ELEMENTS: dict[type, Callable[[Any, etree._Element, _Ids], None]] = {
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


def build_text(document: Document, labels: dict[int, str] | None = None, notes_by: str | None = None) -> etree._Element:
    """The TEI ``text`` element for a document; ``labels`` name headless divisions by their first source line."""
    ids = _Ids(notes=_collect_notes(document), labels=dict(labels or {}), notes_by=notes_by)
    # Where the source's last line has no line end, say so, so that the lossless text has none either.
    text = tei("text", {} if document.final_newline else {"rend": "no-final-newline"})
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
    for editor in edition.editors:
        # The editor's xml:id is what every @resp of an intervention points to; the ORCID iD is @ref.
        attrs = {"xml:id": editor.id}
        if editor.orcid:
            attrs["ref"] = f"https://orcid.org/{editor.orcid}"
        sub(sub(title_stmt, "editor", attrs), "orgName" if editor.is_org else "persName", text=editor.name)
    for editor in edition.editors:
        stmt = sub(title_stmt, "respStmt")
        sub(stmt, "resp", text=editor.resp)
        sub(stmt, "name", {"ref": f"#{editor.id}"}, editor.name)
    for resp, name in edition.responsibility:
        stmt = sub(title_stmt, "respStmt")
        sub(stmt, "resp", text=resp)
        sub(stmt, "name", text=name)
    if edition.version:
        edition_stmt = sub(file_desc, "editionStmt")
        sub(edition_stmt, "edition", {"n": edition.version}, f"Version {edition.version}")
    _publication_stmt(sub(file_desc, "publicationStmt"), edition)
    if edition.series is not None:
        _series_stmt(sub(file_desc, "seriesStmt"), edition.series)
    _source_desc(sub(file_desc, "sourceDesc"), edition)


def _publication_stmt(publication: etree._Element, edition: Edition) -> None:
    """Who makes the encoding available, as the editor declares; teikit is never the publisher (Guidelines 2.2.4)."""
    agencies = [("publisher", edition.publisher), ("distributor", edition.distributor)]
    if not any(value for _, value in agencies):
        text = "Unpublished; encoded with teikit."
        sub(publication, "p", text=f"{text} {edition.availability}" if edition.availability else text)
        return
    for tag, value in agencies:
        if value:
            sub(publication, tag, text=value)
    sub(publication, "idno", {"type": "teikit"}, edition.id)
    if edition.address:
        sub(publication, "idno", {"type": "URI"}, edition.address)
    if edition.availability or edition.licence:
        availability = sub(publication, "availability")
        if edition.licence:
            # The licence of this encoding; the text's own rights are stated in the availability paragraph.
            attrs = {"target": edition.licence_url} if edition.licence_url else {}
            sub(availability, "licence", attrs, edition.licence)
        if edition.availability:
            sub(availability, "p", text=edition.availability)
    if edition.pub_date:
        sub(publication, "date", {"when": edition.pub_date}, edition.pub_date)


def _series_stmt(series_stmt: etree._Element, series: Series) -> None:
    sub(series_stmt, "title", {"level": "s"}, series.title)
    if series.part:
        label = f"Part {series.part}" + (f" of {series.parts}" if series.parts else "")
        sub(series_stmt, "biblScope", {"unit": "part", "n": series.part}, label)


def _source_desc(source_desc: etree._Element, edition: Edition) -> None:
    bibl = sub(source_desc, "bibl")
    fields = dict(edition.source_bibl)
    # A citation as it is read: its parts separated by full stops (mixed content, so layout stays out of it).
    parts = [
        ("title", {"level": "a"}, fields.get("title")),
        ("author", {}, fields.get("author")),
        ("title", {"level": "j"}, fields.get("journal")),
        ("biblScope", {"unit": "issue"}, fields.get("issue")),
        ("publisher", {}, fields.get("publisher")),
        ("date", {"when": fields.get("date", "")}, fields.get("date")),
        ("idno", {"type": "URI"}, fields.get("url")),
        ("note", {}, edition.source_note),
    ]
    for tag, attrs, value in parts:
        if value:
            if len(bibl):
                bibl[-1].tail = ". " if not bibl[-1].text.endswith((".", "?", "!")) else " "
            sub(bibl, tag, attrs, value)
    if not len(bibl):
        bibl.text = f"Plain text file {edition.source}"
    for related in edition.related:
        _related_item(bibl, related)


def _related_item(bibl: etree._Element, related: Related) -> None:
    """The source's provenance as the text states it: its original, what it was translated from, other editions."""
    if len(bibl):
        bibl[-1].tail = (bibl[-1].tail or "") + " "
    item = sub(sub(bibl, "relatedItem", {"type": related.type}), "bibl")
    sub(item, "title", text=related.title)
    if related.author:
        sub(item, "author", text=related.author)
    if related.language:
        sub(item, "textLang", {"mainLang": related.language}, related.language_name or related.language)
    if related.place:
        sub(item, "pubPlace", text=related.place)
    if related.publisher:
        sub(item, "publisher", text=related.publisher)
    if related.date:
        sub(item, "date", {"when": related.date}, related.date)
    if related.note:
        sub(item, "note", text=related.note)
    for child in item[:-1]:
        child.tail = ". "


def _encoding_desc(encoding: etree._Element, edition: Edition, document: Document, decisions: list[str]) -> None:
    if edition.project:
        sub(sub(encoding, "projectDesc"), "p", text=edition.project)
    editorial = sub(encoding, "editorialDecl")
    _corrections_decl(editorial, edition)
    _normalisation_decl(editorial, edition, document)
    quotation = sub(editorial, "quotation", {"marks": "all"})
    sub(
        quotation,
        "p",
        text="Quotation marks are kept as characters of the text; q marks the quoted matter "
        "between them, where the marks pair up unambiguously, except where the marks enclose "
        "a title, which is then a title element.",
    )
    interpretation = sub(editorial, "interpretation")
    sub(
        interpretation,
        "p",
        text="Persons, organisations, places, titles of works and events are tagged by "
        "teikit from the register of entities and point to its entries in standOff "
        '(titles carry @level, events are rs type="event"); dates are tagged and '
        "normalised to ISO 8601 by teikit's date recogniser.",
    )
    if decisions:
        p = sub(interpretation, "p", text="Decisions of the editor that override the automatic tagging:")
        items = sub(p, "list")
        for decision in decisions:
            sub(items, "item", text=decision)
    std_vals = sub(editorial, "stdVals")
    sub(
        std_vals,
        "p",
        text="Dates are normalised to ISO 8601 (proleptic Gregorian calendar): @when for a point "
        "in time, @from/@to for a period, @notBefore/@notAfter for a point known only within "
        "limits. A date written in another calendar carries @calendar, and its normalised "
        "values are Gregorian.",
    )
    if edition.date_conventions:
        sub(std_vals, "p", text=edition.date_conventions)
    omitted = edition.furniture
    if omitted:
        p = sub(
            editorial,
            "p",
            text="Lines of the source that are web-page furniture, not part of the text, are not transcribed:",
        )
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
    p = sub(
        correction,
        "p",
        text="The source is transcribed as it stands. Evident errors are corrected with "
        "choice/sic/corr (several corr with @cert where more than one reading is "
        "possible), omissions with supplied, superfluous words with surplus; each "
        "correction is declared by the editor and carries @resp where the editor is "
        "named:",
    )
    items = sub(p, "list")
    for fix in edition.corrections:
        sub(items, "item", text=f"{_describe_correction(fix)} — {fix.reason}.")


def _describe_correction(fix: Correction) -> str:
    # No source line numbers: they appear neither in the TEI nor in the HTML (the reader could not follow them).
    if fix.readings:
        options = " or ".join(f"“{r.text}” ({r.cert} certainty)" for r in fix.readings)
        return f"“{fix.sic}” read as {options}"
    if fix.sic is not None:
        cert = f" ({fix.cert} certainty)" if fix.cert else ""
        return f"“{fix.sic}” corrected to “{fix.corr}”{cert}"
    if fix.surplus is not None:
        return f"“{fix.surplus}” marked as superfluous"
    supplied = fix.supplied or ""
    return f"“{supplied.strip() or supplied}” supplied after “{fix.after}”"


def _normalisation_decl(editorial: etree._Element, edition: Edition, document: Document) -> None:
    normalization = sub(editorial, "normalization", {"method": "markup"})
    sub(
        normalization,
        "p",
        text="Every character of the source text is kept, including no-break spaces and "
        "typographic characters. Blocks are separated by one blank line in the source; "
        "further blank lines are recorded with space, and line breaks inside a block "
        "with lb, so that the source can be regenerated exactly.",
    )
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
    if edition.calendars:
        calendars = sub(profile, "calendarDesc")
        for calendar in edition.calendars:
            sub(sub(calendars, "calendar", {"xml:id": calendar.id}), "p", text=calendar.description)
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
    root.append(build_text(document, dict(edition.division_labels), edition.notes_by))
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
    seen: dict[str, etree._Element] = {}
    for element in root.iter():
        value = element.get(XML_ID)
        if value is None:
            continue
        if value in seen:
            first, second = seen[value], element
            register = [e for e in (first, second) if _in_standoff(e)]
            hint = (
                "rename the register entry (check with: teikit register check)"
                if register
                else "give the divisions types that do not clash"
            )
            raise InputError(
                f"the id '{value}' would be used twice in the TEI: by {_what_has_id(first)}"
                f" and by {_what_has_id(second)}",
                edition.path,
                hint=hint,
            )
        seen[value] = element


def _in_standoff(element: etree._Element) -> bool:
    return any(ancestor.tag == f"{{{TEI_NS}}}standOff" for ancestor in element.iterancestors())


def _what_has_id(element: etree._Element) -> str:
    """A reader's name for an element with an xml:id: "the register's place entry", "the div of type 'x'"…"""
    name = etree.QName(element).localname
    if _in_standoff(element):
        return f"the register's {name} entry"
    kind = element.get("type")
    return f"the document's {name}" + (f" of type '{kind}'" if kind else "")
