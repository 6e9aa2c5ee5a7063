"""``json``: the document's metadata, divisions, register and occurrences in one JSON document.

The structure is described by ``teikit-export.schema.json`` (JSON Schema draft
2020-12) beside this module: ``document``, ``divisions``, ``register`` and
``occurrences``, each occurrence pointing to its entity by ``entity`` (a
register id) and carrying its sentence, so the file stands on its own; and what
the genre adds: a play's ``cast`` (speakers and their speeches) and ``scenes``,
``letters`` (correspDesc), the ``manuscript`` (msDesc fields) and the header's
dated events (``header_dates``: origDate, correspDesc, creation).
"""

from __future__ import annotations

import json
from importlib import resources

from . import Exporter
from .genre_records import Letter
from .records import Authority, DateValue, Entity, Extract

FORMAT_VERSION = 1
SCHEMA_FILE = "teikit-export.schema.json"


def date_json(value: DateValue) -> dict[str, str]:
    """A date as JSON: its kind, one ISO 8601 string, and the TEI attributes it came from."""
    fields = {
        "when": value.when,
        "from": value.start,
        "to": value.end,
        "notBefore": value.not_before,
        "notAfter": value.not_after,
    }
    return {"kind": value.kind, "iso": value.iso(), **{k: v for k, v in fields.items() if v}}


def authority_json(authority: Authority) -> dict[str, str | None]:
    return {"scheme": authority.scheme, "value": authority.value, "uri": authority.uri}


def entity_json(entity: Entity, mentions: int) -> dict[str, object]:
    return {
        "id": entity.id,
        "type": entity.type,
        "subtype": entity.subtype,
        "name": entity.name,
        "variants": list(entity.variants),
        "description": entity.description,
        "authorities": [authority_json(a) for a in entity.authorities],
        "dates": [{"label": d.label, "date": date_json(d.value)} for d in entity.dates],
        "source": entity.source,
        "mentions": mentions,
        "location": entity.location,
        "level": entity.level,
    }


def document_json(extracted: Extract) -> dict[str, object]:
    info = extracted.document
    return {
        "source": info.source,
        "id": info.id,
        "title": info.title,
        "authors": [
            {"name": a.name, "ref": a.ref, "authorities": [authority_json(x) for x in a.authorities]}
            for a in info.authors
        ],
        "language": info.language,
        "publisher": info.publisher,
        "published": info.published,
        "created": date_json(info.created) if info.created else None,
        "keywords": list(info.keywords),
        "uri": info.uri,
    }


def build(extracted: Extract) -> dict[str, object]:
    """The export as plain JSON data (what :func:`render` serialises)."""
    counts = extracted.mention_counts()
    occurrences = []
    for occurrence in extracted.occurrences:
        block = extracted.blocks[occurrence.block]
        occurrences.append(
            {
                "index": occurrence.index,
                "entity": occurrence.entity,
                "type": occurrence.type,
                "name": extracted.entity(occurrence.entity).name if occurrence.entity else None,
                "surface": occurrence.surface,
                "element": occurrence.element,
                "division": occurrence.division,
                "block": block.locator,
                "block_kind": block.kind,
                "start": occurrence.start,
                "end": occurrence.end,
                "sentence": extracted.sentence_of(occurrence),
                "date": date_json(occurrence.date) if occurrence.date else None,
                "nested": occurrence.nested,
            }
        )
    return {
        "format": "teikit-export",
        "version": FORMAT_VERSION,
        "document": document_json(extracted),
        "divisions": [
            {"id": d.locator, "type": d.type, "heading": d.heading, "depth": d.depth} for d in extracted.divisions
        ],
        "register": [entity_json(entity, counts[entity.id]) for entity in extracted.register],
        "occurrences": occurrences,
        "cast": cast_json(extracted),
        "scenes": [
            {"id": s.locator, "heading": s.heading, "speakers": list(s.speakers)} for s in extracted.genres.scenes
        ],
        "letters": [letter_json(letter) for letter in extracted.genres.letters],
        "manuscript": extracted.genres.manuscript or None,
        "header_dates": [
            {"source": d.source, "text": d.text, "element": d.element, "date": date_json(d.value)}
            for d in extracted.genres.header_dates
        ],
    }


def cast_json(extracted: Extract) -> list[dict[str, object]]:
    """The characters who speak, with their register name and number of speeches, most speeches first."""
    cast: list[dict[str, object]] = []
    for who, speeches in sorted(extracted.genres.speeches.items(), key=lambda item: (-item[1], item[0])):
        try:
            name: str | None = extracted.entity(who).name
        except KeyError:
            name = None
        cast.append({"id": who, "name": name, "speeches": speeches})
    return cast


def letter_json(letter: Letter) -> dict[str, object]:
    return {
        "senders": [{"id": p.id, "name": p.name} for p in letter.senders],
        "addressees": [{"id": p.id, "name": p.name} for p in letter.addressees],
        "place": letter.place,
        "date": date_json(letter.date) if letter.date else None,
        "date_text": letter.date_text,
    }


def schema() -> dict[str, object]:
    """The JSON Schema of this format, as shipped in the package."""
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def render(extracted: Extract) -> dict[str, bytes]:
    text = json.dumps(build(extracted), ensure_ascii=False, indent=2) + "\n"
    return {"json": text.encode("utf-8")}


EXPORTER = Exporter(
    name="json",
    description="metadata, register, occurrences, cast, letters and msDesc in one JSON document "
    "(schema: teikit-export.schema.json)",
    suffixes=("json",),
    needs=None,
    render=render,
)
