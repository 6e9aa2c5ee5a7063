"""``jsonld``: the register and the document as linked data in schema.org terms (JSON-LD 1.1).

The document (the edition: the TEI encoding, dated by its publication) is a
``CreativeWork`` that ``mentions`` every entity its text names and ``isBasedOn``
the source it encodes (``#source``, from ``sourceDesc/bibl``: an ``Article`` for a
title of level a), which is based on its related works (``relatedItem``: the
original, dated by the text's creation date, translations, other editions).
Persons are ``Person``, organisations ``Organization``, places ``Place``, works
``CreativeWork`` (``Article``, ``Periodical`` by title level), events ``Event``
(``startDate``, ``endDate``, ``location``) and names of unknown kind ``Thing``, with ``name``,
``alternateName``, ``description``, ``sameAs`` (the authority URIs of the
register), ``identifier`` (each authority identifier as a ``PropertyValue``)
and the life dates schema.org has a term for.

The context is inline (nothing is fetched) and maps terms to
``http://schema.org/``, the namespace that schema.org's own JSON-LD context
uses. Node ids are fragments (``#lenin``): they resolve against the document's
URI when the TEI declares one (``publicationStmt/idno[@type='URI']``, used as
``@base``), else against wherever the JSON-LD file is published.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from . import Exporter
from .records import Entity, Extract, Work

SCHEMA_ORG = "http://schema.org/"
TYPES = {
    "person": "Person",
    "org": "Organization",
    "place": "Place",
    "work": "CreativeWork",
    "event": "Event",
    "name": "Thing",
}
# A work's title level → its schema.org type.
WORK_TYPES = {"a": "Article", "j": "Periodical", "s": "CreativeWorkSeries"}
# Register date labels → schema.org properties, by entity type.
DATE_PROPERTIES = {
    ("person", "birth"): "birthDate",
    ("person", "death"): "deathDate",
    ("org", "founded"): "foundingDate",
    ("org", "foundation"): "foundingDate",
    ("org", "dissolved"): "dissolutionDate",
    ("org", "dissolution"): "dissolutionDate",
}
CONTEXT = {
    "@vocab": SCHEMA_ORG,
    "sameAs": {"@type": "@id"},
    "mentions": {"@type": "@id"},
    "isBasedOn": {"@type": "@id"},
    "location": {"@type": "@id"},
}
_ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$")


def node_id(entity_id: str) -> str:
    """A fragment id for an entity; ':' is percent-encoded, or JSON-LD would read ``#person:x`` as an absolute IRI."""
    return "#" + quote(entity_id, safe="/@-._~!$&'()*+,;=")


def entity_node(entity: Entity) -> dict[str, object]:
    node: dict[str, object] = {"@id": node_id(entity.id), "@type": TYPES[entity.type], "name": entity.name}
    if entity.variants:
        node["alternateName"] = list(entity.variants)
    if entity.description:
        node["description"] = entity.description
    same_as = [a.uri for a in entity.authorities if a.uri]
    if same_as:
        node["sameAs"] = same_as
    if entity.authorities:
        node["identifier"] = [
            {"@type": "PropertyValue", "propertyID": a.scheme, "value": a.value} for a in entity.authorities
        ]
    for labelled in entity.dates:
        term = DATE_PROPERTIES.get((entity.type, labelled.label.lower()))
        if term and labelled.value.when and _ISO_DATE.match(labelled.value.when):
            node[term] = labelled.value.when
    if entity.type == "work" and entity.level in WORK_TYPES:
        node["@type"] = WORK_TYPES[entity.level]
    if entity.type == "event":
        _event_dates(node, entity)
        if entity.location:
            node["location"] = node_id(entity.location) if not entity.location.startswith("http") else entity.location
    return node


def _event_dates(node: dict[str, object], entity: Entity) -> None:
    """schema.org Event: startDate and endDate from the event's own date (a point is both)."""
    own = next((d.value for d in entity.dates if d.label == "date"), None)
    if own is None:
        return
    start = own.when or own.start or own.not_before
    end = own.when or own.end or own.not_after
    if start and _ISO_DATE.match(start):
        node["startDate"] = start
    if end and _ISO_DATE.match(end):
        node["endDate"] = end


def work_node(work: Work, node_key: str, based_on: list[str], created: str | None) -> dict[str, object]:
    """The source the edition encodes, or a work related to it (its original, a translation, an edition)."""
    node: dict[str, object] = {
        "@id": node_key,
        "@type": WORK_TYPES.get(work.level or "", "CreativeWork"),
        "name": work.title,
    }
    if work.relation != "source":
        node["disambiguatingDescription"] = work.relation  # relatedItem/@type: original, translation, edition…
    if work.authors:
        node["author"] = [{"name": name} for name in work.authors]
    if work.journal:
        periodical: dict[str, object] = {"@type": "Periodical", "name": work.journal}
        node["isPartOf"] = (
            periodical
            if not work.issue
            else {"@type": "PublicationIssue", "issueNumber": work.issue, "isPartOf": periodical}
        )
    if work.language:
        node["inLanguage"] = work.language
    if work.publisher:
        node["publisher"] = {"name": work.publisher}
    if work.place:
        node["locationCreated"] = {"@type": "Place", "name": work.place}
    if work.date and _ISO_DATE.match(work.date):
        node["dateCreated" if work.relation == "original" else "datePublished"] = work.date
    if created and "dateCreated" not in node:
        node["dateCreated"] = created
    if work.uri:
        node["url"] = work.uri
    if based_on:
        node["isBasedOn"] = based_on
    return node


