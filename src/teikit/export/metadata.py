"""What a TEI document says about itself and its entities: header metadata, the register, dates, authorities.

The register is every ``person``, ``personGrp``, ``org`` and ``place`` with an
``@xml:id``, wherever it stands (``standOff``, ``particDesc``, ``back``). An
entry's preferred name is its name child with ``@type='preferred'``, else the
first; its description the first ``note``; its authority identifiers its
``idno`` children (Wikidata, VIAF, GND, GeoNames… made into URIs) and authority
URIs in ``@sameAs``; its dates ``birth``, ``death`` and any child with
``@when``, ``@from``/``@to`` or ``@notBefore``/``@notAfter``."""

from __future__ import annotations

import re

from lxml import etree

from .records import Author, Authority, DateValue, DocumentInfo, Entity, LabelledDate, Work
from .xmltext import TEI_NS, XML_ID, XML_LANG, is_tei, local, normalise_space, text_of

# Register entries: element → entity type.
REGISTER_ELEMENTS = {
    "person": "person",
    "personGrp": "person",
    "org": "org",
    "place": "place",
    "event": "event",
    "bibl": "work",
}
NAME_CHILDREN = (
    "persName",
    "orgName",
    "placeName",
    "geogName",
    "settlement",
    "country",
    "region",
    "name",
    "title",
    "label",
)

# Authority identifiers: idno/@type (lower-cased) → (scheme, URI template).
AUTHORITY_SCHEMES = {
    "wikidata": ("Wikidata", "http://www.wikidata.org/entity/{}"),
    "viaf": ("VIAF", "http://viaf.org/viaf/{}"),
    "gnd": ("GND", "https://d-nb.info/gnd/{}"),
    "geonames": ("GeoNames", "https://sws.geonames.org/{}/"),
    "orcid": ("ORCID", "https://orcid.org/{}"),
    "uri": ("URI", "{}"),
    "url": ("URI", "{}"),
}
# URI patterns → scheme, for authority URIs met in @ref or @sameAs.
AUTHORITY_URIS = (
    (re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q\d+)$"), "Wikidata"),
    (re.compile(r"^https?://(?:www\.)?viaf\.org/viaf/(\d+)/?$"), "VIAF"),
    (re.compile(r"^https?://d-nb\.info/gnd/([0-9X-]+)/?$"), "GND"),
    (re.compile(r"^https?://(?:sws\.|www\.)?geonames\.org/(\d+)(?:/.*)?$"), "GeoNames"),
)
_ISO_TEXT = re.compile(r"^-?\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _attribute(element: etree._Element, name: str) -> str | None:
    value = element.get(name) or element.get(f"{name}-iso")
    return value.strip() if value and value.strip() else None


def read_date(element: etree._Element) -> DateValue | None:
    """The normalised value of a date-bearing element, tolerant of TEI's -iso attribute variants."""
    value = DateValue(
        when=_attribute(element, "when"),
        start=_attribute(element, "from"),
        end=_attribute(element, "to"),
        not_before=_attribute(element, "notBefore"),
        not_after=_attribute(element, "notAfter"),
    )
    if value != DateValue():
        return value
    text = normalise_space("".join(element.itertext()))
    return DateValue(when=text) if _ISO_TEXT.match(text) else None


def authority_from_uri(uri: str) -> Authority:
    """The authority an URI names, its URI made canonical (wiki/Q42 and entity/Q42 are one Wikidata item)."""
    for pattern, scheme in AUTHORITY_URIS:
        match = pattern.match(uri)
        if match:
            template = next(t for s, t in AUTHORITY_SCHEMES.values() if s == scheme)
            return Authority(scheme, match.group(1), template.format(match.group(1)))
    return Authority("URI", uri, uri)


def read_idno(idno: etree._Element) -> Authority | None:
    value = normalise_space("".join(idno.itertext()))
    if not value:
        return None
    if re.match(r"^https?://", value):
        found = authority_from_uri(value)
        scheme = AUTHORITY_SCHEMES.get((idno.get("type") or "").lower(), (found.scheme, ""))[0]
        return Authority(scheme if scheme != "URI" else found.scheme, found.value, value)
    scheme_type = (idno.get("type") or "").strip()
    known = AUTHORITY_SCHEMES.get(scheme_type.lower())
    if known is None:
        return Authority(scheme_type or "idno", value, None)
    scheme, template = known
    return Authority(scheme, value, template.format(value))


def _authorities(element: etree._Element) -> tuple[Authority, ...]:
    found: list[Authority] = []
    for child in element:
        if is_tei(child) and local(child) == "idno":
            authority = read_idno(child)
            if authority is not None:
                found.append(authority)
    # @sameAs is TEI's identity pointer; DraCor-style @ana holding an authority URI is honoured too.
    for uri in (element.get("sameAs") or "").split() + (element.get("ana") or "").split():
        if re.match(r"^https?://", uri):
            authority = authority_from_uri(uri)
            if authority.scheme != "URI" or uri in (element.get("sameAs") or "").split():
                found.append(authority)
    unique: dict[tuple[str, str], Authority] = {}
    for authority in found:
        unique.setdefault((authority.scheme, authority.value), authority)
    return tuple(unique.values())


def _first(root: etree._Element, path: str) -> etree._Element | None:
    found = root.xpath(path, namespaces={"t": TEI_NS})
    return found[0] if found else None


def read_document(root: etree._Element, source: str) -> DocumentInfo:
    """The document's metadata from its teiHeader (everything optional but the source name)."""
    header = _first(root, "t:teiHeader")
    title_element = None
    if header is not None:
        title_element = _first(header, "t:fileDesc/t:titleStmt/t:title[@type='main']")
        if title_element is None:
            title_element = _first(header, "t:fileDesc/t:titleStmt/t:title")
    title = text_of(title_element) if title_element is not None else source
    authors: list[Author] = []
    keywords: tuple[str, ...] = ()
    language = root.get(XML_LANG)
    publisher = published = uri = None
    created = None
    if header is not None:
        for author in header.xpath("t:fileDesc/t:titleStmt/t:author", namespaces={"t": TEI_NS}):
            named = _first(author, "t:persName|t:orgName|t:name")
            name = text_of(named if named is not None else author)
            ref = author.get("ref") or (named.get("ref") if named is not None else None)
            authorities = _authorities(author)
            if ref and re.match(r"^https?://", ref):
                authorities = (*authorities, authority_from_uri(ref))
            if name:
                authors.append(Author(name, ref, authorities))
        language_element = _first(header, "t:profileDesc/t:langUsage/t:language")
        if language is None and language_element is not None:
            language = language_element.get("ident")
        publisher_element = _first(header, "t:fileDesc/t:publicationStmt/t:publisher")
        publisher = text_of(publisher_element) if publisher_element is not None else None
        date_element = _first(header, "t:fileDesc/t:publicationStmt/t:date")
        if date_element is not None:
            value = read_date(date_element)
            published = value.iso() if value else (text_of(date_element) or None)
        created_element = _first(header, "t:profileDesc/t:creation//t:date")
        created = read_date(created_element) if created_element is not None else None
        keywords = tuple(
            text_of(term)
            for term in header.xpath("t:profileDesc/t:textClass/t:keywords//t:term", namespaces={"t": TEI_NS})
            if text_of(term)
        )
        uri_element = _first(header, "t:fileDesc/t:publicationStmt/t:idno[@type='URI' or @type='uri']")
        uri = text_of(uri_element) if uri_element is not None else None
    source_work: Work | None = None
    related: tuple[Work, ...] = ()
    editors: tuple[str, ...] = ()
    licence: str | None = None
    if header is not None:
        bibl = _first(header, "t:fileDesc/t:sourceDesc/t:bibl")
        source_work = _work(bibl, "source") if bibl is not None else None
        related = tuple(
            w
            for w in (
                _work(b, item.get("type") or "related")
                for item in header.xpath("t:fileDesc/t:sourceDesc//t:relatedItem", namespaces={"t": TEI_NS})
                for b in item.xpath("t:bibl", namespaces={"t": TEI_NS})
            )
            if w is not None
        )
        editors = tuple(
            text_of(e) for e in header.xpath("t:fileDesc/t:titleStmt/t:editor", namespaces={"t": TEI_NS}) if text_of(e)
        )
        licence_element = _first(header, "t:fileDesc/t:publicationStmt/t:availability/t:licence")
        if licence_element is not None:
            licence = licence_element.get("target") or text_of(licence_element) or None
    return DocumentInfo(
        source=source,
        id=root.get(XML_ID),
        title=title or source,
        authors=tuple(authors),
        language=language,
        publisher=publisher,
        published=published,
        created=created,
        keywords=keywords,
        uri=uri,
        source_work=source_work,
        related=related,
        editors=editors,
        licence=licence,
    )


def _work(bibl: etree._Element, relation: str) -> Work | None:
    """A work from a bibl: its own title (not a journal's), authors, journal, issue, date, place, language."""

    def child(path: str) -> str | None:
        found = _first(bibl, path)
        return (text_of(found) or None) if found is not None else None

    title_element = _first(bibl, "t:title[not(@level='j') and not(@level='s')]")
    if title_element is None:
        return None
    date_element = _first(bibl, "t:date")
    date = read_date(date_element) if date_element is not None else None
    language = _first(bibl, "t:textLang")
    return Work(
        title=text_of(title_element),
        relation=relation,
        level=title_element.get("level"),
        authors=tuple(text_of(a) for a in bibl.xpath("t:author", namespaces={"t": TEI_NS}) if text_of(a)),
        journal=child("t:title[@level='j']"),
        issue=child("t:biblScope"),
        language=language.get("mainLang") if language is not None else None,
        place=child("t:pubPlace"),
        publisher=child("t:publisher"),
        date=date.iso() if date else None,
        uri=child("t:idno[@type='URI']"),
    )


def _register_entry(element: etree._Element) -> Entity:
    names = [child for child in element if is_tei(child) and local(child) in NAME_CHILDREN]
    preferred = next((n for n in names if n.get("type") == "preferred"), names[0] if names else None)
    name = text_of(preferred) if preferred is not None else element.get(XML_ID)
    variants = []
    for other in names:
        text = text_of(other)
        if other is not preferred and text and text != name and text not in variants:
            variants.append(text)
    note = next((c for c in element if is_tei(c) and local(c) == "note"), None)
    dates = []
    for child in element:
        if not is_tei(child) or local(child) in NAME_CHILDREN or local(child) in ("note", "idno"):
            continue
        value = (
            read_date(child)
            if any(child.get(a) or child.get(f"{a}-iso") for a in ("when", "from", "to", "notBefore", "notAfter"))
            else None
        )
        if value is not None:
            fixed = local(child) in ("birth", "death", "floruit")
            label = local(child) if fixed else (child.get("type") or local(child))
            dates.append(LabelledDate(label, value))
    kind = REGISTER_ELEMENTS[local(element)]
    subtype = element.get("type") or ("group" if local(element) == "personGrp" else None)
    location = level = None
    if kind == "event":
        # An event carries its own dates and place (att.datable, att.locatable on event).
        own = (
            read_date(element) if any(element.get(a) for a in ("when", "from", "to", "notBefore", "notAfter")) else None
        )
        if own is not None:
            dates.insert(0, LabelledDate("date", own))
        where = (element.get("where") or "").split()
        location = where[0][1:] if where and where[0].startswith("#") else (where[0] if where else None)
    if kind == "work":
        level = preferred.get("level") if preferred is not None else None
    return Entity(
        id=element.get(XML_ID),
        type=kind,
        subtype=subtype,
        name=name,
        variants=tuple(variants),
        description=text_of(note, frozenset()) if note is not None else None,
        authorities=_authorities(element),
        dates=tuple(dates),
        source="register",
        location=location,
        level=level,
    )


def read_register(root: etree._Element) -> dict[str, Entity]:
    """Every register entry with an @xml:id, wherever it stands, in document order."""
    register: dict[str, Entity] = {}
    for element in root.iter(*(f"{{{TEI_NS}}}{name}" for name in REGISTER_ELEMENTS)):
        if local(element) == "bibl" and not any(is_tei(c) and local(c) == "title" for c in element):
            continue  # a bibl is a work of the register only when it names one
        if element.get(XML_ID) and element.get(XML_ID) not in register:
            register[element.get(XML_ID)] = _register_entry(element)
    return register


def prefix_definitions(root: etree._Element) -> list[tuple[str, re.Pattern, str]]:
    """The header's prefixDef declarations, so that ``wd:Q42`` style pointers expand to URIs."""
    found = []
    for definition in root.iter(f"{{{TEI_NS}}}prefixDef"):
        ident, match, replace = (
            definition.get("ident"),
            definition.get("matchPattern"),
            definition.get("replacementPattern"),
        )
        if ident and match and replace:
            try:
                found.append((ident, re.compile(match), replace))
            except re.error:
                continue
    return found


def expand_pointer(pointer: str, prefixes: list[tuple[str, re.Pattern, str]]) -> str:
    prefix, colon, rest = pointer.partition(":")
    if colon:
        for ident, pattern, replacement in prefixes:
            if ident == prefix:
                match = pattern.fullmatch(rest)
                if match:
                    result = replacement
                    for number, group in enumerate(match.groups(), start=1):
                        result = result.replace(f"${number}", group or "")
                    return result
    return pointer