def work_nodes(extracted: Extract) -> tuple[list[dict[str, object]], str | None]:
    """The source and its related works, and the id of the source node (None when the header names none).

    The text's creation date (profileDesc/creation) belongs to the original when the header names one,
    else to the source: never to the edition, which is the encoding (made when it was published).
    """
    info = extracted.document
    if info.source_work is None:
        return [], None
    created = info.created.iso() if info.created is not None else None
    has_original = any(w.relation == "original" for w in info.related)
    related_ids = [f"#related-{n}" for n in range(1, len(info.related) + 1)]
    nodes = [work_node(info.source_work, "#source", related_ids, None if has_original else created)]
    for key, work in zip(related_ids, info.related, strict=True):
        nodes.append(work_node(work, key, [], created if work.relation == "original" else None))
    return nodes, "#source"


def document_node(extracted: Extract) -> dict[str, object]:
    info = extracted.document
    known = {entity.id for entity in extracted.register}
    node: dict[str, object] = {
        "@id": "" if info.uri else node_id(info.id or info.source),
        "@type": "CreativeWork",
        "name": info.title,
    }
    authors: list[dict[str, object]] = []
    for author in info.authors:
        ref = (author.ref or "")[1:] if (author.ref or "").startswith("#") else None
        if ref in known:
            authors.append({"@id": node_id(ref)})
        else:
            person: dict[str, object] = {"name": author.name}
            uris = [a.uri for a in author.authorities if a.uri]
            if uris:
                person["sameAs"] = uris
            authors.append(person)
    if authors:
        node["author"] = authors
    if info.language:
        node["inLanguage"] = info.language
    if info.publisher:
        node["publisher"] = {"@type": "Organization", "name": info.publisher}
    if info.published and _ISO_DATE.match(info.published):
        node["datePublished"] = info.published
    if info.source_work is None and info.created is not None:
        node["dateCreated"] = info.created.iso()  # no source described: the creation date is the text's
    if info.source_work is not None:
        node["isBasedOn"] = ["#source"]
        node["encodingFormat"] = "application/tei+xml"
    if info.editors:
        node["editor"] = [{"name": name} for name in info.editors]
    if info.licence:
        node["license"] = info.licence
    if info.keywords:
        node["keywords"] = list(info.keywords)
    earliest = [o.date.earliest for o in extracted.occurrences if o.date is not None and o.date.earliest]
    latest = [o.date.latest for o in extracted.occurrences if o.date is not None and o.date.earliest]
    if earliest:
        node["temporalCoverage"] = f"{min(earliest)}/{max(d for d in latest if d)}"
    mentioned = extracted.mention_counts()
    mentions = [node_id(entity.id) for entity in extracted.register if mentioned[entity.id]]
    if mentions:
        node["mentions"] = mentions
    manuscript = manuscript_node(extracted)
    if manuscript:
        node["isBasedOn"] = manuscript
    return node


def manuscript_node(extracted: Extract) -> dict[str, object] | None:
    """The msDesc as the schema.org ArchiveComponent the text is based on (shelfmark, archive, material, size, date)."""
    ms = extracted.genres.manuscript
    if not ms:
        return None
    node: dict[str, object] = {"@type": "ArchiveComponent"}
    shelfmark = ms.get("idno") or ms.get("ms_name")
    if shelfmark:
        node["name"] = shelfmark
        node["identifier"] = shelfmark
    if ms.get("repository"):
        archive: dict[str, object] = {"@type": "ArchiveOrganization", "name": ms["repository"]}
        place = ", ".join(ms[key] for key in ("settlement", "country") if ms.get(key))
        if place:
            archive["location"] = {"@type": "Place", "name": place}
        node["holdingArchive"] = archive
    for key, term in (("material", "material"), ("dimensions", "size"), ("summary", "description")):
        if ms.get(key):
            node[term] = ms[key]
    origin = [d.value for d in extracted.genres.header_dates if d.source == "origDate"]
    if origin:
        node["temporalCoverage"] = origin[0].iso()
    return node


def build(extracted: Extract) -> dict[str, object]:
    """The JSON-LD document as plain data."""
    context: dict[str, object] = dict(CONTEXT)
    if extracted.document.uri:
        context["@base"] = extracted.document.uri
    works, _ = work_nodes(extracted)
    graph = [document_node(extracted), *works] + [entity_node(entity) for entity in extracted.register]
    return {"@context": context, "@graph": graph}


def render(extracted: Extract) -> dict[str, bytes]:
    text = json.dumps(build(extracted), ensure_ascii=False, indent=2) + "\n"
    return {"jsonld": text.encode("utf-8")}


EXPORTER = Exporter(
    name="jsonld",
    description="the document, its register and its manuscript (msDesc) as schema.org linked data (JSON-LD)",
    suffixes=("jsonld",),
    needs=None,
    render=render,
)
